import WasmCore
import WasmRuntime

extension SIMDExecutor {
    /// Integer lane arithmetic, comparisons and shifts (wrapping unless `_sat`).
    @inline(never)  // keeps the scalar dispatch loop small
    static func integer(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer) {
        switch opcode(pc) {
        // i8x16
        case .i8x16Eq: compare(pc, fp, U8x16.self) { $0 .== $1 }
        case .i8x16Ne: compare(pc, fp, U8x16.self) { $0 .!= $1 }
        case .i8x16LtS: compare(pc, fp, I8x16.self) { $0 .< $1 }
        case .i8x16LtU: compare(pc, fp, U8x16.self) { $0 .< $1 }
        case .i8x16GtS: compare(pc, fp, I8x16.self) { $0 .> $1 }
        case .i8x16GtU: compare(pc, fp, U8x16.self) { $0 .> $1 }
        case .i8x16LeS: compare(pc, fp, I8x16.self) { $0 .<= $1 }
        case .i8x16LeU: compare(pc, fp, U8x16.self) { $0 .<= $1 }
        case .i8x16GeS: compare(pc, fp, I8x16.self) { $0 .>= $1 }
        case .i8x16GeU: compare(pc, fp, U8x16.self) { $0 .>= $1 }
        case .i8x16Abs: unary(pc, fp, I8x16.self) { abs($0) }
        case .i8x16Neg: unary(pc, fp, I8x16.self) { 0 &- $0 }
        case .i8x16Popcnt: unary(pc, fp, U8x16.self) { v in lanewise(v) { UInt8($0.nonzeroBitCount) } }
        case .i8x16Add: binary(pc, fp, U8x16.self) { $0 &+ $1 }
        case .i8x16AddSatS: binary(pc, fp, I8x16.self) { lanewise($0, $1, addSat) }
        case .i8x16AddSatU: binary(pc, fp, U8x16.self) { lanewise($0, $1, addSat) }
        case .i8x16Sub: binary(pc, fp, U8x16.self) { $0 &- $1 }
        case .i8x16SubSatS: binary(pc, fp, I8x16.self) { lanewise($0, $1, subSat) }
        case .i8x16SubSatU: binary(pc, fp, U8x16.self) { lanewise($0, $1, subSat) }
        case .i8x16MinS: binary(pc, fp, I8x16.self) { pointwiseMin($0, $1) }
        case .i8x16MinU: binary(pc, fp, U8x16.self) { pointwiseMin($0, $1) }
        case .i8x16MaxS: binary(pc, fp, I8x16.self) { pointwiseMax($0, $1) }
        case .i8x16MaxU: binary(pc, fp, U8x16.self) { pointwiseMax($0, $1) }
        case .i8x16AvgrU: binary(pc, fp, U8x16.self) { lanewise($0, $1, average) }
        case .i8x16Shl: shift(pc, fp, U8x16.self) { $0 &<< $1 }
        case .i8x16ShrS: shift(pc, fp, I8x16.self) { $0 &>> $1 }
        case .i8x16ShrU: shift(pc, fp, U8x16.self) { $0 &>> $1 }
        // i16x8
        case .i16x8Eq: compare(pc, fp, U16x8.self) { $0 .== $1 }
        case .i16x8Ne: compare(pc, fp, U16x8.self) { $0 .!= $1 }
        case .i16x8LtS: compare(pc, fp, I16x8.self) { $0 .< $1 }
        case .i16x8LtU: compare(pc, fp, U16x8.self) { $0 .< $1 }
        case .i16x8GtS: compare(pc, fp, I16x8.self) { $0 .> $1 }
        case .i16x8GtU: compare(pc, fp, U16x8.self) { $0 .> $1 }
        case .i16x8LeS: compare(pc, fp, I16x8.self) { $0 .<= $1 }
        case .i16x8LeU: compare(pc, fp, U16x8.self) { $0 .<= $1 }
        case .i16x8GeS: compare(pc, fp, I16x8.self) { $0 .>= $1 }
        case .i16x8GeU: compare(pc, fp, U16x8.self) { $0 .>= $1 }
        case .i16x8Abs: unary(pc, fp, I16x8.self) { abs($0) }
        case .i16x8Neg: unary(pc, fp, I16x8.self) { 0 &- $0 }
        case .i16x8Q15mulrSatS: binary(pc, fp, I16x8.self) { lanewise($0, $1, q15mulr) }
        case .i16x8Add: binary(pc, fp, U16x8.self) { $0 &+ $1 }
        case .i16x8AddSatS: binary(pc, fp, I16x8.self) { lanewise($0, $1, addSat) }
        case .i16x8AddSatU: binary(pc, fp, U16x8.self) { lanewise($0, $1, addSat) }
        case .i16x8Sub: binary(pc, fp, U16x8.self) { $0 &- $1 }
        case .i16x8SubSatS: binary(pc, fp, I16x8.self) { lanewise($0, $1, subSat) }
        case .i16x8SubSatU: binary(pc, fp, U16x8.self) { lanewise($0, $1, subSat) }
        case .i16x8Mul: binary(pc, fp, U16x8.self) { $0 &* $1 }
        case .i16x8MinS: binary(pc, fp, I16x8.self) { pointwiseMin($0, $1) }
        case .i16x8MinU: binary(pc, fp, U16x8.self) { pointwiseMin($0, $1) }
        case .i16x8MaxS: binary(pc, fp, I16x8.self) { pointwiseMax($0, $1) }
        case .i16x8MaxU: binary(pc, fp, U16x8.self) { pointwiseMax($0, $1) }
        case .i16x8AvgrU: binary(pc, fp, U16x8.self) { lanewise($0, $1, average) }
        case .i16x8Shl: shift(pc, fp, U16x8.self) { $0 &<< $1 }
        case .i16x8ShrS: shift(pc, fp, I16x8.self) { $0 &>> $1 }
        case .i16x8ShrU: shift(pc, fp, U16x8.self) { $0 &>> $1 }
        // i32x4
        case .i32x4Eq: compare(pc, fp, U32x4.self) { $0 .== $1 }
        case .i32x4Ne: compare(pc, fp, U32x4.self) { $0 .!= $1 }
        case .i32x4LtS: compare(pc, fp, I32x4.self) { $0 .< $1 }
        case .i32x4LtU: compare(pc, fp, U32x4.self) { $0 .< $1 }
        case .i32x4GtS: compare(pc, fp, I32x4.self) { $0 .> $1 }
        case .i32x4GtU: compare(pc, fp, U32x4.self) { $0 .> $1 }
        case .i32x4LeS: compare(pc, fp, I32x4.self) { $0 .<= $1 }
        case .i32x4LeU: compare(pc, fp, U32x4.self) { $0 .<= $1 }
        case .i32x4GeS: compare(pc, fp, I32x4.self) { $0 .>= $1 }
        case .i32x4GeU: compare(pc, fp, U32x4.self) { $0 .>= $1 }
        case .i32x4Abs: unary(pc, fp, I32x4.self) { abs($0) }
        case .i32x4Neg: unary(pc, fp, I32x4.self) { 0 &- $0 }
        case .i32x4Add: binary(pc, fp, U32x4.self) { $0 &+ $1 }
        case .i32x4Sub: binary(pc, fp, U32x4.self) { $0 &- $1 }
        case .i32x4Mul: binary(pc, fp, U32x4.self) { $0 &* $1 }
        case .i32x4MinS: binary(pc, fp, I32x4.self) { pointwiseMin($0, $1) }
        case .i32x4MinU: binary(pc, fp, U32x4.self) { pointwiseMin($0, $1) }
        case .i32x4MaxS: binary(pc, fp, I32x4.self) { pointwiseMax($0, $1) }
        case .i32x4MaxU: binary(pc, fp, U32x4.self) { pointwiseMax($0, $1) }
        case .i32x4Shl: shift(pc, fp, U32x4.self) { $0 &<< $1 }
        case .i32x4ShrS: shift(pc, fp, I32x4.self) { $0 &>> $1 }
        case .i32x4ShrU: shift(pc, fp, U32x4.self) { $0 &>> $1 }
        // i64x2
        case .i64x2Eq: compare(pc, fp, U64x2.self) { $0 .== $1 }
        case .i64x2Ne: compare(pc, fp, U64x2.self) { $0 .!= $1 }
        case .i64x2LtS: compare(pc, fp, I64x2.self) { $0 .< $1 }
        case .i64x2GtS: compare(pc, fp, I64x2.self) { $0 .> $1 }
        case .i64x2LeS: compare(pc, fp, I64x2.self) { $0 .<= $1 }
        case .i64x2GeS: compare(pc, fp, I64x2.self) { $0 .>= $1 }
        case .i64x2Abs: unary(pc, fp, I64x2.self) { abs($0) }
        case .i64x2Neg: unary(pc, fp, I64x2.self) { 0 &- $0 }
        case .i64x2Add: binary(pc, fp, U64x2.self) { $0 &+ $1 }
        case .i64x2Sub: binary(pc, fp, U64x2.self) { $0 &- $1 }
        case .i64x2Mul: binary(pc, fp, U64x2.self) { $0 &* $1 }
        case .i64x2Shl: shift(pc, fp, U64x2.self) { $0 &<< $1 }
        case .i64x2ShrS: shift(pc, fp, I64x2.self) { $0 &>> $1 }
        case .i64x2ShrU: shift(pc, fp, U64x2.self) { $0 &>> $1 }
        default:
            preconditionFailure("not an integer SIMD instruction")
        }
    }

    // MARK: shapes of handlers

    @inline(__always)
    static func unary<V: SIMD>(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, _: V.Type, _ f: (V) -> V) {
        fp.setV128(pc[2], f(fp.v128(pc[3], as: V.self)))
    }

    @inline(__always)
    static func binary<V: SIMD>(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, _: V.Type, _ f: (V, V) -> V) {
        fp.setV128(pc[2], f(fp.v128(pc[3], as: V.self), fp.v128(pc[4], as: V.self)))
    }

    /// A lane-wise predicate: true lanes become all ones, which is exactly how a
    /// `SIMDMask` stores them (its only stored property is the lane vector).
    @inline(__always)
    static func compare<V: SIMD>(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, _: V.Type,
                                 _ f: (V, V) -> SIMDMask<V.MaskStorage>) {
        let mask = f(fp.v128(pc[3], as: V.self), fp.v128(pc[4], as: V.self))
        fp.setV128(pc[2], unsafeBitCast(mask, to: V.MaskStorage.self))
    }

    /// Shift by the i32 operand modulo the lane width (`&<<`/`&>>` mask the count).
    @inline(__always)
    static func shift<V: SIMD>(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, _: V.Type,
                               _ f: (V, V.Scalar) -> V) where V.Scalar: FixedWidthInteger {
        let count = V.Scalar(truncatingIfNeeded: fp.load(fromByteOffset: Int(pc[4]), as: UInt32.self))
        fp.setV128(pc[2], f(fp.v128(pc[3], as: V.self), count))
    }

    // MARK: lane helpers

    @inline(__always)
    static func lanewise<V: SIMD>(_ a: V, _ f: (V.Scalar) -> V.Scalar) -> V {
        var r = a
        for i in r.indices { r[i] = f(a[i]) }
        return r
    }

    @inline(__always)
    static func lanewise<V: SIMD>(_ a: V, _ b: V, _ f: (V.Scalar, V.Scalar) -> V.Scalar) -> V {
        var r = a
        for i in r.indices { r[i] = f(a[i], b[i]) }
        return r
    }

    /// Wrapping absolute value (the minimum stays the minimum).
    @inline(__always)
    static func abs<V: SIMD>(_ v: V) -> V where V.Scalar: FixedWidthInteger & SignedInteger {
        v.replacing(with: 0 &- v, where: v .< 0)
    }

    @inline(__always)
    static func addSat<T: FixedWidthInteger>(_ x: T, _ y: T) -> T {
        let (r, overflow) = x.addingReportingOverflow(y)
        return overflow ? (x < 0 ? T.min : T.max) : r
    }

    @inline(__always)
    static func subSat<T: FixedWidthInteger>(_ x: T, _ y: T) -> T {
        let (r, overflow) = x.subtractingReportingOverflow(y)
        guard overflow else { return r }
        return T.isSigned ? (x < 0 ? T.min : T.max) : T.min
    }

    /// Unsigned rounding average `(x + y + 1) / 2` without overflow.
    @inline(__always)
    static func average<T: FixedWidthInteger & UnsignedInteger>(_ x: T, _ y: T) -> T {
        T(truncatingIfNeeded: (UInt64(x) + UInt64(y) + 1) >> 1)
    }

    /// Q15 rounding multiply, saturated (only -1 * -1 overflows).
    @inline(__always)
    static func q15mulr(_ x: Int16, _ y: Int16) -> Int16 {
        Int16(clamping: (Int32(x) * Int32(y) + 0x4000) >> 15)
    }
}

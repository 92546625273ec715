import WasmCore
import WasmRuntime

/// Lane views of a v128 (Swift's SIMD types lower to vector instructions where the
/// operation has one; the rest are lane loops).
typealias U8x16 = SIMD16<UInt8>
typealias I8x16 = SIMD16<Int8>
typealias U16x8 = SIMD8<UInt16>
typealias I16x8 = SIMD8<Int16>
typealias U32x4 = SIMD4<UInt32>
typealias I32x4 = SIMD4<Int32>
typealias U64x2 = SIMD2<UInt64>
typealias I64x2 = SIMD2<Int64>
typealias F32x4 = SIMD4<Float>
typealias F64x2 = SIMD2<Double>

/// The SIMD handlers, called from the dispatch loop's `v128*` family cases so the scalar
/// loop stays as it was. Every instruction has the layout
///
///     family | opcode | words << 16 | dst | a | b | c | immediates...
///
/// (`dst`, `a`, `b`, `c` are frame byte offsets; a v128 spans two slots). Handlers read
/// all operands before writing `dst`, which may alias one of them.
enum SIMDExecutor {
    @inline(__always)
    static func opcode(_ pc: UnsafePointer<UInt32>) -> Opcode {
        Opcode(rawValue: UInt16(truncatingIfNeeded: pc[1])) ?? .nop
    }

    /// Bitwise operations, splats, lane access, shuffles, bitmasks and all/any-true.
    @inline(never)  // keeps the scalar dispatch loop small
    static func lanes(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer) {
        let dst = pc[2], a = pc[3], b = pc[4], c = pc[5]
        switch opcode(pc) {
        case .v128Not: fp.setV128(dst, ~fp.v128(a, as: U64x2.self))
        case .v128And: fp.setV128(dst, fp.v128(a, as: U64x2.self) & fp.v128(b, as: U64x2.self))
        case .v128Andnot: fp.setV128(dst, fp.v128(a, as: U64x2.self) & ~fp.v128(b, as: U64x2.self))
        case .v128Or: fp.setV128(dst, fp.v128(a, as: U64x2.self) | fp.v128(b, as: U64x2.self))
        case .v128Xor: fp.setV128(dst, fp.v128(a, as: U64x2.self) ^ fp.v128(b, as: U64x2.self))
        case .v128Bitselect:
            let x = fp.v128(a, as: U64x2.self), y = fp.v128(b, as: U64x2.self), m = fp.v128(c, as: U64x2.self)
            fp.setV128(dst, (x & m) | (y & ~m))
        case .v128AnyTrue:
            let v = fp.v128(a, as: U64x2.self)
            fp.setScalar(dst, v[0] | v[1] != 0 ? 1 : 0)

        case .i8x16Splat: fp.setV128(dst, U8x16(repeating: UInt8(truncatingIfNeeded: fp.scalar(a))))
        case .i16x8Splat: fp.setV128(dst, U16x8(repeating: UInt16(truncatingIfNeeded: fp.scalar(a))))
        case .i32x4Splat, .f32x4Splat: fp.setV128(dst, U32x4(repeating: UInt32(truncatingIfNeeded: fp.scalar(a))))
        case .i64x2Splat, .f64x2Splat: fp.setV128(dst, U64x2(repeating: fp.scalar(a)))

        case .i8x16ExtractLaneS: fp.setScalar(dst, UInt64(UInt32(bitPattern: Int32(fp.v128(a, as: I8x16.self)[Int(pc[6])]))))
        case .i8x16ExtractLaneU: fp.setScalar(dst, UInt64(fp.v128(a, as: U8x16.self)[Int(pc[6])]))
        case .i16x8ExtractLaneS: fp.setScalar(dst, UInt64(UInt32(bitPattern: Int32(fp.v128(a, as: I16x8.self)[Int(pc[6])]))))
        case .i16x8ExtractLaneU: fp.setScalar(dst, UInt64(fp.v128(a, as: U16x8.self)[Int(pc[6])]))
        case .i32x4ExtractLane, .f32x4ExtractLane: fp.setScalar(dst, UInt64(fp.v128(a, as: U32x4.self)[Int(pc[6])]))
        case .i64x2ExtractLane, .f64x2ExtractLane: fp.setScalar(dst, fp.v128(a, as: U64x2.self)[Int(pc[6])])

        case .i8x16ReplaceLane:
            var v = fp.v128(a, as: U8x16.self)
            v[Int(pc[6])] = UInt8(truncatingIfNeeded: fp.scalar(b))
            fp.setV128(dst, v)
        case .i16x8ReplaceLane:
            var v = fp.v128(a, as: U16x8.self)
            v[Int(pc[6])] = UInt16(truncatingIfNeeded: fp.scalar(b))
            fp.setV128(dst, v)
        case .i32x4ReplaceLane, .f32x4ReplaceLane:
            var v = fp.v128(a, as: U32x4.self)
            v[Int(pc[6])] = UInt32(truncatingIfNeeded: fp.scalar(b))
            fp.setV128(dst, v)
        case .i64x2ReplaceLane, .f64x2ReplaceLane:
            var v = fp.v128(a, as: U64x2.self)
            v[Int(pc[6])] = fp.scalar(b)
            fp.setV128(dst, v)

        case .i8x16Shuffle:
            let x = fp.v128(a, as: U8x16.self), y = fp.v128(b, as: U8x16.self)
            let selectors = UnsafeRawPointer(pc + 6).loadUnaligned(as: U8x16.self)
            var r = U8x16()
            for i in 0..<16 {
                let s = Int(selectors[i])
                r[i] = s < 16 ? x[s] : y[s & 15]
            }
            fp.setV128(dst, r)
        case .i8x16Swizzle:
            fp.setV128(dst, swizzle(fp.v128(a, as: U8x16.self), fp.v128(b, as: U8x16.self)))

        case .i8x16Bitmask: fp.setScalar(dst, bitmask(fp.v128(a, as: I8x16.self)))
        case .i16x8Bitmask: fp.setScalar(dst, bitmask(fp.v128(a, as: I16x8.self)))
        case .i32x4Bitmask: fp.setScalar(dst, bitmask(fp.v128(a, as: I32x4.self)))
        case .i64x2Bitmask: fp.setScalar(dst, bitmask(fp.v128(a, as: I64x2.self)))
        case .i8x16AllTrue: fp.setScalar(dst, allTrue(fp.v128(a, as: U8x16.self)))
        case .i16x8AllTrue: fp.setScalar(dst, allTrue(fp.v128(a, as: U16x8.self)))
        case .i32x4AllTrue: fp.setScalar(dst, allTrue(fp.v128(a, as: U32x4.self)))
        case .i64x2AllTrue: fp.setScalar(dst, allTrue(fp.v128(a, as: U64x2.self)))
        default:
            preconditionFailure("not a lane instruction")
        }
    }

    /// Lane i of the result is `x[s[i]]`, or 0 when the selector is 16 or more.
    @inline(__always)
    static func swizzle(_ x: U8x16, _ s: U8x16) -> U8x16 {
        var r = U8x16()
        for i in 0..<16 { r[i] = s[i] < 16 ? x[Int(s[i])] : 0 }
        return r
    }

    @inline(__always)
    static func bitmask<V: SIMD>(_ v: V) -> UInt64 where V.Scalar: FixedWidthInteger & SignedInteger {
        var m: UInt64 = 0
        for i in v.indices where v[i] < 0 { m |= 1 << UInt64(i) }
        return m
    }

    @inline(__always)
    static func allTrue<V: SIMD>(_ v: V) -> UInt64 where V.Scalar: FixedWidthInteger {
        for i in v.indices where v[i] == 0 { return 0 }
        return 1
    }
}

extension UnsafeMutableRawPointer {
    /// The v128 at frame offset `offset`, viewed as `type`.
    @inline(__always)
    func v128<T: SIMD>(_ offset: UInt32, as type: T.Type) -> T {
        loadUnaligned(fromByteOffset: Int(offset), as: T.self)
    }

    @inline(__always)
    func setV128<T: SIMD>(_ offset: UInt32, _ value: T) {
        storeBytes(of: value, toByteOffset: Int(offset), as: T.self)
    }

    /// The 64-bit slot at `offset` (scalars are zero-extended in their slot).
    @inline(__always)
    func scalar(_ offset: UInt32) -> UInt64 { load(fromByteOffset: Int(offset), as: UInt64.self) }

    @inline(__always)
    func setScalar(_ offset: UInt32, _ value: UInt64) { storeBytes(of: value, toByteOffset: Int(offset), as: UInt64.self) }
}

import WasmCore
import WasmRuntime

extension SIMDExecutor {
    /// Relaxed SIMD, with one fixed, documented choice per instruction (Docs/Interpreter.md):
    ///
    /// - `relaxed_swizzle`: as `i8x16.swizzle` (selectors >= 16 give 0).
    /// - `relaxed_trunc*`: as the saturating `trunc_sat` conversions (NaN -> 0).
    /// - `relaxed_madd`/`nmadd`: fused (one rounding): `a * b + c`, `-(a * b) + c`.
    /// - `relaxed_laneselect`: as `v128.bitselect` (every mask bit selects).
    /// - `relaxed_min`/`max`: as `min`/`max` (NaN propagates, -0 < +0).
    /// - `relaxed_q15mulr_s`: as `q15mulr_sat_s` (saturating).
    /// - `relaxed_dot_i8x16_i7x16_s` (and `_add_s`): both operands signed, sums wrap.
    @inline(never)  // keeps the scalar dispatch loop small
    static func relaxed(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer) {
        let dst = pc[2], a = pc[3], b = pc[4], c = pc[5]
        switch opcode(pc) {
        case .i8x16RelaxedSwizzle:
            fp.setV128(dst, swizzle(fp.v128(a, as: U8x16.self), fp.v128(b, as: U8x16.self)))
        case .i32x4RelaxedTruncF32x4S:
            fp.setV128(dst, truncSat(fp.v128(a, as: F32x4.self), Numerics.i32TruncSatF32S))
        case .i32x4RelaxedTruncF32x4U:
            fp.setV128(dst, truncSat(fp.v128(a, as: F32x4.self), Numerics.i32TruncSatF32U))
        case .i32x4RelaxedTruncF64x2SZero:
            let x = fp.v128(a, as: F64x2.self)
            fp.setV128(dst, U32x4(Numerics.i32TruncSatF64S(x[0]), Numerics.i32TruncSatF64S(x[1]), 0, 0))
        case .i32x4RelaxedTruncF64x2UZero:
            let x = fp.v128(a, as: F64x2.self)
            fp.setV128(dst, U32x4(Numerics.i32TruncSatF64U(x[0]), Numerics.i32TruncSatF64U(x[1]), 0, 0))
        case .f32x4RelaxedMadd:
            let x = fp.v128(a, as: F32x4.self), y = fp.v128(b, as: F32x4.self), z = fp.v128(c, as: F32x4.self)
            fp.setV128(dst, z.addingProduct(x, y))
        case .f32x4RelaxedNmadd:
            let x = fp.v128(a, as: F32x4.self), y = fp.v128(b, as: F32x4.self), z = fp.v128(c, as: F32x4.self)
            fp.setV128(dst, z.addingProduct(-x, y))
        case .f64x2RelaxedMadd:
            let x = fp.v128(a, as: F64x2.self), y = fp.v128(b, as: F64x2.self), z = fp.v128(c, as: F64x2.self)
            fp.setV128(dst, z.addingProduct(x, y))
        case .f64x2RelaxedNmadd:
            let x = fp.v128(a, as: F64x2.self), y = fp.v128(b, as: F64x2.self), z = fp.v128(c, as: F64x2.self)
            fp.setV128(dst, z.addingProduct(-x, y))
        case .i8x16RelaxedLaneselect, .i16x8RelaxedLaneselect, .i32x4RelaxedLaneselect, .i64x2RelaxedLaneselect:
            let x = fp.v128(a, as: U64x2.self), y = fp.v128(b, as: U64x2.self), m = fp.v128(c, as: U64x2.self)
            fp.setV128(dst, (x & m) | (y & ~m))
        case .f32x4RelaxedMin: binary(pc, fp, F32x4.self) { lanewise($0, $1, Numerics.f32Min) }
        case .f32x4RelaxedMax: binary(pc, fp, F32x4.self) { lanewise($0, $1, Numerics.f32Max) }
        case .f64x2RelaxedMin: binary(pc, fp, F64x2.self) { lanewise($0, $1, Numerics.f64Min) }
        case .f64x2RelaxedMax: binary(pc, fp, F64x2.self) { lanewise($0, $1, Numerics.f64Max) }
        case .i16x8RelaxedQ15mulrS: binary(pc, fp, I16x8.self) { lanewise($0, $1, q15mulr) }
        case .i16x8RelaxedDotI8x16I7x16S:
            fp.setV128(dst, dot16(fp.v128(a, as: I8x16.self), fp.v128(b, as: I8x16.self)))
        case .i32x4RelaxedDotI8x16I7x16AddS:
            let pairs = dot16(fp.v128(a, as: I8x16.self), fp.v128(b, as: I8x16.self))
            let sums = I32x4(truncatingIfNeeded: pairs.evenHalf) &+ I32x4(truncatingIfNeeded: pairs.oddHalf)
            fp.setV128(dst, sums &+ fp.v128(c, as: I32x4.self))
        default:
            preconditionFailure("not a relaxed SIMD instruction")
        }
    }

    /// Signed 8-bit products summed in adjacent pairs into wrapping 16-bit lanes.
    @inline(__always)
    static func dot16(_ x: I8x16, _ y: I8x16) -> I16x8 {
        let even = I16x8(truncatingIfNeeded: x.evenHalf) &* I16x8(truncatingIfNeeded: y.evenHalf)
        let odd = I16x8(truncatingIfNeeded: x.oddHalf) &* I16x8(truncatingIfNeeded: y.oddHalf)
        return even &+ odd
    }
}

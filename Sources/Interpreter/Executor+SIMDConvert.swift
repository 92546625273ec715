import WasmCore
import WasmRuntime

extension SIMDExecutor {
    /// Lane-shape changes: extension, narrowing (saturating), extended multiplies and
    /// pairwise additions, dot products and int/float conversions (saturating truncation).
    @inline(never)  // keeps the scalar dispatch loop small
    static func convert(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer) {
        let dst = pc[2], a = pc[3], b = pc[4]
        switch opcode(pc) {
        case .i16x8ExtendLowI8x16S: fp.setV128(dst, I16x8(truncatingIfNeeded: fp.v128(a, as: I8x16.self).lowHalf))
        case .i16x8ExtendHighI8x16S: fp.setV128(dst, I16x8(truncatingIfNeeded: fp.v128(a, as: I8x16.self).highHalf))
        case .i16x8ExtendLowI8x16U: fp.setV128(dst, U16x8(truncatingIfNeeded: fp.v128(a, as: U8x16.self).lowHalf))
        case .i16x8ExtendHighI8x16U: fp.setV128(dst, U16x8(truncatingIfNeeded: fp.v128(a, as: U8x16.self).highHalf))
        case .i32x4ExtendLowI16x8S: fp.setV128(dst, I32x4(truncatingIfNeeded: fp.v128(a, as: I16x8.self).lowHalf))
        case .i32x4ExtendHighI16x8S: fp.setV128(dst, I32x4(truncatingIfNeeded: fp.v128(a, as: I16x8.self).highHalf))
        case .i32x4ExtendLowI16x8U: fp.setV128(dst, U32x4(truncatingIfNeeded: fp.v128(a, as: U16x8.self).lowHalf))
        case .i32x4ExtendHighI16x8U: fp.setV128(dst, U32x4(truncatingIfNeeded: fp.v128(a, as: U16x8.self).highHalf))
        case .i64x2ExtendLowI32x4S: fp.setV128(dst, I64x2(truncatingIfNeeded: fp.v128(a, as: I32x4.self).lowHalf))
        case .i64x2ExtendHighI32x4S: fp.setV128(dst, I64x2(truncatingIfNeeded: fp.v128(a, as: I32x4.self).highHalf))
        case .i64x2ExtendLowI32x4U: fp.setV128(dst, U64x2(truncatingIfNeeded: fp.v128(a, as: U32x4.self).lowHalf))
        case .i64x2ExtendHighI32x4U: fp.setV128(dst, U64x2(truncatingIfNeeded: fp.v128(a, as: U32x4.self).highHalf))

        case .i8x16NarrowI16x8S:
            let x = fp.v128(a, as: I16x8.self), y = fp.v128(b, as: I16x8.self)
            var r = I8x16()
            for i in 0..<8 { r[i] = Int8(clamping: x[i]); r[i + 8] = Int8(clamping: y[i]) }
            fp.setV128(dst, r)
        case .i8x16NarrowI16x8U:
            let x = fp.v128(a, as: I16x8.self), y = fp.v128(b, as: I16x8.self)
            var r = U8x16()
            for i in 0..<8 { r[i] = UInt8(clamping: x[i]); r[i + 8] = UInt8(clamping: y[i]) }
            fp.setV128(dst, r)
        case .i16x8NarrowI32x4S:
            let x = fp.v128(a, as: I32x4.self), y = fp.v128(b, as: I32x4.self)
            var r = I16x8()
            for i in 0..<4 { r[i] = Int16(clamping: x[i]); r[i + 4] = Int16(clamping: y[i]) }
            fp.setV128(dst, r)
        case .i16x8NarrowI32x4U:
            let x = fp.v128(a, as: I32x4.self), y = fp.v128(b, as: I32x4.self)
            var r = U16x8()
            for i in 0..<4 { r[i] = UInt16(clamping: x[i]); r[i + 4] = UInt16(clamping: y[i]) }
            fp.setV128(dst, r)

        case .i16x8ExtmulLowI8x16S, .i16x8ExtmulHighI8x16S:
            let x = fp.v128(a, as: I8x16.self), y = fp.v128(b, as: I8x16.self)
            let high = opcode(pc) == .i16x8ExtmulHighI8x16S
            fp.setV128(dst, I16x8(truncatingIfNeeded: high ? x.highHalf : x.lowHalf) &* I16x8(truncatingIfNeeded: high ? y.highHalf : y.lowHalf))
        case .i16x8ExtmulLowI8x16U, .i16x8ExtmulHighI8x16U:
            let x = fp.v128(a, as: U8x16.self), y = fp.v128(b, as: U8x16.self)
            let high = opcode(pc) == .i16x8ExtmulHighI8x16U
            fp.setV128(dst, U16x8(truncatingIfNeeded: high ? x.highHalf : x.lowHalf) &* U16x8(truncatingIfNeeded: high ? y.highHalf : y.lowHalf))
        case .i32x4ExtmulLowI16x8S, .i32x4ExtmulHighI16x8S:
            let x = fp.v128(a, as: I16x8.self), y = fp.v128(b, as: I16x8.self)
            let high = opcode(pc) == .i32x4ExtmulHighI16x8S
            fp.setV128(dst, I32x4(truncatingIfNeeded: high ? x.highHalf : x.lowHalf) &* I32x4(truncatingIfNeeded: high ? y.highHalf : y.lowHalf))
        case .i32x4ExtmulLowI16x8U, .i32x4ExtmulHighI16x8U:
            let x = fp.v128(a, as: U16x8.self), y = fp.v128(b, as: U16x8.self)
            let high = opcode(pc) == .i32x4ExtmulHighI16x8U
            fp.setV128(dst, U32x4(truncatingIfNeeded: high ? x.highHalf : x.lowHalf) &* U32x4(truncatingIfNeeded: high ? y.highHalf : y.lowHalf))
        case .i64x2ExtmulLowI32x4S, .i64x2ExtmulHighI32x4S:
            let x = fp.v128(a, as: I32x4.self), y = fp.v128(b, as: I32x4.self)
            let high = opcode(pc) == .i64x2ExtmulHighI32x4S
            fp.setV128(dst, I64x2(truncatingIfNeeded: high ? x.highHalf : x.lowHalf) &* I64x2(truncatingIfNeeded: high ? y.highHalf : y.lowHalf))
        case .i64x2ExtmulLowI32x4U, .i64x2ExtmulHighI32x4U:
            let x = fp.v128(a, as: U32x4.self), y = fp.v128(b, as: U32x4.self)
            let high = opcode(pc) == .i64x2ExtmulHighI32x4U
            fp.setV128(dst, U64x2(truncatingIfNeeded: high ? x.highHalf : x.lowHalf) &* U64x2(truncatingIfNeeded: high ? y.highHalf : y.lowHalf))

        case .i16x8ExtaddPairwiseI8x16S:
            let x = fp.v128(a, as: I8x16.self)
            fp.setV128(dst, I16x8(truncatingIfNeeded: x.evenHalf) &+ I16x8(truncatingIfNeeded: x.oddHalf))
        case .i16x8ExtaddPairwiseI8x16U:
            let x = fp.v128(a, as: U8x16.self)
            fp.setV128(dst, U16x8(truncatingIfNeeded: x.evenHalf) &+ U16x8(truncatingIfNeeded: x.oddHalf))
        case .i32x4ExtaddPairwiseI16x8S:
            let x = fp.v128(a, as: I16x8.self)
            fp.setV128(dst, I32x4(truncatingIfNeeded: x.evenHalf) &+ I32x4(truncatingIfNeeded: x.oddHalf))
        case .i32x4ExtaddPairwiseI16x8U:
            let x = fp.v128(a, as: U16x8.self)
            fp.setV128(dst, U32x4(truncatingIfNeeded: x.evenHalf) &+ U32x4(truncatingIfNeeded: x.oddHalf))
        case .i32x4DotI16x8S:
            let x = fp.v128(a, as: I16x8.self), y = fp.v128(b, as: I16x8.self)
            let even = I32x4(truncatingIfNeeded: x.evenHalf) &* I32x4(truncatingIfNeeded: y.evenHalf)
            let odd = I32x4(truncatingIfNeeded: x.oddHalf) &* I32x4(truncatingIfNeeded: y.oddHalf)
            fp.setV128(dst, even &+ odd)

        case .i32x4TruncSatF32x4S:
            fp.setV128(dst, truncSat(fp.v128(a, as: F32x4.self), Numerics.i32TruncSatF32S))
        case .i32x4TruncSatF32x4U:
            fp.setV128(dst, truncSat(fp.v128(a, as: F32x4.self), Numerics.i32TruncSatF32U))
        case .i32x4TruncSatF64x2SZero:
            let x = fp.v128(a, as: F64x2.self)
            fp.setV128(dst, U32x4(Numerics.i32TruncSatF64S(x[0]), Numerics.i32TruncSatF64S(x[1]), 0, 0))
        case .i32x4TruncSatF64x2UZero:
            let x = fp.v128(a, as: F64x2.self)
            fp.setV128(dst, U32x4(Numerics.i32TruncSatF64U(x[0]), Numerics.i32TruncSatF64U(x[1]), 0, 0))
        case .f32x4ConvertI32x4S:
            let x = fp.v128(a, as: I32x4.self)
            fp.setV128(dst, F32x4(Float(x[0]), Float(x[1]), Float(x[2]), Float(x[3])))
        case .f32x4ConvertI32x4U:
            let x = fp.v128(a, as: U32x4.self)
            fp.setV128(dst, F32x4(Float(x[0]), Float(x[1]), Float(x[2]), Float(x[3])))
        case .f64x2ConvertLowI32x4S:
            let x = fp.v128(a, as: I32x4.self)
            fp.setV128(dst, F64x2(Double(x[0]), Double(x[1])))
        case .f64x2ConvertLowI32x4U:
            let x = fp.v128(a, as: U32x4.self)
            fp.setV128(dst, F64x2(Double(x[0]), Double(x[1])))
        case .f32x4DemoteF64x2Zero:
            let x = fp.v128(a, as: F64x2.self)
            fp.setV128(dst, F32x4(Numerics.f32DemoteF64(x[0]), Numerics.f32DemoteF64(x[1]), 0, 0))
        case .f64x2PromoteLowF32x4:
            let x = fp.v128(a, as: F32x4.self)
            fp.setV128(dst, F64x2(Numerics.f64PromoteF32(x[0]), Numerics.f64PromoteF32(x[1])))
        default:
            preconditionFailure("not a SIMD conversion")
        }
    }

    @inline(__always)
    static func truncSat(_ x: F32x4, _ f: (Float) -> UInt32) -> U32x4 {
        U32x4(f(x[0]), f(x[1]), f(x[2]), f(x[3]))
    }
}

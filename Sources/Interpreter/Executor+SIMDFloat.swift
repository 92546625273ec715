import WasmCore
import WasmRuntime

extension SIMDExecutor {
    /// Float lane arithmetic and comparisons. Arithmetic uses the hardware's IEEE
    /// operations (NaN results are arithmetic NaNs, as the scalar instructions'); min, max
    /// and rounding use the scalar Wasm semantics of `Numerics` lane by lane; abs and neg
    /// only touch the sign bit (no NaN canonicalisation).
    @inline(never)  // keeps the scalar dispatch loop small
    static func float(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer) {
        switch opcode(pc) {
        case .f32x4Eq: compare(pc, fp, F32x4.self) { $0 .== $1 }
        case .f32x4Ne: compare(pc, fp, F32x4.self) { $0 .!= $1 }
        case .f32x4Lt: compare(pc, fp, F32x4.self) { $0 .< $1 }
        case .f32x4Gt: compare(pc, fp, F32x4.self) { $0 .> $1 }
        case .f32x4Le: compare(pc, fp, F32x4.self) { $0 .<= $1 }
        case .f32x4Ge: compare(pc, fp, F32x4.self) { $0 .>= $1 }
        case .f64x2Eq: compare(pc, fp, F64x2.self) { $0 .== $1 }
        case .f64x2Ne: compare(pc, fp, F64x2.self) { $0 .!= $1 }
        case .f64x2Lt: compare(pc, fp, F64x2.self) { $0 .< $1 }
        case .f64x2Gt: compare(pc, fp, F64x2.self) { $0 .> $1 }
        case .f64x2Le: compare(pc, fp, F64x2.self) { $0 .<= $1 }
        case .f64x2Ge: compare(pc, fp, F64x2.self) { $0 .>= $1 }

        case .f32x4Abs: unary(pc, fp, U32x4.self) { $0 & 0x7FFF_FFFF }
        case .f32x4Neg: unary(pc, fp, U32x4.self) { $0 ^ 0x8000_0000 }
        case .f64x2Abs: unary(pc, fp, U64x2.self) { $0 & 0x7FFF_FFFF_FFFF_FFFF }
        case .f64x2Neg: unary(pc, fp, U64x2.self) { $0 ^ 0x8000_0000_0000_0000 }
        case .f32x4Sqrt: unary(pc, fp, F32x4.self) { $0.squareRoot() }
        case .f64x2Sqrt: unary(pc, fp, F64x2.self) { $0.squareRoot() }
        case .f32x4Ceil: unary(pc, fp, F32x4.self) { lanewise($0, Numerics.f32Ceil) }
        case .f32x4Floor: unary(pc, fp, F32x4.self) { lanewise($0, Numerics.f32Floor) }
        case .f32x4Trunc: unary(pc, fp, F32x4.self) { lanewise($0, Numerics.f32Trunc) }
        case .f32x4Nearest: unary(pc, fp, F32x4.self) { lanewise($0, Numerics.f32Nearest) }
        case .f64x2Ceil: unary(pc, fp, F64x2.self) { lanewise($0, Numerics.f64Ceil) }
        case .f64x2Floor: unary(pc, fp, F64x2.self) { lanewise($0, Numerics.f64Floor) }
        case .f64x2Trunc: unary(pc, fp, F64x2.self) { lanewise($0, Numerics.f64Trunc) }
        case .f64x2Nearest: unary(pc, fp, F64x2.self) { lanewise($0, Numerics.f64Nearest) }

        case .f32x4Add: binary(pc, fp, F32x4.self) { $0 + $1 }
        case .f32x4Sub: binary(pc, fp, F32x4.self) { $0 - $1 }
        case .f32x4Mul: binary(pc, fp, F32x4.self) { $0 * $1 }
        case .f32x4Div: binary(pc, fp, F32x4.self) { $0 / $1 }
        case .f32x4Min: binary(pc, fp, F32x4.self) { lanewise($0, $1, Numerics.f32Min) }
        case .f32x4Max: binary(pc, fp, F32x4.self) { lanewise($0, $1, Numerics.f32Max) }
        case .f32x4Pmin: binary(pc, fp, F32x4.self) { lanewise($0, $1) { x, y in y < x ? y : x } }
        case .f32x4Pmax: binary(pc, fp, F32x4.self) { lanewise($0, $1) { x, y in x < y ? y : x } }
        case .f64x2Add: binary(pc, fp, F64x2.self) { $0 + $1 }
        case .f64x2Sub: binary(pc, fp, F64x2.self) { $0 - $1 }
        case .f64x2Mul: binary(pc, fp, F64x2.self) { $0 * $1 }
        case .f64x2Div: binary(pc, fp, F64x2.self) { $0 / $1 }
        case .f64x2Min: binary(pc, fp, F64x2.self) { lanewise($0, $1, Numerics.f64Min) }
        case .f64x2Max: binary(pc, fp, F64x2.self) { lanewise($0, $1, Numerics.f64Max) }
        case .f64x2Pmin: binary(pc, fp, F64x2.self) { lanewise($0, $1) { x, y in y < x ? y : x } }
        case .f64x2Pmax: binary(pc, fp, F64x2.self) { lanewise($0, $1) { x, y in x < y ? y : x } }
        default:
            preconditionFailure("not a float SIMD instruction")
        }
    }
}

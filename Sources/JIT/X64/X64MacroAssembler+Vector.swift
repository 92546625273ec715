import Assembler
import WasmCore

// SIMD operations inline, on v128 values in XMM registers (the allocatable float ones;
// xmm0, xmm14 and xmm15 as scratch), for the lane-wise operations SSE2 does in one or a few
// instructions (SSE4.1 ones when the CPU has it, `X64CPU`). Everything else goes to
// `SIMDRunner` (Docs/JIT.md, "SIMD").
extension X64MacroAssembler {
    private static let v0 = X64Regs.floatScratch2        // xmm15
    private static let v1 = XMMRegister(14)
    private static let v2 = X64Regs.floatScratch         // xmm0

    /// How a binary operation maps to packed instructions: the instruction, with its
    /// operands swapped (`a < b` as `b > a`, `a & ~b` as `~b & a`) and/or its result
    /// complemented (`ne` as `not eq`).
    private struct Binary {
        var op: X64PackedOp
        var swapped = false
        var complemented = false
    }

    private static func binary(_ op: Opcode) -> Binary? {
        switch op {
        case .i8x16Add: Binary(op: .paddb)
        case .i16x8Add: Binary(op: .paddw)
        case .i32x4Add: Binary(op: .paddd)
        case .i64x2Add: Binary(op: .paddq)
        case .i8x16Sub: Binary(op: .psubb)
        case .i16x8Sub: Binary(op: .psubw)
        case .i32x4Sub: Binary(op: .psubd)
        case .i64x2Sub: Binary(op: .psubq)
        case .i16x8Mul: Binary(op: .pmullw)
        case .i32x4Mul: Binary(op: .pmulld)
        case .v128And: Binary(op: .pand)
        case .v128Or: Binary(op: .por)
        case .v128Xor: Binary(op: .pxor)
        case .v128Andnot: Binary(op: .pandn, swapped: true)
        case .i8x16Eq: Binary(op: .pcmpeqb)
        case .i16x8Eq: Binary(op: .pcmpeqw)
        case .i32x4Eq: Binary(op: .pcmpeqd)
        case .i8x16Ne: Binary(op: .pcmpeqb, complemented: true)
        case .i16x8Ne: Binary(op: .pcmpeqw, complemented: true)
        case .i32x4Ne: Binary(op: .pcmpeqd, complemented: true)
        case .i8x16GtS: Binary(op: .pcmpgtb)
        case .i16x8GtS: Binary(op: .pcmpgtw)
        case .i32x4GtS: Binary(op: .pcmpgtd)
        case .i8x16LtS: Binary(op: .pcmpgtb, swapped: true)
        case .i16x8LtS: Binary(op: .pcmpgtw, swapped: true)
        case .i32x4LtS: Binary(op: .pcmpgtd, swapped: true)
        case .i8x16LeS: Binary(op: .pcmpgtb, complemented: true)
        case .i16x8LeS: Binary(op: .pcmpgtw, complemented: true)
        case .i32x4LeS: Binary(op: .pcmpgtd, complemented: true)
        case .i8x16GeS: Binary(op: .pcmpgtb, swapped: true, complemented: true)
        case .i16x8GeS: Binary(op: .pcmpgtw, swapped: true, complemented: true)
        case .i32x4GeS: Binary(op: .pcmpgtd, swapped: true, complemented: true)
        case .i8x16AddSatS: Binary(op: .paddsb)
        case .i8x16AddSatU: Binary(op: .paddusb)
        case .i16x8AddSatS: Binary(op: .paddsw)
        case .i16x8AddSatU: Binary(op: .paddusw)
        case .i8x16SubSatS: Binary(op: .psubsb)
        case .i8x16SubSatU: Binary(op: .psubusb)
        case .i16x8SubSatS: Binary(op: .psubsw)
        case .i16x8SubSatU: Binary(op: .psubusw)
        case .i8x16MinU: Binary(op: .pminub)
        case .i8x16MaxU: Binary(op: .pmaxub)
        case .i16x8MinS: Binary(op: .pminsw)
        case .i16x8MaxS: Binary(op: .pmaxsw)
        case .i8x16MinS: Binary(op: .pminsb)
        case .i8x16MaxS: Binary(op: .pmaxsb)
        case .i16x8MinU: Binary(op: .pminuw)
        case .i16x8MaxU: Binary(op: .pmaxuw)
        case .i32x4MinS: Binary(op: .pminsd)
        case .i32x4MaxS: Binary(op: .pmaxsd)
        case .i32x4MinU: Binary(op: .pminud)
        case .i32x4MaxU: Binary(op: .pmaxud)
        case .i8x16AvgrU: Binary(op: .pavgb)
        case .i16x8AvgrU: Binary(op: .pavgw)
        case .i8x16NarrowI16x8S: Binary(op: .packsswb)
        case .i8x16NarrowI16x8U: Binary(op: .packuswb)
        case .i16x8NarrowI32x4S: Binary(op: .packssdw)
        case .i16x8NarrowI32x4U: Binary(op: .packusdw)
        // Any NaN the operations produce is allowed (the spec's nondeterministic NaNs).
        case .f32x4Add: Binary(op: .addps)
        case .f32x4Sub: Binary(op: .subps)
        case .f32x4Mul: Binary(op: .mulps)
        case .f32x4Div: Binary(op: .divps)
        case .f64x2Add: Binary(op: .addpd)
        case .f64x2Sub: Binary(op: .subpd)
        case .f64x2Mul: Binary(op: .mulpd)
        case .f64x2Div: Binary(op: .divpd)
        default: nil
        }
    }

    static var keepsVectorsInRegisters: Bool { true }

    mutating func loadVector(_ dst: FPR, slot: Int32) { a.loadVector(dst, mem(X64Regs.fp, slot)) }
    mutating func storeVector(slot: Int32, _ src: FPR) { a.storeVector(mem(X64Regs.fp, slot), src) }

    /// All ones in `r` (`pcmpeqd r, r`).
    private mutating func allOnes(_ r: XMMRegister) { a.packed(.pcmpeqd, r, r) }

    func inlinesVector(_ op: Opcode) -> Bool {
        switch op {
        case .i64x2Splat, .f64x2Splat, .i32x4Splat, .f32x4Splat, .v128Load, .v128Store, .i64x2Mul, .v128Not,
             .i8x16Neg, .i16x8Neg, .i32x4Neg, .i64x2Neg, .f32x4Sqrt, .f64x2Sqrt:
            return true
        default:
            if Self.shift(op) != nil { return true }
            guard let b = Self.binary(op) else { return false }
            return !b.op.needsSSE41 || X64CPU.hasSSE41
        }
    }

    mutating func copyVectorSlot(_ dst: Int32, from src: Int32) {
        guard dst != src else { return }
        loadVector(Self.v0, slot: src)
        storeVector(slot: dst, Self.v0)
    }

    mutating func vectorConstant(_ dst: Int32, low: UInt64, high: UInt64) {
        vectorConstant(Self.v0, low: low, high: high)
        storeVector(slot: dst, Self.v0)
    }

    mutating func vectorConstant(_ dst: FPR, low: UInt64, high: UInt64) {
        if low == 0 && high == 0 {
            a.packed(.pxor, dst, dst)
            return
        }
        a.mov(X64Regs.scratch, imm: low)
        a.mov(dst, X64Regs.scratch)
        if high != low {
            a.mov(X64Regs.scratch, imm: high)
            a.mov(Self.v1, X64Regs.scratch)
        }
        a.packed(.punpcklqdq, dst, high == low ? dst : Self.v1)
    }

    mutating func vectorSplat(_ op: Opcode, dst: FPR, value: GPR) {
        if op == .i32x4Splat || op == .f32x4Splat {
            a.mov(dst, value, .b32)
            a.pshufd(dst, dst, 0)
        } else {
            a.mov(dst, value)
            a.packed(.punpcklqdq, dst, dst)
        }
    }

    mutating func vectorBinary(_ op: Opcode, dst: FPR, lhs: FPR, rhs: FPR) {
        if op == .i64x2Mul {
            multiply64x2(dst: dst, lhs: lhs, rhs: rhs)
            return
        }
        guard let b = Self.binary(op) else { preconditionFailure("\(op.name) is not inline") }
        if b.swapped {
            a.mov(Self.v0, rhs)
            a.packed(b.op, Self.v0, lhs)
            a.mov(dst, Self.v0)
        } else {
            a.mov(dst, lhs)
            a.packed(b.op, dst, rhs)
        }
        if b.complemented {
            allOnes(Self.v1)
            a.packed(.pxor, dst, Self.v1)
        }
    }

    /// i64x2.mul from 32x32->64 products: lo(a)lo(b) + ((hi(a)lo(b) + lo(a)hi(b)) << 32).
    private mutating func multiply64x2(dst: FPR, lhs: FPR, rhs: FPR) {
        let t = Self.v0, u = Self.v1, x = Self.v2
        a.mov(t, lhs)
        a.packed(.psrlq, t, imm: 32)
        a.packed(.pmuludq, t, rhs)         // hi(a) lo(b)
        a.mov(u, rhs)
        a.packed(.psrlq, u, imm: 32)
        a.packed(.pmuludq, u, lhs)         // hi(b) lo(a)
        a.packed(.paddq, t, u)
        a.packed(.psllq, t, imm: 32)
        a.mov(x, lhs)
        a.packed(.pmuludq, x, rhs)         // lo(a) lo(b)
        a.packed(.paddq, x, t)
        a.mov(dst, x)
    }

    mutating func vectorUnary(_ op: Opcode, dst: FPR, src: FPR) {
        switch op {
        case .v128Not:
            allOnes(Self.v0)
            a.mov(dst, src)
            a.packed(.pxor, dst, Self.v0)
        case .i8x16Neg, .i16x8Neg, .i32x4Neg, .i64x2Neg:
            let sub: X64PackedOp = op == .i8x16Neg ? .psubb : op == .i16x8Neg ? .psubw : op == .i32x4Neg ? .psubd : .psubq
            a.packed(.pxor, Self.v0, Self.v0)
            a.packed(sub, Self.v0, src)
            a.mov(dst, Self.v0)
        case .f32x4Sqrt, .f64x2Sqrt:
            a.packed(op == .f32x4Sqrt ? .sqrtps : .sqrtpd, dst, src)
        default:
            preconditionFailure("\(op.name) is not inline")
        }
    }

    /// The packed shift of `op` and its lane width in bits; bytes have no SSE shift and
    /// i64x2.shr_s no SSE2 one.
    private static func shift(_ op: Opcode) -> (X64PackedOp, Int32)? {
        switch op {
        case .i16x8Shl: (.psllw, 16)
        case .i16x8ShrS: (.psraw, 16)
        case .i16x8ShrU: (.psrlw, 16)
        case .i32x4Shl: (.pslld, 32)
        case .i32x4ShrS: (.psrad, 32)
        case .i32x4ShrU: (.psrld, 32)
        case .i64x2Shl: (.psllq, 64)
        case .i64x2ShrU: (.psrlq, 64)
        default: nil
        }
    }

    mutating func vectorShift(_ op: Opcode, dst: FPR, count: GPR) {
        guard let (shift, bits) = Self.shift(op) else { preconditionFailure("\(op.name) is not inline") }
        // The count is taken modulo the lane width, as Wasm defines it.
        a.mov(X64Regs.scratch, count, .b32)
        a.alu(.and, X64Regs.scratch, imm: bits - 1, .b32)
        a.mov(Self.v1, X64Regs.scratch, .b32)
        a.packed(shift, dst, Self.v1)
    }

    mutating func vectorLoad(_ access: MemoryAccess, dst: FPR, address: GPR, offset: UInt64) {
        let m = checkedAddress(address, offset: offset, size: 16, in: access)
        accessSite(access)
        a.loadVector(dst, m)
    }

    mutating func vectorStore(_ access: MemoryAccess, address: GPR, offset: UInt64, src: FPR) {
        let m = checkedAddress(address, offset: offset, size: 16, in: access)
        accessSite(access)
        a.storeVector(m, src)
    }
}

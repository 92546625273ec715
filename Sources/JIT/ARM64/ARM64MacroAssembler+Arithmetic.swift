import Assembler
import WasmCore

// Integer arithmetic, compares and selects. A64 operations take three registers and the
// w forms clear the upper half, so 32-bit results come out zero-extended with no extra
// instruction; shift and rotate amounts are taken modulo the width by the hardware.
extension ARM64MacroAssembler {
    /// Puts `rhs` in a register: itself, or `into` (a scratch) for immediates and slots.
    mutating func materialize(_ rhs: MacroOperand<GPR>, into r: GPR, is64: Bool) -> GPR {
        if case .reg(let x) = rhs { return x }
        if case .imm(0) = rhs { return .zr }
        move(r, rhs, is64: is64)
        return r
    }

    mutating func intBinary(_ op: IntBinaryOp, is64: Bool, dst: GPR, lhs: GPR, rhs: MacroOperand<GPR>) {
        let w = Self.width(is64)
        let bits = is64 ? 64 : 32
        if case .imm(let v) = rhs {
            let amount = Int(truncatingIfNeeded: v) & (bits - 1)
            switch op {
            case .add: a.add(dst, lhs, imm: v, w, scratch: ARM64Regs.scratch2); return
            case .sub: a.sub(dst, lhs, imm: v, w, scratch: ARM64Regs.scratch2); return
            case .and: a.logical(.and, dst, lhs, imm: UInt64(bitPattern: v), w, scratch: ARM64Regs.scratch2); return
            case .or: a.logical(.orr, dst, lhs, imm: UInt64(bitPattern: v), w, scratch: ARM64Regs.scratch2); return
            case .xor: a.logical(.eor, dst, lhs, imm: UInt64(bitPattern: v), w, scratch: ARM64Regs.scratch2); return
            case .shl: a.lsl(dst, lhs, imm: amount, w); return
            case .shrS: a.asr(dst, lhs, imm: amount, w); return
            case .shrU: a.lsr(dst, lhs, imm: amount, w); return
            case .rotl: a.ror(dst, lhs, imm: (bits - amount) & (bits - 1), w); return
            case .rotr: a.ror(dst, lhs, imm: amount, w); return
            case .mul, .divS, .divU, .remS, .remU: break
            }
        }
        let r = materialize(rhs, into: ARM64Regs.scratch2, is64: is64)
        switch op {
        case .add: a.add(dst, lhs, r, w)
        case .sub: a.sub(dst, lhs, r, w)
        case .and: a.and(dst, lhs, r, w)
        case .or: a.orr(dst, lhs, r, w)
        case .xor: a.eor(dst, lhs, r, w)
        case .mul: a.mul(dst, lhs, r, w)
        case .shl: a.lsl(dst, lhs, r, w)
        case .shrS: a.asr(dst, lhs, r, w)
        case .shrU: a.lsr(dst, lhs, r, w)
        case .rotr: a.ror(dst, lhs, r, w)
        case .rotl:
            // A left rotation is a right one by the negated count (taken modulo the width).
            a.neg(ARM64Regs.scratch, r, w)
            a.ror(dst, lhs, ARM64Regs.scratch, w)
        case .divS, .divU, .remS, .remU:
            divide(op, is64: is64, dst: dst, lhs: lhs, rhs: r, known: rhs)
        }
    }

    /// sdiv/udiv do not trap (x / 0 = 0, INT_MIN / -1 = INT_MIN), so the Wasm traps are
    /// explicit checks, left out when an immediate divisor rules them out. Remainders are
    /// `lhs - (lhs / rhs) * rhs` (msub); INT_MIN % -1 comes out 0 without a check.
    private mutating func divide(_ op: IntBinaryOp, is64: Bool, dst: GPR, lhs: GPR, rhs: GPR,
                                 known: MacroOperand<GPR>) {
        let w = Self.width(is64)
        var divisor: Int64?
        if case .imm(let v) = known { divisor = is64 ? v : Int64(Int32(truncatingIfNeeded: v)) }
        if divisor == nil || divisor == 0 {
            a.cbz(rhs, trapLabel(.integerDivideByZero), w)
        }
        if op == .divS && (divisor == nil || divisor == -1) {
            // V is set by `lhs - 1` only for INT_MIN; ccmp leaves V clear unless rhs == -1.
            if divisor == nil {
                a.cmn(rhs, imm12: 1, w)
                a.ccmp(lhs, imm5: 1, nzcv: 0, .eq, w)
            } else {
                a.cmp(lhs, imm12: 1, w)
            }
            trapIf(.vs, .integerOverflow)
        }
        let signed = op == .divS || op == .remS
        let quotient = op == .divS || op == .divU ? dst : ARM64Regs.scratch
        if signed { a.sdiv(quotient, lhs, rhs, w) } else { a.udiv(quotient, lhs, rhs, w) }
        if quotient != dst { a.msub(dst, quotient, rhs, lhs, w) }
    }

    mutating func intUnary(_ op: IntUnaryOp, is64: Bool, dst: GPR, src: GPR) {
        let w = Self.width(is64)
        switch op {
        case .clz: a.clz(dst, src, w)
        case .ctz:
            a.rbit(dst, src, w)
            a.clz(dst, dst, w)
        case .popcnt: a.popcount(dst, src, w, via: ARM64Regs.floatScratch)
        }
    }

    mutating func extend(dst: GPR, src: GPR, fromBits: Int, signed: Bool, to64: Bool) {
        let w = Self.width(to64)
        switch (fromBits, signed) {
        case (8, true): a.sxtb(dst, src, w)
        case (16, true): a.sxth(dst, src, w)
        case (32, true) where to64: a.sxtw(dst, src)
        case (8, false): a.uxtb(dst, src)
        case (16, false): a.uxth(dst, src)
        case (32, _): a.mov(dst, src, .b32)
        default: if !to64 { a.mov(dst, src, .b32) } else if dst != src { a.mov(dst, src) }
        }
    }

    mutating func compare(_ op: IntCompareOp, is64: Bool, lhs: GPR, rhs: MacroOperand<GPR>) -> Condition {
        let w = Self.width(is64)
        if case .imm(let v) = rhs {
            a.cmp(lhs, imm: v, w, scratch: ARM64Regs.scratch2)
        } else {
            a.cmp(lhs, materialize(rhs, into: ARM64Regs.scratch2, is64: is64), w)
        }
        switch op {
        case .eq: return .eq
        case .ne: return .ne
        case .ltS: return .lt
        case .ltU: return .lo
        case .gtS: return .gt
        case .gtU: return .hi
        case .leS: return .le
        case .leU: return .ls
        case .geS: return .ge
        case .geU: return .hs
        }
    }

    mutating func testZero(_ src: GPR, is64: Bool) -> Condition {
        a.cmp(src, imm12: 0, Self.width(is64))
        return .eq
    }

    mutating func setCondition(_ dst: GPR, _ cond: Condition) { a.cset(dst, cond, .b32) }

    mutating func select(_ dst: GPR, ifTrue: GPR, cond: Condition) { a.csel(dst, ifTrue, dst, cond) }

    /// Signed conversions only: the compiler converts zero-extended unsigned 32-bit values
    /// as signed 64-bit ones (exact), and unsigned 64-bit ones elsewhere.
    mutating func intToFloat(dst: FPR, src: GPR, fromI64: Bool, toF64: Bool) {
        a.scvtf(dst, src, from: Self.width(fromI64), to: toF64 ? .f64 : .f32)
    }
}

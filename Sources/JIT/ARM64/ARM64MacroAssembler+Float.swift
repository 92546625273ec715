import Assembler

// Scalar floating point. fabs, fneg and bit selects only touch the sign bit, so NaN
// payloads survive them (Wasm requires it of abs, neg and copysign).
extension ARM64MacroAssembler {
    @inline(__always) static func floatWidth(_ isF64: Bool) -> ARM64FloatWidth { isF64 ? .f64 : .f32 }

    mutating func floatBinary(_ op: FloatBinaryOp, isF64: Bool, dst: FPR, lhs: FPR, rhs: FPR) {
        let o: ARM64FloatBinary = switch op {
        case .add: .add
        case .sub: .sub
        case .mul: .mul
        case .div: .div
        }
        a.float(o, dst, lhs, rhs, Self.floatWidth(isF64))
    }

    /// A64 arithmetic takes registers only: the slot goes through the float scratch.
    mutating func floatBinary(_ op: FloatBinaryOp, isF64: Bool, dst: FPR, lhs: FPR, rhsSlot: Int32) {
        loadFloat(ARM64Regs.floatScratch, slot: rhsSlot, isF64: isF64)
        floatBinary(op, isF64: isF64, dst: dst, lhs: lhs, rhs: ARM64Regs.floatScratch)
    }

    mutating func floatUnary(_ op: FloatUnaryOp, isF64: Bool, dst: FPR, src: FPR) {
        let o: ARM64FloatUnary = switch op {
        case .sqrt: .sqrt
        case .ceil: .rintp
        case .floor: .rintm
        case .trunc: .rintz
        case .abs: .abs
        case .neg: .neg
        }
        a.float(o, dst, src, Self.floatWidth(isF64))
    }

    /// The sign bit of `rhs` into `lhs` with a bit select under a sign mask built in
    /// floatScratch (any of the three may be the same register).
    mutating func copySign(isF64: Bool, dst: FPR, lhs: FPR, rhs: FPR) {
        let fw = Self.floatWidth(isF64)
        let mask = ARM64Regs.floatScratch
        a.mov(ARM64Regs.scratch, imm: isF64 ? 1 << 63 : 1 << 31)
        a.fmov(mask, ARM64Regs.scratch, fw)
        a.bsl8B(mask, rhs, lhs)
        a.fmov(dst, mask, fw)
    }

    /// The condition `fcmp lhs, rhs` leaves true for `op`. An unordered result sets C and V
    /// (NZCV = 0011): eq, mi, ls, gt and ge are false then, ne true, as Wasm wants.
    static func floatCondition(_ op: FloatCompareOp) -> Condition {
        switch op {
        case .eq: .eq
        case .ne: .ne
        case .lt: .mi
        case .le: .ls
        case .gt: .gt
        case .ge: .ge
        }
    }

    mutating func floatCompare(_ op: FloatCompareOp, isF64: Bool, dst: GPR, lhs: FPR, rhs: FPR) {
        a.fcmp(lhs, rhs, Self.floatWidth(isF64))
        a.cset(dst, Self.floatCondition(op), .b32)
    }

    /// Always a single condition on AArch64 (see `floatCondition`).
    mutating func floatCompareFlags(_ op: FloatCompareOp, isF64: Bool, lhs: FPR, rhs: FPR) -> Condition? {
        a.fcmp(lhs, rhs, Self.floatWidth(isF64))
        return Self.floatCondition(op)
    }

    /// Zero is `fmov` from the zero register, the values of the 8-bit `fmov` immediate are
    /// one instruction, anything else a PC-relative load from the function's constants
    /// (emitted by `emitFloatConstants`): one instruction, no integer register.
    mutating func loadFloatConstant(_ dst: FPR, bits: UInt64, isF64: Bool) {
        let fw = Self.floatWidth(isF64)
        let v = isF64 ? bits : bits & 0xFFFF_FFFF
        if v == 0 {
            a.fmov(dst, .zr, fw)
        } else if let imm8 = ARM64Assembler.fpImmediate(v, fw) {
            a.fmov(dst, imm8: imm8, fw)
        } else {
            let label: Label
            if let l = floatConstants.label(v) {
                label = l
            } else {
                label = a.newLabel()
                floatConstants.add(v, label)
            }
            a.load(dst, literal: label, isF64 ? .d : .s)
        }
    }

    /// The current function's float constants, 8 bytes each (f32 ones in the low 4),
    /// 8-aligned; after its trap stubs, within the ±1 MiB of the literal loads.
    mutating func emitFloatConstants() {
        guard !floatConstants.isEmpty else { return }
        a.align(8)
        for c in floatConstants.sortedByBits() {
            a.bind(c.label)
            a.emit64(c.bits)
        }
        floatConstants.removeAll()
    }
}

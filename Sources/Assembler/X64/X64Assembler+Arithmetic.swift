// Integer arithmetic, logic, comparisons, shifts and bit counting.

/// The eight classic ALU operations (the `/digit` of opcodes 0x81/0x83).
public enum X64ALU: UInt8, Sendable {
    case add = 0, or, adc, sbb, and, sub, xor, cmp
}

/// Shift and rotate operations (the `/digit` of opcodes 0xC1/0xD3).
public enum X64Shift: UInt8, Sendable {
    case rol = 0, ror = 1, shl = 4, shr = 5, sar = 7
}

extension X64Assembler {
    /// `op dst, src`.
    public mutating func alu(_ o: X64ALU, _ dst: X64Register, _ src: X64Register, _ width: X64Width = .b64) {
        op(o.rawValue << 3 | 1, reg: src.rawValue, rm: dst.rawValue, w: width == .b64)
    }

    /// `op dst, imm` (imm sign-extended for 64-bit operations).
    public mutating func alu(_ o: X64ALU, _ dst: X64Register, imm: Int32, _ width: X64Width = .b64) {
        if imm >= -128 && imm <= 127 {
            op(0x83, reg: o.rawValue, rm: dst.rawValue, w: width == .b64)
            emit(UInt8(bitPattern: Int8(imm)))
        } else {
            op(0x81, reg: o.rawValue, rm: dst.rawValue, w: width == .b64)
            emit32(imm)
        }
    }

    /// `op dst, [m]`.
    public mutating func alu(_ o: X64ALU, _ dst: X64Register, _ m: X64Memory, _ width: X64Width = .b64) {
        op(o.rawValue << 3 | 3, reg: dst.rawValue, m, w: width == .b64)
    }

    /// `op [m], src`.
    public mutating func alu(_ o: X64ALU, _ m: X64Memory, _ src: X64Register, _ width: X64Width = .b64) {
        op(o.rawValue << 3 | 1, reg: src.rawValue, m, w: width == .b64)
    }

    /// `op [m], imm`.
    public mutating func alu(_ o: X64ALU, _ m: X64Memory, imm: Int32, _ width: X64Width = .b64) {
        if imm >= -128 && imm <= 127 {
            op(0x83, reg: o.rawValue, m, w: width == .b64, trailing: 1)
            emit(UInt8(bitPattern: Int8(imm)))
        } else {
            op(0x81, reg: o.rawValue, m, w: width == .b64, trailing: 4)
            emit32(imm)
        }
    }

    /// `add d, s`.
    public mutating func add(_ d: X64Register, _ s: X64Register, _ w: X64Width = .b64) { alu(.add, d, s, w) }
    /// `add d, imm`.
    public mutating func add(_ d: X64Register, imm: Int32, _ w: X64Width = .b64) { alu(.add, d, imm: imm, w) }
    /// `sub d, s`.
    public mutating func sub(_ d: X64Register, _ s: X64Register, _ w: X64Width = .b64) { alu(.sub, d, s, w) }
    /// `sub d, imm`.
    public mutating func sub(_ d: X64Register, imm: Int32, _ w: X64Width = .b64) { alu(.sub, d, imm: imm, w) }
    /// `and d, s`.
    public mutating func and(_ d: X64Register, _ s: X64Register, _ w: X64Width = .b64) { alu(.and, d, s, w) }
    /// `or d, s`.
    public mutating func or(_ d: X64Register, _ s: X64Register, _ w: X64Width = .b64) { alu(.or, d, s, w) }
    /// `xor d, s`.
    public mutating func xor(_ d: X64Register, _ s: X64Register, _ w: X64Width = .b64) { alu(.xor, d, s, w) }
    /// `cmp a, b`.
    public mutating func cmp(_ a: X64Register, _ b: X64Register, _ w: X64Width = .b64) { alu(.cmp, a, b, w) }
    /// `cmp a, imm`.
    public mutating func cmp(_ a: X64Register, imm: Int32, _ w: X64Width = .b64) { alu(.cmp, a, imm: imm, w) }
    /// `cmp a, [m]`.
    public mutating func cmp(_ a: X64Register, _ m: X64Memory, _ w: X64Width = .b64) { alu(.cmp, a, m, w) }

    /// `test a, b`.
    public mutating func test(_ a: X64Register, _ b: X64Register, _ width: X64Width = .b64) {
        op(0x85, reg: b.rawValue, rm: a.rawValue, w: width == .b64)
    }

    /// `test a, imm32`.
    public mutating func test(_ a: X64Register, imm: Int32, _ width: X64Width = .b64) {
        op(0xF7, reg: 0, rm: a.rawValue, w: width == .b64)
        emit32(imm)
    }

    /// `imul dst, src` (low half of the product).
    public mutating func imul(_ dst: X64Register, _ src: X64Register, _ width: X64Width = .b64) {
        op(0xAF, reg: dst.rawValue, rm: src.rawValue, w: width == .b64, twoByte: true)
    }

    /// `imul dst, src, imm`.
    public mutating func imul(_ dst: X64Register, _ src: X64Register, imm: Int32, _ width: X64Width = .b64) {
        if imm >= -128 && imm <= 127 {
            op(0x6B, reg: dst.rawValue, rm: src.rawValue, w: width == .b64)
            emit(UInt8(bitPattern: Int8(imm)))
        } else {
            op(0x69, reg: dst.rawValue, rm: src.rawValue, w: width == .b64)
            emit32(imm)
        }
    }

    /// `neg r`.
    public mutating func neg(_ r: X64Register, _ w: X64Width = .b64) { op(0xF7, reg: 3, rm: r.rawValue, w: w == .b64) }
    /// `not r`.
    public mutating func not(_ r: X64Register, _ w: X64Width = .b64) { op(0xF7, reg: 2, rm: r.rawValue, w: w == .b64) }
    /// Unsigned `rdx:rax / r` -> quotient rax, remainder rdx.
    public mutating func div(_ r: X64Register, _ w: X64Width = .b64) { op(0xF7, reg: 6, rm: r.rawValue, w: w == .b64) }
    /// Signed `rdx:rax / r`.
    public mutating func idiv(_ r: X64Register, _ w: X64Width = .b64) { op(0xF7, reg: 7, rm: r.rawValue, w: w == .b64) }

    /// Sign-extends eax into edx (`cdq`) or rax into rdx (`cqo`).
    public mutating func signExtendAccumulator(_ width: X64Width = .b64) {
        if width == .b64 { emit(0x48) }
        emit(0x99)
    }

    /// Shift or rotate by `cl`.
    public mutating func shift(_ s: X64Shift, _ r: X64Register, _ width: X64Width = .b64) {
        op(0xD3, reg: s.rawValue, rm: r.rawValue, w: width == .b64)
    }

    /// Shift or rotate by an immediate count.
    public mutating func shift(_ s: X64Shift, _ r: X64Register, imm: UInt8, _ width: X64Width = .b64) {
        op(0xC1, reg: s.rawValue, rm: r.rawValue, w: width == .b64)
        emit(imm)
    }

    /// `lzcnt dst, src` (ABM/LZCNT).
    public mutating func lzcnt(_ dst: X64Register, _ src: X64Register, _ width: X64Width = .b64) {
        op(0xBD, reg: dst.rawValue, rm: src.rawValue, w: width == .b64, twoByte: true, prefix: 0xF3)
    }

    /// `tzcnt dst, src` (BMI1).
    public mutating func tzcnt(_ dst: X64Register, _ src: X64Register, _ width: X64Width = .b64) {
        op(0xBC, reg: dst.rawValue, rm: src.rawValue, w: width == .b64, twoByte: true, prefix: 0xF3)
    }

    /// `popcnt dst, src`.
    public mutating func popcnt(_ dst: X64Register, _ src: X64Register, _ width: X64Width = .b64) {
        op(0xB8, reg: dst.rawValue, rm: src.rawValue, w: width == .b64, twoByte: true, prefix: 0xF3)
    }

    /// `bsr dst, src` (index of the highest set bit; ZF when src is 0).
    public mutating func bsr(_ dst: X64Register, _ src: X64Register, _ width: X64Width = .b64) {
        op(0xBD, reg: dst.rawValue, rm: src.rawValue, w: width == .b64, twoByte: true)
    }

    /// `bsf dst, src` (index of the lowest set bit; ZF when src is 0).
    public mutating func bsf(_ dst: X64Register, _ src: X64Register, _ width: X64Width = .b64) {
        op(0xBC, reg: dst.rawValue, rm: src.rawValue, w: width == .b64, twoByte: true)
    }
}

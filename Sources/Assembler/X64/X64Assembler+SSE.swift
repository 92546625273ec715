// Scalar SSE/SSE4.1 floating point and moves between GPRs and XMM registers.

/// Scalar precision of an SSE operation.
public enum X64FloatWidth: Sendable {
    case f32, f64
    /// The mandatory prefix of the scalar form (`ss` = F3, `sd` = F2).
    var scalarPrefix: UInt8 { self == .f32 ? 0xF3 : 0xF2 }
}

/// Scalar SSE arithmetic (`0F xx` with an F3/F2 prefix).
public enum X64FloatOp: UInt8, Sendable {
    case sqrt = 0x51, add = 0x58, mul = 0x59, sub = 0x5C, min = 0x5D, div = 0x5E, max = 0x5F
}

/// Packed bitwise operations used on scalars (sign masks).
public enum X64FloatLogic: UInt8, Sendable {
    case and = 0x54, andNot = 0x55, or = 0x56, xor = 0x57
}

extension X64Assembler {
    /// `[prefix] REX 0F opcode modrm` with register operands.
    mutating func sse(_ prefix: UInt8, _ opcode: UInt8, reg: UInt8, rm: UInt8, w: Bool = false) {
        op(opcode, reg: reg, rm: rm, w: w, twoByte: true, prefix: prefix)
    }

    mutating func sse(_ prefix: UInt8, _ opcode: UInt8, reg: UInt8, _ m: X64Memory, w: Bool = false) {
        op(opcode, reg: reg, m, w: w, twoByte: true, prefix: prefix)
    }

    /// `movss/movsd dst, [m]`.
    public mutating func load(_ dst: XMMRegister, _ m: X64Memory, _ width: X64FloatWidth) {
        sse(width.scalarPrefix, 0x10, reg: dst.index, m)
    }

    /// `movss/movsd [m], src`.
    public mutating func store(_ m: X64Memory, _ src: XMMRegister, _ width: X64FloatWidth) {
        sse(width.scalarPrefix, 0x11, reg: src.index, m)
    }

    /// `movaps dst, src` (whole-register copy).
    public mutating func mov(_ dst: XMMRegister, _ src: XMMRegister) {
        if dst != src { op(0x28, reg: dst.index, rm: src.index, w: false, twoByte: true) }
    }

    /// `movd/movq dst, src` (GPR -> XMM, upper lanes zeroed).
    public mutating func mov(_ dst: XMMRegister, _ src: X64Register, _ width: X64Width = .b64) {
        sse(0x66, 0x6E, reg: dst.index, rm: src.rawValue, w: width == .b64)
    }

    /// `movd/movq dst, src` (XMM -> GPR).
    public mutating func mov(_ dst: X64Register, _ src: XMMRegister, _ width: X64Width = .b64) {
        sse(0x66, 0x7E, reg: src.index, rm: dst.rawValue, w: width == .b64)
    }

    /// Scalar `op dst, src`.
    public mutating func float(_ o: X64FloatOp, _ dst: XMMRegister, _ src: XMMRegister, _ width: X64FloatWidth) {
        sse(width.scalarPrefix, o.rawValue, reg: dst.index, rm: src.index)
    }

    /// Scalar `op dst, [m]`.
    public mutating func float(_ o: X64FloatOp, _ dst: XMMRegister, _ m: X64Memory, _ width: X64FloatWidth) {
        sse(width.scalarPrefix, o.rawValue, reg: dst.index, m)
    }

    /// Bitwise `andps/andnps/orps/xorps dst, src`.
    public mutating func logic(_ o: X64FloatLogic, _ dst: XMMRegister, _ src: XMMRegister) {
        op(o.rawValue, reg: dst.index, rm: src.index, w: false, twoByte: true)
    }

    /// `ucomiss/ucomisd a, b` (unordered sets ZF, PF and CF).
    public mutating func ucomis(_ a: XMMRegister, _ b: XMMRegister, _ width: X64FloatWidth) {
        sse(width == .f32 ? 0 : 0x66, 0x2E, reg: a.index, rm: b.index)
    }

    /// `cvtsi2ss/cvtsi2sd dst, src` from a signed 32- or 64-bit integer.
    public mutating func convertFromInt(_ dst: XMMRegister, _ src: X64Register, from: X64Width, to: X64FloatWidth) {
        sse(to.scalarPrefix, 0x2A, reg: dst.index, rm: src.rawValue, w: from == .b64)
    }

    /// `cvttss2si/cvttsd2si dst, src` (truncating; out of range gives the "integer indefinite" value).
    public mutating func truncateToInt(_ dst: X64Register, _ src: XMMRegister, from: X64FloatWidth, to: X64Width) {
        sse(from.scalarPrefix, 0x2C, reg: dst.rawValue, rm: src.index, w: to == .b64)
    }

    /// `cvtss2sd` (`to: .f64`) or `cvtsd2ss` (`to: .f32`).
    public mutating func convertFloat(_ dst: XMMRegister, _ src: XMMRegister, to: X64FloatWidth) {
        sse(to == .f64 ? 0xF3 : 0xF2, 0x5A, reg: dst.index, rm: src.index)
    }

    /// `roundss/roundsd dst, src, mode` (SSE4.1). Modes: 0 nearest-even, 1 floor, 2 ceil,
    /// 3 truncate; bit 3 suppresses the precision exception.
    public mutating func round(_ dst: XMMRegister, _ src: XMMRegister, mode: UInt8, _ width: X64FloatWidth) {
        emit(0x66)
        rex(w: false, r: dst.high, x: 0, b: src.high)
        emit(0x0F, 0x3A)
        emit(width == .f32 ? 0x0A : 0x0B)
        modrm(reg: dst.index, rm: src.index)
        emit(mode | 8)
    }
}

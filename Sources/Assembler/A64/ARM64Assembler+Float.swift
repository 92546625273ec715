// Scalar floating point: arithmetic, rounding, compares, conversions and moves, plus the
// few SIMD instructions scalar code needs (population count, bitwise select).

/// Two-operand scalar FP operations (the opcode field).
public enum ARM64FloatBinary: UInt32, Sendable {
    case mul = 0, div, add, sub
    /// `fmax`/`fmin`: NaN when either operand is NaN, and -0 < +0: Wasm's `max`/`min`.
    case max, min
    /// `fmaxnm`/`fminnm`: the number when the other operand is a quiet NaN.
    case maxnm, minnm
    /// `fnmul`: -(n * m).
    case nmul
}

/// One-operand scalar FP operations (the opcode field).
public enum ARM64FloatUnary: UInt32, Sendable {
    case mov = 0, abs, neg, sqrt
    /// Round to nearest with ties to even, toward +∞, toward -∞, toward zero.
    case rintn = 8, rintp, rintm, rintz
    /// Round to nearest with ties away from zero; in the current mode, signalling inexact
    /// (rintx) or not (rinti).
    case rinta = 12, rintx = 14, rinti
}

extension ARM64Assembler {
    /// `fop d, n, m`.
    public mutating func float(_ op: ARM64FloatBinary, _ d: ARM64FPRegister, _ n: ARM64FPRegister,
                               _ m: ARM64FPRegister, _ width: ARM64FloatWidth) {
        emit(0x1E20_0800 | width.ftype | m.code << 16 | op.rawValue << 12 | n.code << 5 | d.code)
    }

    /// `fop d, n` (fmov, fabs, fneg, fsqrt, frint*).
    public mutating func float(_ op: ARM64FloatUnary, _ d: ARM64FPRegister, _ n: ARM64FPRegister,
                               _ width: ARM64FloatWidth) {
        emit(0x1E20_4000 | width.ftype | op.rawValue << 15 | n.code << 5 | d.code)
    }

    /// `fmov d, n` (register to register, same precision).
    public mutating func fmov(_ d: ARM64FPRegister, _ n: ARM64FPRegister, _ width: ARM64FloatWidth) {
        float(.mov, d, n, width)
    }

    /// `fcvt d, n`: converts `n` from one precision to the other.
    public mutating func fcvt(_ d: ARM64FPRegister, _ n: ARM64FPRegister, from: ARM64FloatWidth, to: ARM64FloatWidth) {
        precondition(from != to, "fcvt converts between precisions")
        emit(0x1E20_4000 | from.ftype | (to == .f64 ? 5 : 4) << 15 | n.code << 5 | d.code)
    }

    /// `fcmp n, m`: sets the flags. Unordered (a NaN) sets C and V: `eq`, `mi` (less), `ls`
    /// (less or equal), `gt`, `ge` and `vc` are then false; `ne`, `vs`, `lt`, `le`, `hi` and
    /// `hs` true.
    public mutating func fcmp(_ n: ARM64FPRegister, _ m: ARM64FPRegister, _ width: ARM64FloatWidth) {
        emit(0x1E20_2000 | width.ftype | m.code << 16 | n.code << 5)
    }

    /// `fcmp n, #0.0`.
    public mutating func fcmpZero(_ n: ARM64FPRegister, _ width: ARM64FloatWidth) {
        emit(0x1E20_2008 | width.ftype | n.code << 5)
    }

    /// `fcsel d, n, m, cond`: d = cond ? n : m.
    public mutating func fcsel(_ d: ARM64FPRegister, _ n: ARM64FPRegister, _ m: ARM64FPRegister,
                               _ cond: ARM64Condition, _ width: ARM64FloatWidth) {
        emit(0x1E20_0C00 | width.ftype | m.code << 16 | UInt32(cond.rawValue) << 12 | n.code << 5 | d.code)
    }

    // MARK: conversions and moves between register files

    /// Integer <-> FP conversion or move: `rmode` and `opcode` select it; `sf` and `ftype`
    /// the sizes.
    @inline(__always)
    mutating func convert(_ rmodeOpcode: UInt32, _ int: ARM64Width, _ float: ARM64FloatWidth,
                          _ d: UInt32, _ n: UInt32) {
        emit(int.sf | 0x1E20_0000 | float.ftype | rmodeOpcode << 16 | n << 5 | d)
    }

    /// `scvtf d, n`: signed integer to float.
    public mutating func scvtf(_ d: ARM64FPRegister, _ n: ARM64Register, from: ARM64Width, to: ARM64FloatWidth) {
        convert(0b00_010, from, to, d.code, n.zrCode)
    }
    /// `ucvtf d, n`: unsigned integer to float.
    public mutating func ucvtf(_ d: ARM64FPRegister, _ n: ARM64Register, from: ARM64Width, to: ARM64FloatWidth) {
        convert(0b00_011, from, to, d.code, n.zrCode)
    }
    /// `fcvtzs d, n`: float to signed integer, rounding toward zero and saturating (NaN
    /// gives 0): Wasm's `trunc_sat`.
    public mutating func fcvtzs(_ d: ARM64Register, _ n: ARM64FPRegister, from: ARM64FloatWidth, to: ARM64Width) {
        convert(0b11_000, to, from, d.zrCode, n.code)
    }
    /// `fcvtzu d, n`: float to unsigned integer, rounding toward zero and saturating.
    public mutating func fcvtzu(_ d: ARM64Register, _ n: ARM64FPRegister, from: ARM64FloatWidth, to: ARM64Width) {
        convert(0b11_001, to, from, d.zrCode, n.code)
    }

    /// `fmov d, n`: the bits of a w (f32) or x (f64) register into an FP register.
    public mutating func fmov(_ d: ARM64FPRegister, _ n: ARM64Register, _ width: ARM64FloatWidth) {
        convert(0b00_111, width == .f64 ? .b64 : .b32, width, d.code, n.zrCode)
    }
    /// `fmov d, n`: the bits of an s (into a w) or d (into an x) register.
    public mutating func fmov(_ d: ARM64Register, _ n: ARM64FPRegister, _ width: ARM64FloatWidth) {
        convert(0b00_110, width == .f64 ? .b64 : .b32, width, d.zrCode, n.code)
    }

    // MARK: constants

    /// The 8-bit `fmov` immediate for a float's bits (f32 in the low 32 bits), nil when the
    /// value is not ±(16...31)/16 × 2^(-3...4): 0.0 is not encodable.
    public static func fpImmediate(_ bits: UInt64, _ width: ARM64FloatWidth) -> UInt8? {
        // The value a:~b:bbb...:cdefgh:0... — sign, an exponent whose top bits are one bit
        // repeated (and its inverse above it), 4 fraction bits, the remaining fraction zero.
        let sign: UInt64, exponent: UInt64, fraction: UInt64, exponentBits: Int, fractionBits: Int
        switch width {
        case .f32:
            guard bits >> 32 == 0 else { return nil }
            (sign, exponent, fraction) = (bits >> 31, bits >> 23 & 0xFF, bits & 0x7F_FFFF)
            (exponentBits, fractionBits) = (8, 23)
        case .f64:
            (sign, exponent, fraction) = (bits >> 63, bits >> 52 & 0x7FF, bits & 0xF_FFFF_FFFF_FFFF)
            (exponentBits, fractionBits) = (11, 52)
        }
        guard fraction & ((1 << (fractionBits - 4)) - 1) == 0 else { return nil }
        // Exponent: NOT(b) then b repeated (exponentBits - 3) times, then two free bits.
        let b = exponent >> (exponentBits - 2) & 1
        let top = exponent >> (exponentBits - 1)
        let repeated = exponent >> 2 & ((1 << (exponentBits - 3)) - 1)
        guard top == b ^ 1 && repeated == (b == 1 ? (1 << (exponentBits - 3)) - 1 : 0) else { return nil }
        return UInt8(sign << 7 | b << 6 | (exponent & 3) << 4 | fraction >> (fractionBits - 4))
    }

    /// `fmov d, #imm8` (an `fpImmediate` field).
    public mutating func fmov(_ d: ARM64FPRegister, imm8: UInt8, _ width: ARM64FloatWidth) {
        emit(0x1E20_1000 | width.ftype | UInt32(imm8) << 13 | d.code)
    }

    /// `d = the float with these bits` (f32 in the low 32 bits): `fmov` of an immediate or
    /// of the zero register when one encodes, else through the GPR `scratch`.
    public mutating func loadFloatConstant(_ d: ARM64FPRegister, bits: UInt64, _ width: ARM64FloatWidth,
                                           scratch: ARM64Register) {
        let intWidth: ARM64Width = width == .f64 ? .b64 : .b32
        let v = width == .f64 ? bits : bits & 0xFFFF_FFFF
        if let imm8 = Self.fpImmediate(v, width) {
            fmov(d, imm8: imm8, width)
        } else if v == 0 {
            fmov(d, .zr, width)
        } else {
            mov(scratch, imm: v, intWidth)
            fmov(d, scratch, width)
        }
    }

    // MARK: SIMD for scalar code

    /// `cnt d.8b, n.8b`: the number of set bits of each byte.
    public mutating func cnt8B(_ d: ARM64FPRegister, _ n: ARM64FPRegister) {
        emit(0x0E20_5800 | n.code << 5 | d.code)
    }
    /// `addv bd, n.8b`: the sum of the 8 bytes (into byte 0, the rest of d cleared).
    public mutating func addv8B(_ d: ARM64FPRegister, _ n: ARM64FPRegister) {
        emit(0x0E31_B800 | n.code << 5 | d.code)
    }

    /// `d = popcount(n)` through the FP register `via`: fmov, cnt, addv, fmov.
    public mutating func popcount(_ d: ARM64Register, _ n: ARM64Register, _ width: ARM64Width = .b64,
                                  via: ARM64FPRegister) {
        fmov(via, n, width == .b64 ? .f64 : .f32)
        cnt8B(via, via)
        addv8B(via, via)
        fmov(d, via, .f32)
    }

    /// Bitwise select on the low 64 bits: bsl (1), bit (2), bif (3).
    @inline(__always)
    mutating func bitwiseSelect(_ opc2: UInt32, _ d: ARM64FPRegister, _ n: ARM64FPRegister, _ m: ARM64FPRegister) {
        emit(0x2E20_1C00 | opc2 << 22 | m.code << 16 | n.code << 5 | d.code)
    }

    /// `bsl d.8b, n.8b, m.8b`: d = (n & d) | (m & ~d): d is the mask.
    public mutating func bsl8B(_ d: ARM64FPRegister, _ n: ARM64FPRegister, _ m: ARM64FPRegister) {
        bitwiseSelect(1, d, n, m)
    }
    /// `bit d.8b, n.8b, m.8b`: the bits of n where m is set go into d (copysign with m the
    /// sign mask).
    public mutating func bit8B(_ d: ARM64FPRegister, _ n: ARM64FPRegister, _ m: ARM64FPRegister) {
        bitwiseSelect(2, d, n, m)
    }
    /// `bif d.8b, n.8b, m.8b`: the bits of n where m is clear go into d.
    public mutating func bif8B(_ d: ARM64FPRegister, _ n: ARM64FPRegister, _ m: ARM64FPRegister) {
        bitwiseSelect(3, d, n, m)
    }

    /// `mov d.16b, n.16b` (`orr`): copies the whole 128-bit register.
    public mutating func movVector(_ d: ARM64FPRegister, _ n: ARM64FPRegister) {
        emit(0x4EA0_1C00 | n.code << 16 | n.code << 5 | d.code)
    }
}

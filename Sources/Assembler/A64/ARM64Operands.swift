/// An AArch64 general-purpose register. Encoding 31 is the zero register in most operand
/// positions and the stack pointer in a few (address bases, add/sub immediates): `zr` and
/// `sp` are distinct cases so that each encoder can refuse the one it cannot encode.
public enum ARM64Register: UInt8, Sendable, CaseIterable {
    case x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15
    case x16, x17, x18, x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, x29, x30
    /// xzr/wzr: reads as 0, writes are discarded.
    case zr
    /// The stack pointer (also encoded as 31).
    case sp

    /// The frame pointer (x29).
    public static let fp = ARM64Register.x29
    /// The link register (x30).
    public static let lr = ARM64Register.x30
    /// The intra-procedure-call scratch registers (x16, x17): linker veneers may clobber them.
    public static let ip0 = ARM64Register.x16
    /// The second intra-procedure-call scratch register (x17).
    public static let ip1 = ARM64Register.x17

    /// The 5-bit field where 31 means the zero register.
    @inline(__always) var zrCode: UInt32 {
        precondition(self != .sp, "sp is not encodable in this operand")
        return UInt32(rawValue)
    }

    /// The 5-bit field where 31 means the stack pointer.
    @inline(__always) var spCode: UInt32 {
        precondition(self != .zr, "the zero register is not encodable in this operand")
        return self == .sp ? 31 : UInt32(rawValue)
    }
}

/// A SIMD and floating-point register (v0...v31, used as s, d or a vector by the instruction).
public struct ARM64FPRegister: Hashable, Sendable {
    /// The register number (0...31).
    public let index: UInt8
    /// v`index`.
    public init(_ index: UInt8) {
        precondition(index < 32, "FP register out of range")
        self.index = index
    }
    @inline(__always) var code: UInt32 { UInt32(index) }
}

/// Operand width of integer instructions (the `sf` bit): w or x registers.
public enum ARM64Width: Sendable {
    case b32, b64

    @inline(__always) var sf: UInt32 { self == .b64 ? 1 << 31 : 0 }
    @inline(__always) var bits: Int { self == .b64 ? 64 : 32 }
}

/// Precision of scalar floating-point instructions (the `ftype` field).
public enum ARM64FloatWidth: Sendable {
    case f32, f64

    @inline(__always) var ftype: UInt32 { self == .f64 ? 1 << 22 : 0 }
}

/// A condition code, as in `b.cond`, `csel` and `fcsel`.
public enum ARM64Condition: UInt8, Sendable, CaseIterable {
    case eq = 0, ne, hs, lo, mi, pl, vs, vc, hi, ls, ge, lt, gt, le, al, nv

    /// Carry set: the same condition as `hs`.
    public static let cs = ARM64Condition.hs
    /// Carry clear: the same condition as `lo`.
    public static let cc = ARM64Condition.lo

    /// The condition that holds exactly when this one does not (`al` has none: `nv` also
    /// means always).
    public var inverted: ARM64Condition {
        precondition(self != .al && self != .nv, "al has no inverse")
        return ARM64Condition(rawValue: rawValue ^ 1)!
    }
}

/// The shift applied to the last register operand of data-processing instructions.
public enum ARM64Shift: UInt32, Sendable {
    case lsl = 0, lsr, asr
    /// Rotate right: logical instructions only.
    case ror
}

/// The extension applied to the index register (extended-register add/sub and register
/// offset addressing). Addressing accepts `uxtw`, `lsl` (= `uxtx`), `sxtw` and `sxtx`.
public enum ARM64Extend: UInt32, Sendable {
    case uxtb = 0, uxth, uxtw, uxtx, sxtb, sxth, sxtw, sxtx
    /// `lsl` in an address: the 64-bit index unchanged.
    public static let lsl = ARM64Extend.uxtx
}

/// Integer loads: size and signedness (the raw value is size << 8 | opc).
public enum ARM64Load: UInt32, Sendable {
    /// Zero-extending loads of 8, 16, 32 and 64 bits (a w register write clears the upper half).
    case ldrb = 0x001, ldrh = 0x101, ldrW = 0x201, ldrX = 0x301
    /// Sign-extending loads, to 64 (`X`) or 32 bits (`W`).
    case ldrsbX = 0x002, ldrsbW = 0x003, ldrshX = 0x102, ldrshW = 0x103, ldrsw = 0x202

    /// log2 of the bytes read: the scale of immediate and register offsets.
    @inline(__always) public var sizeShift: Int { Int(rawValue >> 8) }
    @inline(__always) var fields: UInt32 { (rawValue >> 8) << 30 | (rawValue & 3) << 22 }
}

/// Integer stores of 8, 16, 32 and 64 bits.
public enum ARM64Store: UInt32, Sendable {
    case strb = 0, strh, strW, strX

    /// log2 of the bytes written.
    @inline(__always) public var sizeShift: Int { Int(rawValue) }
    @inline(__always) var fields: UInt32 { rawValue << 30 }
}

/// A memory operand of a load or store.
public enum ARM64Address: Sendable {
    /// `[base, #offset]`: an unsigned offset scaled by the access size (0 ..< 4096 * size)
    /// when it is a multiple of the size, else an unscaled one (ldur/stur, -256...255).
    case offset(ARM64Register, Int)
    /// `[base, #offset]` always unscaled (ldur/stur, -256...255).
    case unscaled(ARM64Register, Int)
    /// `[base, #offset]!`: base += offset, then the access (-256...255).
    case preIndex(ARM64Register, Int)
    /// `[base], #offset`: the access, then base += offset (-256...255).
    case postIndex(ARM64Register, Int)
    /// `[base, index{, extend {#size}}]`: the index extended (`uxtw`, `sxtw` for a w index;
    /// `lsl`, `sxtx` for an x one) and, when `scaled`, multiplied by the access size.
    case indexed(ARM64Register, ARM64Register, ARM64Extend = .lsl, scaled: Bool = false)

    /// The base register.
    public var base: ARM64Register {
        switch self {
        case .offset(let b, _), .unscaled(let b, _), .preIndex(let b, _), .postIndex(let b, _),
             .indexed(let b, _, _, _): b
        }
    }
}

/// Sizes of floating-point and SIMD loads and stores: 32-bit (s), 64-bit (d) and 128-bit (q).
public enum ARM64FPAccess: Sendable {
    case s, d, q

    /// log2 of the bytes accessed.
    @inline(__always) public var sizeShift: Int {
        switch self {
        case .s: 2
        case .d: 3
        case .q: 4
        }
    }

    /// `size` and the high bit of `opc` of the single-register forms.
    @inline(__always) var fields: UInt32 {
        switch self {
        case .s: 2 << 30
        case .d: 3 << 30
        case .q: 1 << 23
        }
    }
}

/// A system register readable with `mrs` and writable with `msr` (the raw value is the
/// o0:op1:CRn:CRm:op2 field).
public enum ARM64SystemRegister: UInt32, Sendable {
    /// The condition flags.
    case nzcv = 0x5A10
    /// Floating-point control: rounding mode, flush-to-zero, default NaN.
    case fpcr = 0x5A20
    /// Floating-point status: the cumulative exception flags.
    case fpsr = 0x5A21
    /// The user-mode thread pointer.
    case tpidrEL0 = 0x5E82
}

/// The domain and access type of a `dmb`/`dsb` barrier (the CRm field).
public enum ARM64Barrier: UInt32, Sendable {
    case ishld = 0b1001, ishst = 0b1010, ish = 0b1011, sy = 0b1111
}

/// An x86-64 general-purpose register. The raw value is the hardware encoding
/// (bit 3 goes into a REX prefix).
public enum X64Register: UInt8, Sendable, CaseIterable {
    case rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15

    @inline(__always) var low: UInt8 { rawValue & 7 }
    @inline(__always) var high: UInt8 { rawValue >> 3 }
}

/// An SSE register (xmm0...xmm15).
public struct XMMRegister: Hashable, Sendable {
    /// The register number (0...15).
    public let index: UInt8
    /// xmm`index`.
    public init(_ index: UInt8) {
        precondition(index < 16, "xmm register out of range")
        self.index = index
    }
    @inline(__always) var low: UInt8 { index & 7 }
    @inline(__always) var high: UInt8 { index >> 3 }
}

/// Operand width of integer instructions.
public enum X64Width: Sendable {
    case b8, b16, b32, b64
}

/// A condition code (the low nibble of `jcc`, `setcc`, `cmovcc`).
public enum X64Condition: UInt8, Sendable {
    case overflow = 0x0, noOverflow, below, aboveOrEqual, equal, notEqual, belowOrEqual, above
    case sign, notSign, parity, noParity, less, greaterOrEqual, lessOrEqual, greater

    /// The condition that holds exactly when this one does not.
    public var inverted: X64Condition { X64Condition(rawValue: rawValue ^ 1)! }
}

/// A memory operand: `[base + index * scale + displacement]`, or `[rip + label]`.
public struct X64Memory: Sendable {
    /// What the address is relative to.
    public enum Base: Sendable {
        case register(X64Register)
        /// RIP-relative to a label (resolved when the label is bound).
        case label(Label)
    }
    /// A register, or the instruction pointer (to a label).
    public var base: Base
    /// The scaled index register, if any.
    public var index: X64Register?
    /// log2 of the scale (0...3).
    public var scaleShift: UInt8
    /// The constant added.
    public var displacement: Int32

    /// `[base + index * scale + displacement]`; `scale` is 1, 2, 4 or 8.
    @inlinable public init(base: X64Register, index: X64Register? = nil, scale: Int = 1, displacement: Int32 = 0) {
        precondition(index != .rsp, "rsp cannot be an index register")
        self.base = .register(base)
        self.index = index
        switch scale {
        case 1: scaleShift = 0
        case 2: scaleShift = 1
        case 4: scaleShift = 2
        case 8: scaleShift = 3
        default: preconditionFailure("scale must be 1, 2, 4 or 8")
        }
        self.displacement = displacement
    }

    /// `[rip + label + displacement]`.
    public init(label: Label, displacement: Int32 = 0) {
        base = .label(label)
        index = nil
        scaleShift = 0
        self.displacement = displacement
    }
}

/// Shorthand: `[base + displacement]`.
@inlinable @inline(__always)
public func mem(_ base: X64Register, _ displacement: Int32 = 0) -> X64Memory {
    X64Memory(base: base, displacement: displacement)
}

/// Shorthand: `[base + index * scale + displacement]`.
@inlinable @inline(__always)
public func mem(_ base: X64Register, _ index: X64Register, scale: Int, _ displacement: Int32 = 0) -> X64Memory {
    X64Memory(base: base, index: index, scale: scale, displacement: displacement)
}

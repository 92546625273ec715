/// An x86-64 machine-code encoder with labels and fixups. It knows nothing about Wasm:
/// the JIT, the runtime's trap stubs and the interpreter's guard trampoline all emit
/// through it.
///
/// Jumps to labels not yet bound use 32-bit displacements patched by `finish()`;
/// backward jumps to a near label use the short form.
public struct X64Assembler: Sendable {
    /// The code emitted so far.
    public internal(set) var bytes: [UInt8] = []
    var labelOffsets: [Int32] = []
    var fixups: [Fixup] = []

    struct Fixup: Sendable {
        enum Kind: Sendable {
            /// 32-bit displacement relative to the end of the field (`at + 4 + trailing`).
            case rel32(trailing: Int8)
            /// 32-bit offset of the label from another label (jump tables).
            case difference(from: Int32)
            /// 64-bit absolute address = base address + label offset (patched by `finish(baseAddress:)`).
            case absolute64
        }
        var at: Int
        var label: Int32
        var kind: Kind
    }

    /// `capacity`: expected code size; label and fixup lists are sized from it too
    /// (growing them copies them).
    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
        if capacity >= 4096 {
            fixups.reserveCapacity(capacity / 32)
            labelOffsets.reserveCapacity(capacity / 32)
        }
    }

    /// Current offset in the code.
    @inline(__always) public var offset: Int { bytes.count }

    // MARK: raw bytes

    @inline(__always) public mutating func emit(_ b: UInt8) { bytes.append(b) }
    @inline(__always) public mutating func emit(_ a: UInt8, _ b: UInt8) { bytes.append(a); bytes.append(b) }

    @inline(__always) public mutating func emit32(_ v: Int32) {
        let u = UInt32(bitPattern: v)
        bytes.append(UInt8(truncatingIfNeeded: u))
        bytes.append(UInt8(truncatingIfNeeded: u >> 8))
        bytes.append(UInt8(truncatingIfNeeded: u >> 16))
        bytes.append(UInt8(truncatingIfNeeded: u >> 24))
    }

    @inline(__always) public mutating func emit64(_ v: UInt64) {
        emit32(Int32(truncatingIfNeeded: v))
        emit32(Int32(truncatingIfNeeded: v >> 32))
    }

    mutating func emit16(_ v: Int16) {
        let u = UInt16(bitPattern: v)
        bytes.append(UInt8(truncatingIfNeeded: u))
        bytes.append(UInt8(truncatingIfNeeded: u >> 8))
    }

    /// Overwrites the 32-bit field at `at` (little-endian).
    public mutating func patch32(at: Int, _ v: Int32) {
        let u = UInt32(bitPattern: v)
        bytes[at] = UInt8(truncatingIfNeeded: u)
        bytes[at + 1] = UInt8(truncatingIfNeeded: u >> 8)
        bytes[at + 2] = UInt8(truncatingIfNeeded: u >> 16)
        bytes[at + 3] = UInt8(truncatingIfNeeded: u >> 24)
    }

    // MARK: labels

    /// A fresh, unbound label.
    public mutating func newLabel() -> Label {
        labelOffsets.append(-1)
        return Label(id: Int32(labelOffsets.count - 1))
    }

    /// Binds `label` to the current offset.
    public mutating func bind(_ label: Label) {
        precondition(labelOffsets[Int(label.id)] < 0, "label bound twice")
        labelOffsets[Int(label.id)] = Int32(bytes.count)
    }

    /// The bound offset of `label`, nil while unbound.
    public func offset(of label: Label) -> Int? {
        let o = labelOffsets[Int(label.id)]
        return o < 0 ? nil : Int(o)
    }

    /// Resolves every label use. All used labels must be bound. Absolute-address fixups
    /// (`movAbsolute(_:label:)`) need the final load address of the code.
    public mutating func finish(baseAddress: UInt64 = 0) {
        for f in fixups {
            let target = labelOffsets[Int(f.label)]
            precondition(target >= 0, "unbound label \(f.label)")
            switch f.kind {
            case .rel32(let trailing):
                patch32(at: f.at, target - Int32(f.at + 4 + Int(trailing)))
            case .difference(let from):
                patch32(at: f.at, target - labelOffsets[Int(from)])
            case .absolute64:
                let v = baseAddress &+ UInt64(target)
                patch32(at: f.at, Int32(truncatingIfNeeded: v))
                patch32(at: f.at + 4, Int32(truncatingIfNeeded: v >> 32))
            }
        }
        fixups.removeAll()
    }

    /// Drops everything emitted from `offset` on, the label uses in it, and the bindings
    /// of labels bound there (they may be bound again).
    /// Drops the bytes from `offset` on, for straight-line code that recorded no fixup and
    /// bound no label there (cheaper than `truncate`, which scans every fixup and label).
    public mutating func dropBytes(from offset: Int) {
        precondition(fixups.last.map { $0.at < offset } ?? true, "code after offset has fixups")
        bytes.removeSubrange(offset...)
    }

    public mutating func truncate(to offset: Int) {
        bytes.removeSubrange(offset...)
        fixups.removeAll { $0.at >= offset }
        for i in labelOffsets.indices where labelOffsets[i] >= Int32(offset) { labelOffsets[i] = -1 }
    }

    /// Emits a 32-bit field holding `label - base` (a jump-table entry).
    public mutating func emitLabelDifference(_ label: Label, from base: Label) {
        fixups.append(Fixup(at: bytes.count, label: label.id, kind: .difference(from: base.id)))
        emit32(0)
    }

    /// Pads with `nop`s (0x90) until the offset is a multiple of `alignment`.
    public mutating func align(_ alignment: Int) {
        while bytes.count % alignment != 0 { emit(0x90) }
    }

    // MARK: encoding helpers

    /// REX prefix; `force` emits it even when empty (byte registers spl/bpl/sil/dil).
    @inline(__always)
    mutating func rex(w: Bool, r: UInt8, x: UInt8, b: UInt8, force: Bool = false) {
        let v: UInt8 = 0x40 | (w ? 8 : 0) | (r & 1) << 2 | (x & 1) << 1 | (b & 1)
        if v != 0x40 || force { emit(v) }
    }

    /// REX prefix for a `reg, [mem]` pair.
    @inline(__always)
    mutating func rex(w: Bool, reg: UInt8, _ m: X64Memory, force: Bool = false) {
        var b: UInt8 = 0
        if case .register(let base) = m.base { b = base.high }
        rex(w: w, r: reg >> 3, x: m.index.map { $0.high } ?? 0, b: b, force: force)
    }

    /// ModRM (+ SIB + displacement) for `reg` and a memory operand. `trailing` is the number
    /// of immediate bytes that follow (for RIP-relative displacements).
    mutating func modrm(reg: UInt8, _ m: X64Memory, trailing: Int8 = 0) {
        let r = (reg & 7) << 3
        switch m.base {
        case .label(let label):
            emit(0x05 | r)
            fixups.append(Fixup(at: bytes.count, label: label.id, kind: .rel32(trailing: trailing)))
            emit32(m.displacement)
            return
        case .register(let base):
            let d = m.displacement
            let mod: UInt8
            if d == 0 && base.low != 5 { mod = 0 } else if d >= -128 && d <= 127 { mod = 1 } else { mod = 2 }
            if m.index == nil && base.low != 4 {
                emit(mod << 6 | r | base.low)
            } else {
                emit(mod << 6 | r | 4)
                let index = m.index?.low ?? 4
                emit(m.scaleShift << 6 | index << 3 | base.low)
            }
            if mod == 1 { emit(UInt8(bitPattern: Int8(d))) } else if mod == 2 { emit32(d) }
        }
    }

    @inline(__always)
    mutating func modrm(reg: UInt8, rm: UInt8) {
        emit(0xC0 | (reg & 7) << 3 | (rm & 7))
    }

    /// `[prefix] REX opcode modrm` with a register r/m operand.
    @inline(__always)
    mutating func op(_ opcode: UInt8, reg: UInt8, rm: UInt8, w: Bool, byteRegs: Bool = false, twoByte: Bool = false,
                     prefix: UInt8 = 0) {
        if prefix != 0 { emit(prefix) }
        rex(w: w, r: reg >> 3, x: 0, b: rm >> 3, force: byteRegs && (reg >= 4 || rm >= 4))
        if twoByte { emit(0x0F) }
        emit(opcode)
        modrm(reg: reg, rm: rm)
    }

    /// `REX opcode modrm` with a memory r/m operand.
    @inline(__always)
    mutating func op(_ opcode: UInt8, reg: UInt8, _ m: X64Memory, w: Bool, byteReg: Bool = false,
                     twoByte: Bool = false, trailing: Int8 = 0, prefix: UInt8 = 0) {
        if prefix != 0 { emit(prefix) }
        rex(w: w, reg: reg, m, force: byteReg && reg >= 4)
        if twoByte { emit(0x0F) }
        emit(opcode)
        modrm(reg: reg, m, trailing: trailing)
    }
}

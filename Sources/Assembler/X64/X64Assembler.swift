/// An x86-64 machine-code encoder with labels and fixups. It knows nothing about Wasm:
/// the JIT, the runtime's trap stubs and the interpreter's guard trampoline all emit
/// through it.
///
/// Jumps to labels not yet bound use 32-bit displacements patched by `finish()`;
/// backward jumps to a near label use the short form.
///
/// The code bytes live in a `CodeStorage` buffer that copies of the assembler share:
/// emit through one copy only (the JIT keeps one assembler per module and never emits
/// through two copies). Appending checks the capacity once per field and never
/// uniqueness, so emitting a byte is a compare and a store.
public struct X64Assembler: Sendable {
    var storage: CodeStorage
    /// Number of code bytes emitted.
    var count = 0
    /// Offset of each label, -1 while unbound (shared by copies, like `storage`).
    let labelOffsets: AssemblerList<Int32>
    let fixups: AssemblerList<Fixup>

    struct Fixup: LabelUse, Sendable {
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
        storage = CodeStorage(capacity: capacity)
        fixups = AssemblerList(capacity: capacity >= 4096 ? capacity / 8 : 16)
        labelOffsets = AssemblerList(capacity: capacity >= 4096 ? capacity / 32 : 16)
    }

    /// The code emitted so far (a copy).
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage.base, count: count)) }

    /// Copies the code into `destination` (which must be large enough) and returns its size.
    public func copyBytes(to destination: UnsafeMutableRawBufferPointer) -> Int {
        precondition(destination.count >= count, "destination too small for the code")
        if count > 0 { destination.baseAddress!.copyMemory(from: storage.base, byteCount: count) }
        return count
    }

    /// Current offset in the code.
    @inline(__always) public var offset: Int { count }

    // MARK: raw bytes

    /// Makes room for `n` more bytes.
    @inline(__always) mutating func reserve(_ n: Int) {
        if _slowPath(storage.capacity - count < n) { storage.grow(toHold: count + n, keeping: count) }
    }

    /// Appends one byte.
    @inline(__always) public mutating func emit(_ b: UInt8) {
        reserve(1)
        storage.base[count] = b
        count &+= 1
    }

    /// Appends two bytes.
    @inline(__always) public mutating func emit(_ a: UInt8, _ b: UInt8) {
        reserve(2)
        storage.base[count] = a
        storage.base[count + 1] = b
        count &+= 2
    }

    /// Appends four bytes, little-endian.
    @inline(__always) public mutating func emit32(_ v: Int32) {
        reserve(4)
        UnsafeMutableRawPointer(storage.base + count).storeBytes(of: UInt32(bitPattern: v).littleEndian, as: UInt32.self)
        count += 4
    }

    /// Appends eight bytes, little-endian.
    @inline(__always) public mutating func emit64(_ v: UInt64) {
        reserve(8)
        UnsafeMutableRawPointer(storage.base + count).storeBytes(of: v.littleEndian, as: UInt64.self)
        count += 8
    }

    mutating func emit16(_ v: Int16) {
        reserve(2)
        UnsafeMutableRawPointer(storage.base + count).storeBytes(of: UInt16(bitPattern: v).littleEndian, as: UInt16.self)
        count += 2
    }

    /// Overwrites the 32-bit field at `at` (little-endian).
    public mutating func patch32(at: Int, _ v: Int32) {
        precondition(at >= 0 && at <= count - 4, "patch outside the code")
        UnsafeMutableRawPointer(storage.base + at).storeBytes(of: UInt32(bitPattern: v).littleEndian, as: UInt32.self)
    }

    /// Overwrites the byte at `at`.
    mutating func patch8(at: Int, _ v: UInt8) {
        precondition(at >= 0 && at < count, "patch outside the code")
        storage.base[at] = v
    }

    // MARK: labels

    /// A fresh, unbound label.
    public mutating func newLabel() -> Label {
        labelOffsets.newLabel()
    }

    /// Binds `label` to the current offset.
    public mutating func bind(_ label: Label) {
        labelOffsets.bind(label, at: count)
    }

    /// The bound offset of `label`, nil while unbound.
    public func offset(of label: Label) -> Int? {
        labelOffsets.offset(of: label)
    }

    /// Resolves every label use. All used labels must be bound. Absolute-address fixups
    /// (`movAbsolute(_:label:)`) need the final load address of the code.
    public mutating func finish(baseAddress: UInt64 = 0) {
        if let label = link(baseAddress: baseAddress, external: { _ in nil }) {
            preconditionFailure("unbound label \(label.id)")
        }
    }

    /// Drops the bytes from `offset` on, for straight-line code that recorded no fixup and
    /// bound no label there (cheaper than `truncate`, which scans every fixup and label).
    public mutating func dropBytes(from offset: Int) {
        precondition(fixups.last.map { $0.at < offset } ?? true, "code after offset has fixups")
        precondition(offset >= 0 && offset <= count, "offset outside the code")
        count = offset
    }

    /// Drops the code from `offset` on (and the label uses and bindings in it).
    public mutating func truncate(to offset: Int) {
        precondition(offset >= 0 && offset <= count, "offset outside the code")
        count = offset
        fixups.removeAll { $0.at >= offset }
        labelOffsets.unbind(from: offset)
    }

    /// Emits a 32-bit field holding `label - base` (a jump-table entry).
    public mutating func emitLabelDifference(_ label: Label, from base: Label) {
        fixups.append(Fixup(at: count, label: label.id, kind: .difference(from: base.id)))
        emit32(0)
    }

    /// Pads with `nop`s (0x90) until the offset is a multiple of `alignment`.
    public mutating func align(_ alignment: Int) {
        while count % alignment != 0 { emit(0x90) }
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
    @inline(__always)
    mutating func modrm(reg: UInt8, _ m: X64Memory, trailing: Int8 = 0) {
        let r = (reg & 7) << 3
        switch m.base {
        case .label(let label):
            emit(0x05 | r)
            fixups.append(Fixup(at: count, label: label.id, kind: .rel32(trailing: trailing)))
            emit32(m.displacement)
        case .register(let base):
            modrm(r: r, base: base, m)
        }
    }

    /// The register-based form: at most 6 bytes (ModRM, SIB, disp32), written after one
    /// capacity check. Inlined into each encoder (within this module only: inlining the
    /// encoders into the JIT's compiler made that slower, Docs/JIT.md "Compile speed").
    @inline(__always)
    mutating func modrm(r: UInt8, base: X64Register, _ m: X64Memory) {
        reserve(6)
        count &+= Self.writeModRM(storage.base + count, r: r, base: base, m)
    }

    /// Writes ModRM, SIB and displacement at `p` (room for 6 bytes) and returns how many.
    @inline(__always)
    static func writeModRM(_ p: UnsafeMutablePointer<UInt8>, r: UInt8, base: X64Register, _ m: X64Memory) -> Int {
        let d = m.displacement
        let mod: UInt8
        if d == 0 && base.low != 5 { mod = 0 } else if d >= -128 && d <= 127 { mod = 1 } else { mod = 2 }
        var n = 1
        if m.index == nil && base.low != 4 {
            p[0] = mod << 6 | r | base.low
        } else {
            p[0] = mod << 6 | r | 4
            p[1] = m.scaleShift << 6 | (m.index?.low ?? 4) << 3 | base.low
            n = 2
        }
        if mod == 1 {
            p[n] = UInt8(bitPattern: Int8(truncatingIfNeeded: d))
            n += 1
        } else if mod == 2 {
            UnsafeMutableRawPointer(p + n).storeBytes(of: UInt32(bitPattern: d).littleEndian, as: UInt32.self)
            n += 4
        }
        return n
    }

    @inline(__always)
    mutating func modrm(reg: UInt8, rm: UInt8) {
        emit(0xC0 | (reg & 7) << 3 | (rm & 7))
    }

    /// Writes `[prefix] [REX] [0F] opcode` (at most 4 bytes) after one capacity check.
    @inline(__always)
    mutating func opcodeBytes(_ opcode: UInt8, prefix: UInt8, rex: UInt8, forceREX: Bool, twoByte: Bool) {
        reserve(4)
        count &+= Self.writeOpcode(storage.base + count, opcode, prefix: prefix, rex: rex, forceREX: forceREX,
                                   twoByte: twoByte)
    }

    /// Writes `[prefix] [REX] [0F] opcode` at `p` (room for 4 bytes) and returns how many.
    @inline(__always)
    static func writeOpcode(_ p: UnsafeMutablePointer<UInt8>, _ opcode: UInt8, prefix: UInt8, rex: UInt8,
                            forceREX: Bool, twoByte: Bool) -> Int {
        var n = 0
        if prefix != 0 {
            p[n] = prefix
            n += 1
        }
        if rex != 0x40 || forceREX {
            p[n] = rex
            n += 1
        }
        if twoByte {
            p[n] = 0x0F
            n += 1
        }
        p[n] = opcode
        return n + 1
    }

    /// `[prefix] REX opcode modrm` with a register r/m operand.
    @inline(__always)
    mutating func op(_ opcode: UInt8, reg: UInt8, rm: UInt8, w: Bool, byteRegs: Bool = false, twoByte: Bool = false,
                     prefix: UInt8 = 0) {
        let rex: UInt8 = 0x40 | (w ? 8 : 0) | (reg >> 3 & 1) << 2 | (rm >> 3 & 1)
        opcodeBytes(opcode, prefix: prefix, rex: rex, forceREX: byteRegs && (reg >= 4 || rm >= 4), twoByte: twoByte)
        modrm(reg: reg, rm: rm)
    }

    /// `REX opcode modrm` with a memory r/m operand.
    @inline(__always)
    mutating func op(_ opcode: UInt8, reg: UInt8, _ m: X64Memory, w: Bool, byteReg: Bool = false,
                     twoByte: Bool = false, trailing: Int8 = 0, prefix: UInt8 = 0) {
        let x = m.index.map { $0.high } ?? 0
        let rex: UInt8 = 0x40 | (w ? 8 : 0) | (reg >> 3 & 1) << 2 | (x & 1) << 1
        guard case .register(let base) = m.base else {
            opcodeBytes(opcode, prefix: prefix, rex: rex, forceREX: byteReg && reg >= 4, twoByte: twoByte)
            modrm(reg: reg, m, trailing: trailing)
            return
        }
        // The common form (every frame, global and heap access): the whole instruction,
        // at most 10 bytes, after a single capacity check.
        reserve(10)
        let p = storage.base + count
        let n = Self.writeOpcode(p, opcode, prefix: prefix, rex: rex | (base.high & 1),
                                 forceREX: byteReg && reg >= 4, twoByte: twoByte)
        count &+= n + Self.writeModRM(p + n, r: (reg & 7) << 3, base: base, m)
    }
}

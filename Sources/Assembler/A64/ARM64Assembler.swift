/// An AArch64 (A64) machine-code encoder with labels and fixups, the counterpart of
/// `X64Assembler`. Every instruction is one little-endian 32-bit word.
///
/// Encoders that take an immediate expect an encodable one (the `is...Encodable` checks
/// and `precondition` say so): callers with values from Wasm input use the helpers that
/// fall back through a scratch register (`add(_:_:imm:_:scratch:)`, `load(_:_:_:offset:scratch:)`,
/// `mov(_:imm:_:)`, ...).
///
/// Branches to labels not yet bound are patched by `link`/`finish`. Their ranges are
/// limited (b/bl ±128 MiB, b.cond/cbz/cbnz/adr/ldr literal ±1 MiB, tbz/tbnz ±32 KiB):
/// a target out of range is reported by `link` rather than wrapped.
///
/// As with `X64Assembler`, copies share the code buffer and label lists: emit through
/// one copy only.
public struct ARM64Assembler: Sendable {
    var storage: CodeStorage
    /// Number of code bytes emitted.
    var count = 0
    /// Offset of each label, -1 while unbound (shared by copies, like `storage`).
    let labelOffsets: AssemblerList<Int32>
    let fixups: AssemblerList<Fixup>

    struct Fixup: LabelUse, Sendable {
        enum Kind: Sendable {
            /// Instruction with a word offset to the label in imm26 (b, bl).
            case branch26
            /// imm19 at bit 5 (b.cond, cbz, cbnz, ldr literal).
            case branch19
            /// imm14 at bit 5 (tbz, tbnz).
            case branch14
            /// adr: a byte offset in immhi:immlo (±1 MiB).
            case adr
            /// adrp: the distance in 4 KiB pages between the instruction's page and the
            /// label's (needs the load address).
            case adrp
            /// add immediate: the low 12 bits of the label's address (after `adrp`).
            case pageOffset
            /// 32-bit data word: the label's offset from another label (jump tables).
            case difference(from: Int32)
            /// 64-bit data: base address + label offset.
            case absolute64
            /// movz + 3 movk: base address + label offset, 16 bits per instruction.
            case absoluteMoves
        }
        var at: Int
        var label: Int32
        var kind: Kind
    }

    /// `capacity`: expected code size; label and fixup lists are sized from it too.
    public init(capacity: Int = 256) {
        storage = CodeStorage(capacity: capacity)
        fixups = AssemblerList(capacity: capacity >= 4096 ? capacity / 8 : 16)
        labelOffsets = AssemblerList(capacity: capacity >= 4096 ? capacity / 32 : 16)
    }

    /// The code emitted so far (a copy).
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage.base, count: count)) }

    /// The code emitted so far as instruction words.
    public var words: [UInt32] {
        (0 ..< count / 4).map { word(at: $0 * 4) }
    }

    /// Copies the code into `destination` (which must be large enough) and returns its size.
    public func copyBytes(to destination: UnsafeMutableRawBufferPointer) -> Int {
        precondition(destination.count >= count, "destination too small for the code")
        if count > 0 { destination.baseAddress!.copyMemory(from: storage.base, byteCount: count) }
        return count
    }

    /// Current offset in the code.
    @inline(__always) public var offset: Int { count }

    // MARK: raw words

    /// Appends one instruction word.
    @inline(__always) public mutating func emit(_ word: UInt32) {
        if _slowPath(storage.capacity - count < 4) { storage.grow(toHold: count + 4, keeping: count) }
        UnsafeMutableRawPointer(storage.base + count).storeBytes(of: word.littleEndian, as: UInt32.self)
        count &+= 4
    }

    /// Appends eight bytes of data, little-endian.
    public mutating func emit64(_ v: UInt64) {
        emit(UInt32(truncatingIfNeeded: v))
        emit(UInt32(truncatingIfNeeded: v >> 32))
    }

    /// The word at byte offset `at`.
    public func word(at: Int) -> UInt32 {
        precondition(at >= 0 && at <= count - 4, "offset outside the code")
        return UInt32(littleEndian: UnsafeRawPointer(storage.base + at).loadUnaligned(as: UInt32.self))
    }

    /// Overwrites the word at `at`.
    public mutating func patch(at: Int, _ word: UInt32) {
        precondition(at >= 0 && at <= count - 4, "patch outside the code")
        UnsafeMutableRawPointer(storage.base + at).storeBytes(of: word.littleEndian, as: UInt32.self)
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

    /// Resolves every label use. All used labels must be bound and in range of their
    /// branches (code whose size is bounded: stubs, trampolines). `baseAddress` is needed
    /// by absolute and page fixups.
    public mutating func finish(baseAddress: UInt64 = 0) {
        if let failure = link(baseAddress: baseAddress, external: { _ in nil }) {
            preconditionFailure("\(failure)")
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

    /// Emits a 32-bit data word holding `label - base` (a jump-table entry).
    public mutating func emitLabelDifference(_ label: Label, from base: Label) {
        fixups.append(Fixup(at: count, label: label.id, kind: .difference(from: base.id)))
        emit(0)
    }

    /// Emits 64 bits of data holding the label's address (base address + offset).
    public mutating func emitLabelAddress(_ label: Label) {
        fixups.append(Fixup(at: count, label: label.id, kind: .absolute64))
        emit64(0)
    }

    /// Pads with `nop`s until the offset is a multiple of `alignment` (a multiple of 4).
    public mutating func align(_ alignment: Int) {
        precondition(alignment > 0 && alignment % 4 == 0, "alignment must be a multiple of 4")
        while count % alignment != 0 { emit(0xD503_201F) }
    }

    /// Records a use of `label` by the instruction about to be emitted at the current offset.
    @inline(__always)
    mutating func use(_ label: Label, _ kind: Fixup.Kind) {
        fixups.append(Fixup(at: count, label: label.id, kind: kind))
    }
}

import WasmCore

/// The type of a block, loop, if or try_table.
public enum BlockType: Hashable, Sendable {
    case empty
    case value(ValueType)
    /// An index into the module's type section (multi-value blocks).
    case typeIndex(UInt32)
}

/// One clause of a `try_table`.
public struct CatchClause: Hashable, Sendable {
    /// Which exceptions the clause catches and whether it also pushes the exnref.
    public enum Kind: UInt8, Sendable { case `catch` = 0, catchRef = 1, catchAll = 2, catchAllRef = 3 }
    /// Which exceptions the clause catches.
    public var kind: Kind
    /// The tag index (unused for catch_all / catch_all_ref).
    public var tag: UInt32
    /// The branch target, as a relative label depth.
    public var label: UInt32

    /// A catch clause.
    public init(kind: Kind, tag: UInt32, label: UInt32) {
        self.kind = kind
        self.tag = tag
        self.label = label
    }
}

/// One decoded instruction: its opcode and immediates. Which fields are meaningful
/// depends on `opcode.info.immediate`:
///
/// | immediate      | fields                                                    |
/// |----------------|-----------------------------------------------------------|
/// | block          | blockType                                                 |
/// | label          | index = depth                                             |
/// | brTable        | labels = targets followed by the default target           |
/// | func/type/local/global/table/tag/data/elem/memory | index                  |
/// | callIndirect   | index = type, index2 = table                              |
/// | memarg         | index = align (log2), index2 = memory, value = offset     |
/// | i32/i64        | value = the bits (sign-extended to 64 for i32 as UInt32)  |
/// | f32/f64        | value = the IEEE bits                                     |
/// | selectT        | valueTypes                                                |
/// | heapType       | heapType                                                  |
/// | tryTable       | blockType, catches                                        |
/// | dataMemory / elemTable | index = data/elem segment, index2 = memory/table  |
/// | memoryMemory / tableTable | index = destination, index2 = source           |
/// | v128 / shuffle | value = bytes 0..<8, value2 = bytes 8..<16 (little-endian)        |
/// | lane           | index = lane                                              |
/// | memargLane     | as memarg, and value2 = lane                              |
/// | typeField/typeCount/typeData/typeElem/typeType | index = type, index2 = field, count, data, elem or source type |
/// | brOnCast       | index = depth, value = cast flags (bit 0: source nullable, bit 1: target nullable), heapType = source, heapType2 = target |
public struct Instruction: Hashable, Sendable {
    /// The instruction.
    public var opcode: Opcode
    /// The first index immediate (local, global, function, type, table, memory, label ...).
    public var index: UInt32 = 0
    /// The second index immediate (e.g. the table of `call_indirect`, a memory offset's memory).
    public var index2: UInt32 = 0
    /// A constant's bits, a memory access's offset, or a lane index.
    public var value: UInt64 = 0
    /// The high half of a 16-byte immediate, or the lane of a `memargLane` immediate.
    public var value2: UInt64 = 0
    /// The block type of `block`, `loop`, `if` and `try_table`.
    public var blockType: BlockType = .empty
    /// The heap type of `ref.null` and the reference instructions.
    public var heapType: HeapType = .func
    /// The target heap type of `br_on_cast` and `br_on_cast_fail`.
    public var heapType2: HeapType = .func
    /// The variable-length immediates, nil when all are empty: most instructions have
    /// none, and a nil reference keeps copying an instruction free of reference counting.
    @usableFromInline var lists: InstructionLists?

    /// The types of a typed `select`.
    public var valueTypes: [ValueType] {
        get { lists?.valueTypes ?? [] }
        set { setLists(newValue, labels, catches) }
    }
    /// The targets of `br_table`, the default last.
    public var labels: [UInt32] {
        get { lists?.labels ?? [] }
        set { setLists(valueTypes, newValue, catches) }
    }
    /// The clauses of `try_table`.
    public var catches: [CatchClause] {
        get { lists?.catches ?? [] }
        set { setLists(valueTypes, labels, newValue) }
    }

    /// An instruction with no immediates (set them after).
    @inlinable public init(_ opcode: Opcode) { self.opcode = opcode }

    /// Becomes `Instruction(opcode)` field by field; the lists are released only when
    /// present (assigning a new instruction would release them unconditionally).
    @inline(__always)
    mutating func reset(_ opcode: Opcode) {
        self.opcode = opcode
        index = 0
        index2 = 0
        value = 0
        value2 = 0
        blockType = .empty
        heapType = .func
        heapType2 = .func
        if lists != nil { lists = nil }
    }

    private mutating func setLists(_ valueTypes: [ValueType], _ labels: [UInt32], _ catches: [CatchClause]) {
        lists = valueTypes.isEmpty && labels.isEmpty && catches.isEmpty
            ? nil : InstructionLists(valueTypes: valueTypes, labels: labels, catches: catches)
    }
}

/// The variable-length immediates of an `Instruction` (immutable; setters replace it).
@usableFromInline final class InstructionLists: Hashable, Sendable {
    let valueTypes: [ValueType]
    let labels: [UInt32]
    let catches: [CatchClause]

    init(valueTypes: [ValueType], labels: [UInt32], catches: [CatchClause]) {
        self.valueTypes = valueTypes
        self.labels = labels
        self.catches = catches
    }

    @usableFromInline static func == (a: InstructionLists, b: InstructionLists) -> Bool {
        a.valueTypes == b.valueTypes && a.labels == b.labels && a.catches == b.catches
    }

    @usableFromInline func hash(into hasher: inout Hasher) {
        hasher.combine(valueTypes)
        hasher.combine(labels)
        hasher.combine(catches)
    }
}

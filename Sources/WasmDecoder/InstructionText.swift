import WasmCore

// The one place that prints instructions in text-format style (listings, disassembly).
// Indices are printed as numbers; callers add names where they know them.

extension Instruction {
    /// The instruction as the text format writes it, e.g. `i32.load offset=8`,
    /// `br_table 0 1 2`, `call_indirect (type 1)`.
    public var text: String {
        let name = opcode.name
        switch opcode.info.immediate {
        case .none: return name
        case .block: return name + Self.text(blockType)
        case .tryTable:
            let clauses = catches.map { c -> String in
                switch c.kind {
                case .catch: "(catch \(c.tag) \(c.label))"
                case .catchRef: "(catch_ref \(c.tag) \(c.label))"
                case .catchAll: "(catch_all \(c.label))"
                case .catchAllRef: "(catch_all_ref \(c.label))"
                }
            }
            return ([name + Self.text(blockType)] + clauses).joined(separator: " ")
        case .label, .func, .local, .global, .tag, .data, .elem, .lane: return "\(name) \(index)"
        case .type: return "\(name) (type \(index))"
        case .table, .memory: return index == 0 ? name : "\(name) \(index)"
        case .brTable: return ([name] + labels.map { "\($0)" }).joined(separator: " ")
        case .callIndirect: return name + (index2 == 0 ? "" : " \(index2)") + " (type \(index))"
        case .selectT: return name + " (result" + valueTypes.map { " \($0)" }.joined() + ")"
        case .heapType:
            switch opcode {
            case .refTest, .refCast: return "\(name) \(RefType(nullable: false, heapType))"
            case .refTestNull, .refCastNull: return "\(name.dropLast(5)) \(RefType(nullable: true, heapType))"
            default: return "\(name) \(heapType)"
            }
        case .typeField, .typeCount, .typeData, .typeElem, .typeType: return "\(name) \(index) \(index2)"
        case .brOnCast:
            let source = RefType(nullable: value & 1 != 0, heapType), target = RefType(nullable: value & 2 != 0, heapType2)
            return "\(name) \(index) \(source) \(target)"
        case .i32: return "\(name) \(Int32(truncatingIfNeeded: value))"
        case .i64: return "\(name) \(Int64(bitPattern: value))"
        case .f32: return "\(name) \(Float(bitPattern: UInt32(truncatingIfNeeded: value)))"
        case .f64: return "\(name) \(Double(bitPattern: value))"
        case .memarg, .memargLane:
            var text = name
            if index2 != 0 { text += " \(index2)" }
            if value != 0 { text += " offset=\(value)" }
            if Int(index) != opcode.alignmentLog2 { text += " align=\(1 << index)" }
            if opcode.info.immediate == .memargLane { text += " \(value2)" }
            return text
        case .dataMemory, .elemTable, .memoryMemory, .tableTable: return "\(name) \(index) \(index2)"
        case .v128, .shuffle:
            let bytes = (0 ..< 16).map { i in UInt8(truncatingIfNeeded: (i < 8 ? value : value2) >> (8 * UInt64(i % 8))) }
            return name + (opcode.info.immediate == .v128 ? " i8x16" : "") + bytes.map { " \($0)" }.joined()
        }
    }

    static func text(_ blockType: BlockType) -> String {
        switch blockType {
        case .empty: ""
        case .value(let t): " (result \(t))"
        case .typeIndex(let i): " (type \(i))"
        }
    }
}

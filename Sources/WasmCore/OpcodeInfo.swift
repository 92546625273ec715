/// How an instruction's immediates are encoded (the `immediate` column of Instructions.def).
public enum ImmediateKind: UInt8, Sendable {
    case none
    case block          // blocktype
    case label          // labelidx
    case brTable        // vec(labelidx) labelidx
    case `func`         // funcidx
    case callIndirect   // typeidx tableidx
    case type           // typeidx
    case selectT        // vec(valtype)
    case tryTable       // blocktype vec(catch)
    case local, global, table, tag
    case memarg         // [memidx] align offset
    case memory         // memidx (a 0x00 byte before multi-memory)
    case i32, i64, f32, f64
    case heapType       // ref.null
    case dataMemory     // dataidx memidx
    case data           // dataidx
    case memoryMemory   // memidx memidx
    case elemTable      // elemidx tableidx
    case elem           // elemidx
    case tableTable     // tableidx tableidx
    case v128           // 16 bytes, little-endian
    case shuffle        // 16 lane indices (bytes), each < 32
    case lane           // one lane index byte
    case memargLane     // memarg, then one lane index byte
    case typeField      // typeidx fieldidx
    case typeCount      // typeidx u32 (array.new_fixed)
    case typeData       // typeidx dataidx
    case typeElem       // typeidx elemidx
    case typeType       // typeidx typeidx (array.copy: destination, source)
    case brOnCast       // castflags labelidx heaptype heaptype
}

/// An operand in an opcode signature: a fixed value type, or the memory's address type.
public enum OperandType: Hashable, Sendable {
    case value(ValueType)
    case address
}

/// The stack effect of an instruction that needs no special typing rule.
public struct OpcodeSignature: Sendable {
    /// Operand types popped, bottom first.
    public var pops: [OperandType]
    /// Result types pushed.
    public var pushes: [OperandType]
}

/// One row of the instruction table.
public struct OpcodeInfo: Sendable {
    /// The text-format mnemonic, e.g. `i32.add`.
    public var name: String
    /// 0 for single-byte opcodes, else 0xFB/0xFC/0xFD/0xFE.
    public var prefix: UInt8
    /// The opcode byte, or the code after a prefix byte.
    public var code: UInt32
    /// The immediates that follow the opcode.
    public var immediate: ImmediateKind
    /// log2 of the access size for memory instructions; log2 of the lane width in bytes
    /// for `lane` and `memargLane` instructions.
    public var naturalAlignment: Int
    /// nil when the validator types the instruction by hand.
    public var signature: OpcodeSignature?
}

extension Opcode {
    /// The opcode's row of the instruction table.
    @inlinable public var info: OpcodeInfo { Opcode.infos[Int(rawValue)] }
    public var name: String { info.name }

    /// Number of lanes a `lane` or `memargLane` immediate may select (16 >> lane width log2).
    @inlinable public var laneCount: Int { 16 >> alignmentLog2 }

    /// Single-byte opcodes by byte.
    public static let byByte: [Opcode?] = {
        var table = [Opcode?](repeating: nil, count: 256)
        for op in Opcode.allCases where op.info.prefix == 0 { table[Int(op.info.code)] = op }
        return table
    }()

    /// Prefixed opcodes by (prefix, code).
    public static let byPrefix: [UInt8: [UInt32: Opcode]] = {
        var table: [UInt8: [UInt32: Opcode]] = [:]
        for op in Opcode.allCases where op.info.prefix != 0 { table[op.info.prefix, default: [:]][op.info.code] = op }
        return table
    }()

    /// Opcodes by text mnemonic.
    public static let byName: [String: Opcode] = {
        var table: [String: Opcode] = [:]
        for op in Opcode.allCases { table[op.info.name] = op }
        return table
    }()

    /// Looks up an opcode by its encoding.
    public static func decode(prefix: UInt8, code: UInt32) -> Opcode? {
        if prefix == 0 { return code < 256 ? byByte[Int(code)] : nil }
        return byPrefix[prefix]?[code]
    }
}

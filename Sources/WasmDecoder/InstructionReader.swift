import WasmCore

/// Decodes the instructions of a function body (or any code range) one at a time.
///
/// The reader checks the encoding only (opcodes, immediates, LEB128 limits, enabled
/// features); typing and index checks are the validator's. It allocates only for the
/// variable-length immediates (`br_table` targets, typed `select`, `try_table` catches).
public struct InstructionReader: Sendable {
    /// The proposals whose instructions are accepted.
    @usableFromInline var reader: ByteReader
    public let features: WasmFeatures
    /// `OpcodeByteTable.shared`, read once per reader instead of once per instruction.
    @usableFromInline let byteTable: OpcodeByteTable

    /// Reads the code of a defined function of `module` (after its locals, up to and
    /// including the final `end`).
    public init(module: Module, body: FunctionBody, features: WasmFeatures = .wasm3) {
        self.init(bytes: module.bytes, range: body.code, features: features)
    }

    /// Reads the instructions in `range` of `bytes` (clamped to the array).
    public init(bytes: [UInt8], range: Range<Int>, features: WasmFeatures = .wasm3) {
        let upper = Swift.min(Swift.max(range.upperBound, 0), bytes.count)
        let lower = Swift.min(Swift.max(range.lowerBound, 0), upper)
        reader = ByteReader(bytes, offset: lower, limit: upper)
        self.features = features
        byteTable = OpcodeByteTable.shared
    }

    /// Byte offset of the next instruction.
    public var offset: Int { reader.offset }
    /// True when every byte of the range was consumed.
    public var isAtEnd: Bool { reader.isAtEnd }

    /// Decodes the next instruction and returns it with its byte offset, or nil after the
    /// final byte of the range.
    public mutating func read() throws(WasmError) -> (Instruction, offset: Int)? {
        guard !reader.isAtEnd else { return nil }
        let start = reader.offset
        return (try next(), start)
    }

    /// Decodes the next instruction (at `offset`); at the end of the range this throws
    /// like a truncated instruction. Cheaper than `read()` in loops that check `isAtEnd`
    /// themselves: no optional tuple to build and destroy. Inlinable: inlined into each
    /// tier's validation loop, the instruction is built in place instead of being returned
    /// through memory and copied.
    @inlinable
    public mutating func next() throws(WasmError) -> Instruction {
        var ins = Instruction(.nop)
        try next(into: &ins)
        return ins
    }

    /// `next()` decoding into `ins` in place (every field is overwritten): loops that reuse
    /// one instruction neither copy a 64-byte result out nor destroy one per instruction.
    public mutating func next(into ins: inout Instruction) throws(WasmError) {
        // The common case, a plain one-byte opcode, from one table row (opcode and
        // immediate kind); prefixes, proposals and errors take `readOpcode()`.
        let op: Opcode
        let kind: ImmediateKind
        let at = reader.offset
        if at < reader.limit, case let row = byteTable[reader.bytes[at]], row.isPlain {
            reader.offset = at + 1
            op = row.opcode
            kind = row.immediate
        } else {
            op = try readOpcode()
            kind = op.immediateKind
        }
        ins.reset(op)
        switch kind {
        case .none: break
        case .block: ins.blockType = try readBlockType()
        case .label, .func, .type, .local, .global, .table, .tag, .data, .elem:
            ins.index = try reader.readU32()
        case .brTable:
            let count = try reader.readLength()
            var labels: [UInt32] = []
            labels.reserveCapacity(Swift.min(count, 64) + 1)
            for _ in 0..<count { labels.append(try reader.readU32()) }
            labels.append(try reader.readU32())
            ins.labels = labels
        case .callIndirect, .typeField, .typeCount, .typeData, .typeElem, .typeType:
            ins.index = try reader.readU32()
            ins.index2 = try reader.readU32()
        case .brOnCast:
            let start = reader.offset
            let flags = try reader.readByte()
            guard flags <= 3 else { throw .malformed("malformed cast flags", offset: start) }
            ins.value = UInt64(flags)
            ins.index = try reader.readU32()
            ins.heapType = try reader.readHeapType(features)
            ins.heapType2 = try reader.readHeapType(features)
        case .selectT:
            let count = try reader.readLength()
            var types: [ValueType] = []
            for _ in 0..<count { types.append(try reader.readValueType(features)) }
            ins.valueTypes = types
        case .tryTable:
            ins.blockType = try readBlockType()
            ins.catches = try readCatches()
        case .memarg:
            try readMemarg(into: &ins)
        case .memory:
            ins.index = try readMemoryIndex()
        case .i32:
            ins.value = UInt64(bitPattern: Int64(try reader.readI32()))
        case .i64:
            ins.value = UInt64(bitPattern: try reader.readI64())
        case .f32:
            ins.value = UInt64(try reader.readFixedU32())
        case .f64:
            ins.value = try reader.readFixedU64()
        case .heapType:
            ins.heapType = try reader.readHeapType(features)
        case .dataMemory, .elemTable:
            ins.index = try reader.readU32()
            ins.index2 = op == .memoryInit ? try readMemoryIndex() : try reader.readU32()
        case .memoryMemory:
            ins.index = try readMemoryIndex()
            ins.index2 = try readMemoryIndex()
        case .tableTable:
            ins.index = try reader.readU32()
            ins.index2 = try reader.readU32()
        case .v128, .shuffle:
            ins.value = try reader.readFixedU64()
            ins.value2 = try reader.readFixedU64()
        case .lane:
            ins.index = UInt32(try reader.readByte())
        case .memargLane:
            try readMemarg(into: &ins)
            ins.value2 = UInt64(try reader.readByte())
        }
    }

    /// Consumes the next instruction like `next()` (same checks, same errors) without
    /// building it, and returns its opcode: the module decoder only needs the block
    /// structure of a body. Immediates that need more than a primitive read are decoded by
    /// `next()` itself, so both paths share every check.
    public mutating func skip() throws(WasmError) -> Opcode {
        let start = reader.offset
        // As in `next(into:)`: plain one-byte opcodes from one table row.
        let op: Opcode
        let kind: ImmediateKind
        if start < reader.limit, case let row = byteTable[reader.bytes[start]], row.isPlain {
            reader.offset = start + 1
            op = row.opcode
            kind = row.immediate
        } else {
            op = try readOpcode()
            kind = op.immediateKind
        }
        switch kind {
        case .none: break
        case .label, .func, .type, .local, .global, .table, .tag, .data, .elem:
            _ = try reader.readU32()
        case .callIndirect, .tableTable, .typeField, .typeCount, .typeData, .typeElem, .typeType:
            _ = try reader.readU32()
            _ = try reader.readU32()
        case .block: _ = try readBlockType()
        case .i32: _ = try reader.readI32()
        case .i64: _ = try reader.readI64()
        case .f32: _ = try reader.readFixedU32()
        case .f64: _ = try reader.readFixedU64()
        case .memarg:
            var ins = Instruction(op)
            try readMemarg(into: &ins)
        default:
            reader.offset = start
            return try next().opcode
        }
        return op
    }

    /// One-byte opcodes take the inlined path; prefixes and errors the general one.
    @inlinable @inline(__always)
    mutating func readOpcode() throws(WasmError) -> Opcode {
        let start = reader.offset
        let byte = try reader.readByte()
        if let found = Opcode.singleByte(byte), isEnabled(found) { return found }
        return try readOpcode(byte, start: start)
    }

    @usableFromInline
    mutating func readOpcode(_ byte: UInt8, start: Int) throws(WasmError) -> Opcode {
        let op: Opcode
        switch byte {
        case 0xFB, 0xFC, 0xFD, 0xFE:
            let code = try reader.readU32()
            guard let found = Opcode.decode(prefix: byte, code: code), isEnabled(found) else {
                throw .malformed("illegal opcode \(hex(byte)) \(String(code, radix: 16))", offset: start)
            }
            op = found
        default:
            guard let found = Opcode.singleByte(byte), isEnabled(found) else {
                throw .malformed("illegal opcode \(hex(byte))", offset: start)
            }
            op = found
        }
        return op
    }

    /// Whether the proposal that introduced `op` is enabled.
    @inlinable @inline(__always)
    func isEnabled(_ op: Opcode) -> Bool {
        // Only these single-byte opcodes and the 0xFB and 0xFD prefixes belong to optional proposals.
        if op.prefixByte != 0xFD && op.prefixByte != 0xFB && !Self.mayNeedFeature(op) { return true }
        return isEnabledSlow(op)
    }

    @inlinable @inline(__always)
    static func mayNeedFeature(_ op: Opcode) -> Bool {
        switch op {
        case .throw, .throwRef, .tryTable, .returnCall, .returnCallIndirect, .returnCallRef, .callRef,
             .refAsNonNull, .brOnNull, .brOnNonNull, .refEq: true
        default: false
        }
    }

    @usableFromInline
    func isEnabledSlow(_ op: Opcode) -> Bool {
        switch op {
        case .throw, .throwRef, .tryTable: return features.contains(.exceptions)
        case .returnCall, .returnCallIndirect: return features.contains(.tailCall)
        case .returnCallRef: return features.contains(.tailCall) && features.contains(.functionReferences)
        case .callRef, .refAsNonNull, .brOnNull, .brOnNonNull: return features.contains(.functionReferences)
        case .refEq: return features.contains(.gc)
        default:
            if op.prefixByte == 0xFB { return features.contains(.gc) }
            guard op.prefixByte == 0xFD else { return true }
            return features.contains(op.info.code >= 0x100 ? .relaxedSIMD : .simd)
        }
    }

    private func hex(_ b: UInt8) -> String {
        let s = String(b, radix: 16)
        return b < 16 ? "0" + s : s
    }

    /// `0x40` (empty), a value type, or a non-negative s33 type index.
    @usableFromInline
    mutating func readBlockType() throws(WasmError) -> BlockType {
        let start = reader.offset
        let b = try reader.peekByte()
        if b == 0x40 {
            reader.offset += 1
            return .empty
        }
        if b & 0xC0 == 0x40 { return .value(try reader.readValueType(features)) }
        let index = try reader.readS33()
        guard index >= 0 else { throw .malformed("malformed block type", offset: start) }
        return .typeIndex(UInt32(truncatingIfNeeded: index))
    }

    @usableFromInline
    mutating func readCatches() throws(WasmError) -> [CatchClause] {
        let count = try reader.readLength()
        var catches: [CatchClause] = []
        for _ in 0..<count {
            let start = reader.offset
            guard let kind = CatchClause.Kind(rawValue: try reader.readByte()) else {
                throw .malformed("malformed catch clause", offset: start)
            }
            let tag = kind == .catch || kind == .catchRef ? try reader.readU32() : 0
            catches.append(CatchClause(kind: kind, tag: tag, label: try reader.readU32()))
        }
        return catches
    }

    /// A memory index: a LEB128 index with multi-memory, else a single zero byte.
    @usableFromInline
    mutating func readMemoryIndex() throws(WasmError) -> UInt32 {
        if features.contains(.multiMemory) { return try reader.readU32() }
        let start = reader.offset
        guard try reader.readByte() == 0 else { throw .malformed("zero byte expected", offset: start) }
        return 0
    }

    /// Alignment flags, optional memory index (flag bit 6, multi-memory) and offset
    /// (64-bit under memory64).
    @usableFromInline
    mutating func readMemarg(into ins: inout Instruction) throws(WasmError) {
        let start = reader.offset
        let flags = try reader.readU32()
        if features.contains(.multiMemory) {
            guard flags < 0x80 else { throw .malformed("malformed memop flags", offset: start) }
            ins.index = flags & 0x3F
            ins.index2 = flags & 0x40 != 0 ? try reader.readU32() : 0
        } else {
            guard flags < 32 else { throw .malformed("malformed memop flags", offset: start) }
            ins.index = flags
        }
        let at = reader.offset
        if at < reader.limit && reader.bytes[at] < 0x80 {
            // A one-byte offset (most of them), without the general LEB128 loop.
            ins.value = UInt64(reader.bytes[at])
            reader.offset = at + 1
        } else {
            ins.value = features.contains(.memory64) ? try reader.readULEB(bits: 64) : UInt64(try reader.readU32())
        }
    }
}

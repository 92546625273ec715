import WasmCore

/// Decoders for the type grammar of the binary format (value, reference, heap, limits,
/// table, memory and global types), with the testsuite's error wording.
extension ByteReader {
    /// The end-of-input error, in the wording of the reference interpreter (which reads a
    /// module as one stream, so every premature end is "of section or function").
    static func endError(at offset: Int) -> WasmError {
        .malformed("unexpected end of section or function", offset: offset)
    }

    /// A `u32` length or count that must fit in the rest of the module (counted from the
    /// start of its own encoding, as the reference interpreter does).
    @usableFromInline
    mutating func readLength() throws(WasmError) -> Int {
        let start = offset
        let n = Int(try readU32())
        guard n <= bytes.count - start else { throw .malformed("length out of bounds", offset: start) }
        return n
    }

    /// A length-prefixed UTF-8 name.
    mutating func readWasmName() throws(WasmError) -> String {
        let start = offset
        let length = try readLength()
        guard length <= bytes.count - offset else { throw ByteReader.endError(at: bytes.count) }
        let raw = bytes[offset..<offset + length]
        offset += length
        guard let text = UTF8Validation.decode(raw) else { throw .malformed("malformed UTF-8 encoding", offset: start) }
        return text
    }

    /// A value type. Type-index references are range-checked by the validator.
    @usableFromInline
    mutating func readValueType(_ features: WasmFeatures) throws(WasmError) -> ValueType {
        let start = offset
        let b = try readByte()
        switch b {
        case 0x7F: return .i32
        case 0x7E: return .i64
        case 0x7D: return .f32
        case 0x7C: return .f64
        case 0x7B where features.contains(.simd): return .v128
        default:
            if let r = try refType(startingWith: b, at: start, features) { return .ref(r) }
            if b & 0x80 != 0 { throw .malformed("integer representation too long", offset: start) }
            throw .malformed("malformed value type", offset: start)
        }
    }

    /// A reference type (element types of tables and segments).
    mutating func readRefType(_ features: WasmFeatures) throws(WasmError) -> RefType {
        let start = offset
        let b = try readByte()
        if let r = try refType(startingWith: b, at: start, features) { return r }
        throw .malformed("malformed reference type", offset: start)
    }

    /// Decodes the reference type whose first byte `b` was already read, or returns nil
    /// when `b` starts no reference type.
    private mutating func refType(startingWith b: UInt8, at start: Int, _ features: WasmFeatures) throws(WasmError) -> RefType? {
        switch b {
        case 0x63, 0x64:
            guard features.contains(.functionReferences) else { return nil }
            return RefType(nullable: b == 0x63, try readHeapType(features))
        default:
            guard let h = ByteReader.abstractHeapType(b, features) else { return nil }
            return RefType(h)
        }
    }

    /// The one-byte abstract heap types (also the shorthand nullable reference types)
    /// the enabled features allow.
    static func abstractHeapType(_ b: UInt8, _ features: WasmFeatures) -> HeapType? {
        guard let h = HeapType(abstractByte: b) else { return nil }
        switch h {
        case .func, .extern: return h
        case .exn: return features.contains(.exceptions) ? h : nil
        case .noFunc, .noExtern: return features.contains(.functionReferences) ? h : nil
        case .noExn: return features.contains(.functionReferences) && features.contains(.exceptions) ? h : nil
        default: return features.contains(.gc) ? h : nil
        }
    }

    /// A heap type: an abstract type byte or a (non-negative, s33) type index.
    @usableFromInline
    mutating func readHeapType(_ features: WasmFeatures) throws(WasmError) -> HeapType {
        let start = offset
        let b = try peekByte()
        if let h = ByteReader.abstractHeapType(b, features) {
            offset += 1
            return h
        }
        guard features.contains(.functionReferences) else { throw .malformed("malformed reference type", offset: start) }
        let index = try readS33()
        guard index >= 0 else { throw .malformed("malformed heap type", offset: start) }
        return .concrete(UInt32(truncatingIfNeeded: index))
    }

    mutating func peekByte() throws(WasmError) -> UInt8 {
        guard offset < limit else { throw ByteReader.endError(at: offset) }
        return bytes[offset]
    }

    /// Limits of a memory or table. Before memory64 the flags are a LEB128 `u1`; with it they
    /// are a byte whose bit 0 means "has maximum" and bit 2 "64-bit addresses".
    mutating func readLimits(_ features: WasmFeatures) throws(WasmError) -> Limits {
        let start = offset
        let flags = try readByte()
        let hasMax: Bool, is64: Bool
        if features.contains(.memory64) {
            guard flags & ~0x05 == 0 else { throw .malformed("malformed limits flags", offset: start) }
            hasMax = flags & 1 != 0
            is64 = flags & 4 != 0
        } else {
            // The reference reads a 1-bit LEB128: payload first, then the continuation bit.
            if flags & 0x7F > 1 { throw .malformed("integer too large", offset: start) }
            if flags & 0x80 != 0 { throw .malformed("integer representation too long", offset: start + 1) }
            hasMax = flags == 1
            is64 = false
        }
        // Under memory64 the bounds are always read as u64 and range-checked by validation.
        let bits = is64 || features.contains(.memory64) ? 64 : 32
        let min = try readULEB(bits: bits)
        let max = hasMax ? try readULEB(bits: bits) : nil
        return Limits(min: min, max: max, is64: is64)
    }

    mutating func readTableType(_ features: WasmFeatures) throws(WasmError) -> TableType {
        let element = try readRefType(features)
        return TableType(element, try readLimits(features))
    }

    mutating func readGlobalType(_ features: WasmFeatures) throws(WasmError) -> GlobalType {
        let type = try readValueType(features)
        let start = offset
        switch try readByte() {
        case 0: return GlobalType(type, mutable: false)
        case 1: return GlobalType(type, mutable: true)
        default: throw .malformed("malformed mutability", offset: start)
        }
    }

    /// A tag type: the attribute byte (0 = exception) and a type index.
    mutating func readTagType() throws(WasmError) -> TagType {
        let start = offset
        guard try readByte() == 0 else { throw .malformed("malformed tag attribute", offset: start) }
        return TagType(typeIndex: try readU32())
    }

    /// One entry of the type section: `rec` with its types, or a single type.
    mutating func readRecursionGroup(_ features: WasmFeatures) throws(WasmError) -> [SubType] {
        guard features.contains(.gc), try peekByte() == 0x4E else { return [try readSubType(features)] }
        offset += 1
        let count = try readLength()
        var group: [SubType] = []
        for _ in 0..<count { group.append(try readSubType(features)) }
        return group
    }

    /// `sub`/`sub final` with supertypes, or a bare composite type (final, no supertypes).
    mutating func readSubType(_ features: WasmFeatures) throws(WasmError) -> SubType {
        let form = try peekByte()
        guard features.contains(.gc), form == 0x50 || form == 0x4F else {
            return SubType(try readCompositeType(features))
        }
        offset += 1
        let count = try readLength()
        var supertypes: [UInt32] = []
        for _ in 0..<count { supertypes.append(try readU32()) }
        return SubType(try readCompositeType(features), supertypes: supertypes, final: form == 0x4F)
    }

    mutating func readCompositeType(_ features: WasmFeatures) throws(WasmError) -> CompositeType {
        let start = offset
        let form = try readByte()
        switch form {
        case 0x60: return .function(try readFunctionSignature(features))
        case 0x5F where features.contains(.gc):
            let count = try readLength()
            var fields: [FieldType] = []
            for _ in 0..<count { fields.append(try readFieldType(features)) }
            return .structure(fields)
        case 0x5E where features.contains(.gc):
            return .array(try readFieldType(features))
        default:
            if form & 0x80 != 0 { throw .malformed("integer representation too long", offset: start) }
            throw .malformed(features.contains(.gc) ? "malformed definition type" : "malformed function type", offset: start)
        }
    }

    mutating func readFieldType(_ features: WasmFeatures) throws(WasmError) -> FieldType {
        let storage: StorageType
        switch try peekByte() {
        case 0x78: offset += 1; storage = .i8
        case 0x77: offset += 1; storage = .i16
        default: storage = .value(try readValueType(features))
        }
        let start = offset
        switch try readByte() {
        case 0: return FieldType(storage, mutable: false)
        case 1: return FieldType(storage, mutable: true)
        default: throw .malformed("malformed mutability", offset: start)
        }
    }

    /// A function type's parameters and results (after its 0x60 form byte).
    mutating func readFunctionSignature(_ features: WasmFeatures) throws(WasmError) -> FunctionType {
        let paramCount = try readLength()
        var params: [ValueType] = []
        for _ in 0..<paramCount { params.append(try readValueType(features)) }
        let resultCount = try readLength()
        var results: [ValueType] = []
        for _ in 0..<resultCount { results.append(try readValueType(features)) }
        return FunctionType(parameters: params, results: results)
    }
}

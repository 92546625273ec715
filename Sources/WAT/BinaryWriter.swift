import WasmCore

/// Primitive encoders of the binary format, appended to a byte buffer.
extension Array where Element == UInt8 {
    /// A length-prefixed byte string (names, data).
    mutating func appendVector(_ bytes: [UInt8]) {
        appendULEB(bytes.count)
        append(contentsOf: bytes)
    }

    mutating func append(_ type: ValueType) {
        switch type {
        case .i32: append(0x7F)
        case .i64: append(0x7E)
        case .f32: append(0x7D)
        case .f64: append(0x7C)
        case .v128: append(0x7B)
        case .ref(let r): append(r)
        }
    }

    mutating func append(_ type: RefType) {
        if type.isNullable, let short = type.heapType.abstractByte {
            append(short)
            return
        }
        append(type.isNullable ? 0x63 : 0x64)
        append(type.heapType)
    }

    mutating func append(_ heapType: HeapType) {
        if case .concrete(let index) = heapType {
            appendSLEB(Int64(index))
        } else if let b = heapType.abstractByte {
            append(b)
        }
    }

    mutating func append(_ limits: Limits) {
        var flags: UInt8 = limits.max == nil ? 0 : 1
        if limits.isShared { flags |= 2 }
        if limits.is64 { flags |= 4 }
        append(flags)
        appendULEB(limits.min)
        if let max = limits.max { appendULEB(max) }
    }

    mutating func append(_ type: FunctionType) {
        append(0x60)
        appendULEB(type.parameters.count)
        for t in type.parameters { append(t) }
        appendULEB(type.results.count)
        for t in type.results { append(t) }
    }

    /// A type section entry: a final type without supertypes is written as its bare
    /// composite type (the short form every encoder uses); others as `sub` (0x50) or
    /// `sub final` (0x4F) with their supertype indices.
    mutating func append(_ type: SubType) {
        if !(type.isFinal && type.supertypes.isEmpty) {
            append(type.isFinal ? 0x4F : 0x50)
            appendULEB(type.supertypes.count)
            for s in type.supertypes { appendULEB(s) }
        }
        switch type.composite {
        case .function(let f):
            append(f)
        case .structure(let fields):
            append(0x5F)
            appendULEB(fields.count)
            for f in fields { append(f) }
        case .array(let element):
            append(0x5E)
            append(element)
        }
    }

    mutating func append(_ field: FieldType) {
        switch field.storage {
        case .i8: append(0x78)
        case .i16: append(0x77)
        case .value(let t): append(t)
        }
        append(field.isMutable ? 0x01 : 0x00)
    }

    /// A section: id, size, contents (omitted entirely by callers when empty).
    mutating func appendSection(_ id: UInt8, _ contents: [UInt8]) {
        append(id)
        appendVector(contents)
    }
}

import WasmCore

/// Type definitions: `(type $id? subtype)` and `(rec (type ...)*)`, where a subtype is
/// `(sub final? typeidx* comptype)` or a bare `comptype` (`func`, `struct`, `array`).
extension ModuleParser {
    /// First pass over a `(type ...)` or `(rec ...)` field at the cursor: defines the
    /// identifiers of its types. Leaves the cursor inside the field.
    mutating func defineTypeNames(_ keyword: String, line: Int) throws(WasmError) {
        guard keyword == "rec" else {
            try define(.type, c.optionalId(), line: line)
            return
        }
        while c.atField("type") {
            let start = c.pos
            let line = c.line
            c.pos += 2
            try define(.type, c.optionalId(), line: line)
            c.pos = start
            try c.skipForm()
        }
        guard c.atRParen else { throw c.unexpected() }
    }

    /// Second pass over a `(type ...)` or `(rec ...)` field at the cursor: appends its
    /// recursion group to the builder and records field identifiers.
    mutating func typeDefinitions() throws(WasmError) {
        if c.takeField("rec") {
            var members: [SubType] = []
            while c.atField("type") {
                members.append(try typeDefinition(index: UInt32(builder.types.count + members.count)))
            }
            try c.expectRParen()
            builder.appendGroup(members, explicit: true)
        } else {
            let type = try typeDefinition(index: UInt32(builder.types.count))
            builder.appendGroup([type], explicit: false)
        }
    }

    /// `(type $id? subtype)`; `index` is the type's index, for its field identifiers.
    private mutating func typeDefinition(index: UInt32) throws(WasmError) -> SubType {
        guard c.takeField("type") else { throw c.unexpected() }
        _ = c.optionalId()
        let type: SubType
        if c.takeField("sub") {
            let final = c.takeKeyword("final")
            var supertypes: [UInt32] = []
            while atIndex { supertypes.append(try self.index(.type)) }
            type = SubType(try compositeType(index: index), supertypes: supertypes, final: final)
            try c.expectRParen()
        } else {
            type = SubType(try compositeType(index: index))
        }
        try c.expectRParen()
        return type
    }

    /// `(func param* result*)`, `(struct field*)` or `(array fieldtype)`.
    private mutating func compositeType(index: UInt32) throws(WasmError) -> CompositeType {
        try c.expectLParen()
        let composite: CompositeType
        if c.takeKeyword("func") {
            let (parameters, _) = try parameters(allowNames: true)
            composite = .function(FunctionType(parameters: parameters, results: try resultTypes()))
        } else if c.takeKeyword("struct") {
            composite = .structure(try fields(typeIndex: index))
        } else if c.takeKeyword("array") {
            composite = .array(try fieldType())
        } else {
            throw c.unexpected()
        }
        try c.expectRParen()
        return composite
    }

    /// `(field $id fieldtype)` or `(field fieldtype*)`, repeated. Identifiers form a
    /// namespace of their own per type, used by `struct.get $t $field`.
    private mutating func fields(typeIndex: UInt32) throws(WasmError) -> [FieldType] {
        var fields: [FieldType] = []
        var ids: [String: UInt32] = [:]
        while c.takeField("field") {
            let line = c.line
            if let id = c.optionalId() {
                guard ids[id] == nil else { throw .malformed("duplicate field $\(id)", offset: line) }
                ids[id] = UInt32(fields.count)
                fields.append(try fieldType())
            } else {
                while !c.atRParen { fields.append(try fieldType()) }
            }
            try c.expectRParen()
        }
        if !ids.isEmpty { fieldNames[typeIndex] = ids }
        return fields
    }

    /// `storagetype` or `(mut storagetype)`.
    private mutating func fieldType() throws(WasmError) -> FieldType {
        if c.takeField("mut") {
            let storage = try storageType()
            try c.expectRParen()
            return FieldType(storage, mutable: true)
        }
        return FieldType(try storageType())
    }

    /// A value type or one of the packed types `i8` and `i16`.
    private mutating func storageType() throws(WasmError) -> StorageType {
        if c.takeKeyword("i8") { return .i8 }
        if c.takeKeyword("i16") { return .i16 }
        return .value(try valueType())
    }

    /// A field of type `typeIndex`: its number or its identifier.
    mutating func fieldIndex(of typeIndex: UInt32) throws(WasmError) -> UInt32 {
        if case .id(let id) = c.peek().kind {
            guard let field = fieldNames[typeIndex]?[id] else { throw c.error("unknown field $\(id)") }
            c.advance()
            return field
        }
        guard c.atNat else { throw c.unexpected() }
        return try c.u32()
    }
}

import WasmCore

/// A type use (`(type x)? (param ...)* (result ...)*`) before resolution.
struct TypeUse {
    var index: UInt32?
    var parameters: [ValueType] = []
    var parameterNames: [String?] = []
    var results: [ValueType] = []
    /// Whether any `param` or `result` clause was written.
    var hasInlineSignature = false

    var signature: FunctionType { FunctionType(parameters: parameters, results: results) }
}

extension ModuleParser {
    mutating func valueType() throws(WasmError) -> ValueType {
        if c.atLParen {
            return .ref(try refType())
        }
        guard let a = c.atom else { throw c.unexpected() }
        let type: ValueType
        switch a {
        case "i32": type = .i32
        case "i64": type = .i64
        case "f32": type = .f32
        case "f64": type = .f64
        case "v128": type = .v128
        case "funcref": type = .funcRef
        case "externref": type = .externRef
        case "exnref": type = .exnRef
        case "nullfuncref": type = .ref(RefType(.noFunc))
        case "nullexternref": type = .ref(RefType(.noExtern))
        case "nullexnref": type = .ref(RefType(.noExn))
        case "anyref": type = .anyRef
        case "eqref": type = .eqRef
        case "i31ref": type = .ref(.i31Ref)
        case "structref": type = .ref(RefType(.struct))
        case "arrayref": type = .ref(RefType(.array))
        case "nullref": type = .ref(RefType(.none))
        default: throw c.error("unknown operator \(a)")
        }
        c.advance()
        return type
    }

    /// A reference type: the abbreviations `funcref`/`externref`/... or `(ref null? ht)`.
    mutating func refType() throws(WasmError) -> RefType {
        if !c.atLParen {
            let line = c.line
            guard case .ref(let r) = try valueType() else { throw .malformed("malformed reference type", offset: line) }
            return r
        }
        guard c.takeField("ref") else { c.advance(); throw c.unexpected() }
        let nullable = c.takeKeyword("null")
        let heap = try heapType()
        try c.expectRParen()
        return RefType(nullable: nullable, heap)
    }

    mutating func heapType() throws(WasmError) -> HeapType {
        if let a = c.atom, !c.atNat {
            guard let type = HeapType(abstractName: a) else { throw c.error("unknown operator \(a)") }
            c.advance()
            return type
        }
        return .concrete(try index(.type))
    }

    /// `(param ...)*`; named parameters declare one type each.
    mutating func parameters(allowNames: Bool) throws(WasmError) -> ([ValueType], [String?]) {
        var types: [ValueType] = []
        var ids: [String?] = []
        while c.takeField("param") {
            if case .id(let id) = c.peek().kind {
                guard allowNames else { throw c.unexpected() }
                c.advance()
                types.append(try valueType())
                ids.append(id)
            } else {
                while !c.atRParen {
                    types.append(try valueType())
                    ids.append(nil)
                }
            }
            try c.expectRParen()
        }
        return (types, ids)
    }

    mutating func resultTypes() throws(WasmError) -> [ValueType] {
        var types: [ValueType] = []
        while c.takeField("result") {
            while !c.atRParen { types.append(try valueType()) }
            try c.expectRParen()
        }
        return types
    }

    mutating func typeUse(allowNames: Bool) throws(WasmError) -> TypeUse {
        var use = TypeUse()
        if c.takeField("type") {
            use.index = try index(.type)
            try c.expectRParen()
        }
        let hadParams = c.atField("param")
        (use.parameters, use.parameterNames) = try parameters(allowNames: allowNames)
        let hadResults = c.atField("result")
        use.results = try resultTypes()
        use.hasInlineSignature = hadParams || hadResults
        // Clauses out of order (e.g. a param after a result) are malformed.
        if c.atField("param") || c.atField("type") { throw c.error("unexpected token") }
        return use
    }

    /// The type index of a type use, checking an inline signature against `(type x)`.
    mutating func resolve(_ use: TypeUse) throws(WasmError) -> UInt32 {
        guard let index = use.index else { return builder.implicitType(use.signature) }
        if use.hasInlineSignature && Int(index) >= builder.types.count {
            throw c.error("unknown type \(index)")
        }
        if use.hasInlineSignature, Int(index) < builder.types.count, builder.functionType(index) != use.signature {
            throw c.error("inline function type")
        }
        return index
    }

    /// The parameter types a type use gives its function (for local indices).
    func parameterTypes(of use: TypeUse) -> [ValueType] {
        if let index = use.index, !use.hasInlineSignature {
            return builder.functionType(index)?.parameters ?? []
        }
        return use.parameters
    }

    /// `i32`/`i64` address type keyword (memory64), if present.
    mutating func addressType() -> Bool {
        if c.takeKeyword("i64") { return true }
        _ = c.takeKeyword("i32")
        return false
    }

    mutating func limits(is64: Bool) throws(WasmError) -> Limits {
        let wide = is64 || features.contains(.memory64)
        func bound(_ p: inout ModuleParser) throws(WasmError) -> UInt64 {
            do {
                return try p.c.nat(bits: wide ? 64 : 32)
            } catch {
                if error.message == "constant out of range" { throw p.c.error("i32 constant out of range") }
                throw error
            }
        }
        let min = try bound(&self)
        let max = c.atNat ? try bound(&self) : nil
        return Limits(min: min, max: max, is64: is64)
    }

    mutating func tableType() throws(WasmError) -> (Limits, RefType) {
        let is64 = addressType()
        let limits = try limits(is64: is64)
        return (limits, try refType())
    }

    mutating func memoryType() throws(WasmError) -> Limits {
        let is64 = addressType()
        var limits = try limits(is64: is64)
        if c.takeKeyword("shared") { limits.isShared = true }
        return limits
    }

    mutating func globalType() throws(WasmError) -> GlobalType {
        if c.takeField("mut") {
            let t = try valueType()
            try c.expectRParen()
            return GlobalType(t, mutable: true)
        }
        return GlobalType(try valueType())
    }
}

// Types as the text format writes them: the one printer every message, listing and
// command uses (`"\(type)"`), e.g. `funcref`, `(ref null 3)`, `(mut i64)`,
// `(func (param i32) (result f64))`, table `1 10 funcref`, memory `i64 1 2`.

extension HeapType: CustomStringConvertible {
    /// As the text format writes it.
    public var description: String {
        if case .concrete(let index) = self { return "\(index)" }
        return HeapType.abstractEncodings.first { $0.type == self }?.name ?? "?"
    }
}

extension RefType: CustomStringConvertible {
    /// As the text format writes it.
    public var description: String {
        guard isNullable else { return "(ref \(heapType))" }
        switch heapType {
        case .concrete: return "(ref null \(heapType))"
        case .noFunc: return "nullfuncref"
        case .noExtern: return "nullexternref"
        case .noExn: return "nullexnref"
        case .none: return "nullref"
        default: return "\(heapType)ref"
        }
    }
}

extension ValueType: CustomStringConvertible {
    /// As the text format writes it.
    public var description: String {
        switch self {
        case .i32: "i32"
        case .i64: "i64"
        case .f32: "f32"
        case .f64: "f64"
        case .v128: "v128"
        case .ref(let r): r.description
        }
    }
}

extension FunctionType: CustomStringConvertible {
    /// As the text format writes it.
    public var description: String {
        var text = "(func"
        if !parameters.isEmpty { text += " (param " + parameters.map(\.description).joined(separator: " ") + ")" }
        if !results.isEmpty { text += " (result " + results.map(\.description).joined(separator: " ") + ")" }
        return text + ")"
    }
}

extension StorageType: CustomStringConvertible {
    /// As the text format writes it (`i8`, `i16` or the value type).
    public var description: String {
        switch self {
        case .i8: "i8"
        case .i16: "i16"
        case .value(let t): t.description
        }
    }
}

extension FieldType: CustomStringConvertible {
    /// As the text format writes it (`(mut i8)`, `f64`).
    public var description: String { isMutable ? "(mut \(storage))" : storage.description }
}

extension CompositeType: CustomStringConvertible {
    /// As the text format writes it (`(func ...)`, `(struct (field i32) ...)`, `(array i8)`).
    public var description: String {
        switch self {
        case .function(let f): f.description
        case .structure(let fields): "(struct" + fields.map { " (field \($0))" }.joined() + ")"
        case .array(let element): "(array \(element))"
        }
    }
}

extension SubType: CustomStringConvertible {
    /// As the text format writes it: the composite type, inside `(sub final? x* ...)`
    /// unless the type is final without supertypes.
    public var description: String {
        if isFinal && supertypes.isEmpty { return composite.description }
        let parents = supertypes.map { " \($0)" }.joined()
        return "(sub" + (isFinal ? " final" : "") + parents + " \(composite))"
    }
}

extension Limits: CustomStringConvertible {
    /// `[i64] MIN [MAX] [shared]`.
    public var description: String {
        var text = is64 ? "i64 \(min)" : "\(min)"
        if let max { text += " \(max)" }
        if isShared { text += " shared" }
        return text
    }
}

extension TableType: CustomStringConvertible {
    /// As the text format writes it (`10 20 funcref`).
    public var description: String { "\(limits) \(elementType)" }
}

extension MemoryType: CustomStringConvertible {
    /// As the text format writes it (`i64 1 2`).
    public var description: String { limits.description }
}

extension GlobalType: CustomStringConvertible {
    /// As the text format writes it (`(mut i64)`).
    public var description: String { isMutable ? "(mut \(valueType))" : valueType.description }
}

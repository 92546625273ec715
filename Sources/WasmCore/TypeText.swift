// Types as the text format writes them: the one printer every message, listing and
// command uses (`"\(type)"`), e.g. `funcref`, `(ref null 3)`, `(mut i64)`,
// `(func (param i32) (result f64))`, table `1 10 funcref`, memory `i64 1 2`.

extension HeapType: CustomStringConvertible {
    /// As the text format writes it.
    public var description: String {
        switch self {
        case .func: "func"
        case .extern: "extern"
        case .exn: "exn"
        case .noFunc: "nofunc"
        case .noExtern: "noextern"
        case .noExn: "noexn"
        case .concrete(let index): "\(index)"
        }
    }
}

extension RefType: CustomStringConvertible {
    /// As the text format writes it.
    public var description: String {
        if isNullable {
            switch heapType {
            case .func: return "funcref"
            case .extern: return "externref"
            case .exn: return "exnref"
            case .noFunc: return "nullfuncref"
            case .noExtern: return "nullexternref"
            case .noExn: return "nullexnref"
            case .concrete: return "(ref null \(heapType))"
            }
        }
        return "(ref \(heapType))"
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

import WasmCore

/// Import matching across modules. Concrete heap types name a type index of their own
/// module, so types are compared in a canonical form where `concrete` holds the store-wide
/// `TypeRegistry` id instead (structurally equal function types share an id).
extension Linker {
    static func canonical(_ type: ValueType, _ typeIDs: [Int]) -> ValueType {
        guard case .ref(var r) = type else { return type }
        r = canonical(r, typeIDs)
        return .ref(r)
    }

    static func canonical(_ type: RefType, _ typeIDs: [Int]) -> RefType {
        guard case .concrete(let index) = type.heapType, Int(index) < typeIDs.count else { return type }
        return RefType(nullable: type.isNullable, .concrete(UInt32(typeIDs[Int(index)])))
    }

    /// Subtyping of canonical value types.
    static func isSubtype(_ a: ValueType, of b: ValueType) -> Bool {
        guard case .ref(let ra) = a, case .ref(let rb) = b else { return a == b }
        if ra.isNullable && !rb.isNullable { return false }
        return TypeRegistry.isSubtype(ra.heapType, of: rb.heapType)
    }

    /// Whether a global of canonical type `actual` can be imported as `expected`:
    /// immutable globals are covariant, mutable ones invariant.
    static func globalMatches(_ actual: GlobalType, _ expected: GlobalType) -> Bool {
        guard actual.isMutable == expected.isMutable else { return false }
        if actual.isMutable { return actual.valueType == expected.valueType }
        return isSubtype(actual.valueType, of: expected.valueType)
    }

    /// Whether a function value has the type a canonical `(ref $id)` names (other values
    /// and types are checked by `Value.matches`).
    static func conforms(_ value: Value, _ canonicalType: ValueType) -> Bool {
        guard case .ref(let r) = canonicalType, case .concrete(let id) = r.heapType, !value.isNullReference else { return true }
        return value.conforms(toCanonical: Int(id))
    }
}

import WasmCore
import WasmDecoder

/// The module's type section with the relations the validator needs: type-index
/// resolution, equivalence of concrete types and subtyping of value types.
struct TypeRelations: Sendable {
    let types: [FunctionType]
    /// Per type index, the id of its equivalence class (structurally equal function types,
    /// with the concrete types they mention compared by class).
    let canonical: [Int]

    init(types: [FunctionType]) {
        self.types = types
        var classes: [FunctionType: Int] = [:]
        var canonical: [Int] = []
        canonical.reserveCapacity(types.count)
        // Few types: find a type's class by comparing with the earlier keys instead of
        // hashing (hashing the type arrays dominated validating a small module).
        let searchLinearly = types.count <= 16
        var keys: [FunctionType] = []
        if searchLinearly { keys.reserveCapacity(types.count) }
        for (i, type) in types.enumerated() {
            // Earlier types are replaced by their class; later ones (forward references) stay
            // distinct by index, offset past any class id.
            func key(_ v: ValueType) -> ValueType {
                guard case .ref(var r) = v, case .concrete(let x) = r.heapType else { return v }
                let id = Int(x) < i ? canonical[Int(x)] : types.count + Int(x)
                r.heapType = .concrete(UInt32(truncatingIfNeeded: id))
                return .ref(r)
            }
            let mentionsConcrete = type.parameters.contains(where: \.isConcreteReference)
                || type.results.contains(where: \.isConcreteReference)
            let k = mentionsConcrete ? FunctionType(parameters: type.parameters.map(key), results: type.results.map(key)) : type
            if searchLinearly {
                let id = keys.firstIndex(of: k).map { canonical[$0] } ?? i
                keys.append(k)
                canonical.append(id)
            } else if let id = classes[k] {
                canonical.append(id)
            } else {
                classes[k] = i
                canonical.append(i)
            }
        }
        self.canonical = canonical
    }

    func isSubtype(_ a: ValueType, of b: ValueType) -> Bool {
        if a == b { return true }
        guard case .ref(let ra) = a, case .ref(let rb) = b else { return false }
        if ra.isNullable && !rb.isNullable { return false }
        return isSubtype(ra.heapType, of: rb.heapType)
    }

    func isSubtype(_ a: HeapType, of b: HeapType) -> Bool {
        switch (a, b) {
        case (.concrete(let x), .concrete(let y)):
            return x == y || (Int(x) < canonical.count && Int(y) < canonical.count && canonical[Int(x)] == canonical[Int(y)])
        case (.concrete, .func), (.noFunc, .func), (.noFunc, .concrete), (.noExtern, .extern), (.noExn, .exn):
            return true
        default:
            return a == b
        }
    }

    /// Each of `a` is a subtype of the corresponding `b`, and the counts agree.
    func isSubtype(_ a: [ValueType], of b: [ValueType]) -> Bool {
        guard a.count == b.count else { return false }
        for i in a.indices where !isSubtype(a[i], of: b[i]) { return false }
        return true
    }

    func functionType(_ index: UInt32) throws(WasmError) -> FunctionType {
        guard Int(index) < types.count else { throw .invalid("unknown type \(index)") }
        return types[Int(index)]
    }

    /// Concrete heap types must name a type of the module.
    func check(_ heapType: HeapType) throws(WasmError) {
        if case .concrete(let x) = heapType, Int(x) >= types.count { throw .invalid("unknown type \(x)") }
    }

    func check(_ type: ValueType) throws(WasmError) {
        if case .ref(let r) = type { try check(r.heapType) }
    }

    func check(_ type: FunctionType) throws(WasmError) {
        for t in type.parameters { try check(t) }
        for t in type.results { try check(t) }
    }
}

extension ValueType {
    /// Numeric and vector types (what untyped `select` accepts).
    var isNumericOrVector: Bool { !isReference }
}

private extension ValueType {
    /// A reference to a type of the module (`(ref $t)`), which `TypeRelations` renames.
    var isConcreteReference: Bool {
        guard case .ref(let r) = self, case .concrete = r.heapType else { return false }
        return true
    }
}

import WasmCore
import WasmDecoder

/// The module's type section with the relations the validator needs: type-index
/// resolution, canonical identity of defined types (iso-recursive, per recursion group)
/// and subtyping of heap, value, field and composite types.
struct TypeRelations: Sendable {
    let types: [SubType]
    /// Per type index, its canonical id within this module (equal ids: equivalent types).
    let canonical: [Int]
    /// The module's canonical types, with their supertype chains.
    let canonicalizer: TypeCanonicalizer

    /// Checks the type section group by group (indices in range, supertypes declared
    /// earlier, not final and matched) and canonicalises it.
    init(types: [SubType], groups: [Range<Int>]) throws(WasmError) {
        self.types = types
        var canonicalizer = TypeCanonicalizer()
        var ids: [Int] = []
        ids.reserveCapacity(types.count)
        // Forward references past the current group are unknown types: checked before
        // canonicalising, which needs every index in range.
        for group in groups {
            for sub in types[group] {
                for parent in sub.supertypes where Int(parent) >= group.upperBound { throw .invalid("unknown type \(parent)") }
                for t in sub.composite.valueTypes {
                    if case .ref(let r) = t, case .concrete(let x) = r.heapType, Int(x) >= group.upperBound {
                        throw .invalid("unknown type \(x)")
                    }
                }
            }
            ids += canonicalizer.canonicalize(types[group], ids: ids)
        }
        canonical = ids
        self.canonicalizer = canonicalizer
        for x in types.indices { try checkSupertypes(of: x) }
    }

    /// A module of final function types, one group each (tests and tools).
    init(functionTypes: [FunctionType]) throws(WasmError) {
        try self.init(types: functionTypes.map(SubType.init), groups: functionTypes.indices.map { $0..<$0 + 1 })
    }

    private func checkSupertypes(of x: Int) throws(WasmError) {
        let sub = types[x]
        guard sub.supertypes.count <= 1 else { throw .invalid("multiple supertypes") }
        guard let parent = sub.supertypes.first else { return }
        guard Int(parent) < x else { throw .invalid("unknown type \(parent)") }
        let superType = types[Int(parent)]
        guard !superType.isFinal, isSubtype(sub.composite, of: superType.composite) else { throw .invalid("sub type") }
    }

    // MARK: Subtyping

    /// The abstract supertype of type `x`'s shape (`func`, `struct`, `array`).
    func shape(_ x: UInt32) -> HeapType {
        Int(x) < types.count ? types[Int(x)].composite.abstractSupertype : .func
    }

    /// Concrete `a` is `b` (canonically) or declares it as a transitive supertype. While
    /// the section is being checked, a chain may pass through a declaration not checked
    /// yet; the walk still ends (by depth), and that declaration's own check decides.
    func isConcreteSubtype(_ a: UInt32, of b: UInt32) -> Bool {
        guard Int(a) < types.count, Int(b) < types.count else { return a == b }
        return canonicalizer.isSubtype(canonical[Int(a)], of: canonical[Int(b)])
    }

    func isSubtype(_ a: HeapType, of b: HeapType) -> Bool {
        a.isSubtype(of: b, shape: shape, concrete: isConcreteSubtype)
    }

    func isSubtype(_ a: ValueType, of b: ValueType) -> Bool {
        if a == b { return true }
        guard case .ref(let ra) = a, case .ref(let rb) = b else { return false }
        if ra.isNullable && !rb.isNullable { return false }
        return isSubtype(ra.heapType, of: rb.heapType)
    }

    /// Each of `a` is a subtype of the corresponding `b`, and the counts agree.
    func isSubtype(_ a: [ValueType], of b: [ValueType]) -> Bool {
        guard a.count == b.count else { return false }
        for i in a.indices where !isSubtype(a[i], of: b[i]) { return false }
        return true
    }

    /// Mutable fields are invariant, immutable ones covariant.
    func isSubtype(_ a: FieldType, of b: FieldType) -> Bool {
        guard a.isMutable == b.isMutable else { return false }
        switch (a.storage, b.storage) {
        case (.i8, .i8), (.i16, .i16): return true
        case (.value(let x), .value(let y)):
            return isSubtype(x, of: y) && (!a.isMutable || isSubtype(y, of: x))
        default: return false
        }
    }

    /// Width and depth subtyping of structs, covariant array elements, contravariant
    /// parameters and covariant results.
    func isSubtype(_ a: CompositeType, of b: CompositeType) -> Bool {
        switch (a, b) {
        case (.function(let f), .function(let g)):
            return isSubtype(g.parameters, of: f.parameters) && isSubtype(f.results, of: g.results)
        case (.structure(let x), .structure(let y)):
            guard x.count >= y.count else { return false }
            for i in y.indices where !isSubtype(x[i], of: y[i]) { return false }
            return true
        case (.array(let x), .array(let y)):
            return isSubtype(x, of: y)
        default:
            return false
        }
    }

    /// The top of a reference type's hierarchy (`any`, `func`, `extern`, `exn`).
    func top(_ h: HeapType) -> HeapType { h.top(shape: shape) }

    // MARK: Resolution

    func subType(_ index: UInt32) throws(WasmError) -> SubType {
        guard Int(index) < types.count else { throw .invalid("unknown type \(index)") }
        return types[Int(index)]
    }

    func functionType(_ index: UInt32) throws(WasmError) -> FunctionType {
        guard case .function(let f) = try subType(index).composite else { throw .invalid("type mismatch") }
        return f
    }

    func structFields(_ index: UInt32) throws(WasmError) -> [FieldType] {
        guard case .structure(let fields) = try subType(index).composite else { throw .invalid("type mismatch") }
        return fields
    }

    func arrayElement(_ index: UInt32) throws(WasmError) -> FieldType {
        guard case .array(let element) = try subType(index).composite else { throw .invalid("type mismatch") }
        return element
    }

    /// Concrete heap types must name a type of the module.
    func check(_ heapType: HeapType) throws(WasmError) {
        if case .concrete(let x) = heapType, Int(x) >= types.count { throw .invalid("unknown type \(x)") }
    }

    func check(_ type: ValueType) throws(WasmError) {
        if case .ref(let r) = type { try check(r.heapType) }
    }
}

extension ValueType {
    /// Numeric and vector types (what untyped `select` accepts).
    var isNumericOrVector: Bool { !isReference }
}

/// Canonical identity of defined types: iso-recursive equivalence, decided per recursion
/// group. Two groups are the same when their types are structurally equal with
/// references inside the group compared by position and references outside it by
/// canonical id; equal groups give their types the same ids. The validator keeps one
/// per module; the runtime one per process (`TypeRegistry`), so ids agree across modules.
public struct TypeCanonicalizer: Sendable {
    /// Each canonical type, with its concrete references (and supertypes) as canonical ids.
    public private(set) var types: [SubType] = []
    /// Per canonical id, its declared supertype's id (-1 for none).
    public private(set) var supertype: [Int] = []
    /// Per canonical id, its depth in the supertype chain (0 for none).
    public private(set) var depth: [Int] = []
    /// Groups by their key: the group's types with references rewritten (see `key`).
    private var groups: [[SubType]: Int] = [:]

    /// An empty registry.
    public init() {}

    /// In keys, a reference to the `i`th type of the group itself.
    private static let groupLocal: UInt32 = 1 << 31

    /// Canonical ids of `group`, the types at `range` of a module whose earlier types
    /// have the canonical ids `ids` (one per index below `range.lowerBound`). Indices
    /// must be below `range.upperBound` (the validator checks before).
    public mutating func canonicalize(_ group: ArraySlice<SubType>, ids: [Int]) -> [Int] {
        canonicalize(Array(group), at: group.startIndex) { ids[Int($0)] }
    }

    /// Canonical ids of `group`, whose first type has index `start`: indices from
    /// `start` on are the group's own, lower ones have the canonical id `external(x)`.
    public mutating func canonicalize(_ group: [SubType], at start: Int, external: (UInt32) -> Int) -> [Int] {
        func keyIndex(_ x: UInt32) -> UInt32 {
            Int(x) >= start ? TypeCanonicalizer.groupLocal | (x - UInt32(start)) : UInt32(external(x))
        }
        let key = group.map { $0.mapIndices(keyIndex) }
        if let first = groups[key] { return Array(first..<first + group.count) }
        let first = types.count
        groups[key] = first
        for sub in group {
            let canonical = sub.mapIndices { x in
                Int(x) >= start ? UInt32(first + Int(x) - start) : UInt32(external(x))
            }
            types.append(canonical)
            let parent = canonical.supertypes.first.map(Int.init) ?? -1
            supertype.append(parent)
            depth.append(parent >= 0 && parent < depth.count ? depth[parent] + 1 : 0)
        }
        return Array(first..<first + group.count)
    }

    /// Canonical ids for every type of a module, group by group.
    public mutating func canonicalize(_ types: [SubType], groups: [Range<Int>]) -> [Int] {
        var ids: [Int] = []
        ids.reserveCapacity(types.count)
        for range in groups { ids += canonicalize(types[range], ids: ids) }
        return ids
    }

    /// Canonical type `id`'s declared supertypes, the root first, then `id` itself
    /// (`depth + 1` ids).
    public func supertypeChain(_ id: Int) -> [Int] {
        guard id >= 0, id < types.count else { return [id] }
        var chain = [id]
        var t = id
        while depth[t] > 0 {
            t = supertype[t]
            chain.append(t)
        }
        return chain.reversed()
    }

    /// Whether canonical type `a` is `b` or declares it as a (transitive) supertype.
    public func isSubtype(_ a: Int, of b: Int) -> Bool {
        guard a >= 0, b >= 0, a < types.count, b < types.count else { return a == b }
        var t = a
        while depth[t] > depth[b] { t = supertype[t] }
        return t == b
    }

    /// The abstract supertype of canonical type `id`'s shape (`func`, `struct`, `array`).
    public func shape(_ id: Int) -> HeapType { types[id].composite.abstractSupertype }

    /// Whether heap type `a` is a subtype of `b`, concrete types being canonical ids.
    public func isSubtype(_ a: HeapType, of b: HeapType) -> Bool {
        a.isSubtype(of: b, shape: { shape(Int($0)) }, concrete: { isSubtype(Int($0), of: Int($1)) })
    }
}

extension SubType {
    /// The type with every type index it mentions (supertypes and concrete references)
    /// replaced by `f` of it.
    public func mapIndices(_ f: (UInt32) -> UInt32) -> SubType {
        func heap(_ h: HeapType) -> HeapType {
            if case .concrete(let x) = h { return .concrete(f(x)) }
            return h
        }
        func value(_ v: ValueType) -> ValueType {
            guard case .ref(var r) = v, case .concrete = r.heapType else { return v }
            r.heapType = heap(r.heapType)
            return .ref(r)
        }
        func field(_ t: FieldType) -> FieldType {
            guard case .value(let v) = t.storage else { return t }
            return FieldType(.value(value(v)), mutable: t.isMutable)
        }
        let composite: CompositeType
        switch self.composite {
        case .function(let signature):
            composite = .function(FunctionType(
                parameters: signature.parameters.map(value), results: signature.results.map(value)))
        case .structure(let fields): composite = .structure(fields.map(field))
        case .array(let element): composite = .array(field(element))
        }
        return SubType(composite, supertypes: supertypes.map(f), final: isFinal)
    }
}

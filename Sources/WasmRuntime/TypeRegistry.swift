import Synchronization
import WasmCore
import WasmDecoder

/// Process-wide canonical type ids (`TypeCanonicalizer`): equivalent types of any two
/// modules get the same id, so `call_indirect` compares two integers, casts and imports
/// agree across modules, and host functions can be shared between stores. Guarded by a
/// mutex: stores may compile on several threads.
public enum TypeRegistry {
    private static let state = Mutex(TypeCanonicalizer())

    /// The canonical id of every type of `module`, by type index.
    public static func ids(for module: Module) -> [Int] {
        state.withLock { $0.canonicalize(module.types, groups: module.typeGroups) }
    }

    /// The id of a final function type with no supertype, as host functions have; its
    /// concrete references, if any, are taken as canonical ids.
    public static func id(for type: FunctionType) -> Int {
        state.withLock { $0.canonicalize([SubType(type)], at: Int.max) { Int($0) }[0] }
    }

    /// The canonical type with a given id (concrete references as canonical ids).
    public static func subType(for id: Int) -> SubType? {
        state.withLock { id >= 0 && id < $0.types.count ? $0.types[id] : nil }
    }

    /// The signature of a canonical function type.
    public static func type(for id: Int) -> FunctionType? {
        subType(for: id)?.composite.functionType
    }

    /// Canonical type `id`'s declared supertypes, the root first, then `id` itself.
    public static func supertypeChain(_ id: Int) -> [Int] {
        state.withLock { $0.supertypeChain(id) }
    }

    /// Whether canonical type `a` is `b` or declares it as a transitive supertype.
    public static func isSubtype(_ a: Int, of b: Int) -> Bool {
        a == b || state.withLock { $0.isSubtype(a, of: b) }
    }

    /// Subtyping of heap types whose concrete types are canonical ids.
    public static func isSubtype(_ a: HeapType, of b: HeapType) -> Bool {
        a == b || state.withLock { $0.isSubtype(a, of: b) }
    }

    /// The abstract supertype of canonical type `id`'s shape (`func`, `struct`, `array`).
    public static func shape(_ id: Int) -> HeapType {
        state.withLock { id >= 0 && id < $0.types.count ? $0.shape(id) : .func }
    }
}

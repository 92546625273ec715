import Synchronization
import WasmCore

/// Process-wide interning of function types, so that `call_indirect` compares two
/// integers and host functions can be shared between stores. Guarded by a mutex: stores
/// may compile on several threads.
public enum TypeRegistry {
    private struct State {
        var ids: [FunctionType: Int] = [:]
        var types: [FunctionType] = []
    }
    private static let state = Mutex(State())

    /// The id of `type`; equal types get equal ids.
    public static func id(for type: FunctionType) -> Int {
        state.withLock { state in
            if let id = state.ids[type] { return id }
            let id = state.types.count
            state.ids[type] = id
            state.types.append(type)
            return id
        }
    }

    /// The type with a given id.
    public static func type(for id: Int) -> FunctionType? {
        state.withLock { id >= 0 && id < $0.types.count ? $0.types[id] : nil }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmCore

/// Process-wide interning of function types, so that `call_indirect` compares two
/// integers and host functions can be shared between stores. Guarded by a mutex: stores
/// may compile on several threads.
public enum TypeRegistry {
    private final class State: @unchecked Sendable {
        var ids: [FunctionType: Int] = [:]
        var types: [FunctionType] = []
        let mutex: UnsafeMutablePointer<pthread_mutex_t> = {
            let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
            pthread_mutex_init(m, nil)
            return m
        }()
    }
    private static let state = State()

    /// The id of `type`; equal types get equal ids.
    public static func id(for type: FunctionType) -> Int {
        pthread_mutex_lock(state.mutex)
        defer { pthread_mutex_unlock(state.mutex) }
        if let id = state.ids[type] { return id }
        let id = state.types.count
        state.ids[type] = id
        state.types.append(type)
        return id
    }

    /// The type with a given id.
    public static func type(for id: Int) -> FunctionType? {
        pthread_mutex_lock(state.mutex)
        defer { pthread_mutex_unlock(state.mutex) }
        return id >= 0 && id < state.types.count ? state.types[id] : nil
    }

    static func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(state.mutex)
        defer { pthread_mutex_unlock(state.mutex) }
        return body()
    }
}

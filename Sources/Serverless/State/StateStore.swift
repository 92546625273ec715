import Synchronization

/// Faasm's state, node-local tier: named byte values shared by the sandboxes of one
/// process, one namespace per user (tenant). A value's size is fixed by the first call
/// that names it with a length.
public final class StateStore: Sendable {
    private let values = Mutex<[String: StateValue]>([:])

    /// An empty store.
    public init() {}

    /// The value of `key` for `user`; made zero-filled with `size` bytes when missing
    /// and a size is given, nil otherwise (or when the system refuses the memory).
    func value(user: String, key: String, size: Int?) -> StateValue? {
        values.withLock { values in
            let name = user + "/" + key
            if let value = values[name] { return value }
            guard let size, let value = StateValue(size: size) else { return nil }
            values[name] = value
            return value
        }
    }
}

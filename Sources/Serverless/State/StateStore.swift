import Synchronization

/// Faasm's state on this node: named byte values shared by the sandboxes of one process
/// (the local tier), one namespace per user (tenant), backed by the global tier when one
/// is set. A value's size is fixed by the first call that names it with a length, or by
/// its global value's length.
public final class StateStore: Sendable {
    /// The global tier (Redis); nil: state is node-local.
    public let global: RedisTier?
    private let values = Mutex<[String: StateValue]>([:])

    /// An empty store over `global`.
    public init(global: RedisTier? = nil) { self.global = global }

    /// The value of `key` for `user`. When missing: made zero-filled with `size` bytes if
    /// a size is given, else with the global value's length if there is one; nil
    /// otherwise (or when the system refuses the memory).
    func value(user: String, key: String, size: Int?) throws(RedisError) -> StateValue? {
        let name = Self.name(user: user, key: key)
        if let value = values.withLock({ $0[name] }) { return value }
        var length = size
        if length == nil, let global {
            let stored = try global.size(name)
            if stored > 0 { length = stored }
        }
        guard let length, let made = StateValue(size: length, name: name, global: global) else { return nil }
        return values.withLock { values in
            if let value = values[name] { return value }
            values[name] = made
            return made
        }
    }

    /// A value's name in the store and in the global tier: `user/key` (a tenant's name
    /// has no "/").
    static func name(user: String, key: String) -> String { user + "/" + key }
}

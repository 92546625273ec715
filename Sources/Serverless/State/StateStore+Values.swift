/// Whole values from outside a sandbox (the invoke API's `PUT /s/...` and `GET /s/...`).
/// They go through `value(user:key:size:)` like the guests' calls, and take no guest lock:
/// as with Faasm's upload server, a value set over HTTP is not ordered against a guest
/// that holds its lock. With a global tier, a set value is pushed, and a read is the
/// global value.
extension StateStore {
    /// How `set` went.
    enum SetResult: Equatable {
        /// The value did not exist; it was made with the bytes' size.
        case created
        /// The value existed with the same size; its bytes were replaced.
        case replaced
        /// The value exists with another size (a value's size is fixed once made).
        case sizeMismatch(existing: Int)
        /// The system refused the memory for a new value.
        case noMemory
    }

    /// Sets `user`'s value `key` to `bytes`: made with their size when missing, else
    /// overwritten when the size is the same.
    func set(user: String, key: String, bytes: [UInt8]) throws(RedisError) -> SetResult {
        let existed = try value(user: user, key: key, size: nil) != nil
        guard let value = try value(user: user, key: key, size: bytes.count) else { return .noMemory }
        guard value.size == bytes.count else { return .sizeMismatch(existing: value.size) }
        try value.write(bytes, at: 0)
        try value.push()
        return existed ? .replaced : .created
    }

    /// The bytes of `user`'s value `key`; nil when it does not exist.
    func get(user: String, key: String) throws(RedisError) -> [UInt8]? {
        if let global {
            let name = Self.name(user: user, key: key)
            let size = try global.size(name)
            guard size > 0 else { return try value(user: user, key: key, size: nil).map { _ in [] } }
            return try global.pull(name, count: size)
        }
        guard let value = try value(user: user, key: key, size: nil) else { return nil }
        return try value.read(0, value.size)
    }
}

import GreenThreads
import Platform
import Synchronization

/// Faasm's global state tier: a Redis server, reached through a pool of blocking hiredis
/// connections (one per concurrent caller, made on demand, dropped when they fail, so
/// the tier recovers when Redis comes back). Values, appended lists and global locks of
/// a (user, key) live under three prefixes that cannot collide: `v:`, `a:` and `l:`
/// followed by `user/key`. Thread-safe.
public final class RedisTier: Sendable {
    /// The server's host.
    public let host: String
    /// The server's port.
    public let port: Int
    /// How long a connect or a reply may take before the call fails.
    let timeout: timeval
    /// Bytes per GETRANGE/SETRANGE of a pull or push.
    static let chunk = 1 << 20

    private let idle = Mutex<[ConnectionBox]>([])

    /// The tier at `address`, `HOST:PORT` (nothing connects before the first use).
    public init(address: String, timeoutMs: Int = 2000) throws(RedisError) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
              (1...65535).contains(port), colon != address.startIndex else {
            throw RedisError("a Redis address is HOST:PORT, not \"\(address)\"")
        }
        host = String(address[..<colon])
        self.port = port
        timeout = timeval(tv_sec: timeoutMs / 1000, tv_usec: (timeoutMs % 1000) * 1000)
    }

    /// Runs `body` on a pooled connection; a connection that failed is not given back.
    func with<R>(_ body: (RedisConnection) throws(RedisError) -> R) throws(RedisError) -> R {
        let connection: RedisConnection
        if let pooled = idle.withLock({ $0.popLast() }) {
            connection = pooled.connection
        } else {
            connection = try RedisConnection(host: host, port: port, timeout: timeout)
        }
        defer { if connection.isUsable { idle.withLock { $0.append(ConnectionBox(connection)) } } }
        return try body(connection)
    }

    /// Answers PING: the server is reachable.
    public func ping() throws(RedisError) {
        guard try with({ c throws(RedisError) in try c.command(["PING"]) }) == .status("PONG") else {
            throw RedisError("Redis did not answer PING")
        }
    }

    // MARK: - Values

    /// The length of the value (0 when missing).
    func size(_ name: String) throws(RedisError) -> Int {
        Int(try with { c throws(RedisError) in try c.command(["STRLEN", .bytes(Self.value(name))]) }.integer())
    }

    /// Reads the value into `buffer` in chunks (one pipelined round trip); bytes past the
    /// stored value are zeroed. Returns false when the key is missing.
    func pull(_ name: String, into buffer: UnsafeMutableRawBufferPointer) throws(RedisError) -> Bool {
        let key = Self.value(name)
        var commands: [[RedisArgument]] = [["EXISTS", .bytes(key)]]
        for start in stride(from: 0, to: buffer.count, by: Self.chunk) {
            commands.append(["GETRANGE", .bytes(key), .int(start), .int(min(start + Self.chunk, buffer.count) - 1)])
        }
        let replies = try with { c throws(RedisError) in try c.pipeline(commands) }
        for (index, reply) in replies.dropFirst().enumerated() {
            let start = index * Self.chunk, length = min(Self.chunk, buffer.count - start)
            let bytes = try reply.bytes() ?? []
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[start ..< start + length])
            target.initializeMemory(as: UInt8.self, repeating: 0)
            target.copyBytes(from: bytes.prefix(length))
        }
        return try replies[0].integer() == 1
    }

    /// The value's first `count` bytes (zeros past its end or for a missing key).
    func pull(_ name: String, count: Int) throws(RedisError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let failure = bytes.withUnsafeMutableBytes { buffer -> RedisError? in
            do throws(RedisError) { _ = try pull(name, into: buffer) } catch { return error }
            return nil
        }
        if let failure { throw failure }
        return bytes
    }

    /// Writes `runs` of `bytes` (offset, count) with SETRANGE, each cut in chunks, in one
    /// pipelined round trip. `whole` first truncates the stored value to `bytes.count`.
    func push(_ name: String, from bytes: UnsafeRawBufferPointer, runs: [(offset: Int, count: Int)],
              whole: Bool) throws(RedisError) {
        let key = Self.value(name)
        var commands: [[RedisArgument]] = []
        // A whole push replaces a value stored with another length (SETRANGE alone would
        // leave its tail).
        if whole { commands.append(["DEL", .bytes(key)]) }
        for run in runs {
            for start in stride(from: run.offset, to: run.offset + run.count, by: Self.chunk) {
                let end = min(start + Self.chunk, run.offset + run.count)
                commands.append(["SETRANGE", .bytes(key), .int(start), .borrowed(UnsafeRawBufferPointer(rebasing: bytes[start ..< end]))])
            }
        }
        guard !commands.isEmpty else { return }
        let replies = try with { c throws(RedisError) in try c.pipeline(commands) }
        for reply in replies { _ = try reply.integer() }
    }

    // MARK: - Appended elements

    func append(_ name: String, _ element: [UInt8]) throws(RedisError) {
        _ = try with { c throws(RedisError) in try c.command(["RPUSH", .bytes(Self.list(name)), .bytes(element)]) }.integer()
    }

    /// The first `count` elements.
    func appended(_ name: String, _ count: Int) throws(RedisError) -> [[UInt8]] {
        guard count > 0 else { return [] }
        return try with { c throws(RedisError) in try c.command(["LRANGE", .bytes(Self.list(name)), "0", .int(count - 1)]) }.strings()
    }

    func clearAppended(_ name: String) throws(RedisError) {
        _ = try with { c throws(RedisError) in try c.command(["DEL", .bytes(Self.list(name))]) }.integer()
    }

    // MARK: - Global locks

    /// Tries once to take the lock of `name` with `token`, expiring after `expiryMs`
    /// (a holder that dies does not hold it forever).
    func tryLock(_ name: String, token: [UInt8], expiryMs: Int) throws(RedisError) -> Bool {
        let reply = try with { c throws(RedisError) in
            try c.command(["SET", .bytes(Self.lock(name)), .bytes(token), "NX", "PX", .int(expiryMs)])
        }
        if case .error(let message) = reply { throw RedisError(message) }
        return reply == .status("OK")
    }

    /// Releases the lock if `token` still holds it (compare and delete in one script).
    /// False when it had expired or another holder has it.
    func unlock(_ name: String, token: [UInt8]) throws(RedisError) -> Bool {
        let script = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
        return try with { c throws(RedisError) in
            try c.command(["EVAL", .bytes(Array(script.utf8)), "1", .bytes(Self.lock(name)), .bytes(token)])
        }.integer() == 1
    }

    // MARK: - Key names

    static func value(_ name: String) -> [UInt8] { Array(("v:" + name).utf8) }
    static func list(_ name: String) -> [UInt8] { Array(("a:" + name).utf8) }
    static func lock(_ name: String) -> [UInt8] { Array(("l:" + name).utf8) }
}

/// A connection handed between threads by the pool, used by one at a time.
private struct ConnectionBox: @unchecked Sendable {
    let connection: RedisConnection
    init(_ connection: RedisConnection) { self.connection = connection }
}

import GreenThreads
import Platform
import Synchronization

/// Faasm's warm-host sets, in Redis: for each (user, function), the nodes that serve it,
/// as a sorted set `w:user/function` of `host:port` members scored by when their entry
/// expires (ms since the epoch). Each node renews its entries every second from its own
/// thread; a node that stops renewing drops out within `ttlMs`. Chaining reads the set
/// to find another node for a call this one cannot take.
final class WarmHosts: Sendable {
    let tier: RedisTier
    /// The tenants' names, by index.
    let users: [String]
    /// This node's address for each tenant, `host:port` (the tenant's port).
    let addresses: [String]
    /// How long an entry lives without renewal.
    static let ttlMs: Int64 = 5_000
    private let functions: Mutex<[[String]]>
    private let stopped = Mutex(false)
    /// A short cache of the sets read, so a burst of chained calls makes one query.
    private let cache = Mutex<[String: (hosts: [String], until: UInt64)]>([:])
    private let next = Mutex(0)

    /// Registers, per tenant index, `functions` (names without "/") under `users` at
    /// `addresses`.
    init(tier: RedisTier, users: [String], addresses: [String], functions: [[String]]) {
        self.tier = tier
        self.users = users
        self.addresses = addresses
        self.functions = Mutex(functions)
    }

    /// Replaces what the tenants serve (after a reload); registered at the next renewal.
    func update(functions: [[String]]) { self.functions.withLock { $0 = functions } }

    /// Starts renewing on a thread of its own (it holds the registry until `stop`);
    /// returns at once.
    func start() {
        runDetached { [self] in
            while !stopped.withLock({ $0 }) {
                try? renew()
                // A second, in steps: a stopped registry lets go of itself soon.
                for _ in 0 ..< 10 where !stopped.withLock({ $0 }) { usleep(100_000) }
            }
        }
    }

    /// Stops renewing and removes this node's entries.
    func stop() {
        stopped.withLock { $0 = true }
        let commands = entries().map { entry -> [RedisArgument] in ["ZREM", .bytes(entry.key), .bytes(entry.member)] }
        if !commands.isEmpty { _ = try? tier.with { c throws(RedisError) in try c.pipeline(commands) } }
    }

    func renew() throws(RedisError) {
        let expiry = Int(Self.nowMs() + Self.ttlMs)
        let commands = entries().map { entry -> [RedisArgument] in ["ZADD", .bytes(entry.key), .int(expiry), .bytes(entry.member)] }
        guard !commands.isEmpty else { return }
        for reply in try tier.with({ c throws(RedisError) in try c.pipeline(commands) }) { _ = try reply.integer() }
    }

    /// This node's entries: per tenant and function, the set's key and this node's member.
    private func entries() -> [(key: [UInt8], member: [UInt8])] {
        functions.withLock { $0 }.enumerated().flatMap { index, names in
            names.map { (Self.key(users[index], $0), Array(addresses[index].utf8)) }
        }
    }

    /// The other nodes that serve `function` for tenant `index` (none when Redis does
    /// not answer); read at most every half second.
    func otherHosts(tenant index: Int, function: String) -> [String] {
        let key = Self.key(users[index], function), name = users[index] + "/" + function
        let now = MonotonicClock.now()
        if let hosts = cache.withLock({ c in c[name].flatMap { $0.until > now ? $0.hosts : nil } }) { return hosts }
        let reply = try? tier.with { c throws(RedisError) in
            try c.command(["ZRANGEBYSCORE", .bytes(key), .int(Int(Self.nowMs())), "+inf"])
        }
        let members = ((try? reply?.strings()) ?? []).map { String(decoding: $0, as: UTF8.self) }
        let others = members.filter { $0 != addresses[index] }
        cache.withLock { $0[name] = (others, now + 500_000_000) }
        return others
    }

    /// One of `hosts`, taken in turn.
    func pick(_ hosts: [String]) -> String { hosts[next.withLock { n in n += 1; return n } % hosts.count] }

    static func key(_ user: String, _ function: String) -> [UInt8] { Array("w:\(user)/\(function)".utf8) }

    static func nowMs() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}

import Platform
import Synchronization

/// CWASI's fallback path between nodes: a channel call relayed through Redis pub/sub,
/// for a callee whose node cannot be reached directly (or when a route forces it, mode
/// `network-redis`). Each node subscribes to one channel per tenant,
/// `wasmlab:relay:HOST:PORT` (the address it is known by in the warm-host sets).
///
/// A call: the caller SETs the payload under a key of its own, with an expiry, and
/// PUBLISHes `call ID CALLER TARGET KEY` on the callee node's channel. That node takes
/// the payload (GETDEL), runs the callee as a channel call over its own port (so the
/// route's limits and timeout apply as to any call), SETs the reply and PUBLISHes
/// `reply ID STATUS KEY` on the caller's channel, where the caller takes it. Payloads
/// travel as keys, not in the messages: Redis drops a subscriber whose pending messages
/// pass its output-buffer limit (32 MiB by default).
final class RedisRelay: Sendable {
    let tier: RedisTier
    /// This node's address per tenant: what the channels are named after.
    let addresses: [String]
    /// Where each tenant listens on this node (a relayed call goes there).
    let listening: [String]
    /// Runs a relayed call on this node: `(listening address, function, payload)`, then
    /// its status (0, or 413 for a payload over the route's limit, else a failure) and
    /// reply.
    private let run: @Sendable (String, String, [UInt8], @escaping @Sendable (Int, [UInt8]) -> Void) -> Void
    /// Delivers a reply to the call waiting for it: `(call id, status, reply)`.
    private let deliver: @Sendable (UInt32, Int, [UInt8]) -> Void
    /// How long a payload or reply waits in Redis for its reader.
    static let expiryMs = 120_000
    private let stopped = Mutex(false)
    /// Whether the listener's subscriptions stand.
    private let subscribed = Mutex(false)
    private let sequence = Mutex(0)

    init(tier: RedisTier, addresses: [String], listening: [String],
         run: @escaping @Sendable (String, String, [UInt8], @escaping @Sendable (Int, [UInt8]) -> Void) -> Void,
         deliver: @escaping @Sendable (UInt32, Int, [UInt8]) -> Void) {
        self.tier = tier
        self.addresses = addresses
        self.listening = listening
        self.run = run
        self.deliver = deliver
    }

    static func channel(_ address: String) -> [UInt8] { Array("wasmlab:relay:\(address)".utf8) }

    /// Sends call `id` of tenant `tenant` for `target` on `node` (blocking: one pipelined
    /// round trip to Redis); its reply comes to `deliver`.
    func send(_ id: UInt32, tenant: Int, to node: String, target: String, payload: UnsafeRawBufferPointer) throws(RedisError) {
        let key = Array("relay:\(addresses[tenant]):\(id):\(sequence.withLock { $0 += 1; return $0 })".utf8)
        let message = Array("call \(id) \(addresses[tenant]) \(target) ".utf8) + key
        let replies = try tier.with { c throws(RedisError) in
            try c.pipeline([["SET", .bytes(key), .borrowed(payload), "PX", .int(Self.expiryMs)],
                            ["PUBLISH", .bytes(Self.channel(node)), .bytes(message)]])
        }
        guard try replies[1].integer() > 0 else {
            _ = try? tier.with { c throws(RedisError) in try c.command(["DEL", .bytes(key)]) }
            throw RedisError("no node listens on \(String(decoding: Self.channel(node), as: UTF8.self))")
        }
    }

    /// Listens on a thread of its own until `stop`; returns once it listens (or after two
    /// seconds when Redis does not answer: it keeps trying).
    func start() {
        runDetached { [self] in listen() }
        // A node is reachable through Redis once it listens: wait for that a little.
        for _ in 0 ..< 2000 where !subscribed.withLock({ $0 }) && !isStopped { usleep(1000) }
    }

    /// Stops listening: a message of its own wakes the listener, which then ends.
    func stop() {
        stopped.withLock { $0 = true }
        for address in addresses {
            _ = try? tier.with { c throws(RedisError) in try c.command(["PUBLISH", .bytes(Self.channel(address)), "stop"]) }
        }
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    /// Subscribes and handles messages; reconnects (after a pause) when Redis goes away.
    private func listen() {
        while !isStopped {
            do {
                let connection = try RedisConnection(host: tier.host, port: tier.port, timeout: tier.timeout)
                connection.setReadTimeout(timeval(tv_sec: 0, tv_usec: 0))
                try connection.send(["SUBSCRIBE"] + addresses.map { .bytes(Self.channel($0)) })
                for _ in addresses { _ = try connection.next() }
                subscribed.withLock { $0 = true }
                defer { subscribed.withLock { $0 = false } }
                while !isStopped {
                    guard case .array(let parts) = try connection.next(), parts.count == 3,
                          parts[0] == .string(Array("message".utf8)), case .string(let channel) = parts[1],
                          case .string(let text) = parts[2],
                          let tenant = addresses.firstIndex(where: { Self.channel($0) == channel }) else { continue }
                    handle(String(decoding: text, as: UTF8.self), tenant: tenant)
                }
            } catch {
                for _ in 0 ..< 10 where !isStopped { usleep(100_000) }
            }
        }
    }

    private func handle(_ message: String, tenant: Int) {
        let fields = message.split(separator: " ").map(String.init)
        if fields.count == 5, fields[0] == "call", let id = UInt32(fields[1]) {
            let (caller, target, key) = (fields[2], fields[3], fields[4])
            let work: @Sendable () -> Void = { [self] in serve(id, tenant: tenant, caller: caller, target: target, key: key) }
            if !runDetached(work) { work() }
        } else if fields.count == 4, fields[0] == "reply", let id = UInt32(fields[1]), let status = Int(fields[2]) {
            let reply = try? tier.with { c throws(RedisError) in try c.command(["GETDEL", .bytes(Array(fields[3].utf8))]) }.bytes()
            deliver(id, reply == nil ? 1 : status, reply ?? [])
        }
    }

    /// Runs a relayed call and sends its reply back (on threads of their own: Redis calls
    /// block, and the listener must go on delivering replies meanwhile).
    private func serve(_ id: UInt32, tenant: Int, caller: String, target: String, key: String) {
        let tier = self.tier
        let answer: @Sendable (Int, [UInt8]) -> Void = { status, reply in
            let replyKey = Array((key + ":reply").utf8)
            let message = Array("reply \(id) \(status) ".utf8) + replyKey
            let send: @Sendable () -> Void = {
                _ = try? tier.with { c throws(RedisError) in
                    try c.pipeline([["SET", .bytes(replyKey), .bytes(reply), "PX", .int(Self.expiryMs)],
                                    ["PUBLISH", .bytes(Self.channel(caller)), .bytes(message)]])
                }
            }
            if !runDetached(send) { send() }
        }
        guard let payload = try? tier.with({ c throws(RedisError) in try c.command(["GETDEL", .bytes(Array(key.utf8))]) }).bytes() else {
            return answer(1, [])
        }
        run(listening[tenant], target, payload, answer)
    }
}

import GreenThreads
import Platform
import Synchronization

/// CWASI's fallback path between nodes: a channel call relayed through Redis pub/sub,
/// for a callee whose node cannot be reached directly (or when a route forces it, mode
/// `network-redis`). Each node subscribes to one channel per tenant,
/// `wasmlab:relay:HOST:PORT` (the address it is known by in the warm-host sets).
///
/// A call: the caller publishes the payload in parts on the callee node's channel
/// (`RelayMessage`, `RelayTransfer`); that node's listener puts them together, runs the
/// callee there as a sandbox (with its route's limits and timeout), and publishes the
/// reply in parts on the caller's channel the same way, where the caller's listener
/// hands it to the waiting call. The bytes stream through Redis without being stored,
/// and each side acknowledges what it got so the sender stays within a window.
final class RedisRelay: Sendable {
    let tier: RedisTier
    /// This node's address per tenant: what the channels are named after.
    let addresses: [String]
    /// The largest payload `(tenant, function)` takes, nil when that tenant has no such
    /// channel callee.
    private let limit: @Sendable (Int, String) -> Int?
    /// Starts a relayed call on this node without waiting for it: `(tenant, function,
    /// payload)`; its status (0, or else a failure) and reply go to the closure given.
    private let run: @Sendable (Int, String, [UInt8], @escaping @Sendable (Int, [UInt8]) -> Void) -> Void
    /// Delivers a reply to the call waiting for it: `(call id, status, reply)`.
    private let deliver: @Sendable (UInt32, Int, [UInt8]) -> Void
    /// The largest reply taken.
    private let replyLimit: Int
    /// How long a transfer may wait for its receiver's acknowledgement, in milliseconds.
    private let timeoutMs: Int64
    /// An assembly that got no part for this long has lost its sender.
    static let expiryNs: UInt64 = 120_000_000_000

    private let stopped = Mutex(false)
    /// Whether the listener's subscriptions stand.
    private let subscribed = Mutex(false)
    /// Transfers under way from this node, by `key(direction, id, peer)`.
    private let outgoing = Mutex<[String: RelayTransfer]>([:])
    /// Messages coming in, by the same key (the peer being the sender).
    private let incoming = Mutex<[String: RelayAssembly]>([:])

    init(tier: RedisTier, addresses: [String], replyLimit: Int, timeoutMs: Int64,
         limit: @escaping @Sendable (Int, String) -> Int?,
         run: @escaping @Sendable (Int, String, [UInt8], @escaping @Sendable (Int, [UInt8]) -> Void) -> Void,
         deliver: @escaping @Sendable (UInt32, Int, [UInt8]) -> Void) {
        self.tier = tier
        self.addresses = addresses
        self.replyLimit = replyLimit
        self.timeoutMs = timeoutMs
        self.limit = limit
        self.run = run
        self.deliver = deliver
    }

    static func channel(_ address: String) -> [UInt8] { Array("wasmlab:relay:\(address)".utf8) }

    /// The key of a transfer or assembly: a call's payload is known by the call's id and
    /// its caller, its reply by the same.
    private static func key(_ direction: RelayMessage.Direction, _ id: UInt32, caller: String) -> String {
        "\(direction.rawValue) \(id) \(caller)"
    }

    /// Starts sending call `id` of tenant `tenant` for `target` on `node`; its reply comes
    /// to `deliver`, a failure to send to `failed`. The payload is read until the call's
    /// reply comes, or `cancel` on the transfer returned: it must stay until then.
    func send(_ id: UInt32, tenant: Int, to node: String, target: String, payload: UnsafeRawBufferPointer,
              failed: @escaping @Sendable (any Error) -> Void) -> RelayTransfer {
        let caller = addresses[tenant]
        nonisolated(unsafe) let payload = payload
        return startTransfer(Self.key(.call, id, caller: caller)) { [tier] transfer, deadline in
            let total = payload.count
            do {
                try transfer.send(payload, header: { offset in
                    RelayMessage.call(id: id, from: caller, target: target, part: .init(total: total, offset: offset)).header
                }, to: Self.channel(node), over: tier, until: deadline)
            } catch {
                failed(error)
            }
        }
    }

    /// Registers a transfer under `key` (where acknowledgements find it) and runs `body`
    /// with it and its deadline on a thread of its own: sending blocks, and neither the
    /// caller's worker nor the listener may wait for it.
    @discardableResult
    private func startTransfer(_ key: String,
                               _ body: @escaping @Sendable (RelayTransfer, _ deadline: UInt64) -> Void) -> RelayTransfer {
        let transfer = RelayTransfer()
        outgoing.withLock { $0[key] = transfer }
        let deadline = MonotonicClock.now() + UInt64(timeoutMs) * 1_000_000
        let sending: @Sendable () -> Void = { [self] in
            defer { _ = outgoing.withLock { $0.removeValue(forKey: key) } }
            body(transfer, deadline)
        }
        if !runDetached(sending) { sending() }
        return transfer
    }

    /// Listens on a thread of its own until `stop`; returns once it listens (or after two
    /// seconds when Redis does not answer: it keeps trying).
    func start() {
        runDetached { [self] in listen() }
        // A node is reachable through Redis once it listens: wait for that a little.
        for _ in 0 ..< 2000 where !subscribed.withLock({ $0 }) && !isStopped { usleep(1000) }
    }

    /// Stops listening (a message of its own wakes the listener, which then ends) and
    /// sending.
    func stop() {
        stopped.withLock { $0 = true }
        for transfer in outgoing.withLock({ Array($0.values) }) { transfer.cancel() }
        for address in addresses {
            _ = try? tier.with { c throws(RedisError) in
                try c.command(["PUBLISH", .bytes(Self.channel(address)), .bytes(RelayMessage.stop.header)])
            }
        }
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    /// Subscribes and handles messages; reconnects (after a pause) when Redis goes away.
    private func listen() {
        let channels = addresses.map(Self.channel)
        while !isStopped {
            do {
                let connection = try RedisConnection(host: tier.host, port: tier.port, timeout: tier.timeout)
                connection.setReadTimeout(timeval(tv_sec: 0, tv_usec: 0))
                try connection.send(["SUBSCRIBE"] + channels.map { .bytes($0) })
                for _ in addresses { _ = try connection.next() }
                subscribed.withLock { $0 = true }
                defer { subscribed.withLock { $0 = false } }
                while !isStopped {
                    _ = try connection.nextMessage { channel, message in
                        guard let tenant = channels.firstIndex(where: { channel.elementsEqual($0) }) else { return }
                        var dataStart = 0
                        guard let parsed = RelayMessage(message, dataStart: &dataStart) else { return }
                        handle(parsed, UnsafeRawBufferPointer(rebasing: message[dataStart...]), tenant: tenant)
                    }
                }
            } catch {
                // Parts that came before are of no use now: their calls fail at their timeouts.
                incoming.withLock { $0.removeAll() }
                for _ in 0 ..< 10 where !isStopped { usleep(100_000) }
            }
        }
    }

    private func handle(_ message: RelayMessage, _ data: UnsafeRawBufferPointer, tenant: Int) {
        switch message {
        case .call(let id, let caller, let target, let part):
            if part.offset == 0 {
                guard let most = limit(tenant, target) else { return answer(id, tenant: tenant, caller: caller, 1, []) }
                guard part.total <= most else { return answer(id, tenant: tenant, caller: caller, 413, []) }
            }
            let key = Self.key(.call, id, caller: caller)
            let callee = addresses[tenant]
            take(data, part, key: key, acknowledgement: { .acknowledge(.call, id: id, from: callee, received: $0) },
                 to: caller) { payload in
                // `run` only queues the sandbox: the listener goes on at once.
                run(tenant, target, payload) { status, reply in self.answer(id, tenant: tenant, caller: caller, status, reply) }
            }
        case .reply(let id, let callee, let status, let part):
            let caller = addresses[tenant]
            guard part.offset > 0 || part.total <= replyLimit else { return finish(id, caller: caller, 1, []) }
            take(data, part, key: Self.key(.reply, id, caller: caller),
                 acknowledgement: { .acknowledge(.reply, id: id, from: caller, received: $0) }, to: callee) { reply in
                finish(id, caller: caller, status, reply)
            }
        case .acknowledge(let direction, let id, let peer, let received):
            // A payload's acknowledgement comes from the callee to its caller (this node).
            let caller = direction == .call ? addresses[tenant] : peer
            outgoing.withLock { $0[Self.key(direction, id, caller: caller)] }?.acknowledge(received)
        case .stop:
            break
        }
    }

    /// Adds a part to its assembly (begun by the part at offset 0), acknowledges to
    /// `sender` when due, and hands the bytes to `complete` once all came.
    private func take(_ data: UnsafeRawBufferPointer, _ part: RelayMessage.Part, key: String,
                      acknowledgement: (Int) -> RelayMessage, to sender: String, complete: ([UInt8]) -> Void) {
        let step = incoming.withLock { assemblies -> (complete: [UInt8]?, acknowledge: Int?) in
            if part.offset == 0 {
                let now = MonotonicClock.now()
                assemblies = assemblies.filter { now - $0.value.touched < Self.expiryNs }
                assemblies[key] = RelayAssembly(total: part.total)
            }
            guard var assembly = assemblies.removeValue(forKey: key), assembly.total == part.total,
                  assembly.add(data, at: part.offset) else { return (nil, nil) }
            if assembly.isComplete { return (assembly.bytes, nil) }
            let acknowledge = assembly.acknowledgement()
            assemblies[key] = assembly
            return (nil, acknowledge)
        }
        if let received = step.acknowledge {
            _ = try? tier.with { c throws(RedisError) in
                try c.command(["PUBLISH", .bytes(Self.channel(sender)), .bytes(acknowledgement(received).header)])
            }
        }
        if let bytes = step.complete { complete(bytes) }
    }

    /// The reply to call `id` has come: the call's payload need not be sent any further.
    private func finish(_ id: UInt32, caller: String, _ status: Int, _ reply: [UInt8]) {
        outgoing.withLock { $0[Self.key(.call, id, caller: caller)] }?.cancel()
        deliver(id, status, reply)
    }

    /// Sends the reply of call `id` to its caller, on a thread of its own (the listener
    /// must go on taking acknowledgements meanwhile).
    private func answer(_ id: UInt32, tenant: Int, caller: String, _ status: Int, _ reply: [UInt8]) {
        let from = addresses[tenant]
        startTransfer(Self.key(.reply, id, caller: caller)) { [tier] transfer, deadline in
            // A reply that cannot be sent leaves its caller to its timeout.
            reply.withUnsafeBytes { bytes in
                let total = bytes.count
                try? transfer.send(bytes, header: { offset in
                    RelayMessage.reply(id: id, from: from, status: status, part: .init(total: total, offset: offset)).header
                }, to: Self.channel(caller), over: tier, until: deadline)
            }
        }
    }
}

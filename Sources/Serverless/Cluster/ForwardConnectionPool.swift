import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Keep-alive HTTP/1.1 connections to other nodes, by address (`host:port`). A call takes
/// an idle connection when there is one, else opens one, and gives it back after a
/// keep-alive response; a connection carries one call at a time. Idle connections are
/// taken most recently used first, so that those a burst opened beyond the usual need age
/// out; at most `maxIdle` per address are kept, each closed after `idleTimeout` unused. A
/// connection that closes for any reason (the other node, an error, a call's timeout)
/// leaves the pool at once and is never handed out again.
final class ForwardConnectionPool: Sendable {
    /// What the pool did since it started.
    struct Statistics: Sendable, Equatable {
        /// Connections opened (successful connects).
        var opened = 0
        /// Calls that went out on a connection taken from the pool.
        var reused = 0
        /// Calls sent again on a new connection because the pooled one they took was found
        /// closed before the request was written.
        var retried = 0
    }

    /// A connection held by one call until it gives it back (`release`) or drops it.
    struct Lease: Sendable {
        let channel: any Channel
        let address: String
        /// Taken from the pool rather than opened for this call.
        let reused: Bool
    }

    private struct Idle {
        let channel: any Channel
        let expiry: Scheduled<Void>
    }

    private struct State {
        var idle: [String: [Idle]] = [:]
        var stopped = false
        var statistics = Statistics()
    }

    let maxIdle: Int
    let idleTimeout: TimeAmount
    private let group: any EventLoopGroup
    private let state = Mutex(State())

    init(group: any EventLoopGroup, maxIdle: Int = 8, idleTimeout: TimeAmount = .seconds(5)) {
        self.group = group
        self.maxIdle = maxIdle
        self.idleTimeout = idleTimeout
    }

    var statistics: Statistics { state.withLock { $0.statistics } }

    /// The idle connections to `address`, oldest first (for tests).
    func idleChannels(to address: String) -> [any Channel] {
        state.withLock { $0.idle[address]?.map(\.channel) ?? [] }
    }

    /// A connection to `address` (`host`, `port`): an idle one unless `fresh`, else a new
    /// one, connected within `connectTimeout`. Fails when it cannot connect or the pool is
    /// shut down.
    func connection(to address: String, host: String, port: Int, connectTimeout: TimeAmount,
                    fresh: Bool = false) -> EventLoopFuture<Lease> {
        if !fresh, let channel = takeIdle(address) {
            return channel.eventLoop.makeSucceededFuture(Lease(channel: channel, address: address, reused: true))
        }
        let loop = group.next()
        if state.withLock({ $0.stopped }) { return loop.makeFailedFuture(ChannelError.ioOnClosedChannel) }
        return ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ForwardConnectionHandler())
                }
            }
            .connect(host: host, port: port)
            .map { [self] channel in
                state.withLock { $0.statistics.opened += 1 }
                channel.closeFuture.whenComplete { [self] _ in forget(channel, address: address) }
                return Lease(channel: channel, address: address, reused: false)
            }
    }

    /// Takes back a connection whose call got a keep-alive response: kept idle, or closed
    /// when the address has `maxIdle` idle ones already, it is closed, or the pool is shut down.
    func release(_ lease: Lease) {
        let channel = lease.channel, address = lease.address
        let kept = state.withLock { state -> Bool in
            guard !state.stopped, channel.isActive, state.idle[address, default: []].count < maxIdle else { return false }
            let expiry = channel.eventLoop.scheduleTask(in: idleTimeout) { [self] in expire(channel, address: address) }
            state.idle[address, default: []].append(Idle(channel: channel, expiry: expiry))
            return true
        }
        if !kept { channel.close(promise: nil) }
    }

    /// Counts a call sent again on a new connection.
    func noteRetry() { state.withLock { $0.statistics.retried += 1 } }

    /// Closes every idle connection; from now on, connections given back are closed and
    /// none is opened. Calls in flight finish on the connections they hold.
    func shutdown() {
        let idle = state.withLock { state -> [Idle] in
            state.stopped = true
            defer { state.idle = [:] }
            return state.idle.values.flatMap { $0 }
        }
        for entry in idle {
            entry.expiry.cancel()
            entry.channel.close(promise: nil)
        }
    }

    /// The most recently used idle connection to `address` that is still open.
    private func takeIdle(_ address: String) -> (any Channel)? {
        var skipped: [Idle] = []
        let taken = state.withLock { state -> Idle? in
            while let entry = state.idle[address]?.popLast() {
                if state.idle[address]?.isEmpty == true { state.idle[address] = nil }
                // A closing connection's `forget` comes later, on its loop: skip it here.
                guard entry.channel.isActive else {
                    skipped.append(entry)
                    continue
                }
                state.statistics.reused += 1
                return entry
            }
            return nil
        }
        taken?.expiry.cancel()
        for entry in skipped { entry.expiry.cancel() }
        return taken?.channel
    }

    /// The idle timer of `channel`: closes it if it is still idle (not taken meanwhile).
    private func expire(_ channel: any Channel, address: String) {
        if remove(channel, address: address) != nil { channel.close(promise: nil) }
    }

    /// `channel` closed: out of the pool.
    private func forget(_ channel: any Channel, address: String) {
        remove(channel, address: address)?.expiry.cancel()
    }

    @discardableResult
    private func remove(_ channel: any Channel, address: String) -> Idle? {
        state.withLock { state -> Idle? in
            guard let index = state.idle[address]?.firstIndex(where: { $0.channel === channel }) else { return nil }
            let entry = state.idle[address]!.remove(at: index)
            if state.idle[address]!.isEmpty { state.idle[address] = nil }
            return entry
        }
    }
}

import GreenThreads
import Synchronization

/// The named channels of one node, per tenant: first-in first-out queues of messages
/// between sandboxes (WasmLab's own channel API, Docs/Channels.md). A receiver waits with
/// its fiber parked (its worker runs other sandboxes) until a message comes or it is
/// killed. Queues are bounded so that messages nobody receives cannot fill the host.
final class NamedChannels: Sendable {
    /// Most messages waiting on one channel.
    static let maxQueued = 64
    /// Most bytes waiting on all channels of one tenant.
    static let maxQueuedBytes = 1 << 30

    private struct Channel {
        var messages: [ChannelBuffer] = []
        var waiters: [Fiber] = []
    }

    private struct Tenant {
        var channels: [String: Channel] = [:]
        var queuedBytes = 0
    }

    private let tenants = Mutex<[String: Tenant]>([:])

    init() {}

    /// Queues `buffer` on `name`; false when the channel or the tenant is full.
    func send(_ buffer: ChannelBuffer, on name: String, tenant: String) -> Bool {
        let waiter = tenants.withLock { all -> Fiber?? in
            var t = all[tenant, default: Tenant()]
            var channel = t.channels[name, default: Channel()]
            guard channel.messages.count < Self.maxQueued, t.queuedBytes + buffer.count <= Self.maxQueuedBytes else {
                return .none
            }
            channel.messages.append(buffer)
            t.queuedBytes += buffer.count
            let first = channel.waiters.isEmpty ? nil : channel.waiters.removeFirst()
            t.channels[name] = channel
            all[tenant] = t
            return .some(first)
        }
        guard let waiter else { return false }
        waiter?.unpark()
        return true
    }

    /// The next message on `name`, waiting (parked) for one; nil when the caller is
    /// cancelled (killed) meanwhile. `fits` decides whether the message is taken (false:
    /// it stays queued, and `receive` answers it without taking it).
    func receive(on name: String, tenant: String, fits: (ChannelBuffer) -> Bool = { _ in true }) -> (ChannelBuffer, taken: Bool)? {
        while true {
            let found = tenants.withLock { all -> (ChannelBuffer, Bool)? in
                var t = all[tenant, default: Tenant()]
                var channel = t.channels[name, default: Channel()]
                defer {
                    t.channels[name] = channel.messages.isEmpty && channel.waiters.isEmpty ? nil : channel
                    all[tenant] = t
                }
                if let first = channel.messages.first {
                    guard fits(first) else { return (first, false) }
                    channel.messages.removeFirst()
                    t.queuedBytes -= first.count
                    return (first, true)
                }
                if let fiber = Fiber.current { channel.waiters.append(fiber) }
                return nil
            }
            if let found { return found }
            guard let fiber = Fiber.current, !fiber.isCancelled else {
                forget(Fiber.current, on: name, tenant: tenant)
                return nil
            }
            Sandbox.park()
            if fiber.isCancelled {
                forget(fiber, on: name, tenant: tenant)
                return nil
            }
        }
    }

    /// Drops `fiber` from the waiters of `name` (it stopped waiting).
    private func forget(_ fiber: Fiber?, on name: String, tenant: String) {
        guard let fiber else { return }
        tenants.withLock { all in
            guard var channel = all[tenant]?.channels[name] else { return }
            channel.waiters.removeAll { $0 === fiber }
            all[tenant]?.channels[name] = channel.messages.isEmpty && channel.waiters.isEmpty ? nil : channel
        }
    }
}

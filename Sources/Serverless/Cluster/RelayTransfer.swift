import Dispatch
import GreenThreads
import Platform
import Synchronization

/// A payload or reply on its way out through `RedisRelay`: published in parts on the
/// receiver's channel, never more than a window ahead of what the receiver acknowledged.
/// Redis passes a part on as soon as it has it, without storing it, so the bytes stream
/// through it; the window keeps the parts Redis holds for a slow receiver well under the
/// output-buffer limit at which it drops a subscriber (32 MiB by default).
final class RelayTransfer: Sendable {
    /// The bytes of one part.
    static let partBytes = 1 << 20
    /// How far the parts sent may run ahead of the receiver's acknowledgement.
    static let windowBytes = 8 << 20
    /// A receiver acknowledges each time it holds this much more.
    static let acknowledgementBytes = 2 << 20

    private let acknowledged = Mutex(0)
    private let progress = DispatchSemaphore(value: 0)
    /// Held while the sender reads the bytes it sends: `cancel` waits for it, so that the
    /// bytes may go away once it returns.
    private let reading = Mutex(false)

    /// Records the receiver's acknowledgement of `received` bytes.
    func acknowledge(_ received: Int) {
        acknowledged.withLock { $0 = max($0, received) }
        progress.signal()
    }

    /// Stops the transfer: once this returns, the sender no longer reads its bytes.
    func cancel() {
        reading.withLock { $0 = true }
        progress.signal()
    }

    /// Publishes `bytes` in parts on `channel`, each after the line `header(offset)`
    /// (an empty message sends one empty part), until all are sent, the transfer is
    /// cancelled, or the receiver acknowledged nothing more by `deadline` (monotonic
    /// nanoseconds). Blocks meanwhile.
    func send(_ bytes: UnsafeRawBufferPointer, header: (Int) -> [UInt8], to channel: [UInt8], over tier: RedisTier,
              until deadline: UInt64) throws(RedisError) {
        var offset = 0
        repeat {
            var received = acknowledged.withLock { $0 }
            while offset - received + Self.partBytes > Self.windowBytes {
                guard !isCancelled else { throw RedisError("the call ended before its bytes were sent") }
                let now = MonotonicClock.now()
                guard now < deadline, progress.wait(timeout: .now() + .nanoseconds(Int(deadline - now))) == .success else {
                    throw RedisError("the receiver acknowledged nothing in time")
                }
                received = acknowledged.withLock { $0 }
            }
            // The parts that fit in the window, their lines one after another in `lines`.
            var lines: [UInt8] = []
            var parts: [(line: Range<Int>, bytes: Range<Int>)] = []
            repeat {
                let end = min(offset + Self.partBytes, bytes.count)
                let line = header(offset)
                parts.append((lines.count ..< lines.count + line.count, offset ..< end))
                lines += line
                offset = end
            } while offset < bytes.count && offset - received + Self.partBytes <= Self.windowBytes
            let counts = try reading.withLock { cancelled throws(RedisError) -> [Int64] in
                guard !cancelled else { throw RedisError("the call ended before its bytes were sent") }
                var published: Result<[Int64], RedisError> = .success([])
                lines.withUnsafeBytes { lines in
                    let messages = parts.map {
                        [UnsafeRawBufferPointer(rebasing: lines[$0.line]), UnsafeRawBufferPointer(rebasing: bytes[$0.bytes])]
                    }
                    do throws(RedisError) {
                        published = .success(try tier.with { c throws(RedisError) in try c.publish(channel, messages) })
                    } catch {
                        published = .failure(error)
                    }
                }
                return try published.get()
            }
            guard !counts.contains(0) else {
                throw RedisError("no node listens on \(String(decoding: channel, as: UTF8.self))")
            }
        } while offset < bytes.count
    }

    private var isCancelled: Bool { reading.withLock { $0 } }
}

import GreenThreads
import Platform
import Synchronization

/// One named value of Faasm's state on this node (the local replica): its bytes, sized by
/// the first call that names it with a length, and the list of appended elements.
/// Thread-safe: sandboxes on every worker share it.
final class StateValue: Sendable {
    private struct Contents {
        var bytes: [UInt8]
        var appended: [[UInt8]] = []
        var dirty = false
    }

    private let contents: Mutex<Contents>
    /// The guest-visible reader/writer lock (`__faasm_lock_state_*`): readers, or -1 for
    /// a writer; fibers that wait for it.
    private let lock = Mutex<(holders: Int, waiters: [Fiber])>((0, []))

    init(size: Int) { contents = Mutex(Contents(bytes: [UInt8](repeating: 0, count: size))) }

    var size: Int { contents.withLock { $0.bytes.count } }

    /// Bytes `offset ..< offset + count` (the caller checked the range).
    func read(_ offset: Int, _ count: Int) -> [UInt8] { contents.withLock { Array($0.bytes[offset ..< offset + count]) } }

    /// Writes `bytes` at `offset` (the caller checked the range) and marks the value dirty.
    func write(_ bytes: [UInt8], at offset: Int) {
        contents.withLock { c in
            c.bytes.replaceSubrange(offset ..< offset + bytes.count, with: bytes)
            c.dirty = true
        }
    }

    func markDirty() { contents.withLock { $0.dirty = true } }

    func append(_ element: [UInt8]) { contents.withLock { $0.appended.append(element) } }

    /// The first `count` appended elements (fewer when there are fewer).
    func appended(_ count: Int) -> [[UInt8]] { contents.withLock { Array($0.appended.prefix(max(count, 0))) } }

    func clearAppended() { contents.withLock { $0.appended.removeAll() } }

    /// Takes the lock shared (`exclusive` false) or alone; a sandbox that must wait parks
    /// its fiber (the worker runs others), a thread without a fiber yields between tries.
    func acquire(exclusive: Bool) {
        while true {
            let taken = lock.withLock { l -> Bool in
                if exclusive ? l.holders == 0 : l.holders >= 0 {
                    l.holders = exclusive ? -1 : l.holders + 1
                    return true
                }
                if let fiber = Fiber.current { l.waiters.append(fiber) }
                return false
            }
            if taken { return }
            if Fiber.current != nil { Sandbox.park() } else { sched_yield() }
        }
    }

    /// Gives the lock back and wakes the fibers waiting for it (they try again).
    func release(exclusive: Bool) {
        let waiters = lock.withLock { l -> [Fiber] in
            l.holders = exclusive ? 0 : max(l.holders - 1, 0)
            defer { l.waiters = [] }
            return l.waiters
        }
        for fiber in waiters { fiber.unpark() }
    }
}


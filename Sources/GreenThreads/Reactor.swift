import HeapModule
import Platform
import Synchronization

/// A worker's event loop parts: one epoll instance for the file descriptors its fibers
/// wait on, an eventfd other threads write to wake the worker, and a min-heap of sleep
/// timers. Only the owning worker touches it, except `notify`.
final class Reactor {
    struct Timer: Comparable {
        let when: UInt64
        let sequence: UInt64
        let fiber: Fiber
        static func < (a: Self, b: Self) -> Bool { a.when != b.when ? a.when < b.when : a.sequence < b.sequence }
        static func == (a: Self, b: Self) -> Bool { a.sequence == b.sequence }
    }

    let epoll: Int32
    let wakeFD: Int32
    private var timers = Heap<Timer>()
    private var timerSequence: UInt64 = 0
    /// Fibers waiting on a descriptor, by descriptor (owner only; epoll's data is fd + 1).
    private var waiters: [Int32: Fiber] = [:]
    /// Waits to drop, posted by fibers that resumed without their event (any thread).
    private let cancellations = Mutex<[(fd: Int32, fiber: ObjectIdentifier)]>([])
    private let events = UnsafeMutableRawPointer.allocate(byteCount: 64 * Epoll.eventSize, alignment: 8)

    init?() {
        epoll = epoll_create1(Epoll.closeOnExec)
        guard epoll >= 0 else { return nil }
        wakeFD = eventfd(0, Epoll.nonBlocking | Epoll.closeOnExec)
        guard wakeFD >= 0 else {
            close(epoll)
            return nil
        }
        var event = EpollEvent(events: Epoll.input, data: 0)
        guard epoll_ctl(epoll, Epoll.add, wakeFD, &event) == 0 else { return nil }
    }

    deinit {
        events.deallocate()
        close(wakeFD)
        close(epoll)
    }

    /// Wakes the worker from `poll(timeout:)`; any thread.
    func notify() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    func addTimer(at when: UInt64, for fiber: Fiber) {
        timerSequence &+= 1
        timers.insert(Timer(when: when, sequence: timerSequence, fiber: fiber))
    }

    /// Registers a one-shot wait of `fiber` for `events` on `fd`; false (and `errno`) when
    /// epoll refuses the descriptor.
    func addWait(fd: Int32, events: UInt32, fiber: Fiber) -> Bool {
        var event = EpollEvent(events: events | Epoll.oneShot, data: UInt64(UInt32(bitPattern: fd)) + 1)
        guard epoll_ctl(epoll, Epoll.add, fd, &event) == 0
              || (errno == EEXIST && epoll_ctl(epoll, Epoll.modify, fd, &event) == 0) else { return false }
        waiters[fd] = fiber
        return true
    }

    /// Drops `fiber`'s wait on `fd` if it is still registered (it resumed for another
    /// reason); any thread: the owner carries it out at its next poll.
    func cancelWait(fd: Int32, fiber: Fiber) {
        cancellations.withLock { $0.append((fd, ObjectIdentifier(fiber))) }
        notify()
    }

    /// Whether a timer or descriptor is pending.
    var hasWork: Bool { !timers.isEmpty || !waiters.isEmpty }

    /// When the next timer fires (`UInt64.max`: none).
    var nextTimer: UInt64 { timers.min?.when ?? UInt64.max }

    /// Collects ready descriptors and due timers, waiting at most `timeout` ms (-1: until
    /// something happens), and hands each fiber to `wake` with the events that fired (0
    /// for a timer).
    func poll(timeout: Int32, wake: (Fiber, UInt32) -> Void) {
        let n = epoll_wait(epoll, events, 64, timeout)
        if n > 0 {
            for i in 0 ..< Int(n) {
                let fired = events.loadUnaligned(fromByteOffset: i * Epoll.eventSize, as: UInt32.self)
                let bits = events.loadUnaligned(fromByteOffset: i * Epoll.eventSize + 4, as: UInt64.self)
                if bits == 0 {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                    continue
                }
                let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: bits - 1))
                _ = epoll_ctl(epoll, Epoll.delete, fd, nil)
                if let fiber = waiters.removeValue(forKey: fd) { wake(fiber, fired) }
            }
        }
        let cancelled = cancellations.withLock { list -> [(fd: Int32, fiber: ObjectIdentifier)] in
            let taken = list
            list.removeAll()
            return taken
        }
        for entry in cancelled {
            let fd = entry.fd
            if let fiber = waiters[fd], ObjectIdentifier(fiber) == entry.fiber {
                waiters[fd] = nil
                _ = epoll_ctl(epoll, Epoll.delete, fd, nil)
            }
        }
        guard !timers.isEmpty else { return }
        let now = MonotonicClock.now()
        while let first = timers.min, first.when <= now {
            _ = timers.popMin()
            wake(first.fiber, 0)
        }
    }
}

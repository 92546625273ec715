import HeapModule
import DequeModule
import Synchronization

/// A runnable fiber ordered for `edf`: earliest deadline first, then spawn order.
struct DeadlineOrdered: Comparable {
    let fiber: Fiber
    static func < (a: Self, b: Self) -> Bool {
        a.fiber.deadline != b.fiber.deadline ? a.fiber.deadline < b.fiber.deadline : a.fiber.id < b.fiber.id
    }
    static func == (a: Self, b: Self) -> Bool { a.fiber === b.fiber }
}

/// A worker's own runnable fibers. `fifo` and `rr` use a work-stealing deque: the owner
/// pushes at the bottom and takes from the top like the thieves do, so its own order is
/// arrival order (a preempted fiber goes behind the others). `edf` uses a min-heap of
/// deadlines under a lock (a heap has no lock-free steal); thieves take its earliest.
final class RunQueue: @unchecked Sendable {
    private let isEDF: Bool
    private let deque = WorkStealingDeque<Fiber>(capacity: 256)
    private let heap = Mutex(Heap<DeadlineOrdered>())

    init(policy: SchedulingPolicy) { isEDF = policy == .edf }

    /// Owner thread only.
    func push(_ fiber: Fiber) {
        if isEDF { heap.withLock { $0.insert(DeadlineOrdered(fiber: fiber)) } } else { deque.push(fiber) }
    }

    /// The next fiber in policy order; owner thread.
    func take() -> Fiber? {
        if isEDF { return heap.withLock { $0.popMin()?.fiber } }
        // A lost race with a thief is retried while anything is left.
        while !deque.isEmpty { if let f = deque.steal() { return f } }
        return nil
    }

    /// Takes a fiber for another worker.
    func steal() -> Fiber? {
        isEDF ? heap.withLock { $0.popMin()?.fiber } : deque.steal()
    }

    /// The earliest deadline waiting (`edf`), `UInt64.max` when none or not `edf`.
    var earliestDeadline: UInt64 {
        isEDF ? heap.withLock { $0.min?.fiber.deadline } ?? UInt64.max : UInt64.max
    }

    var count: Int { isEDF ? heap.withLock { $0.count } : deque.count }
}

/// Fibers made runnable by threads that are not workers (spawns and wake-ups from
/// outside), shared by all workers: arrival order, or deadline order for `edf`.
final class GlobalQueue: Sendable {
    private let isEDF: Bool
    private let fifo = Mutex(Deque<Fiber>())
    private let heap = Mutex(Heap<DeadlineOrdered>())

    init(policy: SchedulingPolicy) { isEDF = policy == .edf }

    func push(_ fiber: Fiber) {
        if isEDF { heap.withLock { $0.insert(DeadlineOrdered(fiber: fiber)) } } else { fifo.withLock { $0.append(fiber) } }
    }

    func take() -> Fiber? {
        isEDF ? heap.withLock { $0.popMin()?.fiber } : fifo.withLock { $0.popFirst() }
    }

    /// Takes the earliest fiber only if its deadline is before `deadline` (`edf`).
    func take(before deadline: UInt64) -> Fiber? {
        heap.withLock { h in
            guard let min = h.min, min.fiber.deadline < deadline else { return nil }
            return h.popMin()?.fiber
        }
    }

    var count: Int { isEDF ? heap.withLock { $0.count } : fifo.withLock { $0.count } }
}

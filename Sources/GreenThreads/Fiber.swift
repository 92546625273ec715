import Atomics
import Platform

/// A green thread: a body that runs on its own native stack, on one of a `Scheduler`'s
/// worker threads at a time, and gives the worker up when it yields, parks, sleeps, waits
/// for a file descriptor, is preempted or ends.
///
/// Create fibers with `Scheduler.spawn`. Inside a fiber, `Fiber.current` is the running
/// fiber, and the static functions (`yield`, `park`, `sleep`, `wait`) suspend it. A
/// suspended fiber may resume on another worker (work stealing).
///
/// Stacks are reused: a new fiber may get the stack of one that ended. Nothing there is
/// readable by guest code (Wasm reads only slots it wrote), so reuse is no exposure.
public final class Fiber: @unchecked Sendable {
    /// What the worker holds for a switch, in memory that no exclusivity check covers.
    struct Context {
        /// The saved stack pointer while the fiber is not running.
        var sp: UInt = 0
        /// The fiber's open exclusivity accesses while it is not running (two words).
        var exclusivity: (UInt, UInt) = (0, 0)
    }

    /// A process-unique number, in spawn order.
    public let id: UInt64
    /// Absolute deadline (`MonotonicClock` ns) for the `edf` policy; `UInt64.max` = none.
    public let deadline: UInt64
    /// When the fiber was spawned (`MonotonicClock` ns).
    public let spawnedAt: UInt64

    /// Where the scheduler asks the fiber's running code to yield (preemption): it ORs
    /// `preemptionBit` into this word from another thread or a signal handler, and code
    /// that polls the word (Wasm safe points) calls `Fiber.yield()`. Nil: the code does not
    /// poll, and the fiber runs until it suspends itself.
    public var preemptionWord: UnsafeMutablePointer<UInt32>?
    /// The bit set in `preemptionWord` to request a yield.
    public var preemptionBit: UInt32 = 0

    let context: UnsafeMutablePointer<Context>
    /// The scheduler that runs the fiber (it outlives its fibers' runs).
    unowned(unsafe) let scheduler: Scheduler
    private(set) var stack: FiberStack?
    let pool: FiberStackPool
    var body: (() -> Void)?
    /// The park protocol word (see `park` / `unpark`).
    let wakeState = ManagedAtomic<Int>(0)
    let cancelled = ManagedAtomic<Bool>(false)
    /// The worker running the fiber (set on every resume; unowned: workers outlive fibers).
    unowned(unsafe) var worker: Worker?
    /// When the current run slice began (`MonotonicClock` ns).
    var sliceStart: UInt64 = 0
    /// Set once the body has returned.
    public private(set) var isFinished = false
    /// Number of times the fiber was resumed (for tests and statistics).
    public private(set) var resumeCount = 0
    /// The events that ended the last `wait` (negative errno when it could not wait).
    var readyEvents: UInt32 = 0
    /// The reactor a `wait` registered with, until the fiber resumes.
    var waitRegistration: Reactor?

    private static let nextID = ManagedAtomic<UInt64>(1)

    init(scheduler: Scheduler, stack: FiberStack, pool: FiberStackPool, deadline: UInt64, body: @escaping () -> Void) {
        id = Self.nextID.loadThenWrappingIncrement(ordering: .relaxed)
        self.scheduler = scheduler
        self.deadline = deadline
        spawnedAt = MonotonicClock.now()
        self.stack = stack
        self.pool = pool
        self.body = body
        context = .allocate(capacity: 1)
        context.initialize(to: Context())
    }

    deinit {
        if let stack { pool.give(stack) }
        context.deallocate()
    }

    /// Points the saved context at the start stub (before the first resume).
    func prepare(_ switcher: ContextSwitch) {
        guard let stack else { return }
        context.pointee.sp = switcher.prepare(stack: stack, entry: fiberEntry,
                                              argument: Unmanaged.passUnretained(self).toOpaque())
    }

    /// Called by the worker on its own stack after the final switch: the stack goes back.
    func retire() {
        isFinished = true
        body = nil
        if let stack { pool.give(stack) }
        stack = nil
    }

    /// The two words `swift_task_enter/exitThreadLocalContext` keep.
    var exclusivityState: UnsafeMutablePointer<UInt> {
        (UnsafeMutableRawPointer(context) + MemoryLayout<Context>.offset(of: \.exclusivity)!)
            .assumingMemoryBound(to: UInt.self)
    }

    func noteResumed(at now: UInt64) {
        resumeCount &+= 1
        sliceStart = now
    }

    /// The fiber's stack bounds (`low`, `high`), while it has a stack.
    public var stackBounds: (low: UInt, high: UInt)? { stack.map { ($0.low, $0.high) } }
}

/// The first frame of every fiber: runs the body, then switches away for good. The body
/// runs in its own function so that every reference it held is released before the last
/// switch, which never returns.
private let fiberEntry: ContextSwitch.Entry = { raw in
    guard let raw else { return }
    runBody(raw)
    Worker.finishCurrent(raw)
}

@inline(never)
private func runBody(_ raw: UnsafeMutableRawPointer) {
    let fiber = Unmanaged<Fiber>.fromOpaque(raw).takeUnretainedValue()
    let body = fiber.body
    fiber.body = nil
    body?()
}

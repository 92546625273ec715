import Atomics
import Platform

/// Why a scheduler or fiber could not be made.
public enum SchedulerError: Error, Equatable, CustomStringConvertible {
    /// This machine has no context-switch emitter (x86-64 only today).
    case unsupportedMachine
    /// A worker thread, its epoll instance or its timer could not be created.
    case workerStartFailed(String)
    /// No stack could be mapped for a new fiber (address space or `vm.max_map_count`).
    case outOfStacks
    /// The scheduler is shutting down.
    case stopped

    /// The error in words.
    public var description: String {
        switch self {
        case .unsupportedMachine: "green threads need an x86-64 host"
        case .workerStartFailed(let what): "could not start a scheduler worker: \(what)"
        case .outOfStacks: "no fiber stack could be mapped (address space or vm.max_map_count exhausted)"
        case .stopped: "the scheduler is shutting down"
        }
    }
}

/// Runs fibers on `configuration.workers` OS threads under a policy (`fifo`, `rr`,
/// `edf`), preempting the ones that poll when their quantum ends.
///
/// Each worker has a local run queue (a work-stealing deque, or an EDF heap) and an epoll
/// reactor; runnable fibers from other threads go to a global queue; an idle worker takes
/// from the global queue, then steals from the others. See Docs/Scheduler.md.
public final class Scheduler: @unchecked Sendable {
    /// How the scheduler runs.
    public let configuration: SchedulerConfiguration
    /// The stacks fibers run on.
    public let stacks: FiberStackPool
    let switcher: ContextSwitch?
    let globalQueue: GlobalQueue
    private(set) var workers: [Worker] = []
    private var ticker: PreemptionTicker?
    private let live = ManagedAtomic<Int>(0)
    /// Written when the last live fiber finishes (`waitUntilIdle` sleeps on it).
    private let idleEvent: Int32
    private let stopping = ManagedAtomic<Bool>(false)
    private var joined = false

    /// Starts the worker threads (and the ticker for `poll` preemption).
    public init(_ configuration: SchedulerConfiguration = SchedulerConfiguration()) throws(SchedulerError) {
        guard let switcher = ContextSwitch.shared else { throw .unsupportedMachine }
        idleEvent = eventfd(0, Epoll.nonBlocking | Epoll.closeOnExec)
        guard idleEvent >= 0 else { throw .workerStartFailed("eventfd") }
        self.configuration = configuration
        self.switcher = switcher
        stacks = FiberStackPool(stackSize: configuration.stackSize, capacity: configuration.spareStacks)
        globalQueue = GlobalQueue(policy: configuration.policy)
        for i in 0 ..< configuration.workers {
            guard let worker = Worker(index: i, scheduler: self) else { throw .workerStartFailed("epoll/eventfd") }
            workers.append(worker)
        }
        for worker in workers where !worker.start() {
            stop()
            throw .workerStartFailed("pthread_create")
        }
        for worker in workers {
            while worker.startStatus.load(ordering: .acquiring) == 0 { usleep(50) }
        }
        if workers.contains(where: { $0.startStatus.load(ordering: .acquiring) < 0 }) {
            stop()
            throw .workerStartFailed("timer_create for signal preemption")
        }
        if configuration.policy.preempts && configuration.preemption == .poll {
            let ticker = PreemptionTicker(slots: workers.map(\.preemption), quantum: configuration.quantum)
            ticker.start()
            self.ticker = ticker
        }
    }

    deinit {
        shutdown()
        close(idleEvent)
    }

    /// Creates a fiber for `body` and queues it. `deadline` (absolute, `MonotonicClock`
    /// ns) orders it under `edf`; `preemptionWord` and `preemptionBit` are where the
    /// fiber's code polls for yield requests (see `Fiber.preemptionWord`). From inside a
    /// fiber the new one goes to the same worker's queue (other workers may steal it).
    @discardableResult
    public func spawn(deadline: UInt64 = UInt64.max, preemptionWord: UnsafeMutablePointer<UInt32>? = nil,
                      preemptionBit: UInt32 = 0, _ body: @escaping () -> Void) throws(SchedulerError) -> Fiber {
        guard !stopping.load(ordering: .acquiring), let switcher else { throw .stopped }
        guard let stack = stacks.take() else { throw .outOfStacks }
        let fiber = Fiber(scheduler: self, stack: stack, pool: stacks, deadline: deadline, body: body)
        fiber.preemptionWord = preemptionWord
        fiber.preemptionBit = preemptionBit
        fiber.prepare(switcher)
        live.wrappingIncrement(ordering: .relaxed)
        makeRunnable(fiber, from: Worker.current)
        return fiber
    }

    /// Queues `fiber` where `worker` (the calling thread's worker, if any) can run it.
    func makeRunnable(_ fiber: Fiber, from worker: Worker?) {
        if let worker, worker.scheduler === self {
            worker.queue.push(fiber)
            // From a running fiber under a preemptive policy, the wake-up waits for the
            // fiber's next switch (at the latest its quantum's end): a fiber that chains a
            // call and awaits it at once runs the call on this worker, and waking another
            // for it would cost a system call and an idle worker's cycles for nothing.
            if worker.current != nil && configuration.policy.preempts {
                worker.wakePending = true
            } else {
                notifyIdleWorker(except: worker)
            }
        } else {
            globalQueue.push(fiber)
            notifyIdleWorker(except: nil)
        }
    }

    /// Wakes one idle worker (if any) so that queued work does not wait for a busy one.
    func notifyIdleWorker(except: Worker?) {
        for worker in workers where worker !== except && worker.idle.load(ordering: .sequentiallyConsistent) {
            if worker.idle.exchange(false, ordering: .acquiringAndReleasing) {
                worker.reactor.notify()
                return
            }
        }
    }

    func fiberFinished() {
        if live.loadThenWrappingDecrement(ordering: .acquiringAndReleasing) == 1 {
            var one: UInt64 = 1
            _ = write(idleEvent, &one, 8)
        }
    }

    /// Fibers spawned and not yet finished.
    public var liveFibers: Int { live.load(ordering: .acquiring) }

    var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Waits until every fiber has finished (fibers may still spawn others meanwhile),
    /// then stops the workers. A fiber parked forever keeps this waiting: cancel such
    /// fibers first.
    public func shutdown() {
        guard !joined else { return }
        waitUntilIdle()
        stop()
    }

    private func stop() {
        guard !joined else { return }
        joined = true
        stopping.store(true, ordering: .releasing)
        for worker in workers { worker.reactor.notify() }
        for worker in workers where worker.startStatus.load(ordering: .acquiring) != 0 { pthread_join(worker.thread, nil) }
        ticker?.stop()
        ticker = nil
    }

    /// Blocks the calling thread (not a fiber) until no fiber is live.
    public func waitUntilIdle() {
        while live.load(ordering: .acquiring) > 0 {
            var p = pollfd(fd: idleEvent, events: Int16(POLLIN), revents: 0)
            _ = poll(&p, 1, 100)
            var value: UInt64 = 0
            _ = read(idleEvent, &value, 8)
        }
    }

    /// Preemptions so far (any time, any thread).
    public var preemptions: Int { workers.reduce(0) { $0 + $1.preemptionCount.load(ordering: .relaxed) } }

    /// Counters summed over workers, with every sample; read it only after `shutdown()`
    /// (the workers append to the sample arrays while they run).
    public var statistics: SchedulerStatistics {
        var s = SchedulerStatistics()
        for w in workers {
            s.switches += w.stats.switches
            s.preemptions += w.stats.preemptions
            s.steals += w.stats.steals
            s.preemptionLatencies += w.stats.latencies
            s.preemptedSlices += w.stats.slices
            s.signals += Int(w.preemption.pointee.signals)
            s.redirects += Int(w.preemption.pointee.redirects)
        }
        return s
    }

    /// Installs the handler the timer signal calls when it requests a yield while a
    /// fiber runs (`signal` mode): `(ucontext, context) -> redirected`. Call before
    /// spawning fibers.
    public func setPreemptionRedirect(_ redirect: (@convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer?) -> Bool)?,
                                      context: UnsafeMutableRawPointer?) {
        for w in workers {
            w.preemption.pointee.redirectContext = context
            w.preemption.pointee.redirect = redirect
        }
    }
}

/// What the workers counted.
public struct SchedulerStatistics: Sendable {
    /// Fiber resumes.
    public var switches = 0
    /// Yields that answered a preemption request.
    public var preemptions = 0
    /// Fibers taken from another worker's queue.
    public var steals = 0
    /// Timer signals received (`signal` mode).
    public var signals = 0
    /// Preemption requests served at once by redirecting compiled code (`signal` mode).
    public var redirects = 0
    /// Nanoseconds from each preemption request to the fiber's switch away.
    public var preemptionLatencies: [UInt64] = []
    /// Nanoseconds each preempted fiber ran in the slice that ended with the preemption.
    public var preemptedSlices: [UInt64] = []
}

import Atomics
import Platform

/// One OS thread of a `Scheduler`: resumes runnable fibers on its own stack, one at a
/// time, and does what a fiber asked for after it switched away (requeue, park, sleep,
/// wait for a descriptor, retire).
///
/// Everything that makes a suspended fiber runnable elsewhere happens only after the
/// switch back to the worker's stack has completed, so no other worker can resume a
/// fiber whose stack is still in use.
final class Worker: @unchecked Sendable {
    /// What the fiber that just switched away asked for.
    enum Action {
        case yield
        case park
        case sleep(until: UInt64)
        case wait(fd: Int32, events: UInt32)
        case finish
    }

    let index: Int
    unowned(unsafe) let scheduler: Scheduler
    let queue: RunQueue
    let reactor: Reactor
    /// The worker's own saved stack pointer while a fiber runs.
    let schedulerSP: UnsafeMutablePointer<UInt>
    /// What the preemption ticker or signal handler reads (one pointer of state).
    let preemption: UnsafeMutablePointer<PreemptionSlot>
    /// The running fiber.
    private(set) var current: Fiber?
    var action: Action = .yield
    /// 0 while the thread sets itself up, 1 when running, -1 when its timer failed.
    let startStatus = ManagedAtomic<Int>(0)
    /// Set while the worker waits in `epoll_wait` with nothing to run.
    let idle = ManagedAtomic<Bool>(false)
    var thread = pthread_t()
    /// Statistics (owner thread; read after the scheduler stopped).
    var stats = WorkerStatistics()
    /// Preemptions so far, readable while the worker runs (metrics).
    let preemptionCount = ManagedAtomic<Int>(0)
    private var pickCount = 0
    /// Fibers were queued here while one ran and no idle worker was woken for them yet
    /// (`Scheduler.makeRunnable`); owner thread.
    var wakePending = false
    private var altStack: UnsafeMutableRawPointer?

    init?(index: Int, scheduler: Scheduler) {
        self.index = index
        self.scheduler = scheduler
        queue = RunQueue(policy: scheduler.configuration.policy)
        guard let reactor = Reactor() else { return nil }
        self.reactor = reactor
        schedulerSP = .allocate(capacity: 1)
        schedulerSP.initialize(to: 0)
        preemption = .allocate(capacity: 1)
        preemption.initialize(to: PreemptionSlot(quantum: scheduler.configuration.quantum))
    }

    deinit {
        schedulerSP.deallocate()
        preemption.deallocate()
    }

    // MARK: - The thread

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The worker running on this thread, if it is one.
    static var current: Worker? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<Worker>.fromOpaque(raw).takeUnretainedValue()
    }

    func start() -> Bool {
        let box = Unmanaged.passRetained(self).toOpaque()
        let started = pthread_create(&thread, nil, { raw in
            let worker = Unmanaged<Worker>.fromOpaque(raw!).takeRetainedValue()
            worker.main()
            return nil
        }, box)
        if started != 0 { Unmanaged<Worker>.fromOpaque(box).release() }
        return started == 0
    }

    private func main() {
        pthread_setspecific(Self.key, Unmanaged.passUnretained(self).toOpaque())
        installAlternateSignalStack()
        preemption.pointee.threadID = currentThreadID()
        if scheduler.configuration.preemption == .signal && scheduler.configuration.policy.preempts {
            // Threads inherit their creator's mask, and thread pools (Dispatch's among
            // them) block signals like this one.
            var mask = sigset_t()
            sigemptyset(&mask)
            sigaddset(&mask, PreemptionSignal.signal)
            pthread_sigmask(SIG_UNBLOCK, &mask, nil)
            if !PreemptionSignal.startTimer(for: preemption) {
                startStatus.store(-1, ordering: .releasing)
                removeAlternateSignalStack()
                pthread_setspecific(Self.key, nil)
                return
            }
        }
        startStatus.store(1, ordering: .releasing)
        loop()
        PreemptionSignal.stopTimer(for: preemption)
        removeAlternateSignalStack()
        pthread_setspecific(Self.key, nil)
    }

    /// A fault on a fiber stack (its guard page) must still reach the fault handlers,
    /// which need a stack of their own; `SA_ONSTACK` handlers run on this one.
    private func installAlternateSignalStack() {
        let size = 64 << 10
        guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else { return }
        var alt = stack_t(ss_sp: p, ss_flags: 0, ss_size: size)
        if sigaltstack(&alt, nil) == 0 { altStack = p } else { munmap(p, size) }
    }

    private func removeAlternateSignalStack() {
        guard let altStack else { return }
        var off = stack_t(ss_sp: nil, ss_flags: Int32(SS_DISABLE), ss_size: 0)
        sigaltstack(&off, nil)
        munmap(altStack, 64 << 10)
    }

    private func loop() {
        while true {
            if reactor.hasWork { reactor.poll(timeout: 0, wake: wake) }
            if let fiber = next() {
                resume(fiber)
                continue
            }
            if scheduler.isStopping && scheduler.liveFibers == 0 { return }
            // Nothing to run: announce idleness, look once more (a push may have raced the
            // announcement), then sleep in epoll until a descriptor, a timer or a notify.
            idle.store(true, ordering: .sequentiallyConsistent)
            if let fiber = next() {
                idle.store(false, ordering: .relaxed)
                resume(fiber)
                continue
            }
            let next = reactor.nextTimer
            var timeout: Int32 = 50
            if next != UInt64.max {
                let now = MonotonicClock.now()
                timeout = next <= now ? 0 : Int32(min((next - now + 999_999) / 1_000_000, 50))
            }
            reactor.poll(timeout: timeout, wake: wake)
            idle.store(false, ordering: .relaxed)
        }
    }

    /// Makes a fiber woken by this worker's reactor runnable here.
    private lazy var wake: (Fiber, UInt32) -> Void = { [unowned self] fiber, events in
        fiber.readyEvents = events
        fiber.unpark(from: self)
    }

    /// The next fiber to run: own queue, the global queue (first every 61st pick, so it is
    /// never starved), then other workers' queues.
    private func next() -> Fiber? {
        pickCount &+= 1
        let global = scheduler.globalQueue
        if scheduler.configuration.policy == .edf {
            // Both queues are deadline-ordered: take whichever head is earlier.
            if let f = global.take(before: queue.earliestDeadline) { return f }
            if let f = queue.take() ?? global.take() { return f }
        } else {
            if pickCount % 61 == 0, let f = global.take() { return f }
            if let f = queue.take() { return f }
            if let f = global.take() { return f }
        }
        return steal()
    }

    private func steal() -> Fiber? {
        let workers = scheduler.workers
        guard workers.count > 1 else { return nil }
        var i = (index + 1) % workers.count
        while i != index {
            if let f = workers[i].queue.steal() {
                stats.steals += 1
                return f
            }
            i = (i + 1) % workers.count
        }
        return nil
    }

    // MARK: - Switching

    private func resume(_ fiber: Fiber) {
        guard let switcher = scheduler.switcher else { return }
        fiber.worker = self
        current = fiber
        let now = MonotonicClock.now()
        fiber.noteResumed(at: now)
        preemption.begin(fiber: fiber, at: now)
        if fiber.preemptionWord != nil && preemption.pointee.hasTimer {
            PreemptionSignal.arm(preemption, in: scheduler.configuration.quantum)
        }
        swift_task_enterThreadLocalContext(fiber.exclusivityState)
        switcher.transfer(schedulerSP, fiber.context.pointee.sp)
        swift_task_exitThreadLocalContext(fiber.exclusivityState)
        let requestedAt = preemption.end(locked: scheduler.configuration.preemption == .poll)
        stats.switches += 1
        current = nil
        switch action {
        case .yield:
            if requestedAt != 0 {
                let now = MonotonicClock.now()
                stats.preemptions += 1
                preemptionCount.wrappingIncrement(ordering: .relaxed)
                stats.record(latency: now &- requestedAt, slice: now &- fiber.sliceStart)
            }
            queue.push(fiber)
            scheduler.notifyIdleWorker(except: self)
        case .park:
            fiber.completePark(on: self)
        case .sleep(let until):
            reactor.addTimer(at: until, for: fiber)
            fiber.completePark(on: self)
        case .wait(let fd, let events):
            if reactor.addWait(fd: fd, events: events, fiber: fiber) {
                fiber.waitRegistration = reactor
                fiber.completePark(on: self)
            } else {
                fiber.waitRegistration = nil
                fiber.readyEvents = UInt32(bitPattern: -errno)
                queue.push(fiber)
            }
        case .finish:
            fiber.retire()
            scheduler.fiberFinished()
        }
        // This worker takes one queued fiber next; another worker is woken for the rest.
        if wakePending {
            wakePending = false
            if queue.count > 1 { scheduler.notifyIdleWorker(except: self) }
        }
    }

    /// Switches from the running fiber back to this worker, which then carries out `action`.
    /// Called on the fiber's stack.
    func suspend(_ fiber: Fiber, _ action: Action) {
        guard let switcher = scheduler.switcher else { return }
        self.action = action
        switcher.transfer(&fiber.context.pointee.sp, schedulerSP.pointee)
    }

    /// The last switch of a fiber whose body returned (see `fiberEntry`). Touches only
    /// unretained references: this frame is never resumed.
    static func finishCurrent(_ raw: UnsafeMutableRawPointer) {
        Unmanaged<Fiber>.fromOpaque(raw)._withUnsafeGuaranteedRef { fiber in
            guard let worker = fiber.worker, let switcher = worker.scheduler.switcher else { return }
            worker.action = .finish
            switcher.transfer(&fiber.context.pointee.sp, worker.schedulerSP.pointee)
        }
    }
}

/// Counts a worker keeps about itself.
struct WorkerStatistics {
    var switches = 0
    var preemptions = 0
    var steals = 0
    /// Preemption latencies in ns (request to switch), up to `capacity`.
    var latencies: [UInt64] = []
    /// Lengths of the preempted slices in ns (resume to switch), up to `capacity`.
    var slices: [UInt64] = []
    static let capacity = 1 << 20

    mutating func record(latency: UInt64, slice: UInt64) {
        guard latencies.count < Self.capacity else { return }
        latencies.append(latency)
        slices.append(slice)
    }
}

/// The kernel's id of the calling thread (for `SIGEV_THREAD_ID`).
@_extern(c, "gettid")
func gettid() -> Int32

func currentThreadID() -> Int32 { gettid() }

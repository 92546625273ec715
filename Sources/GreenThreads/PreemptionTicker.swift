import Atomics
import Platform

/// The `poll` preemption mechanism: one thread per scheduler that wakes when a worker's
/// slice is due to end and sets the yield bit of each running fiber whose slice has lasted
/// a quantum.
/// The fiber yields at its next safe point; no signal is involved.
final class PreemptionTicker: @unchecked Sendable {
    private let slots: [UnsafeMutablePointer<PreemptionSlot>]
    private let quantum: UInt64
    private let stopping = ManagedAtomic<Bool>(false)
    private var thread = pthread_t()
    private var started = false
    /// Whether the ticker runs at a real-time priority (see `run`).
    let realtime = ManagedAtomic<Bool>(false)

    init(slots: [UnsafeMutablePointer<PreemptionSlot>], quantum: UInt64) {
        self.slots = slots
        self.quantum = quantum
    }

    func start() {
        let box = Unmanaged.passRetained(self).toOpaque()
        started = pthread_create(&thread, nil, { raw in
            let ticker = Unmanaged<PreemptionTicker>.fromOpaque(raw!).takeRetainedValue()
            ticker.run()
            return nil
        }, box) == 0
        if !started {
            Unmanaged<PreemptionTicker>.fromOpaque(box).release()
            return
        }
        // The ticker must run when it is due even when every core is busy with workers
        // running sandboxes (the common case); at a normal priority the kernel lets it wait
        // behind them for milliseconds. SCHED_FIFO needs CAP_SYS_NICE or an RLIMIT_RTPRIO:
        // without them the ticker stays at normal priority, and preemption is late when
        // cores are oversubscribed (`signal` preemption does not depend on it).
        var param = sched_param(sched_priority: 1)
        realtime.store(pthread_setschedparam(thread, SCHED_FIFO, &param) == 0, ordering: .relaxed)
    }

    func stop() {
        stopping.store(true, ordering: .releasing)
        if started { pthread_join(thread, nil) }
        started = false
    }

    /// Sleeps until the earliest slice of a worker is due to end (at most a quantum when
    /// none runs), then requests the yields that are due: one wake-up per quantum in the
    /// steady state, rather than one per tick.
    private func run() {
        while !stopping.load(ordering: .acquiring) {
            let now = MonotonicClock.now()
            var next = now &+ quantum
            for slot in slots {
                slot.tick(now: now)
                if let due = slot.due, due > now { next = min(next, due) }
            }
            var wake = timespec(tv_sec: Int(next / 1_000_000_000), tv_nsec: Int(next % 1_000_000_000))
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, nil)
        }
    }
}

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
        if !started { Unmanaged<PreemptionTicker>.fromOpaque(box).release() }
    }

    func stop() {
        stopping.store(true, ordering: .releasing)
        if started { pthread_join(thread, nil) }
        started = false
    }

    /// Sleeps until the earliest slice of a worker is due to end (at most a quantum when
    /// none runs), then requests the yields that are due: one wake-up per quantum in the
    /// steady state. Waking rarely is what keeps it punctual at a normal priority when
    /// every core runs sandboxes (the kernel favours threads that slept); a real-time
    /// priority was measured and made it worse: interleaved sandboxes ran up to 40% slower
    /// (Docs/Journal.md, "Scheduler").
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

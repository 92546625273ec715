import Atomics
import Platform

/// The `poll` preemption mechanism: one thread per scheduler that wakes every tick and
/// sets the yield bit of each worker's running fiber whose slice has lasted a quantum.
/// The fiber yields at its next safe point; no signal is involved.
final class PreemptionTicker: @unchecked Sendable {
    private let slots: [UnsafeMutablePointer<PreemptionSlot>]
    private let tick: UInt64
    private let stopping = ManagedAtomic<Bool>(false)
    private var thread = pthread_t()
    private var started = false

    init(slots: [UnsafeMutablePointer<PreemptionSlot>], tick: UInt64) {
        self.slots = slots
        self.tick = tick
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

    private func run() {
        var next = MonotonicClock.now() &+ tick
        while !stopping.load(ordering: .acquiring) {
            var wake = timespec(tv_sec: Int(next / 1_000_000_000), tv_nsec: Int(next % 1_000_000_000))
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, nil)
            let now = MonotonicClock.now()
            for slot in slots { slot.tick(now: now) }
            next &+= tick
            if next < now { next = now &+ tick }
        }
    }
}

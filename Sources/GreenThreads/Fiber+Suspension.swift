import Platform

// How a fiber gives up its worker, and how it gets a worker back.
//
// The park protocol (`wakeState`): 0 = no token, 1 = parked (switched out and waiting),
// 2 = a wake-up arrived while the fiber was still running. `unpark` either turns 1 into 0
// and queues the fiber, or leaves a token (0 -> 2); the worker completing a park either
// turns 0 into 1 or consumes the token (2 -> 0) and queues the fiber again at once. So a
// wake-up racing a park is never lost, and a fiber is queued at most once per park.

extension Fiber {
    /// The fiber running on this thread; nil outside fibers.
    public static var current: Fiber? { Worker.current?.current }

    /// Gives the worker to other runnable fibers; this one is queued again behind them.
    /// Outside a fiber, does nothing.
    public static func yield() {
        guard let worker = Worker.current, let fiber = worker.current else { return }
        worker.suspend(fiber, .yield)
    }

    /// Suspends the running fiber until `unpark()` (a wake-up that arrived earlier counts:
    /// then it returns at once). Wake-ups may be spurious: callers re-check their condition.
    public static func park() {
        guard let worker = Worker.current, let fiber = worker.current else { return }
        worker.suspend(fiber, .park)
    }

    /// Suspends the running fiber for at least `nanoseconds`; outside a fiber, blocks the thread.
    public static func sleep(nanoseconds: UInt64) {
        sleep(until: MonotonicClock.now() &+ nanoseconds)
    }

    /// Suspends the running fiber until `MonotonicClock.now() >= deadline`.
    public static func sleep(until deadline: UInt64) {
        guard let worker = Worker.current, let fiber = worker.current else {
            var now = MonotonicClock.now()
            while now < deadline {
                usleep(UInt32(min((deadline - now) / 1000 + 1, 1_000_000)))
                now = MonotonicClock.now()
            }
            return
        }
        while MonotonicClock.now() < deadline && !fiber.isCancelled {
            Worker.current!.suspend(fiber, .sleep(until: deadline))
        }
    }

    /// Suspends the running fiber until `fd` is ready for `events` (`EPOLLIN`, `EPOLLOUT`,
    /// ...), the fiber is cancelled or a spurious wake-up; returns the events that fired
    /// (0 for none) or a negative errno when the descriptor cannot be waited on. The worker
    /// goes on running other fibers meanwhile. Outside a fiber, polls the thread.
    @discardableResult
    public static func wait(fd: Int32, events: UInt32) -> Int32 {
        guard let worker = Worker.current, let fiber = worker.current else {
            var p = pollfd(fd: fd, events: Int16(truncatingIfNeeded: events), revents: 0)
            return poll(&p, 1, -1) < 0 ? -errno : Int32(p.revents)
        }
        fiber.readyEvents = 0
        worker.suspend(fiber, .wait(fd: fd, events: events))
        let fired = fiber.readyEvents
        if let reactor = fiber.waitRegistration {
            fiber.waitRegistration = nil
            if fired == 0 { reactor.cancelWait(fd: fd, fiber: fiber) }
        }
        return Int32(bitPattern: fired)
    }

    /// Sets where the running fiber's code polls for yield requests (see
    /// `preemptionWord`), effective at once: the current slice becomes preemptible. Nil
    /// turns preemption off; do that before the word's memory goes away.
    public func setPreemption(word: UnsafeMutablePointer<UInt32>?, bit: UInt32) {
        preemptionWord = word
        preemptionBit = bit
        guard let worker, worker.current === self else { return }
        worker.preemption.replaceWord(word, bit: bit, locked: scheduler.configuration.preemption == .poll)
        if word != nil && worker.preemption.pointee.hasTimer {
            PreemptionSignal.arm(worker.preemption, in: scheduler.configuration.quantum)
        }
    }

    /// Makes a parked fiber runnable (or lets its next park return at once); any thread.
    public func unpark() { unpark(from: Worker.current) }

    func unpark(from worker: Worker?) {
        while true {
            let state = wakeState.load(ordering: .acquiring)
            if state == 1 {
                if wakeState.compareExchange(expected: 1, desired: 0, ordering: .acquiringAndReleasing).exchanged {
                    scheduler.makeRunnable(self, from: worker)
                    return
                }
            } else if state == 0 {
                if wakeState.compareExchange(expected: 0, desired: 2, ordering: .acquiringAndReleasing).exchanged { return }
            } else {
                return
            }
        }
    }

    /// The worker's half of `park`, after the fiber switched away.
    func completePark(on worker: Worker) {
        while true {
            if wakeState.compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing).exchanged { return }
            if wakeState.compareExchange(expected: 2, desired: 0, ordering: .acquiringAndReleasing).exchanged {
                worker.queue.push(self)
                return
            }
        }
    }

    /// Asks the fiber to stop waiting: sets `isCancelled` and wakes it if parked. What
    /// stopping means is the body's business (sandboxes also set their interrupt bit).
    public func cancel() {
        cancelled.store(true, ordering: .releasing)
        unpark()
    }

    /// Whether `cancel()` was called.
    public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }
}

import Assembler
import Atomics
import Platform
import Synchronization

/// The `signal` preemption mechanism: each worker has a POSIX timer that sends `SIGURG`
/// to its own thread (`SIGEV_THREAD_ID`) when the running slice is due to end, carrying the worker's
/// `PreemptionSlot` as the signal value. `SIGURG` because its default action is to be
/// ignored: a stray one never kills the process, and timer signals coalesce.
///
/// The handler follows the rules of Docs/Isolation.md: it is installed once, reaches its
/// state through the one pointer the emitted thunk passes, calls no Swift runtime (typed
/// pointer reads, `clock_gettime`, one atomic OR), and passes every signal that is not
/// from one of its timers to the previous disposition.
enum PreemptionSignal {
    // Computed, not stored: a stored static is initialised lazily (swift_once), which the
    // handler must not call.
    @inline(__always) static var signal: Int32 { SIGURG }
    @inline(__always) static var maxSlots: Int { 256 }

    private static let installed = Mutex<UnsafeMutablePointer<UInt>?>(nil)

    /// The registered slot table (installing the handler on first use): word 0 holds the
    /// previous `sigaction`'s address, words 1... the slots of live workers (0 = free).
    private static func table() -> UnsafeMutablePointer<UInt>? {
        installed.withLock { table in
            if let table { return table }
            let words = UnsafeMutablePointer<UInt>.allocate(capacity: maxSlots + 1)
            words.initialize(repeating: 0, count: maxSlots + 1)
            let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 1)
            previous.initialize(to: sigaction())
            sigaction(signal, nil, previous)
            words[0] = UInt(bitPattern: previous)
            guard let thunk = signalThunk(state: UnsafeMutableRawPointer(words), handler: unsafeBitCast(handler, to: UInt.self)),
                  let page = ExecutablePage(thunk) else { return nil }
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = unsafeBitCast(
                page.base, to: (@convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void).self)
            // SA_RESTART: system calls of host code interrupted by the signal resume.
            action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART
            sigemptyset(&action.sa_mask)
            guard sigaction(signal, &action, nil) == 0 else { return nil }
            table = words
            return words
        }
    }

    /// Registers `slot` with the handler and creates the calling thread's timer (disarmed:
    /// `arm` starts it when a preemptible fiber runs); false when the kernel refuses.
    ///
    /// The timer is one-shot, set for the end of the running slice: the worker arms it when
    /// it resumes a fiber while it is disarmed, and the handler sets it again for the next
    /// due time while a preemptible fiber runs (and leaves it disarmed otherwise). A fiber
    /// that runs on gets one signal per quantum; an idle worker gets none.
    static func startTimer(for slot: UnsafeMutablePointer<PreemptionSlot>) -> Bool {
        guard let words = table() else { return false }
        var registered = false
        for i in 1 ... maxSlots where words[i] == 0 {
            words[i] = UInt(bitPattern: slot)
            registered = true
            break
        }
        guard registered else { return false }
        var event = sigevent()
        event.sigev_notify = Int32(SIGEV_THREAD_ID)
        event.sigev_signo = signal
        event.sigev_value.sival_ptr = UnsafeMutableRawPointer(slot)
        event._sigev_un._tid = slot.pointee.threadID
        var timer: UInt = 0
        guard timerCreate(CLOCK_MONOTONIC, &event, &timer) == 0 else { return false }
        slot.pointee.timer = timer
        slot.pointee.hasTimer = true
        return true
    }

    /// Arms the worker's timer for `nanoseconds` from now if it is disarmed (the worker,
    /// resuming a preemptible fiber).
    static func arm(_ slot: UnsafeMutablePointer<PreemptionSlot>, in nanoseconds: UInt64) {
        guard slot.pointee.hasTimer, slot.pointee.armed == 0 else { return }
        slot.pointee.armed = 1
        setTimer(slot, nanoseconds)
    }

    /// One-shot, relative; no Swift runtime (the handler calls it too).
    @inline(__always)
    private static func setTimer(_ slot: UnsafeMutablePointer<PreemptionSlot>, _ nanoseconds: UInt64) {
        var spec = itimerspec()
        spec.it_value.tv_sec = Int(truncatingIfNeeded: nanoseconds / 1_000_000_000)
        spec.it_value.tv_nsec = Int(truncatingIfNeeded: nanoseconds % 1_000_000_000)
        _ = timerSetTime(slot.pointee.timer, 0, &spec, nil)
    }

    /// Stops the timer and forgets the slot.
    static func stopTimer(for slot: UnsafeMutablePointer<PreemptionSlot>) {
        if slot.pointee.hasTimer { _ = timerDelete(slot.pointee.timer) }
        slot.pointee.hasTimer = false
        guard let words = installed.withLock({ $0 }) else { return }
        for i in 1 ... maxSlots where words[i] == UInt(bitPattern: slot) { words[i] = 0 }
    }

    /// `(signal, info, context, state)`, entered from the thunk.
    static let handler: @convention(c) (Int32, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?,
                                        UnsafeMutableRawPointer?) -> Void = { signo, info, context, state in
        guard let state else { return }
        let words = state.assumingMemoryBound(to: UInt.self)
        // siginfo_t on x86-64 Linux: si_code is the third Int32; a timer's si_value is the
        // fourth word.
        if let info, let context, info.assumingMemoryBound(to: Int32.self)[2] == SI_TIMER {
            let value = info.assumingMemoryBound(to: UInt.self)[3]
            var i = 1
            while i <= maxSlots {
                if words[i] == value && value != 0 {
                    guard let slot = UnsafeMutablePointer<PreemptionSlot>(bitPattern: value) else { return }
                    request(slot, context)
                    return
                }
                i &+= 1
            }
        }
        // Not ours: the previous disposition (ignored by default for SIGURG).
        guard let previous = UnsafeMutablePointer<sigaction>(bitPattern: words[0]) else { return }
        if previous.pointee.sa_flags & SA_SIGINFO != 0, let h = previous.pointee.__sigaction_handler.sa_sigaction {
            h(signo, info?.assumingMemoryBound(to: siginfo_t.self), context)
            return
        }
        let plain = previous.pointee.__sigaction_handler.sa_handler
        let bits = unsafeBitCast(plain, to: UInt.self)
        if bits > 1 { plain?(signo) }
    }

    @inline(__always)
    private static func request(_ slot: UnsafeMutablePointer<PreemptionSlot>, _ context: UnsafeMutableRawPointer) {
        slot.pointee.signals &+= 1
        let target = slot.pointee.word
        guard target != 0 else {
            // Idle, or a fiber that does not poll: the timer stays off until `arm`.
            slot.pointee.armed = 0
            return
        }
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        let now = UInt64(truncatingIfNeeded: t.tv_sec) &* 1_000_000_000 &+ UInt64(truncatingIfNeeded: t.tv_nsec)
        let due = slot.pointee.sliceStart &+ slot.pointee.quantum
        guard now >= due else {
            // A newer slice than the one the timer was set for.
            setTimer(slot, due &- now)
            return
        }
        // Again after a quantum if the fiber has not yielded by then (a long host call).
        setTimer(slot, slot.pointee.quantum)
        guard slot.pointee.requestedAt == 0 else { return }
        slot.pointee.requestedAt = now
        guard let word = UnsafeMutableRawPointer(bitPattern: target) else { return }
        _ = UnsafeAtomic<UInt32>(at: word.assumingMemoryBound(to: UnsafeAtomic<UInt32>.Storage.self))
            .loadThenBitwiseOr(with: slot.pointee.bit, ordering: .relaxed)
        if let redirect = slot.pointee.redirect, redirect(context, slot.pointee.redirectContext) {
            slot.pointee.redirects &+= 1
        }
    }
}

// POSIX timers by id: Glibc's `timer_t` is a pointer type in Swift, and the first id the
// kernel hands out is 0, which a non-optional pointer cannot hold.
@_extern(c, "timer_create")
func timerCreate(_ clock: clockid_t, _ event: UnsafeMutablePointer<sigevent>, _ id: UnsafeMutablePointer<UInt>) -> Int32
@_extern(c, "timer_settime")
func timerSetTime(_ id: UInt, _ flags: Int32, _ new: UnsafePointer<itimerspec>, _ old: UnsafeMutablePointer<itimerspec>?) -> Int32
@_extern(c, "timer_delete")
func timerDelete(_ id: UInt) -> Int32

#if !arch(x86_64)
extension PreemptionSignal {
    /// No thunk for this host yet: the `signal` mechanism is unavailable.
    static func signalThunk(state: UnsafeMutableRawPointer, handler: UInt) -> [UInt8]? { nil }
}
#endif

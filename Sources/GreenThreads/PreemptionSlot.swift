import Atomics
import Platform

/// What a worker publishes about its running fiber for whoever requests preemption: the
/// ticker thread (`poll`) or the worker's own timer signal handler (`signal`). Plain
/// memory behind one pointer, prepared before either starts.
///
/// The ticker runs on another thread and may OR into the running fiber's word only while
/// it holds `lock`; the worker clears `word` under the same lock after every switch back,
/// so the ticker never writes into a store that is gone. The signal handler runs on the
/// worker's own thread and takes no lock (it cannot wait for its own thread).
struct PreemptionSlot {
    /// The running fiber's preemption word (0: idle, or the fiber does not poll).
    var word: UInt = 0
    /// The bit to set in it.
    var bit: UInt32 = 0
    /// Ticker lock: 1 while the ticker looks at this slot.
    var lock: UInt32 = 0
    /// When the running slice began.
    var sliceStart: UInt64 = 0
    /// The slice length.
    let quantum: UInt64
    /// When the pending request was made (0: none).
    var requestedAt: UInt64 = 0
    /// Signals received, and requests the redirect served at once (statistics).
    var signals: UInt64 = 0
    var redirects: UInt64 = 0
    /// The worker thread's kernel id.
    var threadID: Int32 = 0
    /// The worker's timer (`signal` mode).
    var timer: UInt = 0
    var hasTimer = false
    /// 1 while the timer is set (`signal` mode; the worker's thread only).
    var armed: UInt32 = 0
    /// Called by the signal handler when a request is made while the thread is inside
    /// code that can be switched away from at any instruction (JIT code): `(ucontext,
    /// context)` returns true when it redirected the thread. Installed by the embedder.
    var redirect: (@convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer?) -> Bool)?
    var redirectContext: UnsafeMutableRawPointer?

    init(quantum: UInt64) { self.quantum = quantum }
}

extension UnsafeMutablePointer where Pointee == PreemptionSlot {
    /// The worker is about to resume `fiber`.
    func begin(fiber: Fiber, at now: UInt64) {
        pointee.sliceStart = now
        pointee.bit = fiber.preemptionBit
        pointee.requestedAt = 0
        word.store(UInt(bitPattern: fiber.preemptionWord), ordering: .releasing)
    }

    /// The fiber switched back; returns when a preemption had been requested (0: never).
    /// With a ticker (`locked`), waits for it to leave the slot first. The request bit is
    /// cleared from the fiber's word: a fiber that stopped for another reason must not
    /// yield on its next resume.
    func end(locked: Bool) -> UInt64 {
        if locked {
            while !lock.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {}
        }
        let target = word.exchange(0, ordering: .relaxed)
        if let p = UnsafeMutablePointer<UInt32>(bitPattern: target), pointee.requestedAt != 0 {
            _ = UnsafeAtomic<UInt32>(at: UnsafeMutableRawPointer(p).assumingMemoryBound(to: UnsafeAtomic<UInt32>.Storage.self))
                .loadThenBitwiseAnd(with: ~pointee.bit, ordering: .relaxed)
        }
        if locked { lock.store(0, ordering: .releasing) }
        let at = pointee.requestedAt
        pointee.requestedAt = 0
        return at
    }

    /// Changes the running fiber's word mid-slice (the fiber's own thread).
    func replaceWord(_ target: UnsafeMutablePointer<UInt32>?, bit: UInt32, locked: Bool) {
        if locked {
            while !lock.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {}
        }
        pointee.bit = bit
        word.store(UInt(bitPattern: target), ordering: .releasing)
        if locked { lock.store(0, ordering: .releasing) }
    }

    /// When the running slice is due to end, if a preemptible fiber runs and no request is
    /// pending (read without the lock: the ticker only uses it to choose when to wake).
    var due: UInt64? {
        guard word.load(ordering: .relaxed) != 0, pointee.requestedAt == 0 else { return nil }
        return pointee.sliceStart &+ pointee.quantum
    }

    /// The ticker's check (another thread): requests a yield when the running fiber polls
    /// and its slice has lasted `quantum`.
    func tick(now: UInt64) {
        guard lock.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged else { return }
        let target = word.load(ordering: .acquiring)
        if target != 0 && pointee.requestedAt == 0 && now &- pointee.sliceStart >= pointee.quantum {
            pointee.requestedAt = now
            _ = UnsafeAtomic<UInt32>(at: UnsafeMutableRawPointer(bitPattern: target)!.assumingMemoryBound(to: UnsafeAtomic<UInt32>.Storage.self))
                .loadThenBitwiseOr(with: pointee.bit, ordering: .releasing)
        }
        lock.store(0, ordering: .releasing)
    }

    private var word: UnsafeAtomic<UInt> {
        UnsafeAtomic(at: (UnsafeMutableRawPointer(self) + PreemptionSlot.wordOffset).assumingMemoryBound(to: UnsafeAtomic<UInt>.Storage.self))
    }

    private var lock: UnsafeAtomic<UInt32> {
        UnsafeAtomic(at: (UnsafeMutableRawPointer(self) + PreemptionSlot.lockOffset).assumingMemoryBound(to: UnsafeAtomic<UInt32>.Storage.self))
    }
}

extension PreemptionSlot {
    // Fixed by the field order above (checked by a test); the signal handler reads the
    // fields through `pointee` and needs no offsets.
    static let wordOffset = 0
    static let lockOffset = 12
}

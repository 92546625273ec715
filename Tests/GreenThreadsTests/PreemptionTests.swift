import Atomics
import Platform
import Testing
@testable import GreenThreads

/// Fibers whose code polls a word, as Wasm safe points do, under both mechanisms.
struct PreemptionTests {
    static let yieldBit: UInt32 = 2

    /// Polls `word` like a loop header: yields when the scheduler set the bit.
    static func safePoint(_ word: UnsafeAtomic<UInt32>) {
        if word.load(ordering: .relaxed) & yieldBit != 0 {
            _ = word.loadThenBitwiseAnd(with: ~yieldBit, ordering: .relaxed)
            Fiber.yield()
        }
    }

    @Test(arguments: PreemptionMode.allCases)
    func aSpinningFiberIsPreempted(mode: PreemptionMode) throws {
        let scheduler = try Scheduler(SchedulerConfiguration(workers: 1, policy: .rr, quantum: 1_000_000, preemption: mode))
        let words = UnsafeAtomic<UInt32>.create(0)
        defer { words.destroy() }
        let rawWord = unsafeBitCast(words, to: UnsafeMutablePointer<UInt32>.self)
        let otherRan = ManagedAtomic<Bool>(false)
        let gaveUp = ManagedAtomic<Bool>(false)
        // Spins until the second fiber has run: only preemption lets that happen.
        try scheduler.spawn(preemptionWord: rawWord, preemptionBit: Self.yieldBit) {
            let start = MonotonicClock.now()
            while !otherRan.load(ordering: .acquiring) {
                Self.safePoint(words)
                if MonotonicClock.now() - start > 2_000_000_000 {
                    gaveUp.store(true, ordering: .relaxed)
                    return
                }
            }
        }
        try scheduler.spawn { otherRan.store(true, ordering: .releasing) }
        scheduler.shutdown()
        let failed = gaveUp.load(ordering: .relaxed)
        #expect(!failed)
        let stats = scheduler.statistics
        #expect(stats.preemptions >= 1)
        #expect(stats.preemptionLatencies.count == stats.preemptions)
        if mode == .signal { #expect(stats.signals > 0) }
    }

    @Test func fifoNeverPreempts() throws {
        let scheduler = try Scheduler(SchedulerConfiguration(workers: 1, policy: .fifo, quantum: 1_000_000))
        let words = UnsafeAtomic<UInt32>.create(0)
        defer { words.destroy() }
        let rawWord = unsafeBitCast(words, to: UnsafeMutablePointer<UInt32>.self)
        let order = Log()
        try scheduler.spawn(preemptionWord: rawWord, preemptionBit: Self.yieldBit) {
            let start = MonotonicClock.now()
            while MonotonicClock.now() - start < 10_000_000 { Self.safePoint(words) }
            order.append(1)
        }
        try scheduler.spawn { order.append(2) }
        scheduler.shutdown()
        #expect(order.values == [1, 2])
        #expect(scheduler.statistics.preemptions == 0)
    }
}

struct PreemptionSlotLayoutTests {
    /// The atomics address the word and the lock by these offsets.
    @Test func fieldOffsets() {
        #expect(MemoryLayout<PreemptionSlot>.offset(of: \.word) == PreemptionSlot.wordOffset)
        #expect(MemoryLayout<PreemptionSlot>.offset(of: \.lock) == PreemptionSlot.lockOffset)
    }
}

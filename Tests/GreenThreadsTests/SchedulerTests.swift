import Atomics
import Platform
import Synchronization
import Testing
@testable import GreenThreads

/// Records values from several fibers in order.
final class Log: Sendable {
    private let entries = Mutex<[Int]>([])
    func append(_ v: Int) { entries.withLock { $0.append(v) } }
    var values: [Int] { entries.withLock { $0 } }
}

struct SchedulerTests {
    @Test func contextSwitchCodeSavesTheControlWords() throws {
        let code = try #require(ContextSwitch.shared).code
        // stmxcsr [rsp] and fnstcw [rsp+4] are in the switch routine.
        let bytes = Array(code)
        let stmxcsr: [UInt8] = [0x0F, 0xAE, 0x1C, 0x24], fnstcw: [UInt8] = [0xD9, 0x7C, 0x24, 0x04]
        func contains(_ n: [UInt8]) -> Bool { (0 ... bytes.count - n.count).contains { Array(bytes[$0 ..< $0 + n.count]) == n } }
        #expect(contains(stmxcsr) && contains(fnstcw))
    }

    @Test func fibersRunYieldAndFinish() throws {
        let scheduler = try Scheduler(SchedulerConfiguration(workers: 1))
        let log = Log()
        // Spawned from a fiber, so all three are queued before the first runs.
        try scheduler.spawn {
            for f in 0 ..< 3 {
                _ = try? scheduler.spawn {
                    for step in 0 ..< 3 {
                        log.append(f * 10 + step)
                        Fiber.yield()
                    }
                }
            }
        }
        scheduler.shutdown()
        // One worker, arrival order: the three fibers interleave step by step.
        #expect(log.values == [0, 10, 20, 1, 11, 21, 2, 12, 22])
        #expect(scheduler.liveFibers == 0)
        #expect(scheduler.stacks.spareCount == 4)
    }

    @Test func finishedFibersAreReleased() throws {
        weak var probe: Fiber?
        let scheduler = try Scheduler()
        do {
            let fiber = try scheduler.spawn { Fiber.yield() }
            probe = fiber
        }
        scheduler.shutdown()
        #expect(probe == nil)
    }

    @Test func edfRunsEarliestDeadlineFirst() throws {
        let scheduler = try Scheduler(SchedulerConfiguration(workers: 1, policy: .edf))
        let gate = ManagedAtomic<Bool>(false)
        let log = Log()
        // Holds the only worker until every other fiber is queued.
        try scheduler.spawn(deadline: 0) { while !gate.load(ordering: .acquiring) {} }
        let deadlines: [UInt64] = [50, 10, 40, 30, 20]
        for d in deadlines { try scheduler.spawn(deadline: 1_000 + d) { log.append(Int(d)) } }
        try scheduler.spawn { log.append(99) }  // no deadline: last
        gate.store(true, ordering: .releasing)
        scheduler.shutdown()
        #expect(log.values == [10, 20, 30, 40, 50, 99])
    }

    @Test func sleepSuspendsOnlyTheFiber() throws {
        let scheduler = try Scheduler()
        let log = Log()
        let start = MonotonicClock.now()
        let slept = ManagedAtomic<UInt64>(0)
        try scheduler.spawn {
            Fiber.sleep(nanoseconds: 20_000_000)
            slept.store(MonotonicClock.now() - start, ordering: .relaxed)
            log.append(2)
        }
        try scheduler.spawn { log.append(1) }
        scheduler.shutdown()
        #expect(log.values == [1, 2])
        #expect(slept.load(ordering: .relaxed) >= 20_000_000)
    }

    @Test func parkedFiberWakesFromAnotherThread() throws {
        let scheduler = try Scheduler()
        let parked = ManagedAtomic<Bool>(false)
        let woke = ManagedAtomic<Bool>(false)
        let flag = ManagedAtomic<Bool>(false)
        let fiber = try scheduler.spawn {
            parked.store(true, ordering: .releasing)
            while !flag.load(ordering: .acquiring) { Fiber.park() }
            woke.store(true, ordering: .releasing)
        }
        while !parked.load(ordering: .acquiring) { usleep(100) }
        usleep(2000)
        let early = woke.load(ordering: .acquiring)
        #expect(!early)
        flag.store(true, ordering: .releasing)
        fiber.unpark()
        scheduler.shutdown()
        let late = woke.load(ordering: .acquiring)
        #expect(late)
    }

    @Test func waitingOnADescriptorLeavesTheWorkerFree() throws {
        let scheduler = try Scheduler()
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let log = Log()
        try scheduler.spawn {
            let events = Fiber.wait(fd: readEnd, events: Epoll.input)
            var byte: UInt8 = 0
            _ = read(readEnd, &byte, 1)
            log.append(Int(events & Int32(Epoll.input)))
            log.append(Int(byte))
        }
        // Runs while the first fiber waits, on the same worker, and wakes it.
        try scheduler.spawn {
            log.append(100)
            Fiber.sleep(nanoseconds: 2_000_000)
            var byte: UInt8 = 42
            _ = write(writeEnd, &byte, 1)
        }
        scheduler.shutdown()
        close(readEnd)
        close(writeEnd)
        #expect(log.values == [100, 1, 42])
    }

    @Test func waitOnABadDescriptorReportsTheError() throws {
        let scheduler = try Scheduler()
        let result = ManagedAtomic<Int>(0)
        try scheduler.spawn { result.store(Int(Fiber.wait(fd: 9999, events: Epoll.input)), ordering: .relaxed) }
        scheduler.shutdown()
        #expect(result.load(ordering: .relaxed) == -Int(EBADF))
    }

    @Test func idleWorkersStealWork() throws {
        let scheduler = try Scheduler(SchedulerConfiguration(workers: 2))
        let sum = ManagedAtomic<Int>(0)
        // Spawned from inside a fiber: all land on one worker's queue; the other steals.
        try scheduler.spawn {
            for i in 0 ..< 2000 {
                _ = try? scheduler.spawn {
                    var x = 0
                    for k in 0 ..< 20_000 { x &+= k ^ i }
                    sum.wrappingIncrement(by: x & 1 + 1, ordering: .relaxed)
                }
            }
        }
        scheduler.shutdown()
        #expect(sum.load(ordering: .relaxed) >= 2000)
        #expect(scheduler.statistics.steals > 0)
    }

    @Test func manyFibersShareStacks() throws {
        let scheduler = try Scheduler(SchedulerConfiguration(workers: 2, spareStacks: 64))
        let count = ManagedAtomic<Int>(0)
        for _ in 0 ..< 10_000 {
            try scheduler.spawn {
                Fiber.yield()
                count.wrappingIncrement(ordering: .relaxed)
            }
        }
        scheduler.shutdown()
        #expect(count.load(ordering: .relaxed) == 10_000)
        #expect(scheduler.stacks.spareCount <= 64)
    }

    /// A fiber yields with an exclusive access open, resumes (perhaps on the other
    /// worker) and ends it; meanwhile other fibers access the same property. Without the
    /// hand-over of the access records, debug builds abort here.
    @Test func switchesWithOpenAccesses() throws {
        final class Box: @unchecked Sendable { var value = 0 }
        let scheduler = try Scheduler(SchedulerConfiguration(workers: 2))
        let boxes = (0 ..< 64).map { _ in Box() }
        func bump(_ x: inout Int) {
            x += 1
            Fiber.yield()
            x += 1
        }
        for box in boxes {
            try scheduler.spawn { for _ in 0 ..< 20 { bump(&box.value) } }
        }
        scheduler.shutdown()
        #expect(boxes.allSatisfy { $0.value == 40 })
    }
}

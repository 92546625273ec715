import GreenThreads
import Platform

/// State of the raw ping-pong: the bench thread's and the fiber's saved stack pointers.
private struct PingPong {
    var mainSP: UInt = 0
    var fiberSP: UInt = 0
}

/// The fiber side of the raw ping-pong: switches back `rounds` times, then for good.
private let pingPongEntry: ContextSwitch.Entry = { raw in
    let state = raw!.assumingMemoryBound(to: PingPong.self)
    let transfer = ContextSwitch.shared!.transfer
    let fiberSP = UnsafeMutableRawPointer(state) + MemoryLayout<PingPong>.offset(of: \.fiberSP)!
    while true { transfer(fiberSP.assumingMemoryBound(to: UInt.self), state.pointee.mainSP) }
}

/// swapcontext's side: the contexts and the round count live in globals, since
/// makecontext's entry takes no pointer argument portably.
// Raw memory, not Swift globals: an inout access to a global would stay open across the
// switch and conflict with the other side's.
nonisolated(unsafe) private let swapMain = UnsafeMutablePointer<ucontext_t>.allocate(capacity: 1)
nonisolated(unsafe) private let swapFiber = UnsafeMutablePointer<ucontext_t>.allocate(capacity: 1)
private typealias SwapContext = @convention(c) (UnsafeMutablePointer<ucontext_t>, UnsafePointer<ucontext_t>) -> Int32
private typealias GetContext = @convention(c) (UnsafeMutablePointer<ucontext_t>) -> Int32
private typealias MakeContext = @convention(c) (UnsafeMutablePointer<ucontext_t>, @convention(c) () -> Void, Int32) -> Void
nonisolated(unsafe) private var swapFunction: SwapContext?

private let swapEntry: @convention(c) () -> Void = {
    while true { _ = swapFunction!(swapFiber, swapMain) }
}

extension SchedulerBenchmark {
    /// Section 1: the emitted switch between two stacks (no scheduler), the same
    /// ping-pong with glibc's `swapcontext`, and a scheduler round trip (`Fiber.yield`
    /// between two fibers on one worker: fiber -> worker -> fiber, queue included).
    mutating func measureSwitches() throws {
        guard let switcher = ContextSwitch.shared else { throw SchedulerError.unsupportedMachine }
        let rounds = 1_000_000
        var raw: [Double] = [], swap: [Double] = [], yields: [Double] = []
        let pool = FiberStackPool(stackSize: 64 << 10, capacity: 2)
        guard let stack = pool.take() else { throw SchedulerError.outOfStacks }
        for _ in 0 ..< runs {
            raw.append(Self.rawPingPong(switcher, stack: stack, rounds: rounds))
            swap.append(Self.swapPingPong(rounds: rounds / 4))
            yields.append(try Self.yieldPingPong(rounds: rounds / 4))
        }
        results.switches = .init(rawSamples: raw, raw: Self.median(raw), swapcontextSamples: swap,
                                 swapcontext: Self.median(swap), yieldSamples: yields, yield: Self.median(yields))
    }

    /// ns per switch of `rounds` round trips through the emitted code.
    private static func rawPingPong(_ switcher: ContextSwitch, stack: FiberStack, rounds: Int) -> Double {
        let state = UnsafeMutablePointer<PingPong>.allocate(capacity: 1)
        defer { state.deallocate() }
        state.initialize(to: PingPong())
        state.pointee.fiberSP = switcher.prepare(stack: stack, entry: pingPongEntry, argument: UnsafeMutableRawPointer(state))
        let mainSP = (UnsafeMutableRawPointer(state) + MemoryLayout<PingPong>.offset(of: \.mainSP)!).assumingMemoryBound(to: UInt.self)
        let start = MonotonicClock.now()
        for _ in 0 ..< rounds { switcher.transfer(mainSP, state.pointee.fiberSP) }
        let elapsed = MonotonicClock.now() - start
        return Double(elapsed) / Double(2 * rounds)
    }

    /// ns per switch of `swapcontext` ping-pong (it saves and restores the signal mask
    /// with a system call each time).
    private static func swapPingPong(rounds: Int) -> Double {
        guard let swapSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "swapcontext"),
              let getSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "getcontext"),
              let makeSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "makecontext") else { return 0 }
        let swap = unsafeBitCast(swapSymbol, to: SwapContext.self)
        let make = unsafeBitCast(makeSymbol, to: MakeContext.self)
        swapFunction = swap
        let size = 64 << 10
        let stack = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { stack.deallocate() }
        _ = unsafeBitCast(getSymbol, to: GetContext.self)(swapFiber)
        swapFiber.pointee.uc_stack.ss_sp = stack
        swapFiber.pointee.uc_stack.ss_size = size
        swapFiber.pointee.uc_link = nil
        make(swapFiber, swapEntry, 0)
        let start = MonotonicClock.now()
        for _ in 0 ..< rounds { _ = swap(swapMain, swapFiber) }
        let elapsed = MonotonicClock.now() - start
        return Double(elapsed) / Double(2 * rounds)
    }

    /// ns per `Fiber.yield` with two fibers taking turns on one worker.
    private static func yieldPingPong(rounds: Int) throws -> Double {
        let scheduler = try Scheduler(SchedulerConfiguration(workers: 1))
        let elapsed = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        defer { elapsed.deallocate() }
        nonisolated(unsafe) let e = elapsed
        try scheduler.spawn {
            // Both fibers are queued before the clock starts.
            _ = try? scheduler.spawn { for _ in 0 ..< rounds { Fiber.yield() } }
            Fiber.yield()
            let start = MonotonicClock.now()
            for _ in 0 ..< rounds { Fiber.yield() }
            e.pointee = MonotonicClock.now() - start
        }
        scheduler.shutdown()
        return Double(elapsed.pointee) / Double(2 * rounds)
    }
}

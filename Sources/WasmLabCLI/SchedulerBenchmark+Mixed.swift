import GreenThreads
import Platform
import Serverless
import Synchronization
import WasmRuntime

extension SchedulerBenchmark {
    /// Section 5: on one worker, short sandboxes (about 0.5 ms of work, relative deadline
    /// 5 ms) arrive every 4 ms and long ones (20 ms of work, deadline 200 ms) every 50 ms
    /// for `seconds`; per policy, deadline misses and latency of each kind.
    mutating func measureMixed() throws {
        let engine = try Self.engine("jit", .guard)
        let module = try Self.compile(Self.counter, engine)
        let perMillisecond = try Self.calibrate(engine, module)
        for policy in SchedulingPolicy.allCases {
            results.mixed.append(try mixedRun(engine, module, policy: policy, perMillisecond: perMillisecond))
        }
    }

    /// Loop iterations of `count` per millisecond on this machine.
    private static func calibrate(_ engine: Engine, _ module: CompiledModule) throws -> Int {
        let store = Store(engine: engine)
        let instance = try Linker(store: store).instantiate(module)
        guard let count = instance.function("count") else { return 100_000 }
        let n = 2_000_000
        var best = UInt64.max
        for _ in 0 ..< 3 {
            let start = MonotonicClock.now()
            _ = try count.invoke([.i32(UInt32(n))])
            best = min(best, MonotonicClock.now() - start)
        }
        return max(Int(Double(n) / (Double(best) / 1e6)), 1)
    }

    private func mixedRun(_ engine: Engine, _ module: CompiledModule, policy: SchedulingPolicy,
                          perMillisecond: Int) throws -> SchedReport.Mixed {
        struct Done { let short: Bool; let latency: UInt64; let missed: Bool }
        let done = Mutex<[Done]>([])
        let scheduler = try Scheduler(SchedulerConfiguration(workers: 1, policy: policy, quantum: quantum))
        let runner = SandboxRunner(scheduler: scheduler)
        let shortWork = UInt32(clamping: perMillisecond / 2), longWork = UInt32(clamping: perMillisecond * 20)
        let shortDeadline: UInt64 = 5_000_000, longDeadline: UInt64 = 200_000_000
        let start = MonotonicClock.now()
        let end = start + UInt64(seconds * 1e9)
        var nextShort = start, nextLong = start
        while true {
            let now = MonotonicClock.now()
            if now >= end { break }
            for (isShort, due) in [(true, nextShort), (false, nextLong)] where now >= due {
                let spawned = now
                let deadline = spawned + (isShort ? shortDeadline : longDeadline)
                try runner.start(SandboxRequest(engine: engine, module: module,
                                                entry: .export("count", [.i32(isShort ? shortWork : longWork)]),
                                                deadline: deadline)) { _ in
                    let finished = MonotonicClock.now()
                    done.withLock { $0.append(Done(short: isShort, latency: finished - spawned, missed: finished > deadline)) }
                }
                if isShort { nextShort += 4_000_000 } else { nextLong += 50_000_000 }
            }
            usleep(200)
        }
        scheduler.shutdown()
        let all = done.withLock { $0 }
        let short = all.filter(\.short), long = all.filter { !$0.short }
        return .init(policy: policy.rawValue, shortCount: short.count, shortMissed: short.filter(\.missed).count,
                     shortLatency: Self.percentiles(short.map(\.latency)), longCount: long.count,
                     longMissed: long.filter(\.missed).count, longLatency: Self.percentiles(long.map(\.latency)))
    }
}

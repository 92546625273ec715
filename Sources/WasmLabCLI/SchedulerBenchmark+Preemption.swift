import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Atomics
import GreenThreads
import Platform
import Serverless
import WASI
import WasmRuntime

extension SchedulerBenchmark {
    /// Section 2: two workers, one runaway sandbox (`(loop br 0)`) each, preempted every
    /// quantum for `seconds`; per tier and mechanism, the time from each request to the
    /// switch and the length of each preempted slice.
    mutating func measureLatency() throws {
        for tier in ["interp", "jit"] {
            let engine = try Self.engine(tier, .guard)
            let module = try Self.compile(Self.runaway, engine)
            for mode in PreemptionMode.allCases {
                let scheduler = try Scheduler(SchedulerConfiguration(workers: 2, policy: .rr, quantum: quantum, preemption: mode))
                let runner = SandboxRunner(scheduler: scheduler)
                for _ in 0 ..< 2 {
                    try runner.start(SandboxRequest(engine: engine, module: module, entry: .export("spin", []),
                                                    timeout: UInt64(seconds * 1e9))) { _ in }
                }
                scheduler.shutdown()
                let stats = scheduler.statistics
                results.latency.append(.init(tier: tier, preemption: mode.rawValue,
                                             latency: Self.percentiles(stats.preemptionLatencies),
                                             slice: Self.percentiles(stats.preemptedSlices),
                                             preemptions: stats.preemptions, signals: stats.signals,
                                             redirects: stats.redirects))
            }
        }
    }

    /// Section 3: two sandboxes of a compute kernel on one worker, run to completion one
    /// after the other (`fifo`) and preempted every quantum (`rr`); the ratio of the
    /// wall-clock times, per run.
    mutating func measureSlowdown() throws {
        let path = "Bench/out/wasm/\(kernel).wasm"
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw ValidationError("\(path) not found: run Bench/build first")
        }
        let devNull = open("/dev/null", O_WRONLY)
        defer { close(devNull) }
        for tier in ["jit", "interp"] {
            let engine = try Self.engine(tier, .guard)
            let module = try engine.compile([UInt8](bytes))
            var config = WASIConfiguration(arguments: [kernel, kernelSize])
            config.stdout = devNull
            var alone: [Double] = []
            var preempted: [PreemptionMode: (seconds: [Double], ratios: [Double], counts: [Int])] = [:]
            // The interpreter's times spread by up to a quarter from run to run on this
            // machine (outside fibers too): twice the runs for its medians.
            for run in 0 ..< (tier == "interp" ? 2 * runs : runs) {
                // The order rotates from run to run, which keeps warm-up and drift out of
                // the ratios.
                let order: [PreemptionMode?] = [nil, .poll, .signal]
                var times: [PreemptionMode?: (seconds: Double, preemptions: Int)] = [:]
                for k in 0 ..< order.count {
                    let mode = order[(run + k) % order.count]
                    times[mode] = try Self.timeTwo(engine, module, config, policy: mode == nil ? .fifo : .rr,
                                                   preemption: mode ?? .poll, quantum: quantum,
                                                   sandboxes: slowdownSandboxes)
                }
                let base = times[nil]!.seconds
                alone.append(base)
                for mode in PreemptionMode.allCases {
                    let t = times[mode]!
                    preempted[mode, default: ([], [], [])].seconds.append(t.seconds)
                    preempted[mode, default: ([], [], [])].ratios.append(t.seconds / base)
                    preempted[mode, default: ([], [], [])].counts.append(t.preemptions)
                }
            }
            for mode in PreemptionMode.allCases {
                let p = preempted[mode]!
                results.slowdown.append(.init(tier: tier, preemption: mode.rawValue, aloneSeconds: alone,
                                              preemptedSeconds: p.seconds, ratios: p.ratios,
                                              medianRatio: Self.median(p.ratios), preemptions: p.counts))
            }
        }
    }

    private static func timeTwo(_ engine: Engine, _ module: CompiledModule, _ config: WASIConfiguration,
                                policy: SchedulingPolicy, preemption: PreemptionMode, quantum: UInt64,
                                sandboxes: Int) throws -> (seconds: Double, preemptions: Int) {
        let scheduler = try Scheduler(SchedulerConfiguration(workers: 1, policy: policy, quantum: quantum,
                                                             preemption: preemption))
        let runner = SandboxRunner(scheduler: scheduler)
        let failures = ManagedAtomic<Int>(0)
        let start = MonotonicClock.now()
        for _ in 0 ..< sandboxes {
            try runner.start(SandboxRequest(engine: engine, module: module, entry: .command(config))) { outcome in
                if case .exited(0) = outcome { return }
                failures.wrappingIncrement(ordering: .relaxed)
            }
        }
        scheduler.shutdown()
        let elapsed = Double(MonotonicClock.now() - start) / 1e9
        guard failures.load(ordering: .relaxed) == 0 else { throw ValidationError("the kernel did not exit with 0") }
        return (elapsed, scheduler.statistics.preemptions)
    }

    /// Section 6: many short sandboxes spawned from one fiber (so they start in one
    /// worker's queue) on one and on two workers; the second worker has to steal.
    mutating func measureStealing() throws {
        let engine = try Self.engine("jit", .guard)
        let module = try Self.compile(Self.counter, engine)
        let count = 2000
        var one: [Double] = [], two: [Double] = [], steals: [Int] = []
        for _ in 0 ..< runs {
            for workers in [1, 2] {
                let scheduler = try Scheduler(SchedulerConfiguration(workers: workers, policy: .fifo))
                let runner = SandboxRunner(scheduler: scheduler)
                let start = MonotonicClock.now()
                try scheduler.spawn {
                    for _ in 0 ..< count {
                        _ = try? runner.start(SandboxRequest(engine: engine, module: module,
                                                             entry: .export("count", [.i32(100_000)]))) { _ in }
                    }
                }
                scheduler.shutdown()
                let seconds = Double(MonotonicClock.now() - start) / 1e9
                if workers == 1 { one.append(seconds) } else {
                    two.append(seconds)
                    steals.append(scheduler.statistics.steals)
                }
            }
        }
        let perSecond1 = Double(count) / Self.median(one), perSecond2 = Double(count) / Self.median(two)
        results.steal = .init(sandboxes: count, oneWorkerSeconds: one, twoWorkersSeconds: two,
                              oneWorkerPerSecond: perSecond1, twoWorkersPerSecond: perSecond2,
                              speedup: perSecond2 / perSecond1, steals: steals)
    }
}

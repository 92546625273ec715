import Atomics
import GreenThreads
import Platform
@testable import Serverless
import Synchronization
import TestSupport
import Testing
import Tiers
import WAT
import WasmRuntime

/// Collects the outcomes of sandboxes in completion order.
final class Outcomes: Sendable {
    private let list = Mutex<[(String, SandboxOutcome)]>([])
    func record(_ name: String) -> @Sendable (SandboxOutcome) -> Void {
        { outcome in self.list.withLock { $0.append((name, outcome)) } }
    }
    var names: [String] { list.withLock { $0.map(\.0) } }
    func outcome(_ name: String) -> SandboxOutcome? { list.withLock { $0.first { $0.0 == name }?.1 } }
}

func compile(_ wat: String, _ configuration: EngineConfiguration) throws -> (Engine, CompiledModule) {
    BuiltinTiers.register()
    let engine = try Engine(configuration: configuration)
    return (engine, try engine.compile(WAT.encode(wat)))
}

let runaway = """
    (module (memory 1) (func (export "spin") (loop br 0)))
    """
let small = """
    (module
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
      (func (export "trap") unreachable)
      (func (export "oob") (result i32) (i32.load (i32.const 70000)))
      (func (export "exit") (call $exit (i32.const 3)))
      (func (export "count") (param i32) (result i32) (local i32)
        (loop (local.set 1 (i32.add (local.get 1) (i32.const 1)))
              (br_if 0 (i32.lt_u (local.get 1) (local.get 0))))
        (local.get 1)))
    """

/// Sandboxes on fibers, on every tier and conforming bounds strategy.
struct SandboxTests {
    @Test(arguments: TierMatrix.configurations)
    func outcomesEndOnlyTheirFiber(configuration: EngineConfiguration) throws {
        let (engine, module) = try compile(small, configuration)
        let runner = SandboxRunner(scheduler: try Scheduler(SchedulerConfiguration(workers: 2)))
        let outcomes = Outcomes()
        for (name, export, args) in [("add", "add", [Value.i32(2), .i32(40)]), ("trap", "trap", []), ("oob", "oob", []),
                                     ("exit", "exit", []), ("count", "count", [.i32(100_000)])] {
            try runner.start(SandboxRequest(engine: engine, module: module, entry: .export(export, args)),
                             completion: outcomes.record(name))
        }
        runner.scheduler.shutdown()
        guard case .returned(let sum) = outcomes.outcome("add") else { Issue.record("add: \(String(describing: outcomes.outcome("add")))"); return }
        #expect(sum == [.i32(42)])
        guard case .trapped(let trap) = outcomes.outcome("trap") else { Issue.record("trap"); return }
        #expect(trap.reason == .unreachable)
        guard case .trapped(let oob) = outcomes.outcome("oob") else { Issue.record("oob"); return }
        #expect(oob.reason == .outOfBoundsMemoryAccess)
        guard case .exited(let code) = outcomes.outcome("exit") else { Issue.record("exit"); return }
        #expect(code == 3)
        guard case .returned(let count) = outcomes.outcome("count") else { Issue.record("count"); return }
        #expect(count == [.i32(100_000)])
    }

    /// One worker, a sandbox spinning in `(loop br 0)` and a short one queued behind it:
    /// the short one completes because the spinner is preempted, then the spinner is
    /// killed by its timeout.
    @Test(arguments: TierMatrix.tiers, PreemptionMode.allCases)
    func aRunawaySandboxIsPreemptedAndKilled(tier: String, mode: PreemptionMode) throws {
        let configuration = EngineConfiguration(tier: tier, bounds: .guard)
        let (engine, spinner) = try compile(runaway, configuration)
        let (_, counter) = try compile(small, configuration)
        let scheduler = try Scheduler(SchedulerConfiguration(workers: 1, policy: .rr, preemption: mode))
        let runner = SandboxRunner(scheduler: scheduler)
        let outcomes = Outcomes()
        try runner.start(SandboxRequest(engine: engine, module: spinner, entry: .export("spin", []), timeout: 300_000_000),
                         completion: outcomes.record("spin"))
        try runner.start(SandboxRequest(engine: engine, module: counter, entry: .export("count", [.i32(1000)])),
                         completion: outcomes.record("count"))
        scheduler.shutdown()
        #expect(outcomes.names == ["count", "spin"])
        guard case .killed = outcomes.outcome("spin") else { Issue.record("spin was not killed"); return }
        let stats = scheduler.statistics
        #expect(stats.preemptions >= 1)
        // Signals that land in compiled code switch it away there; elsewhere the request
        // waits for a safe point.
        if mode == .signal && tier == "jit" { #expect(stats.redirects >= 1) } else { #expect(stats.redirects == 0) }
    }

    @Test(arguments: TierMatrix.tiers)
    func killFromAnotherThread(tier: String) throws {
        let (engine, spinner) = try compile(runaway, EngineConfiguration(tier: tier))
        let scheduler = try Scheduler(SchedulerConfiguration(workers: 1, policy: .fifo))
        let runner = SandboxRunner(scheduler: scheduler)
        let outcomes = Outcomes()
        let sandbox = try runner.start(SandboxRequest(engine: engine, module: spinner, entry: .export("spin", [])),
                                       completion: outcomes.record("spin"))
        usleep(20_000)
        sandbox.kill()
        scheduler.shutdown()
        guard case .killed = outcomes.outcome("spin") else { Issue.record("not killed"); return }
    }
}

/// Compiled code switched away at arbitrary instructions (signal preemption, a short
/// quantum) computes what it computes undisturbed: the general and floating-point
/// registers (locals live in both across the loop) and the flags survive the redirect.
struct RedirectPreservationTests {
    static let mixer = """
        (module
          (func (export "mix") (param $n i32) (result i64)
            (local $a i64) (local $b i64) (local $x f64) (local $y f64) (local $i i32)
            (local.set $a (i64.const 1)) (local.set $b (i64.const 7)) (local.set $x (f64.const 1.5))
            (local.set $y (f64.const 0.25))
            (loop $l
              (local.set $a (i64.add (i64.mul (local.get $a) (i64.const 6364136223846793005)) (local.get $b)))
              (local.set $b (i64.xor (local.get $b) (i64.shr_u (local.get $a) (i64.const 29))))
              (local.set $x (f64.add (f64.mul (local.get $x) (f64.const 0.999)) (local.get $y)))
              (local.set $y (f64.sub (local.get $y) (f64.const 0.0000001)))
              (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
            (i64.add (i64.add (local.get $a) (local.get $b))
                     (i64.trunc_sat_f64_s (f64.mul (local.get $x) (f64.const 1000000))))))
        """

    @Test(arguments: [BoundsStrategy.software, .guard])
    func valuesSurviveRedirects(bounds: BoundsStrategy) throws {
        let (engine, module) = try compile(Self.mixer, EngineConfiguration(tier: "jit", bounds: bounds))
        let n: UInt32 = 10_000_000
        let store = Store(engine: engine)
        let expected = try Linker(store: store).instantiate(module).function("mix")!.invoke([.i32(n)])
        let scheduler = try Scheduler(SchedulerConfiguration(workers: 1, policy: .rr, quantum: 100_000, preemption: .signal))
        let runner = SandboxRunner(scheduler: scheduler)
        let outcomes = Outcomes()
        for i in 0 ..< 3 {
            try runner.start(SandboxRequest(engine: engine, module: module, entry: .export("mix", [.i32(n)])),
                             completion: outcomes.record("\(i)"))
        }
        scheduler.shutdown()
        #expect(scheduler.statistics.redirects >= 100)
        for i in 0 ..< 3 {
            guard case .returned(let values) = outcomes.outcome("\(i)") else { Issue.record("sandbox \(i) did not return"); continue }
            #expect(values == expected)
        }
    }

    @Test func theWatchdogForgetsSandboxesThatEnded() throws {
        // 5,000 quick sandboxes with a long timeout: the watchdog must not keep one entry
        // per request until the timeout passes.
        let (engine, module) = try compile(small, EngineConfiguration(tier: "interp", bounds: .software))
        let runner = SandboxRunner(scheduler: try Scheduler(SchedulerConfiguration(workers: 2)))
        let done = ManagedAtomic<Int>(0)
        for _ in 0 ..< 5000 {
            var request = SandboxRequest(engine: engine, module: module, entry: .export("add", [.i32(1), .i32(2)]))
            request.timeout = 60_000_000_000
            try runner.start(request) { _ in done.wrappingIncrement(ordering: .relaxed) }
        }
        runner.scheduler.shutdown()
        #expect(done.load(ordering: .relaxed) == 5000)
        #expect(runner.watchdog.count <= 1100)
    }
}

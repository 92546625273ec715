import Atomics
import GreenThreads
import Platform
import Serverless
import WasmCore
import WasmRuntime

/// Sandboxes of the density run park in a host call until released.
private final class ParkingLot: @unchecked Sendable {
    let parked = ManagedAtomic<Int>(0)
    let finished = ManagedAtomic<Int>(0)
    let failed = ManagedAtomic<Int>(0)
    let released = ManagedAtomic<Bool>(false)
    var firstFailure: String?
}

extension SchedulerBenchmark {
    /// A sandbox that touches its one page of memory (a data segment) and parks in a
    /// host call until released.
    static let idle = """
        (module
          (import "env" "park" (func $park))
          (memory 1)
          (data (i32.const 0) "idle")
          (func (export "run") (call $park)))
        """

    /// Section 4: `density` idle sandboxes (instantiated, fiber parked, one page) under
    /// software bounds, and as many as fit (up to `guardDensity`) under guard bounds:
    /// time per spawn and resident memory per sandbox.
    mutating func measureDensity() throws {
        results.density.append(try densityRun(bounds: .software, count: density))
        results.density.append(try densityRun(bounds: .guard, count: guardDensity))
    }

    private func densityRun(bounds: BoundsStrategy, count: Int) throws -> SchedReport.Density {
        let tier = "jit"
        let engine = try Self.engine(tier, bounds)
        let module = try Self.compile(Self.idle, engine)
        // Small fiber stacks (idle sandboxes use a few KiB) and value stacks.
        let scheduler = try Scheduler(SchedulerConfiguration(workers: 2, policy: .fifo, stackSize: 128 << 10, spareStacks: 0))
        let runner = SandboxRunner(scheduler: scheduler)
        let lot = ParkingLot()
        let park = FunctionType(parameters: [], results: [])
        var request = SandboxRequest(engine: engine, module: module, entry: .export("run", [])) { linker in
            linker.define(module: "env", name: "park", .function(.host(park) { _ in
                lot.parked.wrappingIncrement(ordering: .relaxed)
                while !lot.released.load(ordering: .acquiring) { Sandbox.park() }
            }))
        }
        request.limits.valueStackSlots = 1024
        request.limits.maxCallDepth = 256
        let before = Self.residentBytes()
        let start = MonotonicClock.now()
        var sandboxes: [Sandbox] = []
        sandboxes.reserveCapacity(count)
        var failure: String?
        for _ in 0 ..< count {
            do {
                sandboxes.append(try runner.start(request) { outcome in
                    lot.finished.wrappingIncrement(ordering: .relaxed)
                    if case .returned = outcome { return }
                    if lot.failed.loadThenWrappingIncrement(ordering: .relaxed) == 0 { lot.firstFailure = "\(outcome)" }
                })
            } catch {
                failure = "\(error)"
                break
            }
            if lot.failed.load(ordering: .relaxed) > 0 { break }
        }
        // Every started sandbox has parked or failed.
        while lot.parked.load(ordering: .acquiring) + lot.failed.load(ordering: .acquiring) < sandboxes.count {
            usleep(1000)
        }
        let elapsed = MonotonicClock.now() - start
        let after = Self.residentBytes()
        let parked = lot.parked.load(ordering: .acquiring)
        lot.released.store(true, ordering: .releasing)
        for sandbox in sandboxes { sandbox.fiber?.unpark() }
        scheduler.shutdown()
        return .init(bounds: bounds.rawValue, tier: tier, attempted: sandboxes.count, parked: parked,
                     failure: failure ?? lot.firstFailure,
                     spawnMicroseconds: Double(elapsed) / 1000 / Double(max(sandboxes.count, 1)),
                     residentBytesPerSandbox: Double(after - before) / Double(max(parked, 1)))
    }
}

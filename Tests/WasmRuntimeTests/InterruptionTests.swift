#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
import WasmCore
import Interpreter
import JIT
import WasmRuntime

/// Fuel, interrupts and call-stack exhaustion, on every tier that runs on this host: the
/// interpreter polls at back edges and calls, compiled code at loop headers and function
/// entries (Docs/JIT.md "Interruption and fuel").
@Suite struct InterruptionTests {
    static let tiers = TierMatrix.tiers

    func linker(_ tier: String, fuel: UInt64? = nil, maxCallDepth: Int = 20_000) -> Linker {
        InterpreterTier.register()
        JITTier.register()
        var configuration = StoreConfiguration()
        configuration.tier = tier
        configuration.fuel = fuel
        configuration.maxCallDepth = maxCallDepth
        configuration.bounds = .software
        return Linker(store: Store(configuration: configuration))
    }

    func expectInterrupted(_ function: Function, _ arguments: [Value] = []) {
        do throws(Trap) {
            _ = try function.invoke(arguments)
            Issue.record("expected an interruption")
        } catch {
            #expect(error.reason == .interrupted)
        }
    }

    /// `(func (loop (br 0)))` exported as "spin".
    var spinModule: B {
        var m = B()
        let v = m.type([], [])
        m.function(type: v, Op.loop + Op.br(0) + Op.end)
        m.export("spin", kind: 0, index: 0)
        return m
    }

    @Test(arguments: tiers)
    func runawayRecursionExhaustsTheCallStack(tier: String) throws {
        var m = B()
        let v = m.type([], [])
        m.function(type: v, Op.call(0))
        m.export("runaway", kind: 0, index: 0)
        let t = m.type([B.i32], [B.i32])
        m.function(type: t, Op.localGet(0) + Op.i32Eqz + Op.ifI32 + Op.i32Const(0) + Op.else
            + Op.localGet(0) + Op.i32Const(1) + Op.i32Sub + Op.call(1) + Op.i32Const(1) + Op.i32Add + Op.end)
        m.export("depth", kind: 0, index: 1)
        let linker = linker(tier, maxCallDepth: 1000)
        let instance = try instantiate(m, linker)
        do {
            _ = try exported(instance, "runaway").invoke([])
            Issue.record("expected exhaustion")
        } catch let error as Trap {
            #expect(error.reason == .callStackExhausted)
        }
        // Within the limit recursion works, and the stack was fully unwound.
        #expect(try exported(instance, "depth").invoke([.i32(900)]) == [.i32(900)])
        if tier == "interp" {
            // The JIT bounds native recursion by stack space, not by maxCallDepth.
            #expect(throws: Trap.self) { try exported(instance, "depth").invoke([.i32(5000)]) }
        }
    }

    @Test(arguments: tiers)
    func fuelStopsAnInfiniteLoop(tier: String) throws {
        let linker = linker(tier, fuel: 10_000)
        let instance = try instantiate(spinModule, linker)
        expectInterrupted(try exported(instance, "spin"))
        #expect(linker.store.fuel == 0)
        // Refuelling makes the store usable again, and the loop stops again.
        try linker.store.setFuel(5)
        expectInterrupted(try exported(instance, "spin"))
        #expect(linker.store.fuel == 0)
    }

    @Test(arguments: tiers)
    func fuelIsSpentPerIteration(tier: String) throws {
        // (func (param i32) (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
        var m = B()
        let t = m.type([B.i32], [])
        m.function(type: t, Op.loop + Op.localGet(0) + Op.i32Const(1) + Op.i32Sub + Op.localTee(0) + Op.brIf(0) + Op.end)
        m.export("count", kind: 0, index: 0)
        let linker = linker(tier, fuel: 1_000)
        let instance = try instantiate(m, linker)
        _ = try exported(instance, "count").invoke([.i32(100)])
        // 99 back edges; the JIT also counts the loop entry and the function entry.
        let spent = 1_000 - (linker.store.fuel ?? 0)
        #expect(spent >= 99 && spent <= 101)
        expectInterrupted(try exported(instance, "count"), [.i32(5_000)])
        #expect(linker.store.fuel == 0)
    }

    @Test(arguments: tiers)
    func interruptFromAHostCallStopsTheLoop(tier: String) throws {
        let linker = linker(tier)
        let store = linker.store
        nonisolated(unsafe) var calls = 0
        linker.define(module: "env", name: "tick", .function(HostFunction(type: FunctionType()) { _ in
            calls += 1
            if calls == 3 { store.interrupt() }
            return []
        }))
        var m = B()
        let v = m.type([], [])
        m.importFunction("env", "tick", type: v)
        m.function(type: v, Op.loop + Op.call(0) + Op.br(0) + Op.end)
        m.export("spin", kind: 0, index: 1)
        let instance = try instantiate(m, linker)
        expectInterrupted(try exported(instance, "spin"))
        #expect(calls == 3)
    }

    @Test(arguments: tiers)
    func interruptFromAnotherThreadStopsTheLoop(tier: String) throws {
        let linker = linker(tier)
        let instance = try instantiate(spinModule, linker)
        let spin = try exported(instance, "spin")
        // Store.interrupt() stores one word the runner polls: safe from any thread.
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            usleep(50_000)
            Unmanaged<Store>.fromOpaque(raw!).takeUnretainedValue().interrupt()
            return nil
        }, Unmanaged.passUnretained(linker.store).toOpaque())
        #expect(created == 0)
        expectInterrupted(spin)
        pthread_join(thread, nil)
    }
}

import Testing
import WasmCore
import Interpreter
import WasmRuntime

@Suite struct InterruptionTests {
    @Test func runawayRecursionExhaustsTheCallStack() throws {
        var m = B()
        let v = m.type([], [])
        m.function(type: v, Op.call(0))
        m.export("runaway", kind: 0, index: 0)
        let t = m.type([B.i32], [B.i32])
        m.function(type: t, Op.localGet(0) + Op.i32Eqz + Op.ifI32 + Op.i32Const(0) + Op.else
            + Op.localGet(0) + Op.i32Const(1) + Op.i32Sub + Op.call(1) + Op.i32Const(1) + Op.i32Add + Op.end)
        m.export("depth", kind: 0, index: 1)
        let linker = makeLinker(maxCallDepth: 1000)
        let instance = try instantiate(m, linker)
        do {
            _ = try exported(instance, "runaway").invoke([])
            Issue.record("expected exhaustion")
        } catch let error as Trap {
            #expect(error.reason == .callStackExhausted)
        }
        // Within the limit recursion works, and the stack was fully unwound.
        #expect(try exported(instance, "depth").invoke([.i32(900)]) == [.i32(900)])
        #expect(throws: Trap.self) { try exported(instance, "depth").invoke([.i32(5000)]) }
    }

    @Test func fuelStopsAnInfiniteLoop() throws {
        var m = B()
        let v = m.type([], [])
        m.function(type: v, Op.loop + Op.br(0) + Op.end)
        m.export("spin", kind: 0, index: 0)
        let linker = makeLinker(fuel: 10_000)
        let instance = try instantiate(m, linker)
        do {
            _ = try exported(instance, "spin").invoke([])
            Issue.record("expected an interruption")
        } catch let error as Trap {
            #expect(error.reason == .interrupted)
        }
        #expect(linker.store.fuel == 0)
    }

    @Test func interruptFromAHostCallStopsTheLoop() throws {
        let linker = makeLinker()
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
        do {
            _ = try exported(instance, "spin").invoke([])
            Issue.record("expected an interruption")
        } catch let error as Trap {
            #expect(error.reason == .interrupted)
        }
        #expect(calls == 3)
    }
}

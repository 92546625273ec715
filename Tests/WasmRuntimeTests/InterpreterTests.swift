import Testing
import WasmCore
import Interpreter
import WasmRuntime

typealias B = ModuleBuilder

/// A store running the interpreter, and a linker with `spectest` defined.
func makeLinker(fuel: UInt64? = nil, maxCallDepth: Int = 20_000) -> Linker {
    InterpreterTier.register()
    var configuration = StoreConfiguration()
    configuration.fuel = fuel
    configuration.maxCallDepth = maxCallDepth
    let linker = Linker(store: Store(configuration: configuration))
    linker.defineSpectest()
    return linker
}

/// Instances do not keep their store alive: tests keep the linker (and its store).
func instantiate(_ builder: ModuleBuilder, _ linker: Linker) throws -> Instance {
    try linker.instantiate(CompiledModule(bytes: builder.build(), store: linker.store))
}

func exported(_ instance: Instance, _ name: String) throws -> Function {
    try #require(instance.function(name))
}

@Suite struct InterpreterTests {
    @Test func addsTwoNumbers() throws {
        var m = B()
        let t = m.type([B.i32, B.i32], [B.i32])
        m.function(type: t, Op.localGet(0) + Op.localGet(1) + Op.i32Add)
        m.export("add", kind: 0, index: 0)
        let linker = makeLinker()
        let add = try exported(try instantiate(m, linker), "add")
        #expect(try add.invoke([.i32(40), .i32(2)]) == [.i32(42)])
        #expect(try add.invoke([.i32(UInt32.max), .i32(2)]) == [.i32(1)])
    }

    @Test func argumentMismatchIsAnErrorNotACrash() throws {
        var m = B()
        let t = m.type([B.i32], [B.i32])
        m.function(type: t, Op.localGet(0))
        m.export("id", kind: 0, index: 0)
        let linker = makeLinker()
        let id = try exported(try instantiate(m, linker), "id")
        #expect(throws: Trap.self) { try id.invoke([]) }
        #expect(throws: Trap.self) { try id.invoke([.i64(1)]) }
        #expect(throws: Trap.self) { try id.invoke([.i32(1), .i32(2)]) }
    }

    @Test func functionsOfAReleasedStoreFailCleanly() throws {
        var m = B()
        let t = m.type([], [B.i32])
        m.function(type: t, Op.i32Const(1))
        m.export("one", kind: 0, index: 0)
        var linker: Linker? = makeLinker()
        let one = try exported(try instantiate(m, try #require(linker)), "one")
        #expect(try one.invoke([]) == [.i32(1)])
        linker = nil
        #expect(throws: Trap.self) { try one.invoke([]) }
    }

    @Test func recursiveFactorial() throws {
        var m = B()
        let t = m.type([B.i64], [B.i64])
        // fac(n) = n == 0 ? 1 : n * fac(n - 1)
        m.function(type: t, Op.localGet(0) + Op.i64Eqz + [0x04, B.i64] + Op.i64Const(1) + Op.else
            + Op.localGet(0) + Op.localGet(0) + Op.i64Const(1) + Op.i64Sub + Op.call(0) + Op.i64Mul + Op.end)
        m.export("fac", kind: 0, index: 0)
        let linker = makeLinker()
        let fac = try exported(try instantiate(m, linker), "fac")
        #expect(try fac.invoke([.i64(20)]) == [.i64(2_432_902_008_176_640_000)])
        #expect(try fac.invoke([.i64(0)]) == [.i64(1)])
    }

    @Test func loopWithLocals() throws {
        var m = B()
        let t = m.type([B.i32], [B.i32])
        // sum = 0; i = n; loop { if i == 0 break; sum += i; i -= 1 }
        m.function(type: t, locals: [B.i32],
            Op.block + Op.loop
            + Op.localGet(0) + Op.i32Eqz + Op.brIf(1)
            + Op.localGet(1) + Op.localGet(0) + Op.i32Add + Op.localSet(1)
            + Op.localGet(0) + Op.i32Const(1) + Op.i32Sub + Op.localSet(0)
            + Op.br(0) + Op.end + Op.end + Op.localGet(1))
        m.export("sum", kind: 0, index: 0)
        let linker = makeLinker()
        let sum = try exported(try instantiate(m, linker), "sum")
        #expect(try sum.invoke([.i32(100)]) == [.i32(5050)])
        #expect(try sum.invoke([.i32(0)]) == [.i32(0)])
    }

    @Test func localSetRetargetKeepsEarlierReadsOfTheLocal() throws {
        var m = B()
        let t = m.type([B.i32], [B.i32])
        // (local.get 0) stays on the stack while local 0 is overwritten; result old*2+1 ... = old + (old + 1)
        m.function(type: t, Op.localGet(0) + Op.localGet(0) + Op.i32Const(1) + Op.i32Add + Op.localTee(0)
            + Op.i32Add)
        m.export("f", kind: 0, index: 0)
        let linker = makeLinker()
        let f = try exported(try instantiate(m, linker), "f")
        #expect(try f.invoke([.i32(10)]) == [.i32(21)])
    }

    @Test func trapsCarryReasonAndBacktrace() throws {
        var m = B()
        let t = m.type([B.i32, B.i32], [B.i32])
        let v = m.type([], [])
        m.function(type: t, Op.localGet(0) + Op.localGet(1) + Op.i32DivS)
        m.function(type: t, Op.localGet(0) + Op.localGet(1) + Op.call(0))
        m.function(type: v, Op.unreachable)
        m.export("div", kind: 0, index: 0)
        m.export("outer", kind: 0, index: 1)
        m.export("boom", kind: 0, index: 2)
        let linker = makeLinker()
        let instance = try instantiate(m, linker)
        do {
            _ = try exported(instance, "outer").invoke([.i32(1), .i32(0)])
            Issue.record("expected a trap")
        } catch let error as Trap {
            #expect(error.reason == .integerDivideByZero)
            #expect(error.backtrace == ["div", "outer"])
        }
        #expect(throws: Trap.self) { try exported(instance, "div").invoke([.int32(Int32.min), .int32(-1)]) }
        do {
            _ = try exported(instance, "boom").invoke([])
            Issue.record("expected a trap")
        } catch let error as Trap {
            #expect(error.reason == .unreachable)
        }
        // The store is usable after a trap.
        #expect(try exported(instance, "div").invoke([.i32(9), .i32(3)]) == [.i32(3)])
    }

    @Test func memoryLoadStoreGrowAndBounds() throws {
        var m = B()
        m.memory(min: 1, max: 2)
        let load = m.type([B.i32], [B.i32])
        let store = m.type([B.i32, B.i32], [])
        let grow = m.type([B.i32], [B.i32])
        m.function(type: load, Op.localGet(0) + Op.i32Load(offset: 4))
        m.function(type: store, Op.localGet(0) + Op.localGet(1) + Op.i32Store())
        m.function(type: grow, Op.localGet(0) + Op.memoryGrow)
        m.export("load", kind: 0, index: 0)
        m.export("store", kind: 0, index: 1)
        m.export("grow", kind: 0, index: 2)
        m.export("mem", kind: 2, index: 0)
        let linker = makeLinker()
        let instance = try instantiate(m, linker)
        let loadF = try exported(instance, "load"), storeF = try exported(instance, "store")
        _ = try storeF.invoke([.i32(8), .i32(0xDEAD_BEEF)])
        #expect(try loadF.invoke([.i32(4)]) == [.i32(0xDEAD_BEEF)])
        guard case .memory(let memory)? = instance.export("mem") else { Issue.record("no memory"); return }
        #expect(try memory.read(at: 8, count: 4) == [0xEF, 0xBE, 0xAD, 0xDE])
        do {
            _ = try loadF.invoke([.i32(65532)])
            Issue.record("expected a trap")
        } catch {
            #expect(error.reason == .outOfBoundsMemoryAccess)
        }
        #expect(try exported(instance, "grow").invoke([.i32(1)]) == [.i32(1)])
        #expect(try loadF.invoke([.i32(65532)]) == [.i32(0)])
        #expect(try exported(instance, "grow").invoke([.i32(1)]) == [.i32(UInt32.max)])
        #expect(memory.pageCount == 2)
    }
}

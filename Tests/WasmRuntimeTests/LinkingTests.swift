import Testing
import WasmCore
import Interpreter
import WasmRuntime

@Suite struct LinkingTests {
    @Test func hostFunctionImportIsCalledWithArguments() throws {
        let linker = makeLinker()
        nonisolated(unsafe) var seen: [Value] = []
        linker.define(module: "env", name: "twice", .function(HostFunction(type: FunctionType(parameters: [.i32], results: [.i32])) { args in
            seen.append(contentsOf: args)
            guard case .i32(let v) = args[0] else { return [.i32(0)] }
            return [.i32(v * 2)]
        }))
        var m = B()
        let t = m.type([B.i32], [B.i32])
        m.importFunction("env", "twice", type: t)
        m.function(type: t, Op.localGet(0) + Op.call(0) + Op.i32Const(1) + Op.i32Add)
        m.export("f", kind: 0, index: 1)
        let f = try exported(try instantiate(m, linker), "f")
        #expect(try f.invoke([.i32(20)]) == [.i32(41)])
        #expect(seen == [.i32(20)])
    }

    @Test func hostErrorsBecomeTraps() throws {
        struct Oops: Error {}
        let linker = makeLinker()
        linker.define(module: "env", name: "fail", .function(HostFunction(type: FunctionType()) { _ in throw Oops() }))
        var m = B()
        let t = m.type([], [])
        m.importFunction("env", "fail", type: t)
        m.function(type: t, Op.call(0))
        m.export("f", kind: 0, index: 1)
        let f = try exported(try instantiate(m, linker), "f")
        do {
            _ = try f.invoke([])
            Issue.record("expected a trap")
        } catch {
            #expect(error.reason == .hostError)
            #expect(error.backtrace.contains("f"))
        }
    }

    @Test func exportedFunctionsLinkAcrossInstances() throws {
        let linker = makeLinker()
        var a = B()
        let t = a.type([B.i32], [B.i32])
        a.global(B.i32, mutable: true, Op.i32Const(7))
        a.function(type: t, Op.localGet(0) + Op.globalGet(0) + Op.i32Add)
        a.export("addg", kind: 0, index: 0)
        a.export("g", kind: 3, index: 0)
        let first = try instantiate(a, linker)
        linker.register(first, as: "A")

        var b = B()
        let tb = b.type([B.i32], [B.i32])
        b.importFunction("A", "addg", type: tb)
        b.importGlobal("A", "g", B.i32, mutable: true)
        b.function(type: tb, Op.i32Const(100) + Op.globalSet(0) + Op.localGet(0) + Op.call(0))
        b.export("f", kind: 0, index: 1)
        let second = try instantiate(b, linker)
        #expect(try exported(second, "f").invoke([.i32(1)]) == [.i32(101)])
        guard case .global(let g)? = first.export("g") else { Issue.record("no global"); return }
        #expect(g.value == .i32(100))
        try g.set(.i32(5))
        #expect(try exported(first, "addg").invoke([.i32(1)]) == [.i32(6)])
    }

    @Test func unlinkableImports() throws {
        let linker = makeLinker()
        var unknown = B()
        let t = unknown.type([], [])
        unknown.importFunction("env", "missing", type: t)
        #expect(throws: WasmError.self) { try instantiate(unknown, linker) }
        do { _ = try instantiate(unknown, linker) } catch let error as WasmError {
            #expect(error.kind == .unlinkable)
            #expect(error.message.hasPrefix("unknown import"))
        }

        var wrongType = B()
        let t2 = wrongType.type([B.i64], [])
        wrongType.importFunction("spectest", "print_i32", type: t2)
        do { _ = try instantiate(wrongType, linker); Issue.record("expected an error") } catch let error as WasmError {
            #expect(error.kind == .unlinkable)
            #expect(error.message.hasPrefix("incompatible import type"))
        }

        // spectest memory is 1..2 pages: importing it with min 1 max 3 is fine, max 1 is not.
        var fits = B()
        fits.importMemory("spectest", "memory", min: 1, max: 3)
        _ = try instantiate(fits, linker)
        var tooSmall = B()
        tooSmall.importMemory("spectest", "memory", min: 1, max: 1)
        #expect(throws: WasmError.self) { try instantiate(tooSmall, linker) }
    }

    @Test func segmentsAndIndirectCalls() throws {
        var m = B()
        let t = m.type([], [B.i32])
        let pick = m.type([B.i32], [B.i32])
        m.table(min: 4)
        m.memory(min: 1)
        m.function(type: t, Op.i32Const(11))
        m.function(type: t, Op.i32Const(22))
        m.function(type: pick, Op.localGet(0) + Op.callIndirect(type: t))
        m.function(type: pick, Op.i32Const(0) + Op.i32Const(0) + Op.i32Const(3) + Op.memoryInit(1) + Op.localGet(0) + Op.i32Load8U())
        m.activeElements(offset: 1, functions: [0, 1])
        m.activeData(offset: 16, [1, 2, 3])
        m.passiveData([7, 8, 9])
        m.export("pick", kind: 0, index: 2)
        m.export("init", kind: 0, index: 3)
        m.export("table", kind: 1, index: 0)
        m.export("mem", kind: 2, index: 0)
        let linker = makeLinker()
        let instance = try instantiate(m, linker)
        let pickF = try exported(instance, "pick")
        #expect(try pickF.invoke([.i32(1)]) == [.i32(11)])
        #expect(try pickF.invoke([.i32(2)]) == [.i32(22)])
        for (index, reason) in [(0, TrapReason.uninitializedElement), (9, .undefinedElement)] {
            do { _ = try pickF.invoke([.i32(UInt32(index))]); Issue.record("expected a trap") } catch {
                #expect(error.reason == reason)
            }
        }
        guard case .memory(let memory)? = instance.export("mem"), case .table(let table)? = instance.export("table") else {
            Issue.record("missing exports"); return
        }
        #expect(try memory.read(at: 16, count: 3) == [1, 2, 3])
        #expect(try exported(instance, "init").invoke([.i32(1)]) == [.i32(8)])
        #expect(table.size == 4)
        guard case .ref(.function(let handle)) = try table.get(1) else { Issue.record("expected a function"); return }
        #expect(try handle.function.invoke([]) == [.i32(11)])
    }

    @Test func outOfBoundsActiveSegmentTrapsAfterEarlierSegments() throws {
        var m = B()
        m.memory(min: 1)
        m.activeData(offset: 0, [42])
        m.activeData(offset: 65535, [1, 2])
        m.export("mem", kind: 2, index: 0)
        let linker = makeLinker()
        var exportedMemory: Memory?
        // Import nothing, so observe through a second module sharing nothing: use the error.
        do {
            _ = try instantiate(m, linker)
            Issue.record("expected a trap")
        } catch let trap as Trap {
            #expect(trap.reason == .outOfBoundsMemoryAccess)
        }
        // With an imported memory the first segment's write stays visible.
        let memory = try Memory(type: MemoryType(Limits(min: 1)))
        linker.define(module: "env", name: "mem", .memory(memory))
        var n = B()
        n.importMemory("env", "mem", min: 1, max: nil)
        n.activeData(offset: 0, [42])
        n.activeData(offset: 65535, [1, 2])
        #expect(throws: Trap.self) { try instantiate(n, linker) }
        exportedMemory = memory
        #expect(try exportedMemory?.read(at: 0, count: 1) == [42])
    }

    @Test func startFunctionRunsAtInstantiation() throws {
        var m = B()
        let v = m.type([], [])
        m.global(B.i32, mutable: true, Op.i32Const(1))
        m.function(type: v, Op.i32Const(99) + Op.globalSet(0))
        m.start = 0
        m.export("g", kind: 3, index: 0)
        let linker = makeLinker()
        let instance = try instantiate(m, linker)
        guard case .global(let g)? = instance.export("g") else { Issue.record("no global"); return }
        #expect(g.value == .i32(99))
    }
}

import TestSupport
import Testing
import Tiers
import WAT
import WasmCore
@testable import WasmRuntime

/// A module whose `init` sets memory, a global, a table slot and drops a data segment;
/// `mess` changes all of it; `probe` reads it back.
private let stateful = """
    (module
      (memory (export "memory") 1 8)
      (global $g (mut i32) (i32.const 0))
      (table $t 2 10 funcref)
      (data $d "payload")
      (func $one (result i32) (i32.const 1))
      (func $two (result i32) (i32.const 2))
      (elem declare func $one $two)
      (type $r (func (result i32)))
      (func (export "init")
        (memory.init $d (i32.const 100) (i32.const 0) (i32.const 7))
        (data.drop $d)
        (i32.store (i32.const 40000) (i32.const 1234))
        (global.set $g (i32.const 77))
        (table.set $t (i32.const 0) (ref.func $one)))
      (func (export "mess")
        (i32.store (i32.const 100) (i32.const 0xdeadbeef))
        (drop (memory.grow (i32.const 3)))
        (i32.store (i32.const 200000) (i32.const 5))
        (global.set $g (i32.const -1))
        (table.set $t (i32.const 0) (ref.func $two))
        (drop (table.grow $t (ref.null func) (i32.const 4))))
      (func (export "probe") (result i32 i32 i32 i32 i32 i32)
        (i32.load (i32.const 100)) (i32.load (i32.const 40000)) (global.get $g)
        (call_indirect $t (type $r) (i32.const 0)) (memory.size) (table.size $t))
      ;; Traps when the segment is dropped, as it is after init.
      (func (export "reinit") (memory.init $d (i32.const 0) (i32.const 0) (i32.const 7))))
    """

struct InstanceSnapshotTests {
    @Test(arguments: TierMatrix.configurations)
    func restoreResetsEveryPartOfTheState(configuration: EngineConfiguration) throws {
        BuiltinTiers.register()
        let engine = try Engine(configuration: configuration)
        let module = try engine.compile(WAT.encode(stateful))
        let store = Store(engine: engine)
        let instance = try Linker(store: store).instantiate(module)
        _ = try #require(instance.function("init")).invoke([])
        let snapshot = try InstanceSnapshot(of: instance)
        let probe = try #require(instance.function("probe"))
        let initial = try probe.invoke([])
        let payload = UInt32(littleEndian: Array("payl".utf8).withUnsafeBytes { $0.load(as: UInt32.self) })
        #expect(initial == [.i32(payload), .i32(1234), .i32(77), .i32(1), .i32(1), .i32(2)])
        for _ in 0 ..< 3 {
            _ = try #require(instance.function("mess")).invoke([])
            #expect(try probe.invoke([]) == [.i32(0xdeadbeef), .i32(1234), .i32(UInt32(bitPattern: -1)), .i32(2), .i32(4), .i32(6)])
            try snapshot.restore(into: instance)
            #expect(try probe.invoke([]) == initial)
            // The dropped segment stays dropped; memory past the snapshot's size is gone and
            // reads as zero when grown into again.
            #expect(throws: Trap.self) { try instance.function("reinit")?.invoke([]) }
            #expect(instance.memories[0].grow(by: 3) == 1)
            #expect(try instance.memories[0].linear.read(at: 200000, count: 4) == [0, 0, 0, 0])
            try snapshot.restore(into: instance)
        }
        // Another instance of the module (another store, even) starts from the snapshot
        // with its own functions in the table.
        let otherStore = Store(engine: engine)
        let other = try Linker(store: otherStore).instantiate(module)
        #expect(snapshot.isPortable)
        try snapshot.restore(into: other)
        #expect(try other.function("probe")?.invoke([]) == initial)
        #expect(throws: Trap.self) { try other.function("reinit")?.invoke([]) }
        _ = try other.function("mess")?.invoke([])
        #expect(try probe.invoke([]) == initial)  // the first instance is untouched
        let unrelated = try engine.compile(WAT.encode("(module (memory 1))"))
        #expect(throws: WasmError.self) { try snapshot.restore(into: try Linker(store: store).instantiate(unrelated)) }
    }

    @Test func instantiatingFromASnapshotSkipsSegmentsAndStart() throws {
        BuiltinTiers.register()
        let engine = try Engine(configuration: EngineConfiguration(tier: "jit", bounds: .guard))
        // The start function counts in a global; the data segment writes "seg".
        let module = try engine.compile(WAT.encode("""
            (module (memory (export "memory") 1) (global $n (export "n") (mut i32) (i32.const 0))
              (data (i32.const 0) "seg")
              (func $start (global.set $n (i32.add (global.get $n) (i32.const 1)))) (start $start)
              (func (export "scribble") (i32.store8 (i32.const 0) (i32.const 120)) (global.set $n (i32.const 40))))
            """))
        let store = Store(engine: engine)
        let first = try Linker(store: store).instantiate(module)
        _ = try first.function("scribble")?.invoke([])
        let snapshot = try InstanceSnapshot(of: first)
        let restored = try Linker(store: store).instantiate(module, from: snapshot)
        #expect(try restored.memories[0].linear.read(at: 0, count: 3) == Array("xeg".utf8))
        #expect(restored.globals[0].value == .i32(40))
    }

    @Test(arguments: TierMatrix.configurations)
    func aSnapshotFileRestoresOnAnyTier(configuration: EngineConfiguration) throws {
        BuiltinTiers.register()
        let bytes = try WAT.encode(stateful)
        // Taken on the JIT with guard pages; read back on every configuration.
        let source = try Engine(configuration: EngineConfiguration(tier: "jit", bounds: .guard))
        let store = Store(engine: source)
        let instance = try Linker(store: store).instantiate(try source.compile(bytes))
        _ = try instance.function("init")?.invoke([])
        let expected = try instance.function("probe")?.invoke([])
        let file = try InstanceSnapshot(of: instance).serialized(module: bytes)

        let engine = try Engine(configuration: configuration)
        let module = try engine.compile(bytes)
        let snapshot = try InstanceSnapshot(serialized: file, module: bytes, code: module.code)
        let targetStore = Store(engine: engine)
        let restored = try Linker(store: targetStore).instantiate(module, from: snapshot)
        #expect(try restored.function("probe")?.invoke([]) == expected)
        #expect(throws: Trap.self) { try restored.function("reinit")?.invoke([]) }

        var damaged = file
        damaged[damaged.count / 2] ^= 1
        #expect(throws: WasmError.self) { try InstanceSnapshot(serialized: damaged, module: bytes, code: module.code) }
        #expect(throws: WasmError.self) { try InstanceSnapshot(serialized: Array(file.prefix(40)), module: bytes, code: module.code) }
        let other = try WAT.encode("(module (memory 1))")
        #expect(throws: WasmError.self) { try InstanceSnapshot(serialized: file, module: other, code: module.code) }
    }

    @Test func aSegmentDroppedAfterTheSnapshotComesBack() throws {
        BuiltinTiers.register()
        let engine = try Engine(configuration: EngineConfiguration(tier: "jit", bounds: .guard))
        let module = try engine.compile(WAT.encode(stateful))
        let store = Store(engine: engine)
        let instance = try Linker(store: store).instantiate(module)
        let snapshot = try InstanceSnapshot(of: instance)  // before init: the segment is there
        _ = try instance.function("init")?.invoke([])
        #expect(throws: Trap.self) { try instance.function("reinit")?.invoke([]) }
        try snapshot.restore(into: instance)
        _ = try instance.function("reinit")?.invoke([])
        #expect(try instance.memories[0].linear.read(at: 0, count: 7) == Array("payload".utf8))
    }

    @Test func referencesOfAnotherInstanceKeepASnapshotLocal() throws {
        BuiltinTiers.register()
        let engine = try Engine(configuration: EngineConfiguration(tier: "interp", bounds: .software))
        let module = try engine.compile(WAT.encode("""
            (module (import "env" "f" (func $f (result i32))) (table 1 funcref) (elem (i32.const 0) func $f)
              (func (export "call") (result i32) (call_indirect (result i32) (i32.const 0))))
            """))
        let store = Store(engine: engine)
        let linker = Linker(store: store)
        linker.define(module: "env", name: "f", .function(.host(FunctionType(results: [.i32])) { $0.setI32(0, 9) }))
        let instance = try linker.instantiate(module)
        let snapshot = try InstanceSnapshot(of: instance)
        // The imported function is in the index space: the snapshot stays portable.
        #expect(snapshot.isPortable)
        try snapshot.restore(into: try linker.instantiate(module))
        #expect(try instance.function("call")?.invoke([]) == [.i32(9)])
    }
}

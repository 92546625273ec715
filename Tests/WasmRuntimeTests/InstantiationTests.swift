import Interpreter
import JIT
import Testing
import TestSupport
import WAT
import WasmCore
import WasmRuntime

/// What the instantiation fast paths must keep: recycled stacks and code pages, export
/// lookup without an index, function names looked up late.
@Suite struct InstantiationTests {
    static let tiers = TierMatrix.tiers

    static func instance(_ text: String, tier: String, bounds: BoundsStrategy = .software) throws -> (Linker, Instance) {
        InterpreterTier.register()
        JITTier.register()
        let store = Store(configuration: StoreConfiguration(tier: tier, bounds: bounds))
        let linker = Linker(store: store)
        let instance = try linker.instantiate(CompiledModule(bytes: WAT.encode(text), store: store))
        return (linker, instance)
    }

    /// A store built on a recycled stack sees zeroed locals, though the stack's last store
    /// left other values in those slots.
    @Test(arguments: tiers) func recycledStacksStartClean(tier: String) throws {
        let dirty = """
            (module (func $f (export "f") (param i32) (result i32) (local i64 i64 i64)
              (local.set 1 (i64.const -1)) (local.set 2 (i64.const -1)) (local.set 3 (i64.const -1))
              (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
                (else (call $f (i32.sub (local.get 0) (i32.const 1)))))))
            """
        let clean = """
            (module (func $g (export "g") (param i32) (result i64) (local i64 i64 i64)
              (if (result i64) (i32.eqz (local.get 0))
                (then (i64.or (local.get 1) (i64.or (local.get 2) (local.get 3))))
                (else (i64.or (local.get 1) (call $g (i32.sub (local.get 0) (i32.const 1))))))))
            """
        for _ in 0..<3 {
            do {
                let (linker, instance) = try Self.instance(dirty, tier: tier)
                #expect(try instance.function("f")?.invoke([.i32(200)]) == [.i32(0)])
                _ = linker
            }
            let (linker, instance) = try Self.instance(clean, tier: tier)
            #expect(try instance.function("g")?.invoke([.i32(200)]) == [.i64(0)])
            _ = linker
        }
    }

    /// Modules compiled one after another (the JIT reuses released code pages) each run
    /// their own code.
    /// Functions reach their store through its `StoreLink`: once the store is gone, the
    /// link reads nil and a call traps instead of using freed memory.
    @Test(arguments: tiers) func functionsOutlivingTheirStoreTrap(tier: String) throws {
        var (linker, instance): (Linker?, Instance?) = try Self.instance(
            "(module (func (export \"f\") (result i32) (i32.const 7)))", tier: tier)
        let f = try #require(instance?.function("f"))
        let link = try #require(linker?.store.link)
        #expect(try f.invoke([]) == [.i32(7)])
        #expect(link.store === linker?.store)
        (linker, instance) = (nil, nil)
        #expect(link.store == nil)
        #expect(throws: Trap.self) { try f.invoke([]) }
    }

    @Test(arguments: tiers) func successiveModulesRunTheirOwnCode(tier: String) throws {
        for k in 0..<24 {
            let (linker, instance) = try Self.instance(
                "(module (func (export \"k\") (result i32) (i32.const \(k * 7919))))", tier: tier)
            #expect(try instance.function("k")?.invoke([]) == [.i32(UInt32(k * 7919))])
            _ = linker
        }
    }

    /// Few exports are searched in order, many through an index built on first use; both
    /// match names byte for byte.
    @Test(arguments: [3, 40]) func exportsAreFoundByExactName(count: Int) throws {
        var text = "(module (func $f (result i32) (i32.const 1))"
        for i in 0..<count { text += " (export \"e\(i)\" (func $f))" }
        text += " (export \"caf\\c3\\a9\" (func $f)))"
        let (linker, instance) = try Self.instance(text, tier: "interp")
        for i in 0..<count { #expect(instance.function("e\(i)") != nil) }
        #expect(instance.function("e\(count)") == nil)
        #expect(instance.function("caf\u{E9}") != nil)
        // The same text, decomposed: canonically equivalent, different bytes.
        #expect(instance.function("cafe\u{301}") == nil)
        #expect(instance.exports.count == count + 1)
        _ = linker
    }

    /// Names are looked up when a trace needs them: the export name, or func[index].
    @Test(arguments: tiers) func trapsNameTheirFunctions(tier: String) throws {
        let (linker, instance) = try Self.instance("""
            (module (func (unreachable)) (func (export "outer") (call 0)))
            """, tier: tier)
        let outer = try #require(instance.function("outer"))
        do throws(Trap) {
            _ = try outer.invoke([])
            Issue.record("no trap")
        } catch let trap {
            #expect(trap.reason == .unreachable)
            #expect(trap.backtrace.contains("outer"))
            #expect(trap.backtrace.contains("func[0]"))
        }
        _ = linker
    }

    /// An instantiation whose start function traps leaves a usable process: later
    /// stores of either strategy still work (pools are not left holding broken state).
    @Test(arguments: tiers) func failedInstantiationDoesNotPoisonPools(tier: String) throws {
        #expect(throws: Trap.self) {
            _ = try Self.instance("(module (memory 1) (func $s (unreachable)) (start $s))", tier: tier)
        }
        for bounds in [BoundsStrategy.software, .guard] where TrapGuard.isSupported || bounds == .software {
            let (linker, instance) = try Self.instance("""
                (module (memory 1) (data (i32.const 8) "\\2a")
                  (func (export "r") (result i32) (i32.load8_u (i32.const 8))))
                """, tier: tier, bounds: bounds)
            #expect(try instance.function("r")?.invoke([]) == [.i32(42)])
            _ = linker
        }
    }
}

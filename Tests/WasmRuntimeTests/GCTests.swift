import Foundation
import Testing
import Tiers
import TestSupport
import WAT
import WasmCore
import WasmRuntime

/// The garbage collector on every tier and safe strategy: what it must keep (objects
/// reachable only from deep frames, compiled frames, tables, host handles), what it must
/// free (garbage, cycles), and its limit.
@Suite struct GCTests {
    static let configurations = TierMatrix.configurations

    static let text = """
        (module
          (type $node (struct (field $v i32) (field $next (mut (ref null $node)))))
          (type $bytes (array (mut i8)))
          (table $t 4 anyref)

          ;; Allocates `n` arrays of 64 KiB that die at once: about 4 MiB per 64.
          (func $churn (param $n i32)
            (loop $l
              (drop (array.new_default $bytes (i32.const 65536)))
              (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $l)))

          ;; Each frame keeps a node in a local only; the deepest frame churns 64 MiB;
          ;; on the way back every frame checks its node.
          (func $deep (export "deep") (param $depth i32) (result i32)
            (local $mine (ref null $node))
            (local.set $mine (struct.new $node (local.get $depth) (ref.null $node)))
            (if (i32.eqz (local.get $depth))
              (then (call $churn (i32.const 1024)))
              (else (drop (call $deep (i32.sub (local.get $depth) (i32.const 1))))))
            (if (i32.ne (struct.get $node $v (local.get $mine)) (local.get $depth)) (then (unreachable)))
            (local.get $depth))

          ;; A list of `n` nodes kept only in table slot 0.
          (func (export "store") (param $n i32)
            (local $l (ref null $node))
            (loop $b
              (local.set $l (struct.new $node (local.get $n) (local.get $l)))
              (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $b))
            (table.set $t (i32.const 0) (local.get $l)))
          (func (export "churn") (param i32) (call $churn (local.get 0)))
          (func (export "sum") (result i32)
            (local $l (ref null $node)) (local $s i32)
            (local.set $l (ref.cast (ref null $node) (table.get $t (i32.const 0))))
            (block $done
              (loop $w
                (br_if $done (ref.is_null (local.get $l)))
                (local.set $s (i32.add (local.get $s) (struct.get $node $v (local.get $l))))
                (local.set $l (struct.get $node $next (local.get $l)))
                (br $w)))
            (local.get $s))

          ;; `n` two-node cycles, each dropped at once.
          (func (export "cycles") (param $n i32)
            (local $a (ref null $node)) (local $b (ref null $node))
            (loop $l
              (local.set $a (struct.new $node (i32.const 1) (ref.null $node)))
              (local.set $b (struct.new $node (i32.const 2) (local.get $a)))
              (struct.set $node $next (local.get $a) (local.get $b))
              (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $l)))

          ;; Keeps every node: runs into the heap limit.
          (func (export "hoard") (param $n i32) (result i32)
            (local $l (ref null $node))
            (loop $b
              (local.set $l (struct.new $node (local.get $n) (local.get $l)))
              (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $b))
            (struct.get $node $v (local.get $l)))

          ;; `n` short-lived nodes; returns the sum of their values.
          (func (export "shortLived") (param $n i32) (result i32)
            (local $s i32)
            (loop $l
              (local.set $s (i32.add (local.get $s)
                (struct.get $node $v (struct.new $node (local.get $n) (ref.null $node)))))
              (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $l))
            (local.get $s))

          (func (export "make") (param i32) (result (ref $node)) (struct.new $node (local.get 0) (ref.null $node)))
          (func (export "value") (param (ref $node)) (result i32) (struct.get $node $v (local.get 0)))
          (func (export "bytes") (result (ref $bytes))
            (array.new_fixed $bytes 3 (i32.const 1) (i32.const 255) (i32.const 3)))
        )
        """

    static func instance(_ configuration: EngineConfiguration, heapLimit: Int? = nil) throws -> (Store, Instance) {
        BuiltinTiers.register()
        var limits = StoreConfiguration()
        if let heapLimit { limits.maxGCHeapBytes = heapLimit }
        let engine = try Engine(configuration: configuration)
        let store = Store(engine: engine, limits: limits)
        let instance = try Linker(store: store).instantiate(engine.compile(WAT.encode(text)))
        return (store, instance)
    }

    @Test(arguments: configurations)
    func objectsOfDeepFramesSurviveCollection(configuration: EngineConfiguration) throws {
        let (store, instance) = try Self.instance(configuration)
        #expect(try exported(instance, "deep").invoke([.i32(2000)]) == [.i32(2000)])
        #expect(store.gcHeap.statistics.collections > 0)
    }

    @Test(arguments: configurations)
    func objectsOnlyInTablesSurvive(configuration: EngineConfiguration) throws {
        let (store, instance) = try Self.instance(configuration)
        #expect(try exported(instance, "store").invoke([.i32(1000)]) == [])
        #expect(try exported(instance, "churn").invoke([.i32(512)]) == [])
        #expect(store.gcHeap.statistics.collections > 0)
        #expect(try exported(instance, "sum").invoke([]) == [.i32(500_500)])
    }

    @Test(arguments: configurations)
    func cyclesAreCollected(configuration: EngineConfiguration) throws {
        let (store, instance) = try Self.instance(configuration)
        #expect(try exported(instance, "cycles").invoke([.i32(1_000_000)]) == [])
        let statistics = store.gcHeap.statistics
        #expect(statistics.collections > 0)
        #expect(statistics.freedObjects > 1_000_000)
        // 2,000,000 nodes of 32 bytes are 64 MiB: collected, the heap stays far smaller.
        #expect(store.gcHeap.heapBytes < 32 << 20)
    }

    @Test(arguments: configurations)
    func theHeapLimitTrapsAndTheStoreGoesOn(configuration: EngineConfiguration) throws {
        let (store, instance) = try Self.instance(configuration, heapLimit: 16 << 20)
        let failure = trap { _ = try exported(instance, "hoard").invoke([.i32(10_000_000)]) }
        #expect(failure?.reason == .heapExhausted)
        #expect(store.gcHeap.heapBytes <= 16 << 20)
        #expect(try exported(instance, "shortLived").invoke([.i32(1000)]) == [.i32(500_500)])
    }

    @Test(arguments: configurations)
    func hostHeldObjectsSurvive(configuration: EngineConfiguration) throws {
        let (store, instance) = try Self.instance(configuration)
        let held = try exported(instance, "make").invoke([.i32(42)])
        guard case .ref(.object(let node))? = held.first else {
            Issue.record("expected an object, got \(held)")
            return
        }
        #expect(try exported(instance, "churn").invoke([.i32(512)]) == [])
        #expect(try exported(instance, "value").invoke(held) == [.i32(42)])
        #expect(store.gcHeap.statistics.collections > 0)
        // The host reads fields and elements (packed ones zero-extended).
        #expect(node.count == 2 && node.value(at: 0) == .i32(42) && node.value(at: 2) == nil)
        #expect(node.value(at: 1)?.isNullReference == true)
        guard case .ref(.object(let bytes))? = try exported(instance, "bytes").invoke([]).first else {
            Issue.record("expected an array")
            return
        }
        #expect(bytes.isArray && bytes.count == 3 && bytes.value(at: 1) == .i32(255))
    }

    /// Constant expressions allocate in the store's heap: past its limit instantiation
    /// fails cleanly, and an object converted to an externref is an externref global.
    @Test func constantExpressionsAllocateWithinTheLimit() throws {
        BuiltinTiers.register()
        let linker = Linker(store: Store())
        let tooLarge = try WAT.encode("""
            (module (type $a (array i8))
              (global (ref $a) (array.new $a (i32.const 0) (i32.const 0x7fffffff))))
            """)
        #expect(throws: WasmError.self) { try linker.instantiate(CompiledModule(bytes: tooLarge, store: linker.store)) }
        let converted = try WAT.encode("""
            (module (type $s (struct (field i32)))
              (global (export "g") externref (extern.convert_any (struct.new $s (i32.const 5)))))
            """)
        let instance = try linker.instantiate(CompiledModule(bytes: converted, store: linker.store))
        guard case .global(let g)? = instance.export("g"), case .ref(.object(let o)) = g.value else {
            Issue.record("expected an object in the externref global")
            return
        }
        #expect(!o.isArray)
    }

    /// 10^8 short-lived objects on the JIT in bounded memory. The bound is asserted on
    /// what the heap held at its peak: the process's resident size, printed for the
    /// record, also grows with the other tests that run in this process at the same time.
    @Test func hundredMillionShortLivedObjectsStayBounded() throws {
        let (store, instance) = try Self.instance(EngineConfiguration(tier: "jit", bounds: .guard))
        let before = EngineTests.residentBytes()
        let n: UInt32 = 100_000_000
        let expected = UInt32(truncatingIfNeeded: UInt64(n) * UInt64(n + 1) / 2)
        #expect(try exported(instance, "shortLived").invoke([.i32(n)]) == [.i32(expected)])
        let after = EngineTests.residentBytes()
        let statistics = store.gcHeap.statistics
        print("GC stress: 10^8 objects, resident \(before >> 20) MiB before, \(after >> 20) MiB after, "
              + "\(statistics.collections) collections, GC heap \(store.gcHeap.heapBytes >> 20) MiB "
              + "(peak \(statistics.peakHeapBytes >> 20) MiB)")
        #expect(statistics.allocatedObjects >= Int(n))
        #expect(store.gcHeap.heapBytes < 64 << 20)
        #expect(statistics.peakHeapBytes < 16 << 20)
    }
}

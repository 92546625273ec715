import Testing
import JIT
import WAT
import WasmCore
import WasmRuntime

/// `Engine.precompile` and `Engine.load(precompiled:)`: the loaded code behaves as the
/// compiled one (results, traps by check and by fault, exceptions, calls into the
/// interpreter and the host, fuel), and every kind of mismatch or damage is refused.
@Suite struct PrecompiledModuleTests {
    static let producer = "wasmlab tests"

    static let text = """
        (module
          (type $t (func (param i32) (result i32)))
          (import "host" "double" (func $double (param i32) (result i32)))
          (table 2 funcref)
          (memory 1)
          (tag $e (param i32))
          (elem (i32.const 0) $inc $double)
          (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
          (func (export "indirect") (param i32 i32) (result i32)
            (call_indirect (type $t) (local.get 1) (local.get 0)))
          (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
          (func (export "catch") (param i32) (result i32)
            (block $caught (result i32)
              (try_table (catch $e $caught) (throw $e (local.get 0)))
              (i32.const -1)))
          (func (export "vector") (param i32) (result i32)
            (i32x4.extract_lane 3 (i32x4.splat (local.get 0))))
          (func (export "spin") (loop (br 0))))
        """

    static func engine(_ bounds: BoundsStrategy, fuel: Bool = false) throws -> Engine {
        JITTier.register()
        return try Engine(configuration: .init(tier: "jit", bounds: bounds, countsFuel: fuel))
    }

    /// An instance in a fresh store, with the linker that keeps the store alive.
    static func instance(_ module: CompiledModule, _ engine: Engine,
                         limits: StoreConfiguration = .init()) throws -> (Linker, Instance) {
        let linker = Linker(store: Store(engine: engine, limits: limits))
        let double = Function(type: FunctionType(parameters: [.i32], results: [.i32]), name: "double") { values in
            guard case .i32(let v)? = values.first else { return [.i32(0)] }
            return [.i32(v &* 2)]
        }
        linker.define(module: "host", name: "double", .function(double))
        return (linker, try linker.instantiate(module))
    }

    static func call(_ instance: Instance, _ name: String, _ args: [UInt32]) throws(Trap) -> UInt32? {
        guard case .i32(let v)? = try instance.function(name)?.invoke(args.map { .i32($0) }).first else { return nil }
        return v
    }

    @Test(arguments: [BoundsStrategy.software, .guard])
    func loadedCodeRunsLikeTheCompiledCode(bounds: BoundsStrategy) throws {
        guard JITTier.isSupported else { return }
        let engine = try Self.engine(bounds)
        let bytes = try Engine.precompiledConfiguration(try engine.precompile(WAT.encode(Self.text), producer: Self.producer))
        #expect(bytes == engine.configuration)
        let archive = try engine.precompile(WAT.encode(Self.text), producer: Self.producer)
        let loaded = try engine.load(precompiled: archive, producer: Self.producer)
        // Several stores from one loaded module.
        for _ in 0..<3 {
            let (linker, instance) = try Self.instance(loaded, engine)
            defer { withExtendedLifetime(linker) {} }
            #expect(try Self.call(instance, "indirect", [0, 41]) == 42)
            #expect(try Self.call(instance, "indirect", [1, 21]) == 42)
            #expect(try Self.call(instance, "catch", [7]) == 7)
            #expect(try Self.call(instance, "vector", [9]) == 9)
            #expect(try Self.call(instance, "load", [8]) == 0)
            // Out of bounds: an explicit check (software) or a fault in the loaded code (guard).
            #expect(trapReason { try instance.function("load")!.invoke([.i32(65534)]) } == .outOfBoundsMemoryAccess)
            #expect(trapReason { try instance.function("indirect")!.invoke([.i32(5), .i32(1)]) } == .undefinedElement)
        }
    }

    @Test func fuelCountingSurvivesTheRoundTrip() throws {
        guard JITTier.isSupported else { return }
        let engine = try Self.engine(.guard, fuel: true)
        let loaded = try engine.load(precompiled: engine.precompile(WAT.encode(Self.text), producer: Self.producer),
                                     producer: Self.producer)
        var limits = StoreConfiguration()
        limits.fuel = 10_000
        let (linker, instance) = try Self.instance(loaded, engine, limits: limits)
        defer { withExtendedLifetime(linker) {} }
        #expect(trapReason { try instance.function("spin")!.invoke([]) } == .interrupted)
    }

    @Test func mismatchesAndDamageAreRefused() throws {
        guard JITTier.isSupported else { return }
        let guardEngine = try Self.engine(.guard)
        let archive = try guardEngine.precompile(WAT.encode(Self.text), producer: Self.producer)
        func refusal(_ engine: Engine, _ bytes: [UInt8], producer: String = Self.producer) -> String? {
            do {
                _ = try engine.load(precompiled: bytes, producer: producer)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(refusal(guardEngine, archive) == nil)
        #expect(refusal(guardEngine, archive, producer: "another build")?.contains("precompiled by wasmlab tests") == true)
        #expect(refusal(try Self.engine(.software), archive)?.contains("bounds guard") == true)
        #expect(refusal(try Self.engine(.guard, fuel: true), archive)?.contains("fuel counting off") == true)
        var damaged = archive
        damaged[damaged.count / 2] ^= 0x40
        #expect(refusal(guardEngine, damaged)?.contains("checksum") == true)
        #expect(refusal(guardEngine, Array(archive.prefix(40))) != nil)
        #expect(refusal(guardEngine, Array(archive.prefix(4))) != nil)
        #expect(refusal(guardEngine, try WAT.encode(Self.text))?.contains("not a precompiled module") == true)
    }
}

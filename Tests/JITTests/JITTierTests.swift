import Glibc
import Testing
import Interpreter
import JIT
import TestSupport
import WAT
import WasmCore
import WasmDecoder
import WasmRuntime
import WasmValidator

/// A linker whose store runs the JIT (interpreter registered too, for comparisons).
func jitLinker(tier: String = "jit", bounds: BoundsStrategy = .software, maxCallDepth: Int = 20_000) -> Linker {
    InterpreterTier.register()
    JITTier.register()
    if tier == "jit-arm64" { JITTier.registerARM64() }
    var configuration = StoreConfiguration()
    configuration.tier = tier
    configuration.maxCallDepth = maxCallDepth
    configuration.bounds = bounds
    let linker = Linker(store: Store(configuration: configuration))
    linker.defineSpectest()
    return linker
}

/// Both compiled tiers (jit-arm64 where the emulator loads) under every safe strategy:
/// what every JIT must do alike.
let compiledConfigurations: [(String, BoundsStrategy)] = ["jit", "jit-arm64"]
    .filter { $0 == "jit" || JITTier.isARM64Supported }
    .flatMap { tier in TierMatrix.safeStrategies.map { (tier, $0) } }

func instantiate(_ wat: String, _ linker: Linker) throws -> Instance {
    try linker.instantiate(bytes: WAT.encode(wat))
}

/// The reason of the trap `body` throws (nil when it returns).
func trapReason(_ body: () throws -> [Value]) -> TrapReason? {
    do {
        _ = try body()
        return nil
    } catch let trap as Trap {
        return trap.reason
    } catch {
        return nil
    }
}

func call(_ instance: Instance, _ name: String, _ args: [Value]) throws -> [Value] {
    try #require(instance.function(name)).invoke(args)
}

@Suite(.enabled(if: JITTier.isSupported)) struct JITTierTests {
    @Test(arguments: [BoundsStrategy.software, .guard])
    func callsIntoAnotherInstanceKeepTheCallersMemory(bounds: BoundsStrategy) throws {
        let linker = jitLinker(bounds: bounds)
        let b = try instantiate("""
            (module (memory 1) (data (i32.const 0) "\\02")
              (func (export "peek") (result i32) (i32.load8_u (i32.const 0))))
            """, linker)
        linker.register(b, as: "B")
        let a = try instantiate("""
            (module (import "B" "peek" (func $peek (result i32))) (memory 1) (data (i32.const 0) "\\07")
              (func (export "both") (result i32)
                (i32.add (i32.mul (call $peek) (i32.const 10)) (i32.load8_u (i32.const 0)))))
            """, linker)
        #expect(try call(a, "both", []) == [.i32(27)])
    }

    @Test func integerArithmeticMatchesTheSpec() throws {
        let linker = jitLinker()
        defer { withExtendedLifetime(linker) {} }
        let i = try instantiate("""
            (module
              (func (export "mix") (param i32 i32) (result i32)
                local.get 0 local.get 1 i32.mul i32.const 7 i32.add local.get 1 i32.rotl)
              (func (export "div_s") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_s)
              (func (export "rem_s") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rem_s)
              (func (export "clz") (param i64) (result i64) local.get 0 i64.clz)
              (func (export "shr") (param i32 i32) (result i32) local.get 0 local.get 1 i32.shr_s))
            """, linker)
        let mixed: UInt32 = (3 * 4 + 7) << 4
        #expect(try call(i, "mix", [.i32(3), .i32(4)]) == [.i32(mixed)])
        #expect(try call(i, "div_s", [.i64(UInt64(bitPattern: -7)), .i64(2)]) == [.i64(UInt64(bitPattern: -3))])
        #expect(try call(i, "rem_s", [.i32(0x8000_0000), .i32(UInt32.max)]) == [.i32(0)])
        #expect(try call(i, "clz", [.i64(1)]) == [.i64(63)])
        #expect(try call(i, "shr", [.i32(0x8000_0000), .i32(33)]) == [.i32(0xC000_0000)])
    }

    @Test func trapsReportTheSpecReason() throws {
        let linker = jitLinker()
        defer { withExtendedLifetime(linker) {} }
        let i = try instantiate("""
            (module (memory 1)
              (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_u)
              (func (export "overflow") (param i64) (result i64) local.get 0 i64.const -1 i64.div_s)
              (func (export "load") (param i32) (result i64) local.get 0 i64.load offset=8)
              (func (export "unreachable") unreachable))
            """, linker)
        #expect(trapReason { try call(i, "div", [.i32(1), .i32(0)]) } == .integerDivideByZero)
        #expect(trapReason { try call(i, "overflow", [.i64(1 << 63)]) } == .integerOverflow)
        #expect(try call(i, "load", [.i32(65536 - 16)]) == [.i64(0)])
        #expect(trapReason { try call(i, "load", [.i32(65536 - 15)]) } == .outOfBoundsMemoryAccess)
        #expect(trapReason { try call(i, "load", [.i32(UInt32.max)]) } == .outOfBoundsMemoryAccess)
        #expect(trapReason { try call(i, "unreachable", []) } == .unreachable)
        // The store stays usable after a trap unwound the native frames.
        #expect(try call(i, "div", [.i32(9), .i32(3)]) == [.i32(3)])
    }

    @Test func floatsKeepNaNsAndSigns() throws {
        let linker = jitLinker()
        defer { withExtendedLifetime(linker) {} }
        let i = try instantiate("""
            (module
              (func (export "neg") (param f64) (result f64) local.get 0 f64.neg)
              (func (export "lt") (param f32 f32) (result i32) local.get 0 local.get 1 f32.lt)
              (func (export "ne") (param f64 f64) (result i32) local.get 0 local.get 1 f64.ne)
              (func (export "min") (param f32 f32) (result f32) local.get 0 local.get 1 f32.min)
              (func (export "hyp") (param f64 f64) (result f64)
                local.get 0 local.get 0 f64.mul local.get 1 local.get 1 f64.mul f64.add f64.sqrt))
            """, linker)
        let nan: UInt64 = 0x7FF4_0000_0000_0001
        #expect(try call(i, "neg", [.f64(nan)]) == [.f64(nan | 1 << 63)])
        #expect(try call(i, "lt", [.f32(Float(1).bitPattern), .f32(Float.nan.bitPattern)]) == [.i32(0)])
        #expect(try call(i, "ne", [.f64(Double.nan.bitPattern), .f64(Double.nan.bitPattern)]) == [.i32(1)])
        #expect(try call(i, "min", [.f32(Float(-0.0).bitPattern), .f32(Float(0).bitPattern)]) == [.f32(Float(-0.0).bitPattern)])
        #expect(try call(i, "hyp", [.f64(Double(3).bitPattern), .f64(Double(4).bitPattern)]) == [.f64(Double(5).bitPattern)])
    }

    @Test func controlFlowAndBranchTables() throws {
        let linker = jitLinker()
        defer { withExtendedLifetime(linker) {} }
        let i = try instantiate("""
            (module
              (func (export "sum") (param i32) (result i32) (local i32)
                (block (loop
                  (br_if 1 (i32.eqz (local.get 0)))
                  (local.set 1 (i32.add (local.get 1) (local.get 0)))
                  (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                  (br 0)))
                (local.get 1))
              (func (export "switch") (param i32) (result i32)
                (block (block (block (block
                  (br_table 0 1 2 3 (local.get 0)))
                  (return (i32.const 10)))
                  (return (i32.const 11)))
                  (return (i32.const 12)))
                (i32.const 13))
              (func (export "value") (param i32) (result i32)
                (block (result i32) (i32.const 5) (local.get 0) (br_if 0) (drop) (i32.const 6))))
            """, linker)
        #expect(try call(i, "sum", [.i32(100)]) == [.i32(5050)])
        #expect(try (0..<6).map { try call(i, "switch", [.i32($0)]) } == [[.i32(10)], [.i32(11)], [.i32(12)], [.i32(13)], [.i32(13)], [.i32(13)]])
        #expect(try call(i, "value", [.i32(1)]) == [.i32(5)])
        #expect(try call(i, "value", [.i32(0)]) == [.i32(6)])
    }

    @Test func callsAcrossHostInterpreterAndJIT() throws {
        let linker = jitLinker()
        defer { withExtendedLifetime(linker) {} }
        let double = Function(type: FunctionType(parameters: [.i32], results: [.i32])) { args in
            guard case .i32(let v) = args[0] else { return [] }
            return [.i32(v &* 2)]
        }
        linker.define(module: "env", name: "double", .function(double))
        // `viaInterp` has a v128 local, which the JIT leaves to the interpreter:
        // JIT -> interpreter -> JIT and interpreter -> host in one call chain.
        let i = try instantiate("""
            (module
              (import "env" "double" (func $double (param i32) (result i32)))
              (type $t (func (param i32) (result i32)))
              (table 3 funcref) (elem (i32.const 0) $fac $viaIf $viaInterp)
              (func $fac (param i32) (result i32)
                (if (result i32) (i32.le_s (local.get 0) (i32.const 1))
                  (then (i32.const 1))
                  (else (i32.mul (local.get 0) (call $fac (i32.sub (local.get 0) (i32.const 1)))))))
              (func $viaIf (param i32) (result i32)
                (local.get 0) (i32.ge_s (local.get 0) (i32.const 10))
                (if (param i32) (result i32) (then (call $double)) (else (call $fac))))
              (func $viaInterp (param i32) (result i32) (local v128)
                (i32.add (call $double (local.get 0)) (call $fac (i32.const 3))))
              (func (export "indirect") (param i32 i32) (result i32)
                (call_indirect (type $t) (local.get 1) (local.get 0))))
            """, linker)
        #expect(try call(i, "indirect", [.i32(0), .i32(5)]) == [.i32(120)])
        #expect(try call(i, "indirect", [.i32(1), .i32(21)]) == [.i32(42)])
        #expect(try call(i, "indirect", [.i32(1), .i32(4)]) == [.i32(24)])
        #expect(try call(i, "indirect", [.i32(2), .i32(10)]) == [.i32(26)])
        #expect(trapReason { try call(i, "indirect", [.i32(3), .i32(1)]) } == .undefinedElement)
    }

    @Test func runawayRecursionIsCallStackExhausted() throws {
        let linker = jitLinker()
        defer { withExtendedLifetime(linker) {} }
        let i = try instantiate("""
            (module (func $f (export "f") (param i64) (result i64) (i64.add (call $f (local.get 0)) (i64.const 1))))
            """, linker)
        #expect(trapReason { try call(i, "f", [.i64(0)]) } == .callStackExhausted)
        #expect(trapReason { try call(i, "f", [.i64(0)]) } == .callStackExhausted)
    }

    @Test(.enabled(if: TrapGuard.isSupported)) func guardPagesTurnFaultsIntoTraps() throws {
        let linker = jitLinker(bounds: .guard)
        defer { withExtendedLifetime(linker) {} }
        let i = try instantiate("""
            (module (memory 1 3)
              (func (export "load") (param i32) (result i32) local.get 0 i32.load offset=4)
              (func (export "store") (param i32 i64) local.get 0 local.get 1 i64.store)
              (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))
            """, linker)
        #expect(try call(i, "load", [.i32(65532 - 4)]) == [.i32(0)])
        // No compare in the code: the access faults in the guard region.
        for _ in 0..<100 {
            #expect(trapReason { try call(i, "load", [.i32(65533 - 4)]) } == .outOfBoundsMemoryAccess)
        }
        #expect(trapReason { try call(i, "store", [.i32(UInt32.max), .i64(1)]) } == .outOfBoundsMemoryAccess)
        #expect(try call(i, "grow", [.i32(1)]) == [.i32(1)])
        #expect(try call(i, "store", [.i32(65536 + 100), .i64(0x1234_5678)]) == [])
        #expect(try call(i, "load", [.i32(65536 + 96)]) == [.i32(0x1234_5678)])
    }

    @Test func compilesEveryFunctionAndReportsFallbacks() throws {
        let bytes = try WAT.encode("""
            (module
              (func (param i32) (result i32) local.get 0 i32.const 1 i32.add)
              (func (param v128) (result v128) local.get 0))
            """)
        let module = try decodeModule(bytes, features: .wasm3)
        let all = try JITTier.shared.compileModule(module, validator: ModuleValidator(module: module, features: .wasm3))
        #expect(all.statistics.compiledFunctions == 2)
        #expect(all.statistics.interpretedFunctions == 0)
        #expect(all.statistics.codeBytes > 0)
        let code = try JITTier.$interpretedFunctions.withValue([1]) {
            try JITTier.shared.compileModule(module, validator: ModuleValidator(module: module, features: .wasm3))
        }
        #expect(code.statistics.compiledFunctions == 1)
        #expect(code.statistics.interpretedFunctions == 1)
        #expect(code.statistics.unsupported == ["left to the interpreter on request": 1])
    }
}

/// The native stack limit belongs to the thread that runs: threads of different stack
/// sizes, one after another (a new thread may reuse an old one's `pthread_t`), each trap
/// deep recursion as `callStackExhausted` instead of overflowing their stack.
@Suite struct NativeStackLimitTests {
    static let recursion = """
        (module (func $r (export "r") (param i32) (result i32)
          (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
            (else (i32.add (i32.const 1) (call $r (i32.sub (local.get 0) (i32.const 1))))))))
        """

    /// Runs `body` on a new thread with a stack of `bytes` and waits for it.
    static func onThread(stack bytes: Int, _ body: @escaping () -> Void) {
        final class Box { let body: () -> Void; init(_ body: @escaping () -> Void) { self.body = body } }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, bytes)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        pthread_create(&thread, &attributes, { raw in
            Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, context)
        pthread_attr_destroy(&attributes)
        pthread_join(thread, nil)
    }

    @Test func eachThreadGetsItsOwnLimit() throws {
        guard JITTier.isSupported else { return }
        JITTier.register()
        let bytes = try WAT.encode(Self.recursion)
        var configuration = StoreConfiguration(tier: "jit", bounds: .guard)
        configuration.maxCallDepth = 10_000_000
        configuration.valueStackSlots = 1 << 26
        let engine = try Engine(configuration: configuration.engine)
        let module = try engine.compile(bytes)
        nonisolated(unsafe) var reasons: [TrapReason?] = []
        for round in 0..<12 {
            let stack = round % 2 == 0 ? 32 << 20 : 256 << 10
            Self.onThread(stack: stack) {
                let reason: TrapReason?
                do {
                    let store = Store(engine: engine, limits: configuration)
                    let instance = try Linker(store: store).instantiate(module)
                    _ = try instance.function("r")!.invoke([.i32(5_000_000)])
                    reason = nil
                } catch let trap as Trap {
                    reason = trap.reason
                } catch {
                    reason = .hostError
                }
                reasons.append(reason)
            }
        }
        #expect(reasons.count == 12)
        #expect(reasons.allSatisfy { $0 == .callStackExhausted })
    }
}

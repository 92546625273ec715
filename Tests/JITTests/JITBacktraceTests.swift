import Testing
import Interpreter
import JIT
import WAT
import WasmCore
import WasmRuntime

/// Traps in compiled code report every Wasm frame: walked from the trap's native frame
/// (explicit checks under `software`, signals under `guard`), mixed with the interpreter's
/// frames when the tiers call each other, named from the name section.
@Suite(.enabled(if: JITTier.isSupported && TrapGuard.isSupported)) struct JITBacktraceTests {
    /// `wat` encoded with its function identifiers in a name section.
    static func named(_ wat: String) throws -> [UInt8] { try WAT.encode(wat, debugNames: true) }

    static func trap(_ bytes: [UInt8], bounds: BoundsStrategy, _ export: String, _ args: [Value]) throws -> Trap? {
        let linker = jitLinker(bounds: bounds)
        let instance = try linker.instantiate(bytes: bytes)
        do {
            _ = try #require(instance.function(export)).invoke(args)
            return nil
        } catch let trap as Trap {
            return trap
        }
    }

    static let threeDeep = """
        (module (memory 1)
          (func $inner (param i32) (result i32) (i32.load (local.get 0)))
          (func $middle (param i32) (result i32) (call $inner (local.get 0)))
          (func $outer (export "outer") (param i32) (result i32) (call $middle (local.get 0)))
          (func $quotient (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
          (func $caller (param i32) (result i32) (call $quotient (i32.const 1) (local.get 0)))
          (func $divide (export "divide") (param i32) (result i32) (call $caller (local.get 0))))
        """

    @Test(arguments: [BoundsStrategy.software, .guard])
    func outOfBoundsThreeCallsDeepNamesEveryFrame(bounds: BoundsStrategy) throws {
        let bytes = try Self.named(Self.threeDeep)
        // software: an explicit check; guard: the access faults and the signal handler resumes.
        let trap = try #require(try Self.trap(bytes, bounds: bounds, "outer", [.i32(70_000)]))
        #expect(trap.reason == .outOfBoundsMemoryAccess)
        #expect(trap.backtrace == ["inner", "middle", "outer"])
    }

    @Test(arguments: [BoundsStrategy.software, .guard])
    func divideByZeroThreeCallsDeepNamesEveryFrame(bounds: BoundsStrategy) throws {
        let bytes = try Self.named(Self.threeDeep)
        let trap = try #require(try Self.trap(bytes, bounds: bounds, "divide", [.i32(0)]))
        #expect(trap.reason == .integerDivideByZero)
        #expect(trap.backtrace == ["quotient", "caller", "divide"])
    }

    @Test func recursionToStackExhaustionIsRunLengthEncoded() throws {
        let bytes = try Self.named("""
            (module (func $down (export "down") (param i32) (result i32) (call $down (i32.add (local.get 0) (i32.const 1)))))
            """)
        let trap = try #require(try Self.trap(bytes, bounds: .software, "down", [.i32(0)]))
        #expect(trap.reason == .callStackExhausted)
        #expect(trap.backtrace.prefix(100).allSatisfy { $0 == "down" })
        #expect(trap.backtrace.count == 101)
        #expect(trap.backtrace.last?.hasSuffix("more frames") == true)
        #expect(trap.description.contains("#0 down (100 frames)"))
    }

    @Test func mutualRecursionIsCappedAndCounted() throws {
        let bytes = try Self.named("""
            (module
              (func $ping (export "ping") (param i32) (result i32) (call $pong (local.get 0)))
              (func $pong (param i32) (result i32) (call $ping (local.get 0))))
            """)
        let trap = try #require(try Self.trap(bytes, bounds: .software, "ping", [.i32(0)]))
        #expect(trap.reason == .callStackExhausted)
        #expect(trap.backtrace.count == 101)
        #expect(Set(trap.backtrace.prefix(100)) == ["ping", "pong"])
        let last = try #require(trap.backtrace.last)
        let omitted = try #require(Int(last.split(separator: " ")[1]))
        #expect(last.hasSuffix("more frames") && omitted > 1000)
    }

    @Test(arguments: [BoundsStrategy.software, .guard])
    func framesOfTheInterpreterAreMixedIn(bounds: BoundsStrategy) throws {
        // "bridge" uses a v128 local, so it runs in the interpreter behind a shim:
        // compiled outer -> interpreted bridge -> compiled inner, which traps.
        let bytes = try Self.named("""
            (module (memory 1)
              (func $inner (param i32) (result i32) (i32.load (local.get 0)))
              (func $bridge (param i32) (result i32) (local v128) (call $inner (local.get 0)))
              (func $outer (export "outer") (param i32) (result i32) (call $bridge (local.get 0))))
            """)
        let trap = try #require(try Self.trap(bytes, bounds: bounds, "outer", [.i32(70_000)]))
        #expect(trap.reason == .outOfBoundsMemoryAccess)
        #expect(trap.backtrace == ["inner", "bridge", "outer"])
    }

    @Test func hostFunctionTrapsKeepTheCompiledCallers() throws {
        let linker = jitLinker()
        linker.define(module: "env", name: "fail",
                      .function(HostFunction(type: FunctionType(), name: "fail") { _ in throw TrapReason.unreachable }))
        let bytes = try Self.named("""
            (module (import "env" "fail" (func $fail))
              (func $middle (call $fail))
              (func $run (export "run") (call $middle)))
            """)
        let instance = try linker.instantiate(bytes: bytes)
        do {
            _ = try #require(instance.function("run")).invoke([])
            Issue.record("no trap")
        } catch let trap as Trap {
            #expect(trap.reason == .unreachable)
            #expect(trap.backtrace == ["fail", "middle", "run"])
        }
    }
}

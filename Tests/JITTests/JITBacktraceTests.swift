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
    /// `wat` encoded, with a name section naming functions 0, 1, ... `names`.
    static func withNames(_ wat: String, _ names: [String]) throws -> [UInt8] {
        func leb(_ value: Int) -> [UInt8] {
            var v = value, out: [UInt8] = []
            repeat {
                var byte = UInt8(v & 0x7F)
                v >>= 7
                if v != 0 { byte |= 0x80 }
                out.append(byte)
            } while v != 0
            return out
        }
        func string(_ s: String) -> [UInt8] { leb(s.utf8.count) + Array(s.utf8) }
        var map = leb(names.count)
        for (i, name) in names.enumerated() { map += leb(i) + string(name) }
        let subsection: [UInt8] = [1] + leb(map.count) + map
        let payload = string("name") + subsection
        return try WAT.encode(wat) + [0] + leb(payload.count) + payload
    }

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
          (func (param i32) (result i32) (i32.load (local.get 0)))
          (func (param i32) (result i32) (call 0 (local.get 0)))
          (func (export "outer") (param i32) (result i32) (call 1 (local.get 0)))
          (func (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
          (func (param i32) (result i32) (call 3 (i32.const 1) (local.get 0)))
          (func (export "divide") (param i32) (result i32) (call 4 (local.get 0))))
        """

    @Test(arguments: [BoundsStrategy.software, .guard])
    func outOfBoundsThreeCallsDeepNamesEveryFrame(bounds: BoundsStrategy) throws {
        let bytes = try Self.withNames(Self.threeDeep, ["inner", "middle", "outer", "quotient", "caller", "divide"])
        // software: an explicit check; guard: the access faults and the signal handler resumes.
        let trap = try #require(try Self.trap(bytes, bounds: bounds, "outer", [.i32(70_000)]))
        #expect(trap.reason == .outOfBoundsMemoryAccess)
        #expect(trap.backtrace == ["inner", "middle", "outer"])
    }

    @Test(arguments: [BoundsStrategy.software, .guard])
    func divideByZeroThreeCallsDeepNamesEveryFrame(bounds: BoundsStrategy) throws {
        let bytes = try Self.withNames(Self.threeDeep, ["inner", "middle", "outer", "quotient", "caller", "divide"])
        let trap = try #require(try Self.trap(bytes, bounds: bounds, "divide", [.i32(0)]))
        #expect(trap.reason == .integerDivideByZero)
        #expect(trap.backtrace == ["quotient", "caller", "divide"])
    }

    @Test func recursionToStackExhaustionIsRunLengthEncoded() throws {
        let bytes = try Self.withNames("""
            (module (func (export "down") (param i32) (result i32) (call 0 (i32.add (local.get 0) (i32.const 1)))))
            """, ["down"])
        let trap = try #require(try Self.trap(bytes, bounds: .software, "down", [.i32(0)]))
        #expect(trap.reason == .callStackExhausted)
        #expect(trap.backtrace.prefix(100).allSatisfy { $0 == "down" })
        #expect(trap.backtrace.count == 101)
        #expect(trap.backtrace.last?.hasSuffix("more frames") == true)
        #expect(trap.description.contains("#0 down (100 frames)"))
    }

    @Test func mutualRecursionIsCappedAndCounted() throws {
        let bytes = try Self.withNames("""
            (module
              (func (export "ping") (param i32) (result i32) (call 1 (local.get 0)))
              (func (param i32) (result i32) (call 0 (local.get 0))))
            """, ["ping", "pong"])
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
        let bytes = try Self.withNames("""
            (module (memory 1)
              (func (param i32) (result i32) (i32.load (local.get 0)))
              (func (param i32) (result i32) (local v128) (call 0 (local.get 0)))
              (func (export "outer") (param i32) (result i32) (call 1 (local.get 0))))
            """, ["inner", "bridge", "outer"])
        let trap = try #require(try Self.trap(bytes, bounds: bounds, "outer", [.i32(70_000)]))
        #expect(trap.reason == .outOfBoundsMemoryAccess)
        #expect(trap.backtrace == ["inner", "bridge", "outer"])
    }

    @Test func hostFunctionTrapsKeepTheCompiledCallers() throws {
        let linker = jitLinker()
        linker.define(module: "env", name: "fail",
                      .function(HostFunction(type: FunctionType(), name: "fail") { _ in throw TrapReason.unreachable }))
        let bytes = try Self.withNames("""
            (module (import "env" "fail" (func))
              (func (call 0))
              (func (export "run") (call 1)))
            """, ["fail", "middle", "run"])
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

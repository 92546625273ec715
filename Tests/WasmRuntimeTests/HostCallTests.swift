import Testing
import TestSupport
import WAT
import WasmCore
import Interpreter
import JIT
import WasmRuntime

/// `Function.host`: arguments and results in place, the caller's instance and memory, and
/// a trap (never a wrong value) for every misuse, on every tier.
@Suite struct HostCallTests {
    static let configurations = TierMatrix.configurations

    static let text = """
        (module
          (import "host" "sum" (func $sum (param i32 i64 f32 f64) (result f64 i32)))
          (import "host" "peek" (func $peek (param i32) (result i32)))
          (import "host" "bad" (func $bad (param i32) (result i32)))
          (import "host" "unset" (func $unset (result i32 i32)))
          (memory (export "memory") 1)
          (data (i32.const 100) "\\2a\\00\\00\\00")
          (func (export "sum") (result f64 i32)
            (call $sum (i32.const 1) (i64.const 2) (f32.const 0.5) (f64.const 0.25)))
          (func (export "peek") (result i32) (call $peek (i32.const 100)))
          (func (export "tailpeek") (result i32) (return_call $peek (i32.const 100)))
          (func (export "bad") (result i32) (call $bad (i32.const 1)))
          (func (export "unset") (result i32) (call $unset) drop drop (i32.const 0)))
        """

    static func instantiate(_ configuration: EngineConfiguration) throws -> (Linker, Instance) {
        InterpreterTier.register()
        JITTier.register()
        let engine = try Engine(configuration: configuration)
        let linker = Linker(store: Store(engine: engine))
        linker.define(module: "host", name: "sum", .function(.host(
            FunctionType(parameters: [.i32, .i64, .f32, .f64], results: [.f64, .i32]), name: "sum") { call in
            // Results first: arguments stay readable (results go to a scratch area).
            call.setI32(1, 7)
            call.setF64(0, Double(call.i32(0)) + Double(call.i64(1)) + Double(call.f32(2)) + call.f64(3))
        }))
        linker.define(module: "host", name: "peek", .function(.host(
            FunctionType(parameters: [.i32], results: [.i32]), name: "peek") { call in
            guard let memory = call.memory, call.caller != nil else { throw Trap(.hostError, detail: "no caller") }
            let bytes = try memory.read(at: UInt64(call.i32(0)), count: 4)
            call.setI32(0, bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) })
        }))
        linker.define(module: "host", name: "bad", .function(.host(
            FunctionType(parameters: [.i32], results: [.i32]), name: "bad") { call in
            call.setI64(0, UInt64(call.i32(0)))  // declared i32
        }))
        linker.define(module: "host", name: "unset", .function(.host(
            FunctionType(results: [.i32, .i32]), name: "unset") { call in call.setI32(0, 1) }))
        let instance = try linker.instantiate(engine.compile(WAT.encode(text)))
        return (linker, instance)
    }

    @Test(arguments: configurations)
    func argumentsResultsAndTheCaller(configuration: EngineConfiguration) throws {
        let (linker, instance) = try Self.instantiate(configuration)
        defer { withExtendedLifetime(linker) {} }
        #expect(try instance.function("sum")!.invoke([]) == [.f64(Double(3.75).bitPattern), .i32(7)])
        #expect(try instance.function("peek")!.invoke([]) == [.i32(42)])
        #expect(try instance.function("tailpeek")!.invoke([]) == [.i32(42)])
    }

    @Test(arguments: configurations)
    func misuseTraps(configuration: EngineConfiguration) throws {
        let (linker, instance) = try Self.instantiate(configuration)
        defer { withExtendedLifetime(linker) {} }
        do {
            _ = try instance.function("bad")!.invoke([])
            Issue.record("a result of the wrong type was accepted")
        } catch {
            #expect(error.reason == .hostError)
            #expect(error.detail?.contains("result 0 set as i64, declared i32") == true)
        }
        do {
            _ = try instance.function("unset")!.invoke([])
            Issue.record("an unset result was accepted")
        } catch {
            #expect(error.detail?.contains("result 1 was not set") == true)
        }
    }

    @Test func theHostCallsItDirectly() throws {
        var sawCaller = true
        let square = Function.host(FunctionType(parameters: [.i64], results: [.i64]), name: "square") { call in
            sawCaller = call.caller != nil
            let x = call.i64(0)
            call.setI64(0, x &* x)
        }
        #expect(try square.invoke([.i64(12)]) == [.i64(144)])
        #expect(!sawCaller)
        #expect(throws: Trap.self) { try square.invoke([.i32(1)]) }
    }
}

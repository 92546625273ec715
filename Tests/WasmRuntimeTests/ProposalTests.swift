import Testing
import WAT
import WasmCore
import Interpreter
import WasmRuntime

/// Instantiates a text module in the linker's store.
func instantiate(wat text: String, _ linker: Linker) throws -> Instance {
    try linker.instantiate(CompiledModule(bytes: try WAT.encode(text), store: linker.store))
}

/// The trap `body` ends with (nil when it returns).
func trap(_ body: () throws -> Void) -> Trap? {
    do {
        try body()
        return nil
    } catch {
        return error as? Trap
    }
}

/// Wasm 3.0 proposals in the interpreter: tail calls, typed function references,
/// exception handling across the host boundary, memory64 and multi-memory.
@Suite struct ProposalTests {
    @Test func tailCallsReuseTheFrame() throws {
        // 1,000,000 tail calls with room for only 50 frames: only frame reuse can finish.
        let linker = makeLinker(maxCallDepth: 50)
        let instance = try instantiate(wat: """
            (module
              (func $count (export "count") (param i64 i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0))
                  (then (local.get 1))
                  (else (return_call $count (i64.sub (local.get 0) (i64.const 1))
                                            (i64.add (local.get 1) (i64.const 2)))))))
            """, linker)
        let count = try exported(instance, "count")
        #expect(try count.invoke([.i64(1_000_000), .i64(0)]) == [.i64(2_000_000)])
    }

    @Test func tailCallToAHostFunctionReturnsItsResults() throws {
        let linker = makeLinker()
        linker.define(module: "host", name: "double", .function(Function(
            type: FunctionType(parameters: [.i32], results: [.i32])) { args in
                guard case .i32(let v) = args[0] else { return [.i32(0)] }
                return [.i32(v &* 2)]
            }))
        let instance = try instantiate(wat: """
            (module
              (func $double (import "host" "double") (param i32) (result i32))
              (func (export "f") (param i32) (result i32) (return_call $double (local.get 0))))
            """, linker)
        #expect(try exported(instance, "f").invoke([.i32(21)]) == [.i32(42)])
    }

    @Test func callRefTrapsOnNullAndCallsTypedReferences() throws {
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module
              (type $t (func (param i32) (result i32)))
              (func $inc (export "inc") (type $t) (i32.add (local.get 0) (i32.const 1)))
              (elem declare func $inc)
              (func (export "apply") (param (ref null $t) i32) (result i32)
                (call_ref $t (local.get 1) (local.get 0)))
              (func (export "get") (result (ref $t)) (ref.func $inc))
              (func (export "null-or") (param (ref null $t)) (result i32)
                (block $null (br_on_null $null (local.get 0)) (drop) (return (i32.const 1)))
                (i32.const 0)))
            """, linker)
        let apply = try exported(instance, "apply")
        let inc = try exported(instance, "inc")
        #expect(try apply.invoke([.ref(.function(FunctionHandle(inc))), .i32(41)]) == [.i32(42)])
        #expect(throws: Trap.self) { try apply.invoke([.ref(.null(.func)), .i32(1)]) }
        #expect(trap { _ = try apply.invoke([.ref(.null(.func)), .i32(1)]) }?.reason == .nullFunctionReference)
        // A typed function reference comes back to the host as the function itself.
        let got = try exported(instance, "get").invoke([])
        #expect(got == [.ref(.function(FunctionHandle(inc)))])
        let nullOr = try exported(instance, "null-or")
        #expect(try nullOr.invoke([.ref(.null(.func))]) == [.i32(0)])
        #expect(try nullOr.invoke(got) == [.i32(1)])
    }

    @Test func uncaughtExceptionsReachTheHostWithTheirPayload() throws {
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module
              (tag $e (export "e") (param i32 i64))
              (func (export "throw") (param i32) (throw $e (local.get 0) (i64.const -1))))
            """, linker)
        let thrown = try #require(trap { _ = try exported(instance, "throw").invoke([.i32(7)]) })
        #expect(thrown.reason == .uncaughtException)
        let exception = try #require(thrown.exception)
        guard case .tag(let tag)? = instance.export("e") else { throw Trap(.hostError) }
        #expect(exception.tag === tag)
        #expect(exception.values == [.i32(7), .i64(UInt64.max)])
    }

    @Test func exceptionsCrossHostFramesInBothDirections() throws {
        let linker = makeLinker()
        let inner = try instantiate(wat: """
            (module
              (tag $e (export "e") (param i32))
              (func (export "throw") (param i32) (throw $e (local.get 0))))
            """, linker)
        guard case .tag(let tag)? = inner.export("e") else { throw Trap(.hostError) }
        let throwInWasm = try exported(inner, "throw")
        // The host function calls back into Wasm that throws, or throws one itself.
        linker.define(module: "test", name: "e", .tag(tag))
        linker.define(module: "host", name: "call", .function(Function(type: FunctionType(parameters: [.i32])) { args in
            if case .i32(let v) = args[0], v >= 100 { throw try Exception(tag: tag, values: [.i32(v + 1)]) }
            return try throwInWasm.invoke(args)
        }))
        let outer = try instantiate(wat: """
            (module
              (tag $e (import "test" "e") (param i32))
              (func $call (import "host" "call") (param i32))
              (func (export "catch") (param i32) (result i32)
                (block $h (result i32)
                  (try_table (catch $e $h) (call $call (local.get 0)))
                  (i32.const -1))))
            """, linker)
        let catcher = try exported(outer, "catch")
        #expect(try catcher.invoke([.i32(5)]) == [.i32(5)])
        #expect(try catcher.invoke([.i32(100)]) == [.i32(101)])
    }

    @Test func exnrefValuesRoundTripThroughTheHost() throws {
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module
              (tag $e (param i32))
              (func (export "make") (param i32) (result exnref)
                (block $h (result exnref)
                  (try_table (catch_all_ref $h) (throw $e (local.get 0)))
                  (unreachable)))
              (func (export "rethrow") (param exnref) (throw_ref (local.get 0))))
            """, linker)
        let made = try exported(instance, "make").invoke([.i32(9)])
        guard case .ref(.exception(let exception))? = made.first else {
            Issue.record("expected an exnref, got \(made)")
            return
        }
        #expect(exception.values == [.i32(9)])
        let rethrown = try #require(trap { _ = try exported(instance, "rethrow").invoke(made) })
        #expect(rethrown.reason == .uncaughtException)
        #expect(rethrown.exception === exception)
        let null = trap { _ = try exported(instance, "rethrow").invoke([.ref(.null(.exn))]) }
        #expect(null?.reason == .nullExceptionReference)
    }

    @Test func memory64AndMultiMemoryAccesses() throws {
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module
              (memory $a i64 1)
              (memory $b 1)
              (func (export "copy") (param i64 i32) (result i32)
                (i32.store $b (local.get 1) (i32.load $a offset=4 (local.get 0)))
                (i32.load8_u $b (local.get 1)))
              (func (export "poke") (param i64 i32) (i32.store $a (local.get 0) (local.get 1)))
              (func (export "grow") (param i64) (result i64) (memory.grow $a (local.get 0))))
            """, linker)
        _ = try exported(instance, "poke").invoke([.i64(8), .i32(0x1234_56AB)])
        #expect(try exported(instance, "copy").invoke([.i64(4), .i32(100)]) == [.i32(0xAB)])
        // An i64 address beyond 4 GiB traps instead of wrapping to a 32-bit address.
        #expect(throws: Trap.self) { try exported(instance, "poke").invoke([.i64(1 << 32), .i32(1)]) }
        #expect(throws: Trap.self) { try exported(instance, "poke").invoke([.i64(UInt64.max - 1), .i32(1)]) }
        #expect(try exported(instance, "grow").invoke([.i64(1)]) == [.i64(1)])
        #expect(try exported(instance, "grow").invoke([.i64(1 << 40)]) == [.i64(UInt64.max)])
    }
}

@Suite struct TypedReferenceEmbeddingTests {
    @Test func typedReferenceArgumentsMustHaveTheirType() throws {
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module
              (type $t (func (param i32) (result i32)))
              (func $inc (export "inc") (type $t) (i32.add (local.get 0) (i32.const 1)))
              (func $other (export "other") (param i64))
              (global $g (export "g") (mut (ref null $t)) (ref.null $t))
              (func (export "apply") (param (ref $t) i32) (result i32)
                (call_ref $t (local.get 1) (local.get 0))))
            """, linker)
        let apply = try exported(instance, "apply")
        let other = try exported(instance, "other")
        // A function of another type is refused at the boundary instead of being called.
        #expect(trap { _ = try apply.invoke([.ref(.function(FunctionHandle(other))), .i32(1)]) }?.reason == .hostError)
        #expect(trap { _ = try apply.invoke([.ref(.null(.func)), .i32(1)]) }?.reason == .hostError)
        guard case .global(let g)? = instance.export("g") else { throw Trap(.hostError) }
        #expect(throws: WasmError.self) { try g.set(.ref(.function(FunctionHandle(other)))) }
        try g.set(.ref(.function(FunctionHandle(try exported(instance, "inc")))))
    }
}

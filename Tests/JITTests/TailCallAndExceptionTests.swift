import Testing
import Interpreter
import JIT
import WAT
import WasmCore
import WasmRuntime

/// How many of an instance's functions the JIT compiled and left to the interpreter.
func jitCounts(_ instance: Instance) -> (compiled: Int, interpreted: Int)? {
    guard let code = instance.compiled.code as? JITCode else { return nil }
    return (code.statistics.compiledFunctions, code.statistics.interpretedFunctions)
}

/// Tail calls and exceptions through compiled frames (Docs/JIT.md).
/// `JITTier.interpretedFunctions` leaves chosen functions to the interpreter, so the tests
/// can mix compiled and interpreted frames in one module.
@Suite(.enabled(if: JITTier.isSupported)) struct TailCallAndExceptionTests {
    @Test func millionDeepCompiledTailCallChainRunsInConstantStack() throws {
        let linker = jitLinker()
        defer { withExtendedLifetime(linker) {} }
        let i = try instantiate("""
            (module
              (func $count (export "count") (param i64 i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0))
                  (then (local.get 1))
                  (else (return_call $count (i64.sub (local.get 0) (i64.const 1))
                                            (i64.add (local.get 1) (i64.const 2))))))
              (func $plain (export "plain") (param i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0))
                  (then (i64.const 0))
                  (else (call $plain (i64.sub (local.get 0) (i64.const 1)))))))
            """, linker)
        #expect(jitCounts(i)?.compiled == 2)
        #expect(try call(i, "count", [.i64(1_000_000), .i64(0)]) == [.i64(2_000_000)])
        // The same depth with plain calls needs a native frame per call and runs out.
        #expect(trapReason { try call(i, "plain", [.i64(1_000_000)]) } == .callStackExhausted)
    }

    @Test func tailCallsThroughTablesReferencesAndImportsRunInConstantStack() throws {
        let linker = jitLinker()
        defer { withExtendedLifetime(linker) {} }
        linker.define(module: "host", name: "double", .function(Function(
            type: FunctionType(parameters: [.i64], results: [.i64])) { args in
                guard case .i64(let v) = args[0] else { return [.i64(0)] }
                return [.i64(v &* 2)]
            }))
        let i = try instantiate("""
            (module
              (type $t (func (param i64) (result i64)))
              (func $double (import "host" "double") (type $t))
              (table funcref (elem $down $viaRef))
              (elem declare func $down)
              (func $down (type $t)
                (if (result i64) (i64.eqz (local.get 0))
                  (then (return_call $double (i64.const 21)))
                  (else (return_call_indirect (type $t) (i64.sub (local.get 0) (i64.const 1)) (i32.const 1)))))
              (func $viaRef (type $t)
                (return_call_ref $t (local.get 0) (ref.func $down)))
              (func (export "run") (param i64) (result i64) (call $down (local.get 0))))
            """, linker)
        #expect(jitCounts(i)?.interpreted == 0)
        #expect(try call(i, "run", [.i64(1_000_000)]) == [.i64(42)])
    }

    @Test func mutualTailRecursionBetweenCompiledAndInterpretedFunctions() throws {
        let linker = jitLinker()
        defer { withExtendedLifetime(linker) {} }
        let i = try JITTier.$interpretedFunctions.withValue([1]) { try instantiate("""
            (module
              (func $even (export "even") (param i64) (result i32)
                (if (result i32) (i64.eqz (local.get 0))
                  (then (i32.const 44))
                  (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
              (func $odd (export "odd") (param i64) (result i32)
                (if (result i32) (i64.eqz (local.get 0))
                  (then (i32.const 99))
                  (else (return_call $even (i64.sub (local.get 0) (i64.const 1)))))))
            """, linker) }
        let counts = try #require(jitCounts(i))
        #expect(counts.compiled == 1 && counts.interpreted == 1)
        // Every other call enters the interpreter: nested runs would exhaust the stack.
        #expect(try call(i, "even", [.i64(200_000)]) == [.i32(44)])
        #expect(try call(i, "odd", [.i64(200_001)]) == [.i32(44)])
        #expect(try call(i, "even", [.i64(200_001)]) == [.i32(99)])
    }

    @Test func exceptionThreeCompiledFramesDeepIsCaughtInACompiledTryTable() throws {
        let linker = jitLinker()
        defer { withExtendedLifetime(linker) {} }
        let i = try instantiate("""
            (module
              (memory 1)
              (tag $e (param i32 i64))
              (func $f3 (param i32) (throw $e (local.get 0) (i64.const 5)))
              (func $f2 (param i32) (call $f3 (i32.add (local.get 0) (i32.const 1))) (unreachable))
              (func $f1 (param i32) (i32.store (i32.const 0) (i32.const 0)) (call $f2 (local.get 0)))
              (func (export "catch") (param i32) (result i64) (local $kept i64) (local $a i32) (local $b i64)
                (i32.store (i32.const 8) (i32.const 1000))
                (local.set $kept (i64.const 7))
                (block $h (result i32 i64)
                  (try_table (catch $e $h) (call $f1 (local.get 0)))
                  (return (i64.const -1)))
                (local.set $b)
                (local.set $a)
                ;; the payload, a local and memory written before the throw
                (i64.add (i64.add (i64.extend_i32_u (local.get $a)) (local.get $b))
                         (i64.add (local.get $kept) (i64.extend_i32_u (i32.load (i32.const 8))))))
              (func (export "uncaught") (param i32) (call $f1 (local.get 0))))
            """, linker)
        #expect(jitCounts(i)?.interpreted == 0)
        #expect(try call(i, "catch", [.i32(10)]) == [.i64(11 + 5 + 7 + 1000)])
        // Again: the handler left the frames and registers usable.
        #expect(try call(i, "catch", [.i32(20)]) == [.i64(21 + 5 + 7 + 1000)])
        var caught: Trap?
        do { _ = try call(i, "uncaught", [.i32(1)]) } catch let trap as Trap { caught = trap }
        #expect(caught?.reason == .uncaughtException)
        #expect(caught?.exception?.values == [.i32(2), .i64(5)])
    }

    @Test func exceptionsCrossInterpretedAndHostFramesInBothDirections() throws {
        let linker = jitLinker()
        defer { withExtendedLifetime(linker) {} }
        let inner = try instantiate("""
            (module
              (tag $e (export "e") (param i32))
              (func (export "throw") (param i32) (throw $e (local.get 0))))
            """, linker)
        guard case .tag(let tag)? = inner.export("e") else { throw Trap(.hostError) }
        let throwInWasm = try #require(inner.function("throw"))
        linker.define(module: "test", name: "e", .tag(tag))
        // The host calls back into compiled Wasm that throws, or throws itself.
        linker.define(module: "host", name: "call", .function(Function(type: FunctionType(parameters: [.i32])) { args in
            if case .i32(let v) = args[0], v >= 100 { throw try Exception(tag: tag, values: [.i32(v + 1)]) }
            return try throwInWasm.invoke(args)
        }))
        // $interp and interpCatches (defined functions 1 and 2) run in the interpreter.
        let i = try JITTier.$interpretedFunctions.withValue([1, 2]) { try instantiate("""
            (module
              (tag $e (import "test" "e") (param i32))
              (func $host (import "host" "call") (param i32))
              (func $thrower (param i32) (throw $e (local.get 0)))
              ;; interpreted: calls compiled code that throws, or the host
              (func $interp (param i32)
                (if (i32.eqz (local.get 0)) (then (call $thrower (i32.const 77))))
                (call $host (local.get 0)))
              ;; interpreted, catching what compiled code throws
              (func (export "interpCatches") (param i32) (result i32)
                (block $h (result i32)
                  (try_table (catch $e $h) (call $thrower (local.get 0)))
                  (i32.const -1)))
              ;; compiled -> host, with a value below the call (the call moves the frame base)
              (func (export "jitCatchesHost") (param i32) (result i32)
                (i32.const 1000)
                (block $h (result i32)
                  (try_table (catch $e $h) (call $host (local.get 0)))
                  (i32.const -1))
                (i32.add))
              ;; compiled -> interpreted -> (compiled | host -> compiled | host)
              (func (export "jitCatches") (param i32) (result i32)
                (block $h (result i32)
                  (try_table (catch $e $h) (call $interp (local.get 0)))
                  (i32.const -1))))
            """, linker) }
        let counts = try #require(jitCounts(i))
        #expect(counts.compiled == 3 && counts.interpreted == 2)
        #expect(try call(i, "jitCatchesHost", [.i32(100)]) == [.i32(1101)])    // host throws
        #expect(try call(i, "jitCatchesHost", [.i32(6)]) == [.i32(1006)])      // host -> JIT throws
        #expect(try call(i, "jitCatches", [.i32(0)]) == [.i32(77)])    // JIT -> interp -> JIT throws
        #expect(try call(i, "jitCatches", [.i32(5)]) == [.i32(5)])     // ... -> host -> JIT throws
        #expect(try call(i, "jitCatches", [.i32(100)]) == [.i32(101)]) // ... -> host throws
        #expect(try call(i, "interpCatches", [.i32(9)]) == [.i32(9)])  // interp catches JIT's throw
    }

    @Test func throwRefRethrowsToAnOuterCompiledHandler() throws {
        let linker = jitLinker()
        defer { withExtendedLifetime(linker) {} }
        let i = try instantiate("""
            (module
              (tag $e (param i32))
              (tag $other)
              (func $inner (param i32) (local $x exnref)
                (local.set $x
                  (block $h (result exnref)
                    (try_table (catch_all_ref $h) (throw $e (local.get 0)))
                    (unreachable)))
                (throw_ref (local.get $x)))
              (func (export "outer") (param i32) (result i32)
                (block $h (result i32 exnref)
                  (try_table (catch_ref $e $h) (call $inner (local.get 0)))
                  (unreachable))
                (drop))
              (func (export "null") (throw_ref (ref.null exn)))
              (func (export "mismatch") (result i32)
                (block $h
                  (try_table (catch $other $h) (throw $e (i32.const 3))))
                (i32.const 0)))
            """, linker)
        #expect(jitCounts(i)?.interpreted == 0)
        #expect(try call(i, "outer", [.i32(31)]) == [.i32(31)])
        #expect(trapReason { try call(i, "null", []) } == .nullExceptionReference)
        #expect(trapReason { try call(i, "mismatch", []) } == .uncaughtException)
    }

    /// Under guard the base of memory 0 never moves, so after a call into a defined function
    /// the caller keeps its registers unless a tail call may leave the instance, as here.
    @Test(arguments: [BoundsStrategy.software, .guard])
    func callsIntoAnotherInstanceKeepTheCallersMemory(bounds: BoundsStrategy) throws {
        let linker = jitLinker(bounds: bounds)
        defer { withExtendedLifetime(linker) {} }
        let other = try instantiate("""
            (module
              (memory 1)
              (func (export "poke") (param i32) (i32.store (i32.const 0) (local.get 0)))
              (func (export "tail") (param i32) (result i32)
                (i32.store (i32.const 0) (local.get 0)) (i32.load (i32.const 0))))
            """, linker)
        linker.register(other, as: "other")
        let i = try instantiate("""
            (module
              (import "other" "poke" (func $poke (param i32)))
              (import "other" "tail" (func $tail (param i32) (result i32)))
              (memory 1)
              (global $g (mut i32) (i32.const 0))
              (func $viaTail (param i32) (result i32) (return_call $tail (local.get 0)))
              (func (export "run") (result i32)
                (i32.store (i32.const 0) (i32.const 11))
                (call $poke (i32.const 22))
                ;; the callee tail-calls into the other instance, then returns here
                (drop (call $viaTail (i32.const 33)))
                (global.set $g (i32.const 4))
                (i32.add (i32.load (i32.const 0)) (global.get $g))))
            """, linker)
        #expect(try call(i, "run", []) == [.i32(15)])
    }
}

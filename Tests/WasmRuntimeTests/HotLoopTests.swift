import Testing
import WasmCore
import Interpreter
import WasmRuntime

/// The interpreter runs in two loops (Docs/Interpreter.md, "Dispatch"): `runHot` makes
/// calls and returns within one instance itself and hands calls to other instances, ops
/// that call helpers and traps to `run`. These check the hand-overs keep the state.
@Suite struct HotLoopTests {
    @Test func recursionWithColdOpsBetweenHotCalls() throws {
        let linker = makeLinker()
        // Every frame runs a division (an op of `run`) between two calls of `runHot`.
        let instance = try instantiate(wat: """
            (module (func $fib (export "fib") (param i32) (result i32) (local i32)
              (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
                (then (local.get 0))
                (else
                  (local.set 1 (call $fib (i32.sub (local.get 0) (i32.const 1))))
                  (i32.add (i32.div_u (local.get 1) (i32.const 1))
                           (call $fib (i32.sub (local.get 0) (i32.const 2))))))))
            """, linker)
        #expect(try exported(instance, "fib").invoke([.i32(20)]) == [.i32(6765)])
    }

    @Test func exhaustedStackFromHotCallsTrapsAndTheStoreStaysUsable() throws {
        let linker = makeLinker(maxCallDepth: 500)
        let instance = try instantiate(wat: """
            (module
              (func $down (export "down") (param i32) (result i32)
                (call $down (i32.add (local.get 0) (i32.const 1))))
              (func $depth (export "depth") (param i32) (result i32)
                (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
                  (else (i32.add (i32.const 1) (call $depth (i32.sub (local.get 0) (i32.const 1))))))))
            """, linker)
        #expect(trap { _ = try exported(instance, "down").invoke([.i32(0)]) }?.reason == .callStackExhausted)
        #expect(try exported(instance, "depth").invoke([.i32(400)]) == [.i32(400)])
        #expect(trap { _ = try exported(instance, "down").invoke([.i32(0)]) }?.reason == .callStackExhausted)
    }

    @Test func trapInTheHotLoopLeavesThroughRun() throws {
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module (memory 1)
              (func (export "sum") (param i32) (result i32) (local i32)
                (loop $l
                  (local.set 1 (i32.add (local.get 1) (i32.load (local.get 0))))
                  (local.set 0 (i32.add (local.get 0) (i32.const 4096)))
                  (br $l))
                (local.get 1)))
            """, linker)
        #expect(trap { _ = try exported(instance, "sum").invoke([.i32(0)]) }?.reason == .outOfBoundsMemoryAccess)
    }

    @Test func callsIntoAnotherInstanceSwitchMemories() throws {
        let linker = makeLinker()
        let first = try instantiate(wat: """
            (module (memory 1) (data (i32.const 0) "\\07")
              (func (export "peek") (result i32) (i32.load8_u (i32.const 0))))
            """, linker)
        linker.register(first, as: "first")
        let second = try instantiate(wat: """
            (module (import "first" "peek" (func $peek (result i32))) (memory 1) (data (i32.const 0) "\\05")
              (func (export "mix") (param i32) (result i32) (local i32)
                (loop $l
                  (local.set 1 (i32.add (local.get 1)
                    (i32.add (call $peek) (i32.load8_u (i32.const 0)))))
                  (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
                (local.get 1)))
            """, linker)
        #expect(try exported(second, "mix").invoke([.i32(10)]) == [.i32(120)])
    }
}

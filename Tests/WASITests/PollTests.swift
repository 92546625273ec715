import Foundation
import Testing
import WasmRuntime
@testable import WASI

/// A module that sleeps on one relative monotonic clock subscription of `ns` nanoseconds.
private let sleeper = """
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "sleep") (param $ns i64) (result i32)
    (i64.store (i32.const 0) (i64.const 0x1234))   ;; userdata
    (i32.store8 (i32.const 8) (i32.const 0))        ;; eventtype clock
    (i32.store (i32.const 16) (i32.const 1))        ;; monotonic
    (i64.store (i32.const 24) (local.get $ns))
    (i32.store16 (i32.const 40) (i32.const 0))      ;; relative
    (call $poll (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 200))))
"""

/// Lets a test interrupt a store from another thread.
private struct StoreBox: @unchecked Sendable { let store: Store }

@Suite struct PollTests {
    @Test func clockSubscriptionFiresWithItsUserdata() throws {
        let run = try GuestRun(wat: sleeper)
        #expect(try run.errno("sleep", [.i64(1_000_000)]) == .success)
        #expect(try run.memory(200, 4) == [1, 0, 0, 0])                 // one event
        #expect(try run.memory(100, 8) == [0x34, 0x12, 0, 0, 0, 0, 0, 0])  // userdata
        #expect(try run.memory(108, 3) == [0, 0, 0])                    // no error, type clock
    }

    @Test func interruptEndsASleepingGuest() throws {
        let run = try GuestRun(wat: sleeper)
        let box = StoreBox(store: run.linker.store)
        let thread = Thread {
            Thread.sleep(forTimeInterval: 0.1)
            box.store.interrupt()
        }
        thread.start()
        // A 60 s sleep that the interrupt cuts short.
        do {
            _ = try run.call("sleep", [.i64(60_000_000_000)])
            Issue.record("the sleep was not interrupted")
        } catch let trap as Trap {
            #expect(trap.reason == .interrupted)
        }
    }
}

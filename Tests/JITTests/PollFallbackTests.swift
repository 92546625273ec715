import Testing
import WasmRuntime

/// A function left to the interpreter after its loop's poll was emitted: its out-of-line
/// poll path goes with its code, and the next function's loop still links and runs.
struct PollFallbackTests {
    @Test func fallbackAfterAPollKeepsTheNextFunctionsCode() throws {
        let linker = jitLinker()
        let instance = try instantiate("""
            (module
              (func (param i32) (result i32)
                (loop (br_if 0 (i32.eqz (local.get 0))))
                (drop (i32x4.splat (local.get 0))) (local.get 0))
              (func (export "count") (param i32) (result i32) (local i32)
                (loop (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                      (br_if 0 (i32.lt_u (local.get 1) (local.get 0))))
                (local.get 1)))
            """, linker)
        #expect(try instance.function("count")!.invoke([.i32(1000)]) == [.i32(1000)])
    }
}

import Testing
import Interpreter
import JIT
import WAT
import WasmCore
import WasmRuntime

/// `ref.as_non_null`, `br_on_null` and `br_on_non_null` in compiled code: both paths,
/// branch values moved to the label's heights (or already there), the trap message.
@Suite(.enabled(if: JITTier.isSupported)) struct TypedReferenceTests {
    /// `$pick` returns `$inc` for a nonzero selector and null otherwise, so each export
    /// takes the selector first and can reach both paths.
    static let module = """
        (module
          (type $t (func (param i32) (result i32)))
          (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
          (elem declare func $inc)
          (func $pick (param i32) (result (ref null $t))
            (if (result (ref null $t)) (local.get 0)
              (then (ref.func $inc)) (else (ref.null $t))))

          (func (export "asNonNull") (param i32 i32) (result i32)
            (call_ref $t (local.get 1) (ref.as_non_null (call $pick (local.get 0)))))

          ;; The branch values (7, x) sit above 1000: the branch moves them down.
          (func (export "onNullMoved") (param i32 i32) (result i32 i32)
            (block $null (result i32 i32)
              (i32.const 1000) (i32.const 7) (local.get 1)
              (br_on_null $null (call $pick (local.get 0)))
              (call_ref $t)
              (i32.add) (i32.add) (i32.const 0)))
          ;; The branch values are at the label's heights already.
          (func (export "onNullInPlace") (param i32 i32) (result i32 i32)
            (block $null (result i32 i32)
              (i32.const 7) (local.get 1)
              (br_on_null $null (call $pick (local.get 0)))
              (call_ref $t)))
          ;; Branches to the function's own label (a return with -1).
          (func (export "onNullReturns") (param i32) (result i32)
            (i32.const -1)
            (br_on_null 0 (call $pick (local.get 0)))
            (drop) (drop) (i32.const 5))

          ;; The reference is the last branch value, moved down with x over 2000.
          (func (export "onNonNullMoved") (param i32 i32) (result i32)
            (call_ref $t
              (block $nn (result i32 (ref $t))
                (i32.const 2000) (local.get 1)
                (br_on_non_null $nn (call $pick (local.get 0)))
                (i32.add) (return))))
          (func (export "onNonNullInPlace") (param i32 i32) (result i32)
            (local.get 1)
            (block $nn (param i32) (result i32 (ref $t))
              (br_on_non_null $nn (call $pick (local.get 0)))
              (drop) (return (i32.const -2)))
            (call_ref $t))
          ;; A loop counting nulls through br_on_non_null and br_on_null back edges.
          (func (export "countNulls") (param i32) (result i32) (local i32)
            (loop $l
              (block $nn (result (ref $t))
                (br_on_non_null $nn (call $pick (i32.and (local.get 0) (i32.const 1))))
                (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                (br $l))
              (drop)
              (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
              (br_if $l (local.get 0)))
            (local.get 1)))
        """

    func instance() throws -> (Instance, Linker) {
        let linker = jitLinker()
        let i = try instantiate(Self.module, linker)
        // Every function is compiled: none runs in the interpreter behind a shim.
        let counts = try #require(jitCounts(i))
        #expect(counts.compiled == 9 && counts.interpreted == 0)
        return (i, linker)
    }

    @Test func refAsNonNullPassesReferencesAndTrapsOnNull() throws {
        let (i, linker) = try instance()
        defer { withExtendedLifetime(linker) {} }
        #expect(try call(i, "asNonNull", [.i32(1), .i32(41)]) == [.i32(42)])
        let reason = trapReason { try call(i, "asNonNull", [.i32(0), .i32(41)]) }
        #expect(reason == .nullReference)
        #expect(reason?.message == "null reference")
    }

    @Test func brOnNullBranchesWithoutTheReferenceAndKeepsItOtherwise() throws {
        let (i, linker) = try instance()
        defer { withExtendedLifetime(linker) {} }
        #expect(try call(i, "onNullMoved", [.i32(0), .i32(5)]) == [.i32(7), .i32(5)])
        #expect(try call(i, "onNullMoved", [.i32(1), .i32(5)]) == [.i32(1013), .i32(0)])
        #expect(try call(i, "onNullInPlace", [.i32(0), .i32(5)]) == [.i32(7), .i32(5)])
        #expect(try call(i, "onNullInPlace", [.i32(1), .i32(5)]) == [.i32(7), .i32(6)])
        #expect(try call(i, "onNullReturns", [.i32(0)]) == [.int32(-1)])
        #expect(try call(i, "onNullReturns", [.i32(1)]) == [.i32(5)])
    }

    @Test func brOnNonNullBranchesWithTheReferenceAndDropsNull() throws {
        let (i, linker) = try instance()
        defer { withExtendedLifetime(linker) {} }
        #expect(try call(i, "onNonNullMoved", [.i32(1), .i32(5)]) == [.i32(6)])
        #expect(try call(i, "onNonNullMoved", [.i32(0), .i32(5)]) == [.i32(2005)])
        #expect(try call(i, "onNonNullInPlace", [.i32(1), .i32(5)]) == [.i32(6)])
        #expect(try call(i, "onNonNullInPlace", [.i32(0), .i32(5)]) == [.int32(-2)])
        // 10, 9, ..., 1: the even ones pick null.
        #expect(try call(i, "countNulls", [.i32(10)]) == [.i32(5)])
    }

    /// The results, or the trap message.
    func outcome(_ i: Instance, _ name: String, _ args: [Value]) -> String {
        do { return "\(try call(i, name, args))" } catch { return "\((error as? Trap)?.reason.message ?? "\(error)")" }
    }

    @Test func resultsMatchTheInterpreter() throws {
        let (jit, jitLink) = try instance()
        let interpLink = jitLinker(tier: "interp")
        let interp = try instantiate(Self.module, interpLink)
        defer { withExtendedLifetime((jitLink, interpLink)) {} }
        for name in ["asNonNull", "onNullMoved", "onNullInPlace", "onNonNullMoved", "onNonNullInPlace"] {
            for selector: UInt32 in [0, 1] {
                let args: [Value] = [.i32(selector), .i32(99)]
                #expect(outcome(jit, name, args) == outcome(interp, name, args), "\(name)(\(selector))")
            }
        }
    }
}

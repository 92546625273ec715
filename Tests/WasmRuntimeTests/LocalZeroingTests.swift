import Testing
import TestSupport
import WAT
import WasmCore
import WasmRuntime

/// Declared locals start at zero. The interpreter zeroes only those that may be read
/// before they are written, so every way a read can get around the first write (a branch
/// out of a block, an `if` or `else` arm, `br_table`, a caught exception, a loop reading
/// before writing) must still see zero, even where a previous call left other values in the
/// same stack slots. `$dirty` fills those slots first; each test function then runs on
/// the same frame base.
@Suite struct LocalZeroingTests {
    static let text = """
        (module
          (tag $e)
          (func $dirty (param i32)
            (local i32 i32 i32 i64 f64 v128)
            (local.set 1 (i32.const 0x5555))
            (local.set 2 (i32.const 0x6666))
            (local.set 3 (i32.const 0x7777))
            (local.set 4 (i64.const 0x8888))
            (local.set 5 (f64.const 9.5))
            (local.set 6 (v128.const i64x2 0x1111 0x2222)))
          (func $maybeThrow (param i32) (if (local.get 0) (then (throw $e))))

          (func $blockSkip (param i32) (result i32) (local i32)
            (block (br_if 0 (local.get 0)) (local.set 1 (i32.const 42)))
            (local.get 1))
          (func $thenArm (param i32) (result i32) (local i32)
            (if (local.get 0) (then (local.set 1 (i32.const 42))))
            (local.get 1))
          (func $elseArm (param i32) (result i32) (local i32)
            (if (local.get 0) (then nop) (else (local.set 1 (i32.const 42))))
            (local.get 1))
          (func $table (param i32) (result i32) (local i32)
            (block (block (br_table 0 1 (local.get 0))) (local.set 1 (i32.const 42)))
            (local.get 1))
          (func $caught (param i32) (result i32) (local i32)
            (block $h (try_table (catch_all $h) (call $maybeThrow (local.get 0)) (local.set 1 (i32.const 42))))
            (local.get 1))
          (func $loopOut (param i32) (result i32) (local i32)
            (block (loop (br_if 1 (local.get 0)) (local.set 1 (i32.const 42)) (br 1)))
            (local.get 1))
          (func $readInLoop (param i32) (result i32) (local i32 i32)
            (loop
              (local.set 2 (i32.add (local.get 1) (i32.const 1)))
              (local.set 1 (local.get 2))
              (br_if 0 (i32.lt_u (local.get 1) (i32.const 3))))
            (i32.add (local.get 1) (i32.mul (local.get 0) (i32.const 0))))
          (func $straight (param i32) (result i32) (local i32 i32)
            (local.set 2 (i32.const 40))
            (local.set 1 (i32.add (local.get 2) (i32.const 2)))
            (i32.add (local.get 1) (i32.mul (local.get 0) (i32.const 0))))
          (func $wide (param i32) (result i32) (local i32 i32 i32 i64 f64 v128)
            (local.set 1 (i32.const 1))
            (i32.add (local.get 1)
              (i32.add (i32.wrap_i64 (local.get 4))
                (i32.add (i32.trunc_f64_s (local.get 5))
                  (i32.add (i32x4.extract_lane 3 (local.get 6)) (i32.mul (local.get 0) (i32.const 0)))))))

          (func (export "blockSkip") (param i32) (result i32) (call $dirty (i32.const 0)) (call $blockSkip (local.get 0)))
          (func (export "thenArm") (param i32) (result i32) (call $dirty (i32.const 0)) (call $thenArm (local.get 0)))
          (func (export "elseArm") (param i32) (result i32) (call $dirty (i32.const 0)) (call $elseArm (local.get 0)))
          (func (export "table") (param i32) (result i32) (call $dirty (i32.const 0)) (call $table (local.get 0)))
          (func (export "caught") (param i32) (result i32) (call $dirty (i32.const 0)) (call $caught (local.get 0)))
          (func (export "loopOut") (param i32) (result i32) (call $dirty (i32.const 0)) (call $loopOut (local.get 0)))
          (func (export "readInLoop") (param i32) (result i32) (call $dirty (i32.const 0)) (call $readInLoop (local.get 0)))
          (func (export "straight") (param i32) (result i32) (call $dirty (i32.const 0)) (call $straight (local.get 0)))
          (func (export "wide") (param i32) (result i32) (call $dirty (i32.const 0)) (call $wide (local.get 0))))
        """

    @Test(arguments: TierMatrix.configurations)
    func localsReadBeforeTheirFirstWriteAreZero(configuration: EngineConfiguration) throws {
        let engine = try Engine(configuration: configuration)
        let linker = Linker(store: Store(engine: engine))
        let instance = try linker.instantiate(engine.compile(WAT.encode(Self.text)))
        // (export, argument, expected): the first case of each function skips the write.
        let cases: [(String, UInt32, UInt32)] = [
            ("blockSkip", 1, 0), ("blockSkip", 0, 42),
            ("thenArm", 0, 0), ("thenArm", 1, 42),
            ("elseArm", 1, 0), ("elseArm", 0, 42),
            ("table", 1, 0), ("table", 0, 42),
            ("caught", 1, 0), ("caught", 0, 42),
            ("loopOut", 1, 0), ("loopOut", 0, 42),
            ("readInLoop", 0, 3),
            ("straight", 0, 42),
            ("wide", 0, 1),
        ]
        for (export, argument, expected) in cases {
            let function = try #require(instance.function(export))
            #expect(try function.invoke([.i32(argument)]) == [.i32(expected)], "\(export)(\(argument))")
        }
    }
}

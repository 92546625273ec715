import Testing
import JIT
import WasmRuntime

/// Regressions of locals kept in registers (SinglePassCompiler+Locals): each function has
/// a hot local in a loop (pinned) and a cold one (left in its slot, because a call makes
/// pinning it too expensive), and moves values between the two kinds. Every result is
/// compared with the interpreter's.
@Suite(.enabled(if: JITTier.isSupported)) struct PinnedLocalTests {
    static let module = """
        (module
          (func $id (param i32) (result i32) local.get 0)
          ;; local.get of a pinned i64 into a cold local: the register is the value, the
          ;; slot is stale (fib's printf lost the upper half of its checksum this way).
          (func (export "i64_to_cold") (param $n i32) (result i64)
            (local $i i32) (local $acc i64) (local $cold i64)
            (drop (call $id (i32.const 0)))
            (local.set $acc (i64.const 0x1234_5678_0000_0000))
            (loop $l
              (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 31)) (i64.extend_i32_u (local.get $i))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
            (local.get $acc)
            (local.set $cold)
            (local.get $cold))
          (func (export "i32_to_cold") (param $n i32) (result i32)
            (local $i i32) (local $cold i32)
            (drop (call $id (i32.const 0)))
            (loop $l
              (local.set $i (i32.add (local.get $i) (i32.const 3)))
              (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
            (local.get $i)
            (local.set $cold)
            (local.get $cold))
          (func (export "f64_to_cold") (param $n i32) (result f64)
            (local $i i32) (local $x f64) (local $cold f64)
            (drop (call $id (i32.const 0)))
            (local.set $x (f64.const 1.5))
            (loop $l
              (local.set $x (f64.mul (local.get $x) (f64.const 1.25)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
            (local.get $x)
            (local.set $cold)
            (local.get $cold))
          ;; The same through local.tee into the cold local.
          (func (export "tee_to_cold") (param $n i32) (result i64)
            (local $i i32) (local $acc i64) (local $cold i64)
            (drop (call $id (i32.const 0)))
            (local.set $acc (i64.const -1))
            (loop $l
              (local.set $acc (i64.rotl (local.get $acc) (i64.const 5)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
            (local.tee $cold (local.get $acc))
            (drop)
            (local.get $cold))
          ;; Three-operand adds of a pinned local (lea) wrap at 32 bits; f64 constants come
          ;; from the function's constant pool; commutative float ops of a pinned local.
          (func (export "lea_wraps") (param $n i32) (result i32)
            (local $i i32) (local $x i32) (local $sum i32)
            (local.set $x (i32.const 0x7fff_fff0))
            (loop $l
              (local.set $sum (i32.xor (local.get $sum) (i32.add (local.get $x) (i32.const 0x20))))
              (local.set $sum (i32.add (local.get $sum) (i32.sub (local.get $x) (i32.const -0x8000_0000))))
              (local.set $x (i32.add (local.get $x) (local.get $i)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
            (local.get $sum))
          (func (export "float_consts") (param $n i32) (result f64)
            (local $i i32) (local $x f64) (local $y f32)
            (local.set $x (f64.const 0.5))
            (loop $l
              (local.set $x (f64.add (f64.mul (local.get $x) (f64.const 1.0625)) (f64.const -0.25)))
              (local.set $x (f64.mul (local.get $x) (f64.add (f64.const 0) (f64.const 1))))
              (local.set $y (f32.add (local.get $y) (f32.const 1.5)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
            (f64.add (local.get $x) (f64.promote_f32 (local.get $y)))))
        """

    @Test(arguments: ["i64_to_cold", "i32_to_cold", "f64_to_cold", "tee_to_cold", "lea_wraps", "float_consts"])
    func pinnedLocalCopiedToASlotLocal(export: String) throws {
        let jitStore = jitLinker(bounds: .guard), interpStore = jitLinker(tier: "interp")
        defer { withExtendedLifetime((jitStore, interpStore)) {} }
        let jit = try instantiate(Self.module, jitStore)
        let interp = try instantiate(Self.module, interpStore)
        for n in [UInt32(1), 7, 100] {
            let expected = try call(interp, export, [.i32(n)])
            #expect(try call(jit, export, [.i32(n)]) == expected, "\(export)(\(n))")
        }
    }

    @Test func upperHalfSurvivesTheCopy() throws {
        let linker = jitLinker(bounds: .guard)
        defer { withExtendedLifetime(linker) {} }
        let jit = try instantiate(Self.module, linker)
        // acc = 0x1234_5678_0000_0000 * 31 + 0 after one iteration.
        #expect(try call(jit, "i64_to_cold", [.i32(1)]) == [.i64(0x1234_5678_0000_0000 &* 31)])
    }
}

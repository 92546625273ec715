import Testing
import JIT
import WasmCore
import WasmRuntime

/// v128 values in compiled code (Docs/JIT.md, "SIMD"): two-slot homes among one-slot
/// ones in parameters, locals, results, block parameters and results, branches, `select`,
/// globals, calls into the interpreter, tail calls and exception payloads, on both
/// instruction sets; the operations themselves run through `SIMDRunner`.
@Suite(.enabled(if: JITTier.isSupported)) struct CompiledSIMDTests {
    static let module = """
        (module
          (memory 1)
          (global $g (mut v128) (v128.const i32x4 1 2 3 4))
          (tag $e (param i32 v128 i64))
          ;; defined function 0: v128s between scalars; the results go over the locals
          (func $mix (param $a i32) (param $v v128) (param $b i64) (param $w v128) (result v128 i32)
            (local $t v128) (local $k i32)
            (local.set $t (i32x4.add (local.get $v) (local.get $w)))
            (local.set $k (i32.add (local.get $a) (i32.wrap_i64 (local.get $b))))
            (local.get $t) (local.get $k))
          ;; 1: left to the interpreter by the tests
          (func $twice (param v128 i32) (result i32 v128)
            (local.get 1) (i32x4.add (local.get 0) (local.get 0)))
          ;; 2
          (func $tail (param v128 i32) (result i32)
            (if (result i32) (i32.eqz (local.get 1))
              (then (i32x4.extract_lane 0 (local.get 0)))
              (else (return_call $tail (i32x4.add (local.get 0) (v128.const i32x4 1 1 1 1))
                                       (i32.sub (local.get 1) (i32.const 1))))))
          (func (export "mix") (param $x i32) (result i32) (local $k i32)
            (call $mix (i32.const 5) (i32x4.splat (local.get $x)) (i64.const 7) (v128.const i32x4 10 20 30 40))
            (local.set $k)
            (i32.add (i32x4.extract_lane 3) (local.get $k)))
          (func (export "branch") (param $x i32) (result i32) (local $k i32)
            (i32.const 1000)
            (block $b (result v128 i32)
              (i64.const 99)
              (i32x4.splat (local.get $x))
              (i32.const 3)
              (br $b))
            (local.set $k)
            (i32x4.extract_lane 0)
            (i32.add (local.get $k))
            (i32.add))
          (func (export "ifElse") (param $x i32) (result i32)
            (i32x4.splat (local.get $x))
            (if (param v128) (result v128) (i32.eqz (local.get $x))
              (then (i32x4.add (v128.const i32x4 1 1 1 1)))
              (else (i32x4.mul (v128.const i32x4 3 3 3 3))))
            (i32x4.extract_lane 1))
          (func (export "ifNoElse") (param $x i32) (result i32)
            (i32x4.splat (local.get $x))
            (if (param v128) (result v128) (i32.eqz (local.get $x))
              (then (i32x4.add (v128.const i32x4 1 1 1 1))))
            (i32x4.extract_lane 2))
          (func (export "select") (param $c i32) (result i32)
            (i32x4.extract_lane 2
              (select (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8) (local.get $c))))
          (func (export "selectTyped") (param $c i32) (result i32)
            (i32x4.extract_lane 3
              (select (result v128) (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8) (local.get $c))))
          (func (export "global") (param $x i32) (result i32)
            (global.set $g (i32x4.add (global.get $g) (i32x4.splat (local.get $x))))
            (i32x4.extract_lane 3 (global.get $g)))
          (func (export "viaInterpreter") (param $x i32) (result i32)
            (call $twice (i32x4.splat (local.get $x)) (i32.const 9))
            (i32x4.extract_lane 0)
            (i32.add))
          (func (export "tail") (param $n i32) (result i32)
            (call $tail (v128.const i32x4 0 0 0 0) (local.get $n)))
          (func (export "throwCatch") (param $x i32) (result i32) (local $k i32)
            (block $h (result i32 v128 i64)
              (try_table (catch $e $h)
                (throw $e (local.get $x) (i32x4.splat (local.get $x)) (i64.const 5)))
              (unreachable))
            (local.set $k (i32.wrap_i64))
            (i32x4.extract_lane 2)
            (i32.add)
            (i32.add (local.get $k)))
          (func (export "store") (param $a i32) (param $x i32)
            (v128.store (local.get $a) (i32x4.splat (local.get $x))))
          (func (export "load") (param $a i32) (result i32)
            (i32x4.extract_lane 1 (v128.load offset=4 (local.get $a))))
          ;; a lane read from the middle of a vector is a whole i32 (an address here)
          (func (export "laneAddress") (param $x i32) (result i32)
            (i32.load (i32x4.extract_lane 1 (v128.const i32x4 -1 8 -1 -1)))
            (i32.load (i32x4.extract_lane 3 (i32x4.replace_lane 3 (i32x4.splat (i32.const -1)) (local.get $x))))
            (i32.add))
          (func (export "sum") (param $n i32) (result i32) (local $acc v128) (local $i i32)
            (loop $l
              (local.set $acc (i32x4.add (local.get $acc) (i32x4.splat (local.get $i))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
            (i32x4.extract_lane 0 (local.get $acc)))
          (func (export "lanes") (param $x i32) (result i32)
            (i32x4.extract_lane 0
              (i8x16.shuffle 4 5 6 7 0 1 2 3 8 9 10 11 12 13 14 15
                (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8)))
            (i32x4.extract_lane 0
              (v128.bitselect (i32x4.splat (local.get $x)) (i32x4.splat (i32.const 0))
                              (v128.const i32x4 0xff 0 0 0)))
            (i32.add)))
        """

    @Test(arguments: compiledConfigurations)
    func vectorsMoveThroughEveryKindOfHome(tier: String, bounds: BoundsStrategy) throws {
        let linker = jitLinker(tier: tier, bounds: bounds)
        defer { withExtendedLifetime(linker) {} }
        let i = try JITTier.$interpretedFunctions.withValue([1]) { try instantiate(Self.module, linker) }
        let counts = try #require(jitCounts(i))
        #expect(counts.compiled == 17 && counts.interpreted == 1)

        #expect(try call(i, "mix", [.i32(1)]) == [.i32(1 + 40 + 12)])
        #expect(try call(i, "branch", [.i32(4)]) == [.i32(4 + 3 + 1000)])
        #expect(try call(i, "ifElse", [.i32(0)]) == [.i32(1)])
        #expect(try call(i, "ifElse", [.i32(5)]) == [.i32(15)])
        #expect(try call(i, "ifNoElse", [.i32(0)]) == [.i32(1)])
        #expect(try call(i, "ifNoElse", [.i32(6)]) == [.i32(6)])
        #expect(try call(i, "select", [.i32(1)]) == [.i32(3)])
        #expect(try call(i, "select", [.i32(0)]) == [.i32(7)])
        #expect(try call(i, "selectTyped", [.i32(2)]) == [.i32(4)])
        #expect(try call(i, "selectTyped", [.i32(0)]) == [.i32(8)])
        #expect(try call(i, "global", [.i32(1)]) == [.i32(5)])
        #expect(try call(i, "global", [.i32(10)]) == [.i32(15)])
        #expect(try call(i, "viaInterpreter", [.i32(21)]) == [.i32(2 * 21 + 9)])
        #expect(try call(i, "tail", [.i32(100_000)]) == [.i32(100_000)])
        #expect(try call(i, "throwCatch", [.i32(8)]) == [.i32(2 * 8 + 5)])
        #expect(try call(i, "sum", [.i32(10)]) == [.i32(45)])
        #expect(try call(i, "lanes", [.i32(0x1234)]) == [.i32(2 + 0x34)])

        // Accesses are checked by the helper under every strategy: the last 16 bytes load,
        // one byte further traps, and so does an address past 4 GiB - 16.
        #expect(try call(i, "store", [.i32(0), .i32(0x11)]) == [])
        #expect(try call(i, "laneAddress", [.i32(4)]) == [.i32(0x22)])
        #expect(try call(i, "store", [.i32(65536 - 16), .i32(0x55)]) == [])
        #expect(try call(i, "load", [.i32(65536 - 20)]) == [.i32(0x55)])
        #expect(trapReason { try call(i, "load", [.i32(65536 - 19)]) } == .outOfBoundsMemoryAccess)
        #expect(trapReason { try call(i, "store", [.i32(65536 - 15), .i32(1)]) } == .outOfBoundsMemoryAccess)
        #expect(trapReason { try call(i, "load", [.i32(0xFFFF_FFF8)]) } == .outOfBoundsMemoryAccess)
    }

    /// SIMD accesses of a memory64: whole 64-bit addresses and offsets, checked explicitly
    /// (with the sums' overflow) under every strategy, in both tiers.
    @Test(arguments: compiledConfigurations + [("interp", .software), ("interp", .guard)])
    func vectorAccessesOfAMemory64(tier: String, bounds: BoundsStrategy) throws {
        let linker = jitLinker(tier: tier, bounds: bounds)
        defer { withExtendedLifetime(linker) {} }
        let i = try instantiate("""
            (module (memory i64 1)
              (func (export "store") (param i64 i32) (v128.store offset=4 (local.get 0) (i32x4.splat (local.get 1))))
              (func (export "splat") (param i64) (result i32)
                (i32x4.extract_lane 2 (v128.load32_splat offset=8 (local.get 0))))
              (func (export "lane") (param i64) (result i32)
                (i32x4.extract_lane 1 (v128.load32_lane 1 (local.get 0) (v128.const i64x2 0 0))))
              (func (export "far") (param i64) (result i32)
                (i32x4.extract_lane 0 (v128.load64_zero offset=0xFFFFFFFFFFFFFFF0 (local.get 0)))))
            """, linker)
        if let counts = jitCounts(i) { #expect(counts.interpreted == 0) }
        #expect(try call(i, "store", [.i64(100), .i32(7)]) == [])
        #expect(try call(i, "splat", [.i64(100)]) == [.i32(7)])
        #expect(try call(i, "lane", [.i64(108)]) == [.i32(7)])
        #expect(try call(i, "splat", [.i64(65536 - 12)]) == [.i32(0)])
        #expect(trapReason { try call(i, "splat", [.i64(65536 - 11)]) } == .outOfBoundsMemoryAccess)
        #expect(trapReason { try call(i, "store", [.i64(65536 - 19), .i32(1)]) } == .outOfBoundsMemoryAccess)
        #expect(trapReason { try call(i, "lane", [.i64(0x1_0000_0000)]) } == .outOfBoundsMemoryAccess)
        // address + offset wraps past 2^64 to 0: a trap, not byte 0.
        #expect(trapReason { try call(i, "far", [.i64(16)]) } == .outOfBoundsMemoryAccess)
        #expect(trapReason { try call(i, "far", [.i64(8)]) } == .outOfBoundsMemoryAccess)
    }
}

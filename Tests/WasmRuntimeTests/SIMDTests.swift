import Testing
import WasmCore
import WasmRuntime
import WAT

/// v128 values through the interpreter: the two-slot layout of locals, operand homes,
/// block results, calls, globals and the embedding API, and a few lane semantics.
@Suite struct SIMDTests {
    /// Instances do not keep their store alive: the suite keeps the linker (and its store).
    let linker = makeLinker()

    func instance(_ text: String) throws -> (Instance, Linker) {
        (try linker.instantiate(bytes: try WAT.encode(text)), linker)
    }

    func v(_ bytes: [UInt8]) -> Value { .v128(V128(bytes: bytes)) }
    func i32x4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) -> Value {
        .v128(V128(low: UInt64(a) | UInt64(b) << 32, high: UInt64(c) | UInt64(d) << 32))
    }

    @Test func vectorsMixWithScalarsInParamsLocalsAndResults() throws {
        let (inst, _) = try instance("""
            (module
              (func (export "swap") (param i32 v128 i64 v128) (result v128 i32 v128 i64)
                (local v128 f32)
                (local.set 4 (i32x4.add (local.get 1) (local.get 3)))
                (local.get 3) (local.get 0) (local.get 4) (local.get 2)))
            """)
        let swap = try exported(inst, "swap")
        let results = try swap.invoke([.i32(7), i32x4(1, 2, 3, 4), .i64(9), i32x4(10, 20, 30, 40)])
        #expect(results == [i32x4(10, 20, 30, 40), .i32(7), i32x4(11, 22, 33, 44), .i64(9)])
    }

    @Test func vectorsCrossBlocksBranchesAndCalls() throws {
        let (inst, _) = try instance("""
            (module
              (func $twice (param v128) (result v128) (i64x2.add (local.get 0) (local.get 0)))
              (func (export "f") (param i32 v128) (result v128)
                (block (result v128)
                  (i32.const 1)
                  (call $twice (local.get 1))
                  (br_if 0 (local.get 0))
                  (drop)
                  (drop)
                  (v128.const i64x2 -1 -1))
                (i32.const 5)
                (drop)))
            """)
        let f = try exported(inst, "f")
        let x = Value.v128(V128(low: 3, high: 5))
        #expect(try f.invoke([.i32(1), x]) == [.v128(V128(low: 6, high: 10))])
        #expect(try f.invoke([.i32(0), x]) == [.v128(V128(low: .max, high: .max))])
    }

    @Test func globalsAndHostFunctionsCarryAllSixteenBytes() throws {
        let flip = Function(type: FunctionType(parameters: [.v128], results: [.v128])) { args in
            guard case .v128(let x) = args[0] else { return [] }
            return [.v128(V128(low: x.high, high: x.low))]
        }
        linker.define(module: "host", name: "flip", .function(flip))
        let (inst, _) = try instance("""
            (module
              (import "host" "flip" (func $flip (param v128) (result v128)))
              (global $g (export "g") (mut v128) (v128.const i32x4 1 2 3 4))
              (func (export "f") (result v128)
                (global.set $g (call $flip (global.get $g)))
                (global.get $g)))
            """)
        #expect(try exported(inst, "f").invoke([]) == [i32x4(3, 4, 1, 2)])
        guard case .global(let g) = inst.export("g") else { Issue.record("no global"); return }
        #expect(g.value == i32x4(3, 4, 1, 2))
    }

    @Test func laneSemantics() throws {
        let (inst, _) = try instance("""
            (module
              (func (export "q15") (param v128 v128) (result v128) (i16x8.q15mulr_sat_s (local.get 0) (local.get 1)))
              (func (export "narrow") (param v128 v128) (result v128) (i8x16.narrow_i16x8_u (local.get 0) (local.get 1)))
              (func (export "trunc") (param v128) (result v128) (i32x4.trunc_sat_f32x4_s (local.get 0)))
              (func (export "pmin") (param v128 v128) (result v128) (f32x4.pmin (local.get 0) (local.get 1)))
              (func (export "shuffle") (param v128 v128) (result v128)
                (i8x16.shuffle 31 0 30 1 29 2 28 3 27 4 26 5 25 6 24 7 (local.get 0) (local.get 1)))
              (func (export "bitmask") (param v128) (result i32) (i8x16.bitmask (local.get 0))))
            """)
        // -32768 * -32768 saturates to 32767; 0x4000 * 0x4000 rounds to 0x2000.
        let q = try exported(inst, "q15").invoke([i32x4(0x8000, 0x4000, 0, 0), i32x4(0x8000, 0x4000, 0, 0)])
        #expect(q == [i32x4(0x7FFF, 0x2000, 0, 0)])
        // Signed 16-bit lanes narrow to unsigned bytes with saturation (-1 -> 0, 300 -> 255).
        let n = try exported(inst, "narrow").invoke([i32x4(0x012C_FFFF, 0x0000_0042, 0, 0), i32x4(0, 0, 0, 0)])
        #expect(n == [v([0, 255, 0x42, 0] + [UInt8](repeating: 0, count: 12))])
        let nan = Float.nan.bitPattern, big = Float(3e9).bitPattern, neg = Float(-3e9).bitPattern
        let t = try exported(inst, "trunc").invoke([i32x4(nan, big, neg, Float(-1.5).bitPattern)])
        #expect(t == [i32x4(0, 0x7FFF_FFFF, 0x8000_0000, UInt32(bitPattern: -1))])
        // pmin is `b < a ? b : a`: a NaN first operand survives, -0 vs +0 keeps the first.
        let p = try exported(inst, "pmin").invoke([i32x4(nan, Float(-0.0).bitPattern, 0, 0), i32x4(0, 0, nan, 0)])
        #expect(p == [i32x4(nan, Float(-0.0).bitPattern, 0, 0)])
        let a = v(Array(0..<16)), b = v(Array(16..<32))
        let s = try exported(inst, "shuffle").invoke([a, b])
        #expect(s == [v([31, 0, 30, 1, 29, 2, 28, 3, 27, 4, 26, 5, 25, 6, 24, 7])])
        #expect(try exported(inst, "bitmask").invoke([v([0x80, 0, 0xFF] + [UInt8](repeating: 0, count: 12) + [0x80])])
                == [.i32(0x8005)])
    }

    @Test func vectorAccessesAreBoundsChecked() throws {
        let (inst, _) = try instance("""
            (module (memory 1)
              (func (export "load") (param i32) (result v128) (v128.load (local.get 0)))
              (func (export "lane") (param i32 v128) (v128.store64_lane offset=8 1 (local.get 0) (local.get 1))))
            """)
        #expect(try exported(inst, "load").invoke([.i32(65536 - 16)]) == [i32x4(0, 0, 0, 0)])
        #expect(throws: Trap.self) { try exported(inst, "load").invoke([.i32(65536 - 15)]) }
        #expect(throws: Trap.self) { try exported(inst, "lane").invoke([.i32(65536 - 15), i32x4(0, 0, 0, 0)]) }
        _ = try exported(inst, "lane").invoke([.i32(65536 - 16), i32x4(0, 0, 7, 9)])
        #expect(try exported(inst, "load").invoke([.i32(65536 - 16)]) == [i32x4(0, 0, 7, 9)])
    }
}

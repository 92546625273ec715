import Testing
import JIT
import WasmCore
import WasmRuntime

/// `select` on a pending comparison uses the comparison's flags as they stand (one
/// conditional move), on both instruction sets; NaN operands make ordered float
/// comparisons false.
@Suite(.enabled(if: JITTier.isSupported)) struct FusedSelectTests {
    static let module = """
        (module
          (func (export "ltS") (param i32 i32 i64 i64) (result i64)
            (select (local.get 2) (local.get 3) (i32.lt_s (local.get 0) (local.get 1))))
          (func (export "gtU64") (param i64 i64 i32 i32) (result i32)
            (select (local.get 2) (local.get 3) (i64.gt_u (local.get 0) (local.get 1))))
          (func (export "eqConst") (param i32) (result i32)
            (select (i32.const 100) (i32.const 200) (i32.eq (local.get 0) (i32.const 7))))
          (func (export "fLt") (param f64 f64) (result f64)
            (select (f64.const 1.5) (f64.const 2.5) (f64.lt (local.get 0) (local.get 1))))
          (func (export "fNe") (param f32 f32) (result i32)
            (select (i32.const 1) (i32.const 0) (f32.ne (local.get 0) (local.get 1))))
          (func (export "eqz") (param i32 i32 i32) (result i32)
            (select (local.get 1) (local.get 2) (i32.eqz (local.get 0)))))
        """

    @Test(arguments: ["jit", "jit-arm64"].filter { $0 == "jit" || JITTier.isARM64Supported })
    func selectTakesTheComparisonsFlags(tier: String) throws {
        let linker = jitLinker(tier: tier, bounds: .guard)
        defer { withExtendedLifetime(linker) {} }
        let i = try instantiate(Self.module, linker)
        #expect(try call(i, "ltS", [.i32(UInt32(bitPattern: -5)), .i32(3), .i64(11), .i64(22)]) == [.i64(11)])
        #expect(try call(i, "ltS", [.i32(3), .i32(UInt32(bitPattern: -5)), .i64(11), .i64(22)]) == [.i64(22)])
        #expect(try call(i, "gtU64", [.i64(UInt64.max), .i64(1), .i32(5), .i32(6)]) == [.i32(5)])
        #expect(try call(i, "gtU64", [.i64(1), .i64(1), .i32(5), .i32(6)]) == [.i32(6)])
        #expect(try call(i, "eqConst", [.i32(7)]) == [.i32(100)])
        #expect(try call(i, "eqConst", [.i32(8)]) == [.i32(200)])
        let nan = Double.nan.bitPattern
        #expect(try call(i, "fLt", [.f64(Double(1).bitPattern), .f64(Double(2).bitPattern)]) == [.f64(Double(1.5).bitPattern)])
        #expect(try call(i, "fLt", [.f64(nan), .f64(Double(2).bitPattern)]) == [.f64(Double(2.5).bitPattern)])
        #expect(try call(i, "fLt", [.f64(Double(1).bitPattern), .f64(nan)]) == [.f64(Double(2.5).bitPattern)])
        #expect(try call(i, "fNe", [.f32(Float.nan.bitPattern), .f32(Float.nan.bitPattern)]) == [.i32(1)])
        #expect(try call(i, "fNe", [.f32(Float(3).bitPattern), .f32(Float(3).bitPattern)]) == [.i32(0)])
        #expect(try call(i, "eqz", [.i32(0), .i32(9), .i32(8)]) == [.i32(9)])
        #expect(try call(i, "eqz", [.i32(4), .i32(9), .i32(8)]) == [.i32(8)])
    }
}

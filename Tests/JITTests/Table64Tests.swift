import Testing
import JIT
import WasmCore
import WasmRuntime

/// Table instructions on a table64 (i64 indices, sizes and counts) in compiled code.
@Suite(.enabled(if: JITTier.isSupported)) struct Table64Tests {
    @Test func table64OperationsAreCompiledAndUseWholeI64Indices() throws {
        let linker = jitLinker()
        defer { withExtendedLifetime(linker) {} }
        let i = try instantiate("""
            (module
              (type $t (func (result i32)))
              (func $seven (type $t) (i32.const 7))
              (table $t64 i64 4 8 funcref)
              (table $t32 2 funcref)
              (elem (table $t64) (i64.const 1) func $seven)
              (func (export "size") (result i64) (table.size $t64))
              (func (export "grow") (param i64) (result i64) (table.grow $t64 (ref.null func) (local.get 0)))
              (func (export "isNull") (param i64) (result i32) (ref.is_null (table.get $t64 (local.get 0))))
              (func (export "set") (param i64) (table.set $t64 (local.get 0) (ref.func $seven)))
              (func (export "fill") (param i64 i64) (table.fill $t64 (local.get 0) (ref.func $seven) (local.get 1)))
              (func (export "copyDown") (param i32 i64) (table.copy $t32 $t64 (local.get 0) (local.get 1) (i32.const 1)))
              (func (export "call") (param i64) (result i32) (call_indirect $t64 (type $t) (local.get 0)))
              (func (export "call32") (param i32) (result i32) (call_indirect $t32 (type $t) (local.get 0))))
            """, linker)
        let counts = try #require(jitCounts(i))
        #expect(counts.compiled == 9 && counts.interpreted == 0)
        #expect(try call(i, "size", []) == [.i64(4)])
        #expect(try call(i, "call", [.i64(1)]) == [.i32(7)])
        // 2^32 + 1 must not wrap to index 1.
        #expect(trapReason { try call(i, "call", [.i64(0x1_0000_0001)]) } == .undefinedElement)
        #expect(trapReason { try call(i, "isNull", [.i64(0x1_0000_0001)]) } == .outOfBoundsTableAccess)
        #expect(trapReason { try call(i, "set", [.i64(0x1_0000_0000)]) } == .outOfBoundsTableAccess)
        #expect(try call(i, "isNull", [.i64(2)]) == [.i32(1)])
        #expect(try call(i, "set", [.i64(2)]) == [])
        #expect(try call(i, "isNull", [.i64(2)]) == [.i32(0)])
        // A failed grow is -1 as an i64; a huge delta must fail, not wrap.
        #expect(try call(i, "grow", [.i64(0x1_0000_0001)]) == [.int64(-1)])
        #expect(try call(i, "grow", [.i64(2)]) == [.i64(4)])
        #expect(try call(i, "size", []) == [.i64(6)])
        #expect(trapReason { try call(i, "fill", [.i64(5), .i64(0x1_0000_0000)]) } == .outOfBoundsTableAccess)
        #expect(try call(i, "fill", [.i64(5), .i64(1)]) == [])
        #expect(try call(i, "call", [.i64(5)]) == [.i32(7)])
        // table.copy from the table64 (i64 source) into a 32-bit table (i32 destination).
        #expect(trapReason { try call(i, "call32", [.i32(0)]) } == .uninitializedElement)
        #expect(trapReason { try call(i, "copyDown", [.i32(0), .i64(0x1_0000_0001)]) } == .outOfBoundsTableAccess)
        #expect(try call(i, "copyDown", [.i32(0), .i64(1)]) == [])
        #expect(try call(i, "call32", [.i32(0)]) == [.i32(7)])
    }
}

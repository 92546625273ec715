import Testing
import JIT
import WasmCore
import WasmRuntime

/// Accesses other than plain ones (a memory other than 0, or a memory64) in compiled
/// code, on both instruction sets and under the strategies whose checks differ: they are
/// checked explicitly under every strategy (Docs/JIT.md, "Memory accesses").
@Suite(.enabled(if: JITTier.isSupported)) struct Memory64AndMultiMemoryTests {
    static let module = """
        (module
          (memory $m0 1)
          (memory $m1 2)
          (memory $m64 i64 1 3)
          (func (export "load0") (param i32) (result i32) (i32.load $m0 (local.get 0)))
          (func (export "load1") (param i32) (result i32) (i32.load $m1 (local.get 0)))
          (func (export "store1") (param i32 i32) (i32.store $m1 (local.get 0) (local.get 1)))
          (func (export "load64") (param i64) (result i64) (i64.load $m64 offset=8 (local.get 0)))
          (func (export "store64") (param i64 i64) (i64.store $m64 offset=8 (local.get 0) (local.get 1)))
          (func (export "loadFar") (param i64) (result i32) (i32.load8_u $m64 offset=0xFFFF_FFFF_FFFF_FFF0 (local.get 0)))
          (func (export "size1") (result i32) (memory.size $m1))
          (func (export "size64") (result i64) (memory.size $m64))
          (func (export "grow1") (param i32) (result i32) (memory.grow $m1 (local.get 0)))
          (func (export "grow64") (param i64) (result i64) (memory.grow $m64 (local.get 0)))
          (func (export "fill64") (param i64 i32 i64) (memory.fill $m64 (local.get 0) (local.get 1) (local.get 2)))
          (func (export "copyTo1") (param i32 i64 i32) (memory.copy $m1 $m64 (local.get 0) (local.get 1) (local.get 2))))
        """

    @Test(arguments: compiledConfigurations)
    func otherMemoriesAndMemory64AreCompiledAndCheckedExplicitly(tier: String, bounds: BoundsStrategy) throws {
        let linker = jitLinker(tier: tier, bounds: bounds)
        defer { withExtendedLifetime(linker) {} }
        let i = try instantiate(Self.module, linker)
        let counts = try #require(jitCounts(i))
        #expect(counts.compiled == 12 && counts.interpreted == 0)

        // Memory 1 is its own: a store there leaves memory 0 as it was.
        #expect(try call(i, "store1", [.i32(100), .i32(0x1234_5678)]) == [])
        #expect(try call(i, "load1", [.i32(100)]) == [.i32(0x1234_5678)])
        #expect(try call(i, "load0", [.i32(100)]) == [.i32(0)])
        // Its bound is its own size (two pages), whatever the strategy.
        #expect(try call(i, "load1", [.i32(2 * 65536 - 4)]) == [.i32(0)])
        #expect(trapReason { try call(i, "load1", [.i32(2 * 65536 - 3)]) } == .outOfBoundsMemoryAccess)
        #expect(trapReason { try call(i, "load1", [.i32(0xFFFF_FFFC)]) } == .outOfBoundsMemoryAccess)

        // memory64: whole 64-bit addresses, never wrapped to 32 or 64 bits.
        #expect(try call(i, "store64", [.i64(0), .i64(42)]) == [])
        #expect(try call(i, "load64", [.i64(0)]) == [.i64(42)])
        #expect(try call(i, "load64", [.i64(65536 - 16)]) == [.i64(0)])
        #expect(trapReason { try call(i, "load64", [.i64(65536 - 15)]) } == .outOfBoundsMemoryAccess)
        #expect(trapReason { try call(i, "load64", [.i64(0x1_0000_0000)]) } == .outOfBoundsMemoryAccess)
        #expect(trapReason { try call(i, "store64", [.i64(UInt64.max - 7), .i64(1)]) } == .outOfBoundsMemoryAccess)
        #expect(trapReason { try call(i, "loadFar", [.i64(0)]) } == .outOfBoundsMemoryAccess)
        // address + offset is 0 modulo 2^64: it must trap, not read byte 0.
        #expect(trapReason { try call(i, "loadFar", [.i64(0x10)]) } == .outOfBoundsMemoryAccess)

        // Sizes and growth per memory, in the memory's own address type.
        #expect(try call(i, "size1", []) == [.i32(2)])
        #expect(try call(i, "size64", []) == [.i64(1)])
        #expect(try call(i, "grow64", [.i64(0x1_0000_0001)]) == [.int64(-1)])
        #expect(try call(i, "grow64", [.i64(1)]) == [.i64(1)])
        #expect(try call(i, "size64", []) == [.i64(2)])
        #expect(try call(i, "load64", [.i64(2 * 65536 - 16)]) == [.i64(0)])
        #expect(try call(i, "grow1", [.i32(1)]) == [.i32(2)])
        #expect(try call(i, "load1", [.i32(3 * 65536 - 4)]) == [.i32(0)])

        // Bulk operations with i64 addresses and counts, and across memories.
        #expect(try call(i, "fill64", [.i64(16), .i32(0xAB), .i64(4)]) == [])
        #expect(try call(i, "load64", [.i64(8)]) == [.i64(0xABAB_ABAB)])
        #expect(trapReason { try call(i, "fill64", [.i64(0), .i32(1), .i64(0x1_0000_0000)]) } == .outOfBoundsMemoryAccess)
        #expect(try call(i, "copyTo1", [.i32(0), .i64(16), .i32(4)]) == [])
        #expect(try call(i, "load1", [.i32(0)]) == [.i32(0xABAB_ABAB)])
        #expect(trapReason { try call(i, "copyTo1", [.i32(0), .i64(0x1_0000_0010), .i32(4)]) } == .outOfBoundsMemoryAccess)
    }
}

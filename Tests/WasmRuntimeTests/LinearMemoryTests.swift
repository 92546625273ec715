import Testing
import WasmCore
@testable import WasmRuntime

private let page = Int(LinearMemory.pageSize)

private func memory(_ min: UInt64, _ max: UInt64? = nil, is64: Bool = false) throws -> LinearMemory {
    try LinearMemory(type: MemoryType(Limits(min: min, max: max, is64: is64)), strategy: .software)
}

@Suite struct LinearMemoryTests {
    @Test func initialSizeAndZeroFill() throws {
        let mem = try memory(2, 5)
        #expect(mem.pageCount == 2)
        #expect(mem.byteCount == 2 * page)
        #expect(mem.maximumPages == 5)
        let bytes = try mem.read(at: 0, count: mem.byteCount)
        #expect(bytes.allSatisfy { $0 == 0 })
    }

    @Test func zeroPageMemoryTrapsOnAnyAccess() throws {
        let mem = try memory(0, 0)
        #expect(mem.byteCount == 0)
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) { try mem.load(at: 0, as: UInt8.self) }
        // Empty bulk ranges at the end are fine.
        try mem.fill(at: 0, value: 1, count: 0)
        try mem.copy(to: 0, from: 0, count: 0)
        #expect(mem.grow(by: 1) == nil)
        #expect(mem.grow(by: 0) == 0)
    }

    @Test func growRespectsDeclaredMaximum() throws {
        let mem = try memory(1, 3)
        #expect(mem.grow(by: 1) == 1)
        #expect(mem.grow(by: 2) == nil)
        #expect(mem.pageCount == 2)
        #expect(mem.grow(by: 1) == 2)
        #expect(mem.grow(by: 1) == nil)
        #expect(mem.grow(by: 0) == 3)
        #expect(mem.grow(by: .max) == nil)
        #expect(mem.pageCount == 3)
    }

    @Test func growRespects32BitLimit() throws {
        let mem = try memory(0)
        #expect(mem.maximumPages == 65536)
        #expect(mem.grow(by: 65537) == nil)
        #expect(mem.grow(by: UInt64(UInt32.max) + 1) == nil)
        #expect(mem.pageCount == 0)
    }

    @Test func declaredMaximumAbove4GiBIsCapped() throws {
        let mem = try memory(1, 100_000)
        #expect(mem.maximumPages == 65536)
        #expect(throws: WasmError.self) { try memory(65537) }
    }

    @Test func growZeroFillsAndKeepsContentsAndBase() throws {
        let mem = try memory(1)
        let base = mem.base
        try mem.store(UInt32(0xdead_beef), at: UInt64(page - 4))
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) { try mem.load(at: UInt64(page), as: UInt8.self) }
        #expect(mem.grow(by: 3) == 1)
        #expect(mem.base == base)
        #expect(try mem.load(at: UInt64(page - 4), as: UInt32.self) == 0xdead_beef)
        let fresh = try mem.read(at: UInt64(page), count: 3 * page)
        #expect(fresh.allSatisfy { $0 == 0 })
        try mem.store(UInt8(7), at: UInt64(4 * page - 1))
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) { try mem.store(UInt8(7), at: UInt64(4 * page)) }
    }

    @Test func memory64RelocatesBeyondItsWindowAndKeepsContents() throws {
        let mem = try memory(1, is64: true)
        #expect(mem.maximumPages == LinearMemory.maxPages64)
        try mem.store(UInt64(0x0102_0304_0506_0708), at: 8)
        // Grow past the reservation window: the memory may move, contents must follow.
        let windowPages = LinearMemory.memory64Window / LinearMemory.pageSize
        #expect(mem.grow(by: windowPages) == 1)
        #expect(mem.pageCount == windowPages + 1)
        #expect(try mem.load(at: 8, as: UInt64.self) == 0x0102_0304_0506_0708)
        try mem.store(UInt8(9), at: UInt64(mem.byteCount - 1))
        #expect(try mem.load(at: UInt64(mem.byteCount - 1), as: UInt8.self) == 9)
        #expect(try mem.load(at: UInt64(mem.byteCount - 2), as: UInt8.self) == 0)
    }

    @Test func memory64GrowFailuresLeaveMemoryUnchanged() throws {
        let mem = try memory(1, is64: true)
        #expect(mem.grow(by: 1 << 40) == nil)  // 2^56 bytes: no address space for that
        #expect(mem.grow(by: LinearMemory.maxPages64) == nil)
        #expect(mem.grow(by: .max) == nil)
        #expect(mem.pageCount == 1 && mem.byteCount == page)
        #expect(throws: WasmError.self) { try memory(1 << 40, is64: true) }
        #expect(try mem.effectiveAddress(UInt64(page) - 16, offset: 0, size: 16) == page - 16)
    }

    @Test func staticEffectiveAddressUsesGivenSize() throws {
        #expect(try LinearMemory.effectiveAddress(10, offset: 6, size: 4, byteCount: 20) == 16)
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) {
            try LinearMemory.effectiveAddress(10, offset: 7, size: 4, byteCount: 20)
        }
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) {
            try LinearMemory.effectiveAddress(0, offset: 0, size: -1, byteCount: 20)
        }
    }

    @Test func loadsAndStoresAreLittleEndianAndUnaligned() throws {
        let mem = try memory(1)
        try mem.store(UInt32(0x1122_3344), at: 1)
        #expect(try mem.read(at: 0, count: 6) == [0, 0x44, 0x33, 0x22, 0x11, 0])
        #expect(try mem.load(at: 2, as: UInt16.self) == 0x2233)
        try mem.store(Int16(-2), at: 3, offset: 10)
        #expect(try mem.load(at: 13, as: UInt16.self) == 0xfffe)
        #expect(try mem.load(at: 0, offset: 13, as: Int16.self) == -2)
    }

    @Test func boundsAtTheEnd() throws {
        let mem = try memory(1)
        let end = UInt64(page)
        #expect(try mem.effectiveAddress(end - 8, offset: 0, size: 8) == page - 8)
        #expect(try mem.effectiveAddress(0, offset: end - 1, size: 1) == page - 1)
        #expect(try mem.effectiveAddress(end, offset: 0, size: 0) == page)
        for (address, offset, size) in [(end - 7, UInt64(0), 8), (end, 0, 1), (0, end, 1), (end - 1, 1, 1),
                                        (1, end - 1, 1), (end - 3, 0, 4)] {
            #expect(throws: TrapReason.outOfBoundsMemoryAccess) {
                try mem.effectiveAddress(address, offset: offset, size: size)
            }
        }
    }

    @Test func boundsAround4GiBDoNotWrap() throws {
        let mem = try memory(1)
        let cases: [(UInt64, UInt64)] = [
            (0xffff_ffff, 0), (0xffff_ffff, 1), (0, 0xffff_ffff), (0xffff_ffff, 0xffff_ffff),
            (1 << 32, 0), (0, 1 << 32), (UInt64.max, 1), (1, UInt64.max), (UInt64.max, UInt64.max),
            (UInt64.max - 3, 0), (0xffff_ffff_ffff_0000, 0x1_0000),
        ]
        for (address, offset) in cases {
            for size in [1, 2, 4, 8, 16] {
                #expect(throws: TrapReason.outOfBoundsMemoryAccess) {
                    try mem.effectiveAddress(address, offset: offset, size: size)
                }
            }
        }
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) { try mem.fill(at: UInt64.max, value: 0, count: 2) }
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) { try mem.fill(at: 1, value: 0, count: UInt64.max) }
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) { try mem.copy(to: 0, from: 1, count: UInt64.max) }
    }

    @Test func fullSized32BitMemory() throws {
        // 65536 pages: the whole 32-bit space is addressable; only address space is used.
        let mem = try memory(65535)
        #expect(mem.grow(by: 1) == 65535)
        #expect(mem.byteCount == 1 << 32)
        #expect(mem.grow(by: 1) == nil)
        try mem.store(UInt32(0xa1b2_c3d4), at: 0xffff_fffc)
        #expect(try mem.load(at: 0xffff_fffc, as: UInt32.self) == 0xa1b2_c3d4)
        #expect(try mem.load(at: 0xffff_fff0, as: UInt64.self) == 0)
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) { try mem.load(at: 0xffff_fffd, as: UInt32.self) }
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) { try mem.load(at: 0xffff_fffc, offset: 1, as: UInt32.self) }
        #expect(try mem.effectiveAddress(0xffff_ffff, offset: 0, size: 1) == 0xffff_ffff)
        try mem.fill(at: 0xffff_fff0, value: 0x5a, count: 16)
        #expect(try mem.load(at: 0xffff_ffff, as: UInt8.self) == 0x5a)
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) { try mem.fill(at: 0xffff_ffff, value: 1, count: 2) }
        try mem.copy(to: 0, from: 0xffff_fff0, count: 16)
        #expect(try mem.load(at: 8, as: UInt64.self) == 0x5a5a_5a5a_5a5a_5a5a)
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) { try mem.copy(to: 0xffff_fff1, from: 0, count: 16) }
    }

    @Test func fillTrapsBeforeWriting() throws {
        let mem = try memory(1)
        try mem.fill(at: 10, value: 0xaa, count: 5)
        #expect(try mem.read(at: 9, count: 7) == [0, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0])
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) {
            try mem.fill(at: UInt64(page - 4), value: 0xbb, count: 5)
        }
        #expect(try mem.read(at: UInt64(page - 4), count: 4) == [0, 0, 0, 0])
        try mem.fill(at: UInt64(page), value: 0xbb, count: 0)
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) { try mem.fill(at: UInt64(page) + 1, value: 0, count: 0) }
    }

    @Test func copyHandlesOverlapAndTrapsBeforeWriting() throws {
        let mem = try memory(1)
        try mem.write([1, 2, 3, 4, 5], at: 0)
        try mem.copy(to: 2, from: 0, count: 5)
        #expect(try mem.read(at: 0, count: 7) == [1, 2, 1, 2, 3, 4, 5])
        try mem.copy(to: 0, from: 2, count: 5)
        #expect(try mem.read(at: 0, count: 7) == [1, 2, 3, 4, 5, 4, 5])
        // Source out of bounds: the destination must stay untouched.
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) {
            try mem.copy(to: 100, from: UInt64(page - 2), count: 3)
        }
        #expect(try mem.read(at: 100, count: 3) == [0, 0, 0])
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) {
            try mem.copy(to: UInt64(page - 2), from: 0, count: 3)
        }
        #expect(try mem.read(at: UInt64(page - 2), count: 2) == [0, 0])
        try mem.copy(to: UInt64(page), from: UInt64(page), count: 0)
    }

    @Test func copyBetweenMemories() throws {
        let a = try memory(1), b = try memory(1)
        try b.write([9, 8, 7], at: 40)
        try a.copy(to: 4, from: 40, in: b, count: 3)
        #expect(try a.read(at: 3, count: 5) == [0, 9, 8, 7, 0])
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) { try a.copy(to: 0, from: UInt64(page), in: b, count: 1) }
    }

    @Test func initializeFromSegment() throws {
        let mem = try memory(1)
        let module: [UInt8] = [0xff, 10, 20, 30, 40, 0xff]
        let segment = module[1 ..< 5]
        try mem.initialize(from: segment, sourceOffset: 1, at: 100, count: 3)
        #expect(try mem.read(at: 99, count: 5) == [0, 20, 30, 40, 0])
        // Past the segment's end (even though the backing array continues): trap, no write.
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) {
            try mem.initialize(from: segment, sourceOffset: 2, at: 200, count: 3)
        }
        #expect(try mem.read(at: 200, count: 3) == [0, 0, 0])
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) {
            try mem.initialize(from: segment, at: UInt64(page - 1), count: 2)
        }
        #expect(try mem.load(at: UInt64(page - 1), as: UInt8.self) == 0)
        try mem.initialize(from: segment, sourceOffset: 4, at: UInt64(page), count: 0)
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) {
            try mem.initialize(from: segment, sourceOffset: 5, at: 0, count: 0)
        }
        try mem.initialize(from: [1, 2], at: 0, count: 2)
        #expect(try mem.load(at: 0, as: UInt16.self) == 0x0201)
    }

    @Test func strategiesAreNamed() {
        #expect(BoundsStrategy(rawValue: "software") == .software)
        #expect(BoundsStrategy.allCases.contains(.software))
        #expect(BoundsStrategy.software.requiresExplicitCheck)
    }

    @Test func reservationsBeyondTheAddressSpaceBudgetFailCleanly() throws {
        #expect(!AddressSpaceBudget.claim(AddressSpaceBudget.limit + 1))
        // A memory64 whose initial size alone exceeds the budget is refused before mmap.
        let pages = UInt64(AddressSpaceBudget.limit) / LinearMemory.pageSize + 1
        let type = MemoryType(Limits(min: pages, max: nil, is64: true))
        #expect(throws: WasmError.self) { _ = try LinearMemory(type: type, strategy: .software) }
    }
}

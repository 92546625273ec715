import Testing
import WasmCore
@testable import WasmRuntime

private func memory(_ min: UInt64, _ max: UInt64? = nil, strategy: BoundsStrategy = .software) throws -> LinearMemory {
    try LinearMemory(type: MemoryType(Limits(min: min, max: max, is64: false)), strategy: strategy)
}

/// A recognisable byte for each offset (never zero).
private func pattern(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: i % 251 + 1) }

@Suite struct MovedPagesTests {
    @Test(arguments: [BoundsStrategy.software, .guard], [3 * 4096, 4 << 20])
    func pagesMoveFromOneMemoryToAnotherAndLeaveZerosBehind(strategy: BoundsStrategy, count: Int) throws {
        let sender = try memory(1, strategy: strategy), receiver = try memory(1, strategy: strategy)
        let at = try #require(sender.growAligned(byteCount: count))
        #expect(at >= Int(LinearMemory.pageSize))
        // Aligned for huge pages where the base lets whole Wasm pages get there.
        if count >= MovedPages.hugePage && Int(bitPattern: sender.base) % Int(LinearMemory.pageSize) == 0 {
            #expect((Int(bitPattern: sender.base) + at) % MovedPages.hugePage == 0)
        }
        try sender.write((0 ..< count).map(pattern), at: UInt64(at))

        let pages = try sender.movePagesOut(at: at, length: count)
        #expect(pages.byteCount == count)
        #expect(try sender.read(at: UInt64(at), count: count).allSatisfy { $0 == 0 })
        // The sender's memory is still whole: written again, read back.
        try sender.store(UInt8(7), at: UInt64(at + count - 1))
        #expect(try sender.load(at: UInt64(at + count - 1), as: UInt8.self) == 7)

        let into = try #require(try receiver.growMovingIn(pages))
        #expect(pages.base == nil)
        #expect(try receiver.read(at: UInt64(into), count: count) == (0 ..< count).map(pattern))
        // What was there before the pages is untouched, and the pages are the receiver's.
        try receiver.store(UInt8(9), at: UInt64(into))
        #expect(try receiver.load(at: UInt64(into), as: UInt8.self) == 9)
        #expect(try receiver.growMovingIn(pages) == nil)
    }

    @Test func pagesThatDoNotFitStayWhereTheyAre() throws {
        let count = 4 * Int(LinearMemory.pageSize)
        let pages = try #require(MovedPages(zeroed: count))
        try #require(pages.base).storeBytes(of: 0x5A, toByteOffset: 5, as: UInt8.self)
        let small = try memory(1, 2)
        #expect(try small.growMovingIn(pages) == nil)
        #expect(small.pageCount == 1)
        let large = try memory(1)
        let into = try #require(try large.growMovingIn(pages))
        #expect(try large.load(at: UInt64(into + 5), as: UInt8.self) == 0x5A)
    }

    @Test func onlyPageAlignedRangesInsideTheMemoryMove() throws {
        let mem = try memory(2)
        #expect(throws: WasmError.self) { try mem.movePagesOut(at: 100, length: 4096) }
        #expect(throws: WasmError.self) { try mem.movePagesOut(at: 0, length: 100) }
        #expect(throws: WasmError.self) { try mem.movePagesOut(at: 0, length: mem.byteCount + 4096) }
        #expect(throws: WasmError.self) { try mem.movePagesOut(at: -4096, length: 4096) }
    }

    @Test func aReusedReservationHoldsNothingOfTheLastMemorysMovedPages() throws {
        let count = 4 << 20
        var base: UnsafeMutableRawPointer?
        do {
            let first = try memory(1, strategy: .guard)
            let pages = try #require(MovedPages(zeroed: count))
            try #require(pages.base).initializeMemory(as: UInt8.self, repeating: 0xEE, count: count)
            _ = try #require(try first.growMovingIn(pages))
            base = first.base
        }
        // The pool hands the reservation out again (most likely to this memory).
        let second = try memory(1, strategy: .guard)
        #expect(second.grow(by: UInt64(count) / LinearMemory.pageSize + 64) != nil)
        #expect(try second.read(at: 0, count: second.byteCount).allSatisfy { $0 == 0 }, "same reservation: \(second.base == base)")
    }

    @Test func preparingALargeWriteChangesNoByte() throws {
        let mem = try memory(1)
        let count = 5 << 20, page = 4096
        let at = Int(try #require(mem.grow(by: UInt64(count + (6 << 20)) / LinearMemory.pageSize)) * LinearMemory.pageSize)
        // Bytes on a few pages before and after the range, in the 2 MiB runs it touches
        // (few enough there that those runs are collapsed into huge pages).
        let start = at + 8 * page + 1234, end = start + count
        let before = (0 ..< 8 * page + 1234).map { pattern($0 + 7) }, after = (0 ..< 3 * page).map { pattern($0 + 3) }
        try mem.write(before, at: UInt64(at))
        try mem.write(after, at: UInt64(end))
        mem.prepareLargeWrite(at: start, count: count)
        #expect(try mem.read(at: UInt64(at), count: before.count) == before)
        #expect(try mem.read(at: UInt64(end), count: after.count) == after)
        #expect(try mem.read(at: UInt64(start), count: count).allSatisfy { $0 == 0 })
        try mem.write((0 ..< count).map(pattern), at: UInt64(start))
        #expect(try mem.read(at: UInt64(start), count: count) == (0 ..< count).map(pattern))
        // Out of range: ignored.
        mem.prepareLargeWrite(at: mem.byteCount, count: count)
        mem.prepareLargeWrite(at: -1, count: count)
    }
}

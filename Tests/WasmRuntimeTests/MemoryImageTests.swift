import Testing
import WasmCore
@testable import WasmRuntime

private let page = Int(LinearMemory.pageSize)

/// Copy-on-write restore of linear memories from images, under every safe strategy.
@Suite struct MemoryImageTests {
    static let strategies: [BoundsStrategy] = [.software, .guard, .masked]

    func memory(_ min: UInt64, _ max: UInt64? = 16, _ strategy: BoundsStrategy) throws -> LinearMemory {
        try LinearMemory(type: MemoryType(Limits(min: min, max: max)), strategy: strategy)
    }

    func bytes(_ memory: LinearMemory, _ offset: Int, _ count: Int) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: memory.base + offset, count: count))
    }

    func write(_ memory: LinearMemory, _ offset: Int, _ text: String) {
        for (i, b) in text.utf8.enumerated() { memory.base.storeBytes(of: b, toByteOffset: offset + i, as: UInt8.self) }
    }

    @Test(arguments: strategies)
    func restoreBringsTheImageBackEveryTime(strategy: BoundsStrategy) throws {
        let mem = try memory(2, 16, strategy)
        write(mem, 0, "first")
        write(mem, page + 100, "second page")
        let image = try MemoryImage(of: mem)
        #expect(image.pageCount == 2)
        for _ in 0 ..< 3 {
            write(mem, 0, "dirty")
            write(mem, 5000, "more")
            try mem.restore(image)
            #expect(bytes(mem, 0, 5) == Array("first".utf8))
            #expect(bytes(mem, page + 100, 11) == Array("second page".utf8))
            #expect(bytes(mem, 5000, 4) == [0, 0, 0, 0])
        }
    }

    @Test(arguments: strategies)
    func restoreShrinksToTheImageAndGrowingAgainReadsZero(strategy: BoundsStrategy) throws {
        let mem = try memory(1, 16, strategy)
        write(mem, 10, "kept")
        let image = try MemoryImage(of: mem)
        #expect(mem.grow(by: 3) == 1)
        write(mem, 3 * page + 7, "gone")
        try mem.restore(image)
        #expect(mem.pageCount == 1 && mem.byteCount == page)
        #expect(throws: TrapReason.outOfBoundsMemoryAccess) { try mem.load(at: UInt64(page), as: UInt8.self) }
        #expect(mem.grow(by: 3) == 1)
        #expect(bytes(mem, 3 * page + 7, 4) == [0, 0, 0, 0])
        #expect(bytes(mem, 10, 4) == Array("kept".utf8))
    }

    @Test(arguments: strategies)
    func anImageCanBeLargerThanTheMemory(strategy: BoundsStrategy) throws {
        let big = try memory(3, 16, strategy)
        write(big, 2 * page + 1, "far")
        let image = try MemoryImage(of: big)
        let small = try memory(1, 16, strategy)
        try small.restore(image)
        #expect(small.pageCount == 3 && bytes(small, 2 * page + 1, 3) == Array("far".utf8))
        let tooSmall = try memory(1, 2, strategy)
        #expect(throws: WasmError.self) { try tooSmall.restore(image) }
    }

    @Test(arguments: strategies)
    func nothingOfTheImageReachesTheNextMemoryOfThePool(strategy: BoundsStrategy) throws {
        let source = try memory(2, 16, strategy)
        for offset in stride(from: 0, to: 2 * page, by: 4096) { write(source, offset, "secret") }
        let image = try MemoryImage(of: source)
        // Restored memories go back to the reservation pool when released; the memories
        // made after them must read as zero.
        for _ in 0 ..< 4 {
            let restored = try memory(2, 16, strategy)
            try restored.restore(image)
            #expect(bytes(restored, 4096, 6) == Array("secret".utf8))
        }
        for _ in 0 ..< 4 {
            let fresh = try memory(2, 16, strategy)
            #expect(bytes(fresh, 0, 2 * page).allSatisfy { $0 == 0 })
        }
    }

    @Test(arguments: strategies)
    func anotherImageOfTheSameSizeReplacesTheFirst(strategy: BoundsStrategy) throws {
        let mem = try memory(1, 16, strategy)
        write(mem, 0, "one")
        let first = try MemoryImage(of: mem)
        write(mem, 0, "two")
        let second = try MemoryImage(of: mem)
        try mem.restore(first)
        #expect(bytes(mem, 0, 3) == Array("one".utf8))
        try mem.restore(second)
        #expect(bytes(mem, 0, 3) == Array("two".utf8))
        write(mem, 0, "xxx")
        try mem.restore(second)
        #expect(bytes(mem, 0, 3) == Array("two".utf8))
        try mem.restore(first)
        #expect(bytes(mem, 0, 3) == Array("one".utf8))
    }

    @Test func writesAfterARestoreNeverReachTheImage() throws {
        let mem = try memory(1, 16, .software)
        write(mem, 0, "original")
        let image = try MemoryImage(of: mem)
        let other = try memory(1, 16, .software)
        try mem.restore(image)
        try other.restore(image)
        write(mem, 0, "changed!")
        #expect(bytes(other, 0, 8) == Array("original".utf8))
        try mem.restore(image)
        #expect(bytes(mem, 0, 8) == Array("original".utf8))
    }

    /// Every strategy with a pooled reservation (a 32-bit memory without a maximum under
    /// `.software`), so released reservations are reused.
    func pooledMemory(_ strategy: BoundsStrategy, image: MemoryImage? = nil) throws -> LinearMemory {
        try LinearMemory(type: MemoryType(Limits(min: 1)), strategy: strategy, image: image)
    }

    @Test(arguments: strategies)
    func aMemoryMadeFromAnImageStartsInItsStateInAReusedReservation(strategy: BoundsStrategy) throws {
        let source = try pooledMemory(strategy)
        #expect(source.grow(by: 1) == 1)
        write(source, 0, "image")
        let image = try MemoryImage(of: source)
        for _ in 0 ..< 3 {
            // The last round's reservation comes back with the image still mapped.
            let mem = try pooledMemory(strategy, image: image)
            #expect(mem.pageCount == 2 && mem.byteCount == 2 * page)
            #expect(bytes(mem, 0, 5) == Array("image".utf8))
            #expect(bytes(mem, page + 9, 6) == [0, 0, 0, 0, 0, 0])
            #expect(throws: TrapReason.outOfBoundsMemoryAccess) { try mem.load(at: UInt64(2 * page), as: UInt8.self) }
            write(mem, 0, "dirty")
            write(mem, page + 9, "secret")
            #expect(mem.grow(by: 1) == 2)
            write(mem, 2 * page + 3, "grown")
        }
    }

    @Test(arguments: strategies)
    func reservationsThatHeldAnImageReadAsZeroForOtherMemories(strategy: BoundsStrategy) throws {
        var image: MemoryImage? = try {
            let source = try pooledMemory(strategy)
            write(source, 0, "image")
            return try MemoryImage(of: source)
        }()
        for round in 0 ..< 2 {
            // Two reservations holding the image go back to the pool (dirtied first).
            var mapped = [try pooledMemory(strategy, image: image), try pooledMemory(strategy, image: image)]
            for mem in mapped { write(mem, 0, "dirty"); write(mem, 100, "secret") }
            mapped.removeAll()
            // The second round, the image is gone first: its free slots turn anonymous.
            if round == 1 { image = nil }
            // More memories than the pool keeps free: every free reservation is taken.
            let plain = try (0 ..< ReservationPool.maxFree + 1).map { _ in try pooledMemory(strategy) }
            for mem in plain {
                #expect(bytes(mem, 0, 5) == [0, 0, 0, 0, 0] && bytes(mem, 100, 6) == [0, 0, 0, 0, 0, 0])
            }
        }
    }
}

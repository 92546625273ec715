import Glibc
import Synchronization
import WasmCore

/// A store's garbage-collected heap of structs and arrays: a non-moving mark-sweep
/// collector over size-segregated blocks (see Docs/GC.md).
///
/// Objects live in blocks of `blockSize` bytes aligned to their size, so the block of
/// any address is one mask away; each block holds cells of one size (or one large
/// object) and bitmaps of the allocated and marked cells. That makes "is this word an
/// object?" cheap and exact, which the conservative scan of value stacks needs.
///
///     block  | header: heap, cell size, cell count, first cell, large size |
///            | allocated bitmap | marked bitmap | cell | cell | ... |
///     object | GCTypeInfo pointer | array length (UInt32) | fields or elements ... |
///
/// Not thread-safe, like its store, except the pins of host-held references.
public final class GCHeap: @unchecked Sendable {
    /// Bytes of a block (and its alignment).
    public static let blockSize = 1 << 18
    static let blockMask = UInt(blockSize - 1)
    /// Cell sizes of the small-object blocks; larger objects get blocks of their own.
    static let sizeClasses = [16, 32, 48, 64, 80, 96, 128, 160, 192, 256, 320, 384, 512, 768, 1024,
                              1536, 2048, 3072, 4096, 6144, 8192]
    /// Header field offsets within a block.
    static let heapOffset = 0, cellSizeOffset = 8, cellCountOffset = 16, firstCellOffset = 24, largeSizeOffset = 32
    static let bitmapOffset = 40

    /// The store whose roots a collection scans.
    weak var store: Store?
    /// Most bytes of blocks the heap may hold.
    public let limit: Int
    /// Block bases, for the exact object test.
    private var blocks = Set<UInt>()
    /// Per size class: the first free cell (a free cell's first word links the next).
    private var freeLists: [UInt]
    private var blocksByClass: [[UInt]]
    private var largeBlocks: [UInt] = []
    /// Bytes of all blocks.
    public private(set) var heapBytes = 0
    /// Bytes of the objects allocated since the last collection, and the amount that
    /// triggers the next one (grows with the live data, so collection work stays
    /// proportional to allocation).
    private var allocatedSinceCollection = 0
    private var collectionThreshold = 8 << 20
    /// Statistics since the heap was made.
    public private(set) var statistics = Statistics()
    /// Host-held references (`GCObject`), by address and count.
    private let pins = Mutex<[UInt: Int]>([:])

    /// What the heap did, for benchmarks and tests.
    public struct Statistics: Sendable {
        /// Collections run.
        public var collections = 0
        /// Objects allocated.
        public var allocatedObjects = 0
        /// Bytes allocated (cell sizes).
        public var allocatedBytes = 0
        /// Objects the sweeps freed.
        public var freedObjects = 0
        /// Bytes of live objects after the last collection.
        public var liveBytesAfterLastCollection = 0
        /// The most bytes of blocks the heap held at once.
        public var peakHeapBytes = 0
        /// Pause of each collection, in nanoseconds (the last 4096).
        public var pauses: [UInt64] = []
    }

    init(limit: Int) {
        self.limit = limit
        freeLists = [UInt](repeating: 0, count: GCHeap.sizeClasses.count)
        blocksByClass = [[UInt]](repeating: [], count: GCHeap.sizeClasses.count)
    }

    deinit {
        for base in blocks {
            GCHeap.registry.withLock { _ = $0.remove(base) }
            free(UnsafeMutableRawPointer(bitPattern: base))
        }
    }

    // MARK: Allocation

    /// A zeroed object of `info`'s type (`length` elements for an array). `scanTop` is the
    /// end of the live part of the value stack when called from Wasm code; nil elsewhere
    /// (instantiation, the host), whose intermediate objects the scan could not see: no
    /// collection then.
    public func allocate(_ info: UnsafePointer<GCTypeInfo>, length: Int = 0,
                         scanTop: UnsafeRawPointer?) throws(TrapReason) -> UnsafeMutableRawPointer {
        var payload = info.pointee.payloadSize
        if info.pointee.kind == .array {
            let (product, overflow) = payload.multipliedReportingOverflow(by: length)
            guard !overflow, length >= 0 else { throw .heapExhausted }
            payload = product
        }
        guard payload <= limit else { throw .heapExhausted }
        let size = (GCTypeInfo.headerSize + payload + 15) & ~15
        if allocatedSinceCollection >= collectionThreshold, let scanTop {
            collect(scanTop: scanTop)
        }
        let cell = try allocateCell(size, scanTop: scanTop)
        memset(cell, 0, size)
        cell.storeBytes(of: info, as: UnsafePointer<GCTypeInfo>.self)
        cell.storeBytes(of: UInt32(truncatingIfNeeded: length), toByteOffset: GCTypeInfo.lengthOffset, as: UInt32.self)
        allocatedSinceCollection += size
        statistics.allocatedObjects += 1
        statistics.allocatedBytes += size
        return cell
    }

    private func allocateCell(_ size: Int, scanTop: UnsafeRawPointer?) throws(TrapReason) -> UnsafeMutableRawPointer {
        guard let sizeClass = GCHeap.sizeClasses.firstIndex(where: { $0 >= size }) else {
            return try allocateLarge(size, scanTop: scanTop)
        }
        if freeLists[sizeClass] == 0 {
            try reserve(GCHeap.blockSize, scanTop: scanTop)
            // The collection `reserve` may have run refilled the free list.
            if freeLists[sizeClass] == 0 { try addBlock(sizeClass) }
        }
        let cell = freeLists[sizeClass]
        let pointer = UnsafeMutableRawPointer(bitPattern: cell)!
        freeLists[sizeClass] = pointer.load(as: UInt.self)
        let block = UnsafeMutableRawPointer(bitPattern: cell & ~GCHeap.blockMask)!
        let first = block.load(fromByteOffset: GCHeap.firstCellOffset, as: Int.self)
        setBit(GCHeap.allocatedBitmap(block), (Int(cell & GCHeap.blockMask) - first) / GCHeap.sizeClasses[sizeClass])
        return pointer
    }

    /// Makes room for `bytes` more of blocks when the limit would be passed: collects,
    /// then returns the empty blocks the sweep kept for reuse.
    private func reserve(_ bytes: Int, scanTop: UnsafeRawPointer?) throws(TrapReason) {
        guard heapBytes + bytes > limit else { return }
        if let scanTop { collect(scanTop: scanTop) }
        if heapBytes + bytes > limit { releaseEmptyBlocks() }
        guard heapBytes + bytes <= limit else { throw .heapExhausted }
    }

    /// Frees every small-object block with no allocated cell (their cells leave the free
    /// lists, which are rebuilt from the blocks that stay).
    private func releaseEmptyBlocks() {
        for sizeClass in GCHeap.sizeClasses.indices {
            var kept: [UInt] = []
            var released = false
            for base in blocksByClass[sizeClass] {
                let block = UnsafeMutableRawPointer(bitPattern: base)!
                let count = block.load(fromByteOffset: GCHeap.cellCountOffset, as: Int.self)
                let allocated = GCHeap.allocatedBitmap(block)
                if (0..<(count + 63) / 64).allSatisfy({ allocated[$0] == 0 }) {
                    releaseBlock(base, bytes: GCHeap.blockSize)
                    released = true
                } else {
                    kept.append(base)
                }
            }
            guard released else { continue }
            blocksByClass[sizeClass] = kept
            freeLists[sizeClass] = freeCells(sizeClass)
        }
    }

    /// The free list of a size class, rebuilt from its blocks' allocated bitmaps.
    private func freeCells(_ sizeClass: Int) -> UInt {
        var free: UInt = 0
        for base in blocksByClass[sizeClass].reversed() { free = linkFreeCells(of: base, onto: free) }
        return free
    }

    /// Links the unallocated cells of the block at `base`, in address order, in front of
    /// the free list `next`; returns the new head.
    private func linkFreeCells(of base: UInt, onto next: UInt) -> UInt {
        let block = UnsafeMutableRawPointer(bitPattern: base)!
        let cellSize = block.load(fromByteOffset: GCHeap.cellSizeOffset, as: Int.self)
        let count = block.load(fromByteOffset: GCHeap.cellCountOffset, as: Int.self)
        let first = block.load(fromByteOffset: GCHeap.firstCellOffset, as: Int.self)
        let allocated = GCHeap.allocatedBitmap(block)
        var head = next
        for i in stride(from: count - 1, through: 0, by: -1) where !testBit(allocated, i) {
            let cell = block + first + i * cellSize
            cell.storeBytes(of: head, as: UInt.self)
            head = UInt(bitPattern: cell)
        }
        return head
    }

    private func allocateLarge(_ size: Int, scanTop: UnsafeRawPointer?) throws(TrapReason) -> UnsafeMutableRawPointer {
        // One bitmap word each; objects start 16-byte aligned.
        let first = (GCHeap.bitmapOffset + 16 + 15) & ~15
        let total = (first + size + GCHeap.blockSize - 1) & ~(GCHeap.blockSize - 1)
        try reserve(total, scanTop: scanTop)
        let base = try newBlock(bytes: total)
        let header = UnsafeMutableRawPointer(bitPattern: base)!
        header.storeBytes(of: 0, toByteOffset: GCHeap.cellSizeOffset, as: Int.self)
        header.storeBytes(of: 1, toByteOffset: GCHeap.cellCountOffset, as: Int.self)
        header.storeBytes(of: first, toByteOffset: GCHeap.firstCellOffset, as: Int.self)
        header.storeBytes(of: total, toByteOffset: GCHeap.largeSizeOffset, as: Int.self)
        header.storeBytes(of: UInt64(1), toByteOffset: GCHeap.bitmapOffset, as: UInt64.self)
        header.storeBytes(of: UInt64(0), toByteOffset: GCHeap.bitmapOffset + 8, as: UInt64.self)
        largeBlocks.append(base)
        return header + first
    }

    private func addBlock(_ sizeClass: Int) throws(TrapReason) {
        let cellSize = GCHeap.sizeClasses[sizeClass]
        let base = try newBlock(bytes: GCHeap.blockSize)
        let header = UnsafeMutableRawPointer(bitPattern: base)!
        let bitmapBytes = GCHeap.bitmapWords(cellSize: cellSize) * 8
        let first = (GCHeap.bitmapOffset + 2 * bitmapBytes + 15) & ~15
        let count = (GCHeap.blockSize - first) / cellSize
        header.storeBytes(of: cellSize, toByteOffset: GCHeap.cellSizeOffset, as: Int.self)
        header.storeBytes(of: count, toByteOffset: GCHeap.cellCountOffset, as: Int.self)
        header.storeBytes(of: first, toByteOffset: GCHeap.firstCellOffset, as: Int.self)
        header.storeBytes(of: 0, toByteOffset: GCHeap.largeSizeOffset, as: Int.self)
        memset(header + GCHeap.bitmapOffset, 0, 2 * bitmapBytes)
        freeLists[sizeClass] = linkFreeCells(of: base, onto: freeLists[sizeClass])
        blocksByClass[sizeClass].append(base)
    }

    private func newBlock(bytes: Int) throws(TrapReason) -> UInt {
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, GCHeap.blockSize, bytes) == 0, let raw else { throw .heapExhausted }
        raw.storeBytes(of: Unmanaged.passUnretained(self).toOpaque(), toByteOffset: GCHeap.heapOffset,
                       as: UnsafeMutableRawPointer.self)
        let base = UInt(bitPattern: raw)
        blocks.insert(base)
        GCHeap.registry.withLock { _ = $0.insert(base) }
        heapBytes += bytes
        statistics.peakHeapBytes = max(statistics.peakHeapBytes, heapBytes)
        return base
    }

    private func releaseBlock(_ base: UInt, bytes: Int) {
        blocks.remove(base)
        GCHeap.registry.withLock { _ = $0.remove(base) }
        heapBytes -= bytes
        free(UnsafeMutableRawPointer(bitPattern: base))
    }

    // MARK: Cells and bitmaps

    /// Words of each of a block's two bitmaps: one bit per cell that could fit (one word
    /// for a large object's block, `cellSize` 0).
    @inline(__always) static func bitmapWords(cellSize: Int) -> Int {
        cellSize == 0 ? 1 : (blockSize / cellSize + 63) / 64
    }

    @inline(__always) static func allocatedBitmap(_ block: UnsafeMutableRawPointer) -> UnsafeMutablePointer<UInt64> {
        (block + bitmapOffset).assumingMemoryBound(to: UInt64.self)
    }

    @inline(__always) static func markedBitmap(_ block: UnsafeMutableRawPointer) -> UnsafeMutablePointer<UInt64> {
        let words = bitmapWords(cellSize: block.load(fromByteOffset: cellSizeOffset, as: Int.self))
        return (block + bitmapOffset + words * 8).assumingMemoryBound(to: UInt64.self)
    }

    @inline(__always) func setBit(_ bitmap: UnsafeMutablePointer<UInt64>, _ i: Int) {
        bitmap[i >> 6] |= 1 << UInt64(i & 63)
    }

    @inline(__always) func testBit(_ bitmap: UnsafeMutablePointer<UInt64>, _ i: Int) -> Bool {
        bitmap[i >> 6] & (1 << UInt64(i & 63)) != 0
    }

    /// The block and cell index of the object starting at `word`, if `word` is the address
    /// of an allocated object of this heap (anything else: nil, so any word may be asked).
    @inline(__always)
    func cell(at word: UInt64) -> (block: UnsafeMutableRawPointer, index: Int)? {
        guard word != 0, word & 15 == 0 else { return nil }
        let address = UInt(truncatingIfNeeded: word)
        let base = address & ~GCHeap.blockMask
        guard blocks.contains(base) else { return nil }
        let block = UnsafeMutableRawPointer(bitPattern: base)!
        let first = block.load(fromByteOffset: GCHeap.firstCellOffset, as: Int.self)
        let size = block.load(fromByteOffset: GCHeap.cellSizeOffset, as: Int.self)
        let offset = Int(address - base) - first
        if size == 0 { return offset == 0 ? (block, 0) : nil }
        guard offset >= 0, offset % size == 0 else { return nil }
        let index = offset / size
        guard index < block.load(fromByteOffset: GCHeap.cellCountOffset, as: Int.self),
              testBit(GCHeap.allocatedBitmap(block), index) else { return nil }
        return (block, index)
    }

    // MARK: Blocks of every heap

    /// Bases of the blocks of every heap, so that a slot can be recognised as an object
    /// pointer before its block is read (`GCObject.from`).
    static let registry = Mutex(Set<UInt>())

    /// The heap owning the object at `address`, when it is one.
    static func heap(owning address: UInt) -> GCHeap? {
        let base = address & ~blockMask
        guard address & 15 == 0, registry.withLock({ $0.contains(base) }) else { return nil }
        let block = UnsafeMutableRawPointer(bitPattern: base)!
        let heap = Unmanaged<GCHeap>.fromOpaque(block.load(fromByteOffset: heapOffset, as: UnsafeMutableRawPointer.self))
            .takeUnretainedValue()
        return heap.cell(at: UInt64(address)) == nil ? nil : heap
    }

    // MARK: Pins

    func pin(_ address: UInt) { pins.withLock { $0[address, default: 0] += 1 } }

    func unpin(_ address: UInt) {
        pins.withLock { pins in
            if let n = pins[address] { pins[address] = n > 1 ? n - 1 : nil }
        }
    }

    // MARK: Collection

    /// Marks everything reachable from the roots (the value stack up to `scanTop`, the
    /// store's globals, tables, segments and exceptions, and pinned objects), then frees
    /// the rest.
    public func collect(scanTop: UnsafeRawPointer) {
        let start = GCHeap.nanoseconds()
        var marker = Marker(heap: self)
        for base in blocks {
            let block = UnsafeMutableRawPointer(bitPattern: base)!
            let words = GCHeap.bitmapWords(cellSize: block.load(fromByteOffset: GCHeap.cellSizeOffset, as: Int.self))
            memset(GCHeap.markedBitmap(block), 0, words * 8)
        }
        if let store {
            let stack = store.stack
            var slot = UnsafeRawPointer(stack.slotBase)
            while slot < scanTop {
                marker.mark(slot.load(as: UInt64.self))
                slot += 8
            }
            store.markRoots(&marker)
        }
        for address in pins.withLock({ Array($0.keys) }) { marker.mark(UInt64(address)) }
        marker.drain()
        let live = sweep()
        statistics.collections += 1
        statistics.liveBytesAfterLastCollection = live
        allocatedSinceCollection = 0
        collectionThreshold = max(8 << 20, live)
        let pause = GCHeap.nanoseconds() - start
        if statistics.pauses.count >= 4096 { statistics.pauses.removeFirst(2048) }
        statistics.pauses.append(pause)
    }

    /// Rebuilds the free lists from the unmarked cells, returns empty blocks, and gives
    /// the bytes of the live objects.
    private func sweep() -> Int {
        var live = 0
        // Empty blocks are kept for reuse up to the allocation that triggers the next
        // collection (returning and refaulting them each cycle costs more than it saves).
        var keptEmpty = 0
        for sizeClass in GCHeap.sizeClasses.indices {
            let cellSize = GCHeap.sizeClasses[sizeClass]
            var kept: [UInt] = []
            for base in blocksByClass[sizeClass] {
                let block = UnsafeMutableRawPointer(bitPattern: base)!
                let count = block.load(fromByteOffset: GCHeap.cellCountOffset, as: Int.self)
                let allocated = GCHeap.allocatedBitmap(block), marked = GCHeap.markedBitmap(block)
                var liveCells = 0
                for w in 0..<(count + 63) / 64 {
                    let dead = allocated[w] & ~marked[w]
                    statistics.freedObjects += dead.nonzeroBitCount
                    allocated[w] &= marked[w]
                    liveCells += allocated[w].nonzeroBitCount
                }
                if liveCells == 0 {
                    guard keptEmpty < collectionThreshold else {
                        releaseBlock(base, bytes: GCHeap.blockSize)
                        continue
                    }
                    keptEmpty += GCHeap.blockSize
                }
                kept.append(base)
                live += liveCells * cellSize
            }
            blocksByClass[sizeClass] = kept
            freeLists[sizeClass] = freeCells(sizeClass)
        }
        var keptLarge: [UInt] = []
        for base in largeBlocks {
            let block = UnsafeMutableRawPointer(bitPattern: base)!
            let bytes = block.load(fromByteOffset: GCHeap.largeSizeOffset, as: Int.self)
            if GCHeap.markedBitmap(block)[0] & 1 != 0 {
                keptLarge.append(base)
                live += bytes
            } else {
                statistics.freedObjects += 1
                releaseBlock(base, bytes: bytes)
            }
        }
        largeBlocks = keptLarge
        return live
    }

    /// Monotonic nanoseconds, for pause times.
    static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// The mark phase's work list: marks an object once and traces its references.
    struct Marker {
        let heap: GCHeap
        var work: [UInt] = []

        /// Marks `word` if it is an object of the heap (any word may be passed).
        @inline(__always)
        mutating func mark(_ word: UInt64) {
            guard let (block, index) = heap.cell(at: word) else { return }
            let marked = GCHeap.markedBitmap(block)
            guard !heap.testBit(marked, index) else { return }
            heap.setBit(marked, index)
            work.append(UInt(truncatingIfNeeded: word))
        }

        mutating func drain() {
            while let address = work.popLast() {
                let object = UnsafeRawPointer(bitPattern: address)!
                let info = object.load(as: UnsafePointer<GCTypeInfo>.self)
                if info.pointee.kind == .structure {
                    for offset in info.pointee.referenceOffsets { mark(object.load(fromByteOffset: offset, as: UInt64.self)) }
                } else if info.pointee.isReferenceArray {
                    let length = Int(object.load(fromByteOffset: GCTypeInfo.lengthOffset, as: UInt32.self))
                    for i in 0..<length {
                        mark(object.load(fromByteOffset: GCTypeInfo.headerSize + i * 8, as: UInt64.self))
                    }
                }
            }
        }
    }
}

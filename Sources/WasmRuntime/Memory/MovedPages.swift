import Platform

/// Private anonymous pages held outside any linear memory, on their way from one memory
/// to another: `LinearMemory.movePagesOut` takes them out of a sender's memory and
/// `LinearMemory.growMovingIn` puts them into a receiver's, each with one `mremap`, which
/// moves page-table entries and never the bytes (whole 2 MiB entries when both sides are
/// aligned to them and the pages are huge ones). Unmapped when released.
public final class MovedPages: @unchecked Sendable {
    /// Alignment of runs of at least this size, so that they can be backed by huge pages
    /// and moved an entry of the page directory at a time.
    public static let hugePage = 2 << 20

    /// Bytes held: a multiple of the system page.
    public let byteCount: Int
    /// Where they are mapped now; nil once moved into a memory.
    public private(set) var base: UnsafeMutableRawPointer?

    /// `byteCount` zero bytes (rounded up to the system page) of fresh pages, to be
    /// filled by the host; nil when the system refuses the mapping.
    public init?(zeroed byteCount: Int) {
        self.byteCount = Self.roundedToPage(byteCount)
        guard self.byteCount > 0, let run = Self.reserve(self.byteCount),
              mmap(run, self.byteCount, PROT_READ | PROT_WRITE, LinearMemory.anonymous | MAP_FIXED, -1, 0) == run else {
            return nil
        }
        base = run
        Self.adviseHuge(run, self.byteCount)
    }

    /// Takes over the pages already moved to `base` (`byteCount` bytes).
    init(movedTo base: UnsafeMutableRawPointer, byteCount: Int) {
        self.base = base
        self.byteCount = byteCount
    }

    deinit { if let base { _ = munmap(base, byteCount) } }

    /// The pages' address, given up: whoever moves them elsewhere owns them.
    func take() -> UnsafeMutableRawPointer? {
        defer { base = nil }
        return base
    }

    /// `count` rounded up to the system page.
    public static func roundedToPage(_ count: Int) -> Int {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        return (count + page - 1) / page * page
    }

    /// The alignment a run of `byteCount` bytes is placed at.
    static func alignment(of byteCount: Int) -> Int {
        byteCount >= hugePage ? hugePage : Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Free address space for `byteCount` bytes at their alignment (inaccessible); nil
    /// when there is none.
    static func reserve(_ byteCount: Int) -> UnsafeMutableRawPointer? {
        let alignment = alignment(of: byteCount)
        // Linux places a run of whole 2 MiB there already: one call then.
        if byteCount % hugePage == 0, let raw = mmap(nil, byteCount, PROT_NONE, LinearMemory.anonymous, -1, 0),
           raw != UnsafeMutableRawPointer(bitPattern: -1) {
            if Int(bitPattern: raw) % alignment == 0 { return raw }
            _ = munmap(raw, byteCount)
        }
        let padded = byteCount + alignment
        guard let raw = mmap(nil, padded, PROT_NONE, LinearMemory.anonymous, -1, 0),
              raw != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        let address = Int(bitPattern: raw)
        let aligned = (address + alignment - 1) / alignment * alignment
        if aligned > address { _ = munmap(raw, aligned - address) }
        let end = aligned + byteCount
        if address + padded > end, let tail = UnsafeMutableRawPointer(bitPattern: end) { _ = munmap(tail, address + padded - end) }
        return UnsafeMutableRawPointer(bitPattern: aligned)
    }

    /// Asks for huge pages where a run is large enough to hold one (a hint: without it,
    /// or when none is free, the kernel uses small pages).
    static func adviseHuge(_ base: UnsafeMutableRawPointer, _ byteCount: Int) {
        #if os(Linux)
        if byteCount >= hugePage { _ = madvise(base, byteCount, MADV_HUGEPAGE) }
        #endif
    }

    /// Readies the bytes `range` of `region` (a private anonymous writable mapping) for the
    /// host to fill in one go, when they are at least 2 MiB: the 2 MiB runs they touch
    /// that lie inside the region become huge pages now where few of their small pages
    /// are there yet (a collapse, which keeps what those hold), and every page left is
    /// filled in by one call, so the copy takes no fault instead of one per small page.
    /// What any byte reads does not change. The range of `region` given the huge-page
    /// advice, if any.
    public static func prepareForWrite(_ range: Range<Int>, in region: UnsafeMutableRawBufferPointer) -> Range<Int>? {
        guard range.count >= hugePage, range.lowerBound >= 0, range.upperBound <= region.count,
              let base = region.baseAddress else { return nil }
        let start = Int(bitPattern: base)
        let below = (start + range.lowerBound) / hugePage * hugePage - start
        let above = (start + range.upperBound + hugePage - 1) / hugePage * hugePage - start
        let first = below >= 0 ? below : below + hugePage
        let last = above <= region.count ? above : above - hugePage
        if last > first {
            adviseHuge(base + first, last - first)
            for run in stride(from: first, to: last, by: hugePage) where residentPages(base + run, hugePage) < 64 {
                collapse(base + run, hugePage)
            }
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let low = (start + range.lowerBound) / page * page - start
        populate(base + low, roundedToPage(start + range.upperBound) - start - low)
        return last > first ? first ..< last : nil
    }

    /// An empty byte array with room for `capacity` bytes, its pages readied for the one
    /// large copy that will fill it (`prepareForWrite`).
    public static func byteArray(capacity: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: capacity) { storage, count in
            _ = prepareForWrite(0 ..< capacity, in: UnsafeMutableRawBufferPointer(storage))
            count = 0
        }
    }

    /// Makes the 2 MiB run at `base` (aligned, advised huge) one huge page now, keeping
    /// the bytes of the small pages there; a hint, skipped where the kernel lacks it or
    /// has no huge page free.
    private static func collapse(_ base: UnsafeMutableRawPointer, _ byteCount: Int) {
        #if os(Linux)
        _ = madvise(base, byteCount, 25)  // MADV_COLLAPSE (Linux 6.1), which older headers lack
        #endif
    }

    /// Fills in the pages of a writable range now (zeroed where there were none) in one
    /// call instead of one fault per page; a hint, skipped where the kernel lacks it.
    private static func populate(_ base: UnsafeMutableRawPointer, _ byteCount: Int) {
        #if os(Linux)
        _ = madvise(base, byteCount, 23)  // MADV_POPULATE_WRITE (Linux 5.14)
        #endif
    }

    /// How many of the small pages of the range at `base` (page-aligned) are there.
    private static func residentPages(_ base: UnsafeMutableRawPointer, _ byteCount: Int) -> Int {
        var vector = [UInt8](repeating: 0, count: roundedToPage(byteCount) / Int(sysconf(Int32(_SC_PAGESIZE))))
        guard mincore(base, byteCount, &vector) == 0 else { return vector.count }
        return vector.reduce(0) { $0 + Int($1 & 1) }
    }
}

import WasmDecoder

/// What the exception unwinder needs to know about one module's machine code
/// (Docs/JIT.md, "Exceptions"): where its native calls return to, and its `try_table`
/// regions with their catch clauses.
///
/// ```
///  call sites   return offset -> frame offset (bytes the caller added to fp for the call)
///  regions      (start, end]  -> clauses: kind, tag, payload slot, landing pad offset
/// ```
///
/// A frame's position is the offset of the instruction after the call (or after the
/// `call` into the unwind stub that raised the exception): it lies in (start, end] of
/// the regions around that point.
struct HandlerTable {
    struct Clause {
        var kind: CatchClause.Kind
        var tag: UInt32
        /// Frame offset of the target label's first value slot (payload, then exnref).
        var slot: Int32
        /// Code offset of the landing pad, which restores registers and jumps to the label.
        var landing: Int
    }

    struct Region {
        var start: Int
        var end: Int
        var clauses: [Clause]
    }

    /// Return offsets of native Wasm calls, ascending (code is emitted in order).
    private(set) var returnOffsets: [Int32] = []
    private(set) var frameOffsets: [Int32] = []
    /// try_table regions, by ascending start: among nested regions the inner one starts later.
    private(set) var regions: [Region] = []

    init() {}

    /// A table read back from a precompiled module.
    init(returnOffsets: [Int32], frameOffsets: [Int32], regions: [Region]) {
        self.returnOffsets = returnOffsets
        self.frameOffsets = frameOffsets
        self.regions = regions
    }

    mutating func addCallSite(returnOffset: Int, frameOffset: Int32) {
        returnOffsets.append(Int32(returnOffset))
        frameOffsets.append(frameOffset)
    }

    /// Opens a region at `start` (its end is set by `close`); returns its index.
    mutating func open(start: Int, clauses: [Clause]) -> Int {
        regions.append(Region(start: start, end: start, clauses: clauses))
        return regions.count - 1
    }

    mutating func close(_ index: Int, end: Int) { regions[index].end = end }

    /// Forgets everything from `offset` on (code dropped by the compiler).
    mutating func truncate(to offset: Int) {
        while let last = returnOffsets.last, Int(last) >= offset {
            returnOffsets.removeLast()
            frameOffsets.removeLast()
        }
        while let last = regions.last, last.start >= offset { regions.removeLast() }
    }

    /// Appends `other`'s call sites and regions moved by `delta` bytes (a piece of code
    /// placed at `delta` in the module's buffer; `ModuleCodeLayout`). Appended in code
    /// order, the call sites stay ascending and the regions ordered by start.
    mutating func append(_ other: HandlerTable, offsetBy delta: Int) {
        for r in other.returnOffsets { returnOffsets.append(r + Int32(delta)) }
        frameOffsets += other.frameOffsets
        for var region in other.regions {
            region.start += delta
            region.end += delta
            for k in region.clauses.indices { region.clauses[k].landing += delta }
            regions.append(region)
        }
    }

    /// The frame offset of the call returning to `returnOffset`, nil if none does.
    func frameOffset(returningTo returnOffset: Int) -> Int32? {
        var low = 0, high = returnOffsets.count
        while low < high {
            let mid = (low + high) / 2
            if Int(returnOffsets[mid]) < returnOffset { low = mid + 1 } else { high = mid }
        }
        guard low < returnOffsets.count, Int(returnOffsets[low]) == returnOffset else { return nil }
        return frameOffsets[low]
    }

    /// Visits the clauses of the regions around `position`, innermost region first, while
    /// `body` returns true.
    func forEachClause(at position: Int, _ body: (Clause) -> Bool) {
        guard let first = regions.first, first.start < position else { return }
        for region in regions.reversed() where region.start < position && position <= region.end {
            for clause in region.clauses where !body(clause) { return }
        }
    }
}

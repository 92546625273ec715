/// Where each chunk of a module's machine code goes in its one `CodeBuffer`, and the one
/// place that moves what names a chunk's code offsets to module offsets
/// (Docs/JIT.md, "Parallel compilation").
///
/// ```
///  0                 chunk 0: functions of worker 0 (the calling thread)
///                    padding that traps (`JITBackend.fillPadding`) up to a multiple of `chunkAlignment`
///  start(1)          chunk 1: functions of worker 1
///  ...
///  start(n - 1)      chunk n-1: its functions, then the tail emitted after the join:
///                    interpreter shims, module trap stubs, exception stubs,
///                    fault resume point, trap exit
///  size
/// ```
///
/// Every chunk is assembled from offset 0; its code offsets (labels, trap stubs and sites,
/// call sites, try_table regions, listing events) become module offsets by adding
/// `start(c)`. A module compiled by one worker is one chunk at 0: nothing moves.
struct ModuleCodeLayout: Equatable {
    /// Chunks start at multiples of this: alignment padding inside a chunk (jump tables:
    /// 4, float constants: 8) is then the same as at the module offset, and each chunk's
    /// first function starts on a 16-byte instruction fetch block.
    static let chunkAlignment = 16

    /// Start offset of each chunk.
    let starts: [Int]
    /// Size of each chunk's code.
    let sizes: [Int]

    init(chunkSizes: [Int]) {
        var starts: [Int] = []
        var end = 0
        for size in chunkSizes {
            let start = (end + Self.chunkAlignment - 1) / Self.chunkAlignment * Self.chunkAlignment
            starts.append(start)
            end = start + size
        }
        self.starts = starts
        sizes = chunkSizes
    }

    /// Total size of the module's code (the end of the last chunk).
    var size: Int { starts.last.map { $0 + sizes[sizes.count - 1] } ?? 0 }

    /// The module offset of offset `offset` of chunk `chunk`.
    @inline(__always) func moduleOffset(_ offset: Int, inChunk chunk: Int) -> Int { starts[chunk] + offset }

    /// The padding after chunk `chunk` (up to the next chunk's start).
    func padding(after chunk: Int) -> Range<Int> {
        let end = starts[chunk] + sizes[chunk]
        return end ..< (chunk + 1 < starts.count ? starts[chunk + 1] : end)
    }

    /// The trap tables of the chunks (`table(c)`) as one, in module offsets.
    func mergeTrapTables(_ table: (Int) -> TrapTable) -> TrapTable {
        if starts.count == 1 { return table(0) }  // one chunk at 0: nothing moves
        var merged = TrapTable()
        for c in starts.indices { merged.append(table(c), offsetBy: starts[c]) }
        return merged
    }

    /// The handler tables of the chunks (`table(c)`) as one, in module offsets.
    func mergeHandlerTables(_ table: (Int) -> HandlerTable) -> HandlerTable {
        if starts.count == 1 { return table(0) }
        var merged = HandlerTable()
        for c in starts.indices { merged.append(table(c), offsetBy: starts[c]) }
        return merged
    }

    /// Listing events of chunk `chunk` in module offsets.
    func rebase(_ events: [JITListing.Event], chunk: Int) -> [JITListing.Event] {
        events.map { JITListing.Event(codeOffset: $0.codeOffset + starts[chunk], mark: $0.mark) }
    }

    /// Listing notes of chunk `chunk` in module offsets.
    func rebase(_ notes: [JITListing.Note], chunk: Int) -> [JITListing.Note] {
        notes.map { JITListing.Note(codeOffset: $0.codeOffset + starts[chunk], value: $0.value, symbol: $0.symbol) }
    }

    /// Isolation sites of chunk `chunk` in module offsets.
    func rebase(_ sites: [JITListing.IsolationSite], chunk: Int) -> [JITListing.IsolationSite] {
        sites.map { JITListing.IsolationSite(codeOffset: $0.codeOffset + starts[chunk], kind: $0.kind) }
    }
}

import Platform
import WasmCore

/// Moving pages between memories without copying their bytes (`MovedPages`).
extension LinearMemory {
    /// Grows the memory by the pages `byteCount` bytes need, placed so that they start at
    /// the alignment `MovedPages` gives a run that large (padding pages go before them
    /// when the limits leave room), and asks for huge pages there; their offset, nil when
    /// the memory cannot grow that far. Pages filled there move out and in whole.
    public func growAligned(byteCount: Int) -> Int? {
        guard let offset = alignedGrowth(byteCount) else { return nil }
        let length = MovedPages.roundedToPage(byteCount)
        if length >= MovedPages.hugePage {
            MovedPages.adviseHuge(base + offset, length)
            noteRemapped(offset ..< offset + length)
        }
        return offset
    }

    /// Moves the `length` bytes at `offset` (page-aligned, inside the memory) out of the
    /// memory and maps zero pages in their place: the memory no longer reaches them.
    ///
    /// - Throws: `WasmError` for a range outside the memory, or when the system refuses
    ///   (the memory is then unusable if the zero pages could not be mapped).
    public func movePagesOut(at offset: Int, length: Int) throws(WasmError) -> MovedPages {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard offset >= 0, length > 0, offset % page == 0, length % page == 0, offset <= byteCount - length else {
            throw WasmError(.uninstantiable, "pages to move must be page-aligned and inside the memory")
        }
        let source = base + offset
        // One call where the kernel has it: the pages go where it finds room (a run of whole
        // 2 MiB aligned for huge pages) and the range stays, empty, reading as zero.
        if let target = mremap(source, length, length, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, nil),
           target != UnsafeMutableRawPointer(bitPattern: -1) {
            return MovedPages(movedTo: target, byteCount: length)
        }
        let pages: MovedPages
        if let target = MovedPages.reserve(length), mremap(source, length, length, MREMAP_MAYMOVE | MREMAP_FIXED, target) == target {
            pages = MovedPages(movedTo: target, byteCount: length)
        } else {
            // The range spans mappings of different kinds (mremap moves one): copied.
            guard let copy = MovedPages(zeroed: length), let target = copy.base else {
                throw WasmError(.uninstantiable, "out of memory: cannot move \(Self.describe(bytes: length))")
            }
            target.copyMemory(from: source, byteCount: length)
            pages = copy
        }
        guard mmap(source, length, PROT_READ | PROT_WRITE, Self.anonymous | MAP_FIXED, -1, 0) == source else {
            protectionsUncertain = true
            throw WasmError(.uninstantiable, "cannot map zero pages: \(String(cString: strerror(errno)))")
        }
        return pages
    }

    /// Grows the memory by the pages `pages` need (aligned as `growAligned`) and moves
    /// them there; their offset, nil when the memory cannot grow that far (they stay in
    /// `pages`).
    ///
    /// - Throws: `WasmError` when the system refuses the move (the memory is then unusable).
    public func growMovingIn(_ pages: MovedPages) throws(WasmError) -> Int? {
        guard pages.base != nil, let offset = alignedGrowth(pages.byteCount), let source = pages.take() else { return nil }
        let target = base + offset
        guard mremap(source, pages.byteCount, pages.byteCount, MREMAP_MAYMOVE | MREMAP_FIXED, target) == target else {
            // The target range may already be unmapped; the source is still the pages'.
            _ = munmap(source, pages.byteCount)
            protectionsUncertain = true
            throw WasmError(.uninstantiable, "cannot move pages into a memory: \(String(cString: strerror(errno)))")
        }
        noteRemapped(offset ..< offset + pages.byteCount)
        return offset
    }

    /// Readies the `count` bytes at `offset` for the host to fill in one go (a large
    /// argument or message): `MovedPages.prepareForWrite` within the memory.
    public func prepareLargeWrite(at offset: Int, count: Int) {
        guard offset >= 0, count >= 0, offset <= byteCount - count else { return }
        let region = UnsafeMutableRawBufferPointer(start: base, count: byteCount)
        if let advised = MovedPages.prepareForWrite(offset ..< offset + count, in: region) { noteRemapped(advised) }
    }

    /// Grows by whole Wasm pages for `byteCount` bytes at `MovedPages`'s alignment when
    /// the base and the limits allow it; the offset of those bytes.
    private func alignedGrowth(_ byteCount: Int) -> Int? {
        let pages = (UInt64(byteCount) + Self.pageSize - 1) / Self.pageSize
        let alignment = MovedPages.alignment(of: byteCount)
        let end = Int(bitPattern: base) + self.byteCount
        let gap = (alignment - end % alignment) % alignment
        if gap > 0 && gap % Int(Self.pageSize) == 0, let old = grow(by: UInt64(gap) / Self.pageSize + pages) {
            return Int(old * Self.pageSize) + gap
        }
        return grow(by: pages).map { Int($0 * Self.pageSize) }
    }
}

import Platform
import WasmCore

/// A Wasm linear memory backed by an anonymous `mmap` reservation.
///
/// The memory reserves address space once (how much depends on the `BoundsStrategy`) as
/// `PROT_NONE` and commits pages read-write with `mprotect` as it grows; fresh pages are
/// zero-filled by the kernel. While the reservation allows, `base` never changes, so
/// tiers may cache it across calls that can grow the memory only if they reload it after
/// `grow` — memory64 memories that outgrow their reservation window, and memories whose
/// initial reservation failed, **relocate**: they move to a larger mapping and `base`
/// changes.
///
/// Bytes `0 ..< byteCount` of `base` are readable and writable; nothing else is.
/// Not synchronised: callers serialise access (shared memories are not supported yet).
///
/// ```
///  base                       base + byteCount              base + reservedByteCount
///   |                               |                                  |
///   v                               v                                  v
///   +-------------------------------+----------------------------------+
///   | committed: PROT_READ|WRITE    | reserved: PROT_NONE              |
///   | pageCount * 64 KiB, zeroed    | committed page by page on grow   |
///   +-------------------------------+----------------------------------+
///   .software, 32-bit: reservation = declared maximum (at most 4 GiB), so `base` is stable.
///   .software, memory64: reservation = max(initial, 4 GiB) capped by the maximum; growing
///   past it relocates (new reservation, contents copied, old one unmapped).
///   .guard / .masked, 32-bit: a fixed 8 GiB + 64 KiB / 4 GiB + 64 KiB reservation,
///   registered with `TrapGuard` so faults inside it become traps; never relocates.
/// ```
public final class LinearMemory {
    /// Bytes per Wasm page.
    public static let pageSize: UInt64 = 65536
    /// Most pages a 32-bit memory can have (4 GiB).
    public static let maxPages32: UInt64 = 65536
    /// Most pages a memory64 memory can have (2^64 bytes).
    public static let maxPages64: UInt64 = 1 << 48
    /// Address space a memory64 memory reserves beyond its initial size under `.software`.
    public static let memory64Window: UInt64 = 4 << 30

    /// Start of the memory. Changes only when the memory relocates (see the type docs).
    public private(set) var base: UnsafeMutableRawPointer
    /// Current size in bytes (a multiple of the page size).
    public private(set) var byteCount: Int
    /// Current size in pages.
    public private(set) var pageCount: UInt64
    /// The most pages `grow` will reach: the declared maximum, capped by the address type.
    public let maximumPages: UInt64
    /// Whether addresses are i64 (memory64).
    public let is64: Bool
    /// The bounds-checking scheme this memory was created for.
    public let strategy: BoundsStrategy
    /// Bytes of address space mapped at `base` (committed or not).
    public private(set) var reservedByteCount: Int
    /// `base` and `byteCount` at a fixed address, for compiled code that cannot call
    /// Swift accessors; kept in sync by `grow`.
    public let view: UnsafeMutablePointer<MemoryView>
    /// The `TrapGuard` registration of the reservation (strategies that rely on faults).
    private var guardRegion: TrapGuard.RegionHandle?
    /// Whether bytes past `byteCount` may be accessible (a commit failed part way), so the
    /// reservation must not be reused as it is.
    var protectionsUncertain = false
    /// Whether the accessible prefix maps a `MemoryImage` (copy-on-write) rather than
    /// anonymous memory: dropping its pages would bring the image back, not zeros.
    private var imageBacked = false
    /// Ranges whose mapping is not the reservation's own: shared files (`mapShared`),
    /// pages moved in (`growMovingIn`), huge-page advice (`growAligned`). They become
    /// plain private anonymous pages again before anything else sees the reservation.
    private var remappedRanges: [Range<Int>] = []
    /// The image mapped at the start of the memory, while it is (held: the mapping is its).
    private var mappedImage: MemoryImage?

    /// Creates a memory of `type.limits.min` zeroed pages, or, with `image`, in the
    /// image's state (as `restore(_:)` would leave it; a reservation released by a memory
    /// of the same image is taken as it is, without a system call).
    ///
    /// - Parameters:
    ///   - allowUnsafe: permits a strategy whose `isUnsafe` is true (see
    ///   `StoreConfiguration.allowUnsafeStrategies`).
    ///   - pageLimit: the embedder's cap (`StoreConfiguration.maxMemoryPages`): `grow`
    ///   fails beyond it, and a minimum above it is refused.
    /// - Throws: `WasmError` (`.uninstantiable`) when the limits exceed what the address
    ///   type or `pageLimit` allows, the system refuses the mapping, or the strategy is
    ///   unsafe and not allowed, or needs fault handling this platform lacks.
    public init(type: MemoryType, strategy: BoundsStrategy, allowUnsafe: Bool = false,
                pageLimit: UInt64? = nil, image: MemoryImage? = nil) throws(WasmError) {
        guard !strategy.isUnsafe || allowUnsafe else {
            throw WasmError(.uninstantiable, "bounds strategy '\(strategy.rawValue)' gives no isolation; it must be allowed explicitly")
        }
        let limits = type.limits
        let fixed = strategy.requiresFixedReservation(is64: limits.is64)
        if fixed && !TrapGuard.isSupported {
            throw WasmError(.uninstantiable, "bounds strategy '\(strategy.rawValue)' needs fault handling, unavailable on this platform")
        }
        let cap = limits.is64 ? Self.maxPages64 : Self.maxPages32
        if let pageLimit, limits.min > pageLimit {
            throw WasmError(.uninstantiable, "memory of \(limits.min) pages exceeds the store's limit of \(pageLimit) pages")
        }
        let maximum = min(limits.max ?? cap, cap, pageLimit ?? cap)
        guard limits.min <= maximum else {
            throw WasmError(.uninstantiable, "memory size must be at most \(maximum) pages")
        }
        // Committing more than Int.max bytes is impossible anyway.
        guard limits.min <= UInt64(Int.max) / Self.pageSize else {
            throw WasmError(.uninstantiable, "out of memory")
        }
        let initialBytes = limits.min * Self.pageSize
        let maximumBytes = maximum <= UInt64(Int.max) / Self.pageSize
            ? maximum * Self.pageSize : UInt64(Int.max) & ~(Self.pageSize - 1)
        let wanted = strategy.reservation(
            maximumBytes: maximumBytes, initialBytes: initialBytes, is64: limits.is64)

        // Fall back to reserving only what is needed now; the memory then relocates on grow.
        // Not when the reservation is what keeps accesses inside (guard regions, masks).
        // Once half the budget is taken, growable memories reserve only what they need, so
        // that many small sandboxes do not use up the space guard regions need.
        let generous = fixed || AddressSpaceBudget.claimed < AddressSpaceBudget.limit / 2
        // From an image, the image's bytes are accessible (restore checks that they fit).
        let accessible = image.map { UInt64($0.byteCount) } ?? initialBytes
        var reserved = generous
            ? try Self.reserve(Int(max(wanted, accessible)), accessible: Int(accessible), image: image) : nil
        if reserved == nil && !fixed { reserved = try Self.reserve(Int(accessible), accessible: Int(accessible), image: image) }
        guard let mapping = reserved else {
            let size = Int(fixed ? max(wanted, initialBytes) : initialBytes)
            let why = fixed ? " (bounds \(strategy.rawValue) needs the whole reservation)" : ""
            throw WasmError(.uninstantiable, "out of memory: cannot reserve \(Self.describe(bytes: size)) of address space\(why)")
        }
        self.base = mapping.base
        self.reservedByteCount = mapping.size
        self.byteCount = Int(accessible)
        self.pageCount = image?.pageCount ?? limits.min
        self.maximumPages = maximum
        self.is64 = limits.is64
        self.strategy = strategy
        view = .allocate(capacity: 1)
        view.initialize(to: MemoryView(base: mapping.base, byteCount: Int(accessible)))
        if fixed {
            guard let handle = TrapGuard.shared?.registerRegion(start: mapping.base, byteCount: mapping.size) else {
                // Every stored property is set, so `deinit` runs for this throw and releases
                // the mapping; releasing it here too could unmap someone else's later mapping.
                throw WasmError(.uninstantiable, "too many guarded memories")
            }
            guardRegion = handle
        }
        if let image {
            if mapping.imageMapped {
                imageBacked = image.byteCount > 0
                mappedImage = imageBacked ? image : nil
            } else {
                try restore(image)
            }
        }
    }

    deinit {
        if let guardRegion { TrapGuard.shared?.unregister(guardRegion) }
        dropRemapped()
        // A pooled reservation keeps its image (ReservationPool: the next memory of that
        // image takes it as it is); anything else gets anonymous pages back first.
        let image = protectionsUncertain || !ReservationPool.pools(reservedByteCount) ? nil : mappedImage
        if image == nil { dropImage() }
        Self.release((base, reservedByteCount), accessible: protectionsUncertain ? nil : byteCount, image: image)
        view.deallocate()
    }

    /// Resets the memory to `image`: its size and its bytes, the file mapped privately
    /// over the reservation (copy-on-write: restoring costs page-table work, and what is
    /// written afterwards never reaches the image). What was accessible past the image's
    /// size becomes inaccessible again and reads as zero if grown into.
    ///
    /// - Throws: `WasmError` when the image does not fit this memory's reservation or
    ///   limits, or the system refuses the mapping (the memory is then unusable).
    public func restore(_ image: MemoryImage) throws(WasmError) {
        guard image.byteCount <= reservedByteCount, image.pageCount <= maximumPages else {
            throw WasmError(.uninstantiable, "a memory image of \(image.pageCount) pages does not fit this memory")
        }
        let readWrite = PROT_READ | PROT_WRITE
        #if os(Linux)
        // Already this image, same size: dropping the private copies brings the file's
        // pages back (Linux's MADV_DONTNEED on a private file mapping), without a new
        // mapping.
        if mappedImage === image, remappedRanges.isEmpty, byteCount == image.byteCount, image.byteCount > 0,
           madvise(base, image.byteCount, MADV_DONTNEED) == 0 {
            return
        }
        #endif
        if image.byteCount > 0 {
            guard mmap(base, image.byteCount, readWrite, MAP_PRIVATE | MAP_FIXED, image.fd, 0) == base else {
                protectionsUncertain = true
                throw WasmError(.uninstantiable, "cannot map a memory image: \(String(cString: strerror(errno)))")
            }
        }
        if byteCount > image.byteCount {
            let rest = base + image.byteCount
            guard mmap(rest, byteCount - image.byteCount, PROT_NONE, Self.anonymous | MAP_FIXED, -1, 0) == rest else {
                protectionsUncertain = true
                throw WasmError(.uninstantiable, "cannot reset a memory: \(String(cString: strerror(errno)))")
            }
        }
        imageBacked = image.byteCount > 0
        mappedImage = imageBacked ? image : nil
        remappedRanges = []
        byteCount = image.byteCount
        pageCount = image.pageCount
        view.pointee = MemoryView(base: base, byteCount: byteCount)
    }

    /// Maps `length` bytes of the shared file `fd` (from its start) at `offset` of the
    /// memory, read-write and shared: writes through the memory reach the file and every
    /// other mapping of it (Faasm's state pointers). The range must lie in the accessible
    /// bytes and be page-aligned; the pages go back to private anonymous memory on
    /// restore, relocation and release. `populate` faults the pages in at once (one
    /// system call rather than a fault per page on first touch).
    ///
    /// - Throws: `WasmError` for a range outside the memory or a refused mapping.
    public func mapShared(fd: Int32, at offset: Int, length: Int, populate: Bool = false) throws(WasmError) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard offset >= 0, length > 0, offset % page == 0, length % page == 0, offset + length <= byteCount else {
            throw WasmError(.uninstantiable, "a shared mapping must be page-aligned and inside the memory")
        }
        #if os(Linux)
        let flags = MAP_SHARED | MAP_FIXED | (populate ? MAP_POPULATE : 0)
        #else
        let flags = MAP_SHARED | MAP_FIXED
        #endif
        guard mmap(base + offset, length, PROT_READ | PROT_WRITE, flags, fd, 0) == base + offset else {
            protectionsUncertain = true
            throw WasmError(.uninstantiable, "cannot map shared memory: \(String(cString: strerror(errno)))")
        }
        remappedRanges.append(offset ..< offset + length)
    }

    /// Grows the memory by the pages `length` bytes need and maps `length` bytes of the
    /// shared file `fd` over the start of them (as `mapShared`); their offset, nil when the
    /// memory cannot grow that far.
    ///
    /// - Throws: `WasmError` when the system refuses the mapping.
    public func growMappingShared(fd: Int32, length: Int, populate: Bool = false) throws(WasmError) -> Int? {
        let pages = (UInt64(length) + Self.pageSize - 1) / Self.pageSize
        guard let old = grow(by: pages) else { return nil }
        let offset = Int(old * Self.pageSize)
        try mapShared(fd: fd, at: offset, length: length, populate: populate)
        return offset
    }

    /// Puts private zero pages back over the remapped ranges.
    private func dropRemapped() {
        for range in remappedRanges where mmap(base + range.lowerBound, range.count, PROT_READ | PROT_WRITE,
                                               Self.anonymous | MAP_FIXED, -1, 0) != base + range.lowerBound {
            protectionsUncertain = true
        }
        remappedRanges = []
    }

    /// Notes `range` as remapped (see `remappedRanges`).
    func noteRemapped(_ range: Range<Int>) { remappedRanges.append(range) }

    /// Puts fresh anonymous pages back under an image-backed prefix, so that the
    /// reservation can be pooled (or copied from) like any other.
    private func dropImage() {
        guard imageBacked else { return }
        imageBacked = false
        mappedImage = nil
        if byteCount > 0 && mmap(base, byteCount, PROT_READ | PROT_WRITE, Self.anonymous | MAP_FIXED, -1, 0) != base {
            protectionsUncertain = true
        }
    }

    /// Grows the memory by `pages` zero-filled pages (`memory.grow`).
    ///
    /// - Returns: the previous size in pages, or nil (memory unchanged) when the result
    ///   would exceed `maximumPages` or the system cannot provide the memory.
    public func grow(by pages: UInt64) -> UInt64? {
        let old = pageCount
        guard pages <= maximumPages &- old else { return nil }
        if pages == 0 { return old }
        let newPages = old + pages
        guard newPages <= UInt64(Int.max) / Self.pageSize else { return nil }
        let newBytes = Int(newPages * Self.pageSize)
        if newBytes <= reservedByteCount {
            guard Self.commit(base, from: byteCount, to: newBytes) else {
                // mprotect may have changed part of the range before it failed.
                protectionsUncertain = true
                return nil
            }
        } else {
            // A fixed reservation covers every size a 32-bit memory can reach; moving it
            // would invalidate the registered guard region.
            guard guardRegion == nil, relocate(toHold: newBytes) else { return nil }
        }
        byteCount = newBytes
        pageCount = newPages
        view.pointee = MemoryView(base: base, byteCount: newBytes)
        return old
    }

    /// Moves the contents to a fresh, larger reservation (old one released).
    private func relocate(toHold newBytes: Int) -> Bool {
        // Leave headroom so a sequence of small grows does not copy every time.
        let doubled = reservedByteCount <= Int.max / 2 ? reservedByteCount * 2 : newBytes
        let maxBytes = maximumPages <= UInt64(Int.max) / Self.pageSize
            ? Int(maximumPages * Self.pageSize) : newBytes
        let target = max(newBytes, min(doubled, maxBytes))
        guard let mapping = (try? Self.reserve(target, accessible: newBytes, image: nil))
                ?? (try? Self.reserve(newBytes, accessible: newBytes, image: nil))
        else { return false }
        mapping.base.copyMemory(from: base, byteCount: byteCount)
        dropRemapped()
        dropImage()
        Self.release((base, reservedByteCount), accessible: protectionsUncertain ? nil : byteCount)
        protectionsUncertain = false
        base = mapping.base
        reservedByteCount = mapping.size
        return true
    }

    // MARK: - mmap plumbing

    /// Flags of a private anonymous mapping reserved without swap (also the pool's).
    #if canImport(Glibc)
    static let anonymous = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
    #else
    static let anonymous = MAP_PRIVATE | MAP_ANON
    #endif

    /// Maps `size` bytes (at least one page) of address space whose first `accessible`
    /// bytes are readable, writable and zero, the rest inaccessible; nil when the address
    /// space is not available.
    ///
    /// - Throws: `WasmError` (`.uninstantiable`) when the accessible bytes cannot be committed.
    private static func reserve(_ size: Int, accessible: Int, image: MemoryImage?) throws(WasmError)
        -> (base: UnsafeMutableRawPointer, size: Int, imageMapped: Bool)? {
        let size = max(size, Int(pageSize))
        if let pooled = ReservationPool.take(size, accessible: accessible, image: image) {
            return (pooled.base, size, pooled.imageMapped)
        }
        guard AddressSpaceBudget.claim(size) else { return nil }
        guard let pointer = mmap(nil, size, PROT_NONE, anonymous, -1, 0),
              pointer != UnsafeMutableRawPointer(bitPattern: -1)
        else {
            AddressSpaceBudget.release(size)
            return nil
        }
        guard commit(pointer, from: 0, to: accessible) else {
            _ = munmap(pointer, size)
            AddressSpaceBudget.release(size)
            throw WasmError(.uninstantiable, "out of memory")
        }
        return (pointer, size, false)
    }

    /// Makes bytes `start ..< end` of a reservation readable and writable.
    private static func commit(_ base: UnsafeMutableRawPointer, from start: Int, to end: Int) -> Bool {
        if end <= start { return true }
        return mprotect(base + start, end - start, PROT_READ | PROT_WRITE) == 0
    }

    /// Gives back a reservation whose first `accessible` bytes are read-write and the rest
    /// inaccessible (nil: not known); `image` when it maps one at its start.
    private static func release(_ mapping: (base: UnsafeMutableRawPointer, size: Int), accessible: Int?,
                                image: MemoryImage? = nil) {
        if ReservationPool.pools(mapping.size) {
            ReservationPool.give(mapping.base, size: mapping.size, accessible: accessible, image: image)
            return
        }
        _ = munmap(mapping.base, mapping.size)
        AddressSpaceBudget.release(mapping.size)
    }
}

/// The part of a `LinearMemory` compiled code reads: where it starts and how many bytes
/// are accessible.
public struct MemoryView {
    /// Start of the memory's bytes.
    public var base: UnsafeMutableRawPointer
    /// Current size in bytes.
    public var byteCount: Int
}

extension LinearMemory {
    /// "8 GiB", "64 KiB", "1.5 MiB": a size for messages.
    static func describe(bytes: Int) -> String {
        for (unit, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] where bytes >= 1 << shift {
            let tenths = (bytes * 10) >> shift
            return tenths % 10 == 0 ? "\(tenths / 10) \(unit)" : "\(tenths / 10).\(tenths % 10) \(unit)"
        }
        return "\(bytes) bytes"
    }
}

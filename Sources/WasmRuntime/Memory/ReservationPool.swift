import Platform
import Synchronization

/// Large reservations for linear memories, mapped several at a time and reused after
/// their memory is released.
///
/// Reservations of one size are mapped `slotsPerChunk` at a time (`PROT_NONE`,
/// `MAP_NORESERVE`). A released reservation keeps its accessible prefix: its pages are
/// dropped with `madvise(MADV_DONTNEED)`, which makes a private anonymous mapping read as
/// zero-filled on the next touch, exactly like a fresh one, while its protections stay.
/// The next memory of the same initial size then needs no system call at all; another
/// size costs one `mprotect` for the difference. Bytes past the accessible prefix are
/// `PROT_NONE` at all times, so guard regions hold. When dropping the pages fails, the
/// slot is remapped in place (`MAP_FIXED`, `PROT_NONE`) or, failing that, unmapped; when
/// the pool is full it is unmapped.
///
/// A released memory that maps a `MemoryImage` (it started from a snapshot) keeps the
/// mapping: `MADV_DONTNEED` drops its private copies, so its pages read as the image's
/// again, and the next memory restored from the same image takes the slot as it is, with
/// no system call (what makes starting from a snapshot cheap). Any other memory that takes
/// such a slot first maps anonymous memory over the image; when an image goes, its free
/// slots are turned back the same way, so no slot keeps a dead image's pages.
///
/// ```
///  one mmap of slotsPerChunk * size, PROT_NONE, MAP_NORESERVE
///  +------------------+------------------+------------------+-----
///  | slot 0: memory A | slot 1: free     | slot 2: memory B | ...
///  | RW | PROT_NONE   | RW 0 | PROT_NONE | RW | PROT_NONE   |
///  +------------------+------------------+------------------+-----
///  Slots are independent: each is unmapped on its own (munmap of part of a mapping).
/// ```
///
/// Every slot of a chunk is claimed from `AddressSpaceBudget` when the chunk is mapped and
/// released when that slot is unmapped, so the budget always covers what is mapped.
enum ReservationPool {
    /// The sizes pooled: guard and mask reservations, and the 4 GiB of a 32-bit memory
    /// without a maximum under `.software`. Other sizes are rarer and mapped directly.
    static let pooledSizes: [Int] = [Int(BoundsStrategy.guardReservation), Int(BoundsStrategy.maskedReservation), 1 << 32]
    static let slotsPerChunk = 8
    /// At most this many free slots per size are kept mapped.
    static let maxFree = 32

    /// A free reservation: its first `accessible` bytes are read-write and zero-filled
    /// (or, with an image, its first `imageBytes` map that image unchanged), the rest
    /// `PROT_NONE`.
    private struct Slot: @unchecked Sendable {
        var base: UnsafeMutableRawPointer
        var accessible: Int
        var image: ObjectIdentifier? = nil
        var imageBytes = 0
    }

    private static let free = Mutex<[Int: [Slot]]>([:])

    private static let flags = LinearMemory.anonymous

    /// A reservation of `size` bytes whose budget is claimed, zero-filled, with exactly
    /// its first `accessible` bytes (a multiple of the system page size) read-write; nil
    /// when `size` is not pooled or the system refuses (map it directly). With `image`:
    /// `imageMapped` tells that the first `image.byteCount` bytes already map the image,
    /// unchanged (else they are zero-filled like the rest).
    static func take(_ size: Int, accessible: Int, image: MemoryImage? = nil)
        -> (base: UnsafeMutableRawPointer, imageMapped: Bool)? {
        guard pools(size), accessible <= size else { return nil }
        let wanted = image.map(ObjectIdentifier.init)
        let slot = free.withLock { lists -> Slot? in
            guard var list = lists[size], !list.isEmpty else { return nil }
            // One already of the wanted shape first: it costs no system call.
            let i = list.lastIndex { $0.image == wanted && ($0.image != nil || $0.accessible == accessible) }
                ?? list.lastIndex { $0.image == nil } ?? list.count - 1
            let slot = list.remove(at: i)
            lists[size] = list
            return slot
        } ?? mapChunk(size)
        guard var slot else { return nil }
        if slot.image != nil && slot.image != wanted {
            guard clearImage(&slot) else {
                _ = munmap(slot.base, size)
                AddressSpaceBudget.release(size)
                return nil
            }
        }
        guard reshape(slot, to: accessible) else {
            _ = munmap(slot.base, size)
            AddressSpaceBudget.release(size)
            return nil
        }
        return (slot.base, slot.image != nil)
    }

    /// Maps anonymous zero-filled memory over the image `slot` holds.
    private static func clearImage(_ slot: inout Slot) -> Bool {
        guard mmap(slot.base, slot.imageBytes, PROT_READ | PROT_WRITE, flags | MAP_FIXED, -1, 0) == slot.base else {
            return false
        }
        slot.image = nil
        slot.imageBytes = 0
        return true
    }

    /// Turns the free slots that hold `image` (going away) back to anonymous memory.
    static func forget(_ image: MemoryImage) {
        let id = ObjectIdentifier(image)
        let holding = free.withLock { lists -> [(Int, Slot)] in
            var found: [(Int, Slot)] = []
            for (size, list) in lists {
                found += list.filter { $0.image == id }.map { (size, $0) }
                lists[size] = list.filter { $0.image != id }
            }
            return found
        }
        for (size, slot) in holding {
            var slot = slot
            if clearImage(&slot) {
                keep(slot, size: size)
            } else {
                _ = munmap(slot.base, size)
                AddressSpaceBudget.release(size)
            }
        }
    }

    /// Maps a chunk, lists all slots but the first as free and returns the first.
    private static func mapChunk(_ size: Int) -> Slot? {
        guard size <= Int.max / slotsPerChunk, AddressSpaceBudget.claim(size * slotsPerChunk) else { return nil }
        guard let chunk = mmap(nil, size * slotsPerChunk, PROT_NONE, flags, -1, 0),
              chunk != UnsafeMutableRawPointer(bitPattern: -1)
        else {
            AddressSpaceBudget.release(size * slotsPerChunk)
            return nil
        }
        for k in 1..<slotsPerChunk { keep(Slot(base: chunk + k * size, accessible: 0), size: size) }
        return Slot(base: chunk, accessible: 0)
    }

    /// Makes exactly the first `accessible` bytes of `slot` read-write.
    private static func reshape(_ slot: Slot, to accessible: Int) -> Bool {
        if slot.accessible < accessible {
            return mprotect(slot.base + slot.accessible, accessible - slot.accessible, PROT_READ | PROT_WRITE) == 0
        }
        if slot.accessible > accessible {
            return mprotect(slot.base + accessible, slot.accessible - accessible, PROT_NONE) == 0
        }
        return true
    }

    /// Lists a slot as free, or unmaps it when enough are free.
    private static func keep(_ slot: Slot, size: Int) {
        let kept = free.withLock { lists -> Bool in
            guard lists[size, default: []].count < maxFree else { return false }
            lists[size, default: []].append(slot)
            return true
        }
        if !kept {
            _ = munmap(slot.base, size)
            AddressSpaceBudget.release(size)
        }
    }

    /// Takes back a reservation from `take` (its guard registration already removed)
    /// whose first `accessible` bytes are read-write and the rest `PROT_NONE` (nil: not
    /// known, so it is remapped); `image`, when its first `image.byteCount` bytes map it
    /// privately (the slot keeps it).
    static func give(_ base: UnsafeMutableRawPointer, size: Int, accessible: Int?, image: MemoryImage? = nil) {
        // Nothing of the last user may reach the next one: its pages go, zero-fill (or,
        // where the image is mapped, read as the image) on next touch.
        if let accessible, accessible == 0 || discardPages(base, accessible) {
            keep(Slot(base: base, accessible: accessible, image: image.map(ObjectIdentifier.init),
                      imageBytes: image?.byteCount ?? 0), size: size)
            return
        }
        // A fresh mapping in place: contents and protections of the last user are gone.
        guard mmap(base, size, PROT_NONE, flags | MAP_FIXED, -1, 0) == base else {
            _ = munmap(base, size)
            AddressSpaceBudget.release(size)
            return
        }
        keep(Slot(base: base, accessible: 0), size: size)
    }

    /// Drops the pages of `bytes` at `base` so that they read as zero, or as the file's
    /// where a file is mapped privately: what Linux's `MADV_DONTNEED` guarantees for
    /// private mappings (elsewhere the advice may keep contents, so this fails).
    private static func discardPages(_ base: UnsafeMutableRawPointer, _ bytes: Int) -> Bool {
        #if os(Linux)
        return madvise(base, bytes, MADV_DONTNEED) == 0
        #else
        return false
        #endif
    }

    /// Whether reservations of `size` come from (and go back to) the pool.
    static func pools(_ size: Int) -> Bool { pooledSizes.contains(size) }
}

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

    /// A free reservation: its first `accessible` bytes are read-write and zero-filled,
    /// the rest `PROT_NONE`.
    private struct Slot: @unchecked Sendable {
        var base: UnsafeMutableRawPointer
        var accessible: Int
    }

    private static let free = Mutex<[Int: [Slot]]>([:])

    private static let flags = LinearMemory.anonymous

    /// A reservation of `size` bytes whose budget is claimed, zero-filled, with exactly
    /// its first `accessible` bytes (a multiple of the system page size) read-write; nil
    /// when `size` is not pooled or the system refuses (map it directly).
    static func take(_ size: Int, accessible: Int) -> UnsafeMutableRawPointer? {
        guard pools(size), accessible <= size else { return nil }
        let slot = free.withLock { lists -> Slot? in
            // One already of the wanted shape first: it costs no system call.
            guard var list = lists[size], !list.isEmpty else { return nil }
            let i = list.lastIndex { $0.accessible == accessible } ?? list.count - 1
            let slot = list.remove(at: i)
            lists[size] = list
            return slot
        } ?? mapChunk(size)
        guard let slot else { return nil }
        guard reshape(slot, to: accessible) else {
            _ = munmap(slot.base, size)
            AddressSpaceBudget.release(size)
            return nil
        }
        return slot.base
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
    /// known, so it is remapped).
    static func give(_ base: UnsafeMutableRawPointer, size: Int, accessible: Int?) {
        // Nothing of the last user may reach the next one: its pages go, zero-fill on next touch.
        if let accessible, accessible == 0 || discardPages(base, accessible) {
            keep(Slot(base: base, accessible: accessible), size: size)
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

    /// Drops the pages of `bytes` at `base` so that they read as zero: what Linux's
    /// `MADV_DONTNEED` guarantees for private anonymous mappings (elsewhere the advice may
    /// keep contents, so this fails).
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

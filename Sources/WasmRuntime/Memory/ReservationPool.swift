import Platform
import Synchronization

/// Large `PROT_NONE` reservations for linear memories, mapped several at a time and
/// reused after their memory is released.
///
/// A memory's reservation used to be its own `mmap`, then `mprotect` for the accessible
/// pages: two system calls of the three or so that dominate instantiating a small module
/// with a memory (the third is the first write's page fault). Reservations of one size
/// are now mapped `slotsPerChunk` at a time, so a memory usually costs only its
/// `mprotect`. A released reservation is remapped in place (`MAP_FIXED`, `PROT_NONE`):
/// that drops its pages and its protections in one call, exactly like a fresh mapping,
/// before the next memory may get it; when the pool is full it is unmapped instead.
///
/// ```
///  one mmap of slotsPerChunk * size, PROT_NONE, MAP_NORESERVE
///  +------------------+------------------+------------------+-----
///  | slot 0: memory A | slot 1: free     | slot 2: memory B | ...
///  | RW | PROT_NONE   | PROT_NONE        | RW | PROT_NONE   |
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

    private struct Slot: @unchecked Sendable {
        var base: UnsafeMutableRawPointer
    }

    private static let free = Mutex<[Int: [Slot]]>([:])

    #if canImport(Glibc)
    private static let flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
    #else
    private static let flags = MAP_PRIVATE | MAP_ANON
    #endif

    /// A zero-filled, inaccessible reservation of `size` bytes whose budget is claimed,
    /// or nil when `size` is not pooled or no chunk could be mapped (map it directly).
    static func take(_ size: Int) -> UnsafeMutableRawPointer? {
        guard pools(size) else { return nil }
        if let slot = free.withLock({ $0[size]?.popLast() }) { return slot.base }
        guard size <= Int.max / slotsPerChunk, AddressSpaceBudget.claim(size * slotsPerChunk) else { return nil }
        guard let chunk = mmap(nil, size * slotsPerChunk, PROT_NONE, flags, -1, 0),
              chunk != UnsafeMutableRawPointer(bitPattern: -1)
        else {
            AddressSpaceBudget.release(size * slotsPerChunk)
            return nil
        }
        for k in 1..<slotsPerChunk { keep(chunk + k * size, size: size) }
        return chunk
    }

    /// Lists a fresh slot as free, or unmaps it when enough are free.
    private static func keep(_ base: UnsafeMutableRawPointer, size: Int) {
        let kept = free.withLock { lists -> Bool in
            guard lists[size, default: []].count < maxFree else { return false }
            lists[size, default: []].append(Slot(base: base))
            return true
        }
        if !kept {
            _ = munmap(base, size)
            AddressSpaceBudget.release(size)
        }
    }

    /// Takes back a reservation from `take` (its guard registration already removed).
    static func give(_ base: UnsafeMutableRawPointer, size: Int) {
        // A fresh mapping in place: contents and protections of the last user are gone.
        guard mmap(base, size, PROT_NONE, flags | MAP_FIXED, -1, 0) == base else {
            _ = munmap(base, size)
            AddressSpaceBudget.release(size)
            return
        }
        keep(base, size: size)
    }

    /// Whether reservations of `size` come from (and go back to) the pool.
    static func pools(_ size: Int) -> Bool { pooledSizes.contains(size) }
}

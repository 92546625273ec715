import WasmCore

/// How accesses to a `LinearMemory` are kept inside it.
///
/// A strategy fixes three things, each answered by one member so tiers never switch on
/// the case themselves:
/// - `reservation(maximumBytes:initialBytes:is64:)`: how much address space a memory
///   reserves (`PROT_NONE`) when it is created;
/// - `addressing(is64:)`: what compiled code does per access (`MemoryAddressing`);
/// - `usesFaultHandling`, `isUnsafe`, `isSpecConforming`: what the runtime must set up
///   (the `TrapGuard` signal handler) or refuse.
///
/// Adding a strategy (e.g. a segment-register base in the spirit of Segue, or regions
/// coloured with memory-protection keys) means adding a case, answering those members,
/// and, when code must address memory differently, a `MemoryAddressing` case that the
/// tiers implement. The `LinearMemory` reserve/commit split needs no change.
///
/// ```
///  32-bit memory, base fixed for its lifetime
///
///  base                byteCount            4 GiB          8 GiB + 64 KiB
///   |  committed (RW)    |  PROT_NONE ...     |  guard region  |
///   +--------------------+--------------------+----------------+
///   software : reserves the declared maximum; every access compares against byteCount
///   guard    : reserves all of it; any u32 address + u32 offset + 16 lands inside
///   masked   : reserves 4 GiB + 64 KiB; the index is masked to 32 bits
///   unchecked: reserves like software; nothing stops an access going past the end
/// ```
public enum BoundsStrategy: String, Sendable, CaseIterable {
    /// Every access computes `address + offset` in 64 bits, compares the end of the access
    /// with `byteCount` and branches to a trap when it does not fit.
    ///
    /// This is safe on its own, whatever the reservation: the sum of a 32- or 64-bit
    /// address, an offset and a size of at most 16 bytes is checked for overflow (see
    /// `LinearMemory.effectiveAddress`), and `byteCount` only counts committed, readable and
    /// writable bytes, so an access that passes the check never touches anything else.
    case software

    /// No per-access compare for 32-bit memories: the memory reserves `guardReservation`
    /// bytes, of which only `byteCount` are readable and writable, and an out-of-bounds
    /// access faults; `TrapGuard` turns the fault into `outOfBoundsMemoryAccess`.
    ///
    /// Why it is safe: a 32-bit address and a 32-bit static offset sum to less than
    /// 8 GiB, and no access is wider than 16 bytes, so every address compiled code can
    /// form lies inside the reservation. The reservation is mandatory (instantiation fails
    /// rather than falling back to a smaller one) and never moves, and bytes past
    /// `byteCount` stay `PROT_NONE`, so an access either hits committed memory of this
    /// instance or faults. The fault is only treated as a trap when it happens in
    /// registered Wasm code (see `TrapGuard`). memory64 memories cannot be covered by a
    /// finite guard region and keep explicit checks (`addressing(is64: true)`).
    case `guard`

    /// The effective index is masked to 32 bits (`(address + offset) & 0xFFFF_FFFF`) inside
    /// a 4 GiB + 64 KiB reservation; accesses past `byteCount` fault like under `guard`.
    ///
    /// NOT spec-conforming, for comparison only: an address whose sum with the offset
    /// reaches 4 GiB wraps to low memory instead of trapping. It still confines the
    /// module: the masked index plus at most 16 bytes stays inside the mandatory,
    /// fixed reservation, and the uncommitted part of it is `PROT_NONE`.
    case masked

    /// No protection at all: compiled code adds the address to `base` and accesses it.
    ///
    /// NOT safe: an out-of-bounds address reads or writes whatever the process has mapped
    /// there. It exists as the measurement baseline for the cost of the other strategies
    /// and is refused unless `StoreConfiguration.allowUnsafeStrategies` is set.
    case unchecked

    /// Bytes a 32-bit memory reserves under `.guard`: 4 GiB of addressable memory, 4 GiB
    /// for the largest static offset, and one page for the widest (16-byte) access.
    public static let guardReservation: UInt64 = (8 << 30) + 65536

    /// Bytes a 32-bit memory reserves under `.masked`: 4 GiB plus one page of slack for
    /// an access that starts just below 4 GiB.
    public static let maskedReservation: UInt64 = (4 << 30) + 65536

    /// Whether compiled code must compare each access against `byteCount` (for 32-bit
    /// memories; memory64 always needs it unless the strategy is `unchecked`).
    public var requiresExplicitCheck: Bool { addressing(is64: false) == .explicitCheck }

    /// What compiled code does to turn a Wasm address into a host address.
    public func addressing(is64: Bool) -> MemoryAddressing {
        switch self {
        case .software: .explicitCheck
        case .guard: is64 ? .explicitCheck : .guardRegion
        case .masked: is64 ? .explicitCheck : .mask32
        case .unchecked: .none
        }
    }

    /// Whether out-of-bounds accesses are detected by a fault, so the `TrapGuard` handler
    /// must be installed and code entered through its trampoline.
    public var usesFaultHandling: Bool {
        switch self {
        case .guard, .masked: true
        case .software, .unchecked: false
        }
    }

    /// Whether every out-of-bounds access traps as the spec requires.
    public var isSpecConforming: Bool {
        switch self {
        case .software, .guard: true
        case .masked, .unchecked: false
        }
    }

    /// Whether a module can reach memory outside its own sandbox; such strategies are
    /// refused unless `StoreConfiguration.allowUnsafeStrategies` is set.
    public var isUnsafe: Bool { self == .unchecked }

    /// Whether the reservation is part of the safety argument: it must be obtained in
    /// full (no smaller fallback) and the memory never relocates.
    public func requiresFixedReservation(is64: Bool) -> Bool {
        switch addressing(is64: is64) {
        case .guardRegion, .mask32: true
        case .explicitCheck, .none: false
        }
    }

    /// Bytes of address space to reserve up front for a memory.
    ///
    /// - Parameters:
    ///   - maximumBytes: the most the memory may ever hold (declared or implied maximum).
    ///   - initialBytes: the size it is created with.
    ///   - is64: whether it is a memory64 memory.
    /// - Returns: the reservation; at least `initialBytes`. When the memory later grows
    ///   past it, the memory relocates (never for a fixed reservation: it covers 4 GiB).
    public func reservation(maximumBytes: UInt64, initialBytes: UInt64, is64: Bool) -> UInt64 {
        switch addressing(is64: is64) {
        case .guardRegion:
            return Self.guardReservation
        case .mask32:
            return Self.maskedReservation
        case .explicitCheck, .none:
            // 32-bit memories can never exceed 4 GiB: reserving the whole maximum keeps
            // `base` stable for their lifetime and costs only address space.
            if !is64 { return maximumBytes }
            // memory64 maxima can be astronomically large; reserve a generous window and
            // relocate beyond it.
            return min(maximumBytes, max(initialBytes, LinearMemory.memory64Window))
        }
    }
}

/// How compiled code turns `address + offset` into a host pointer for one memory.
public enum MemoryAddressing: Sendable, Equatable {
    /// Compare the end of the access with `byteCount`; branch to a trap when it does not fit.
    case explicitCheck
    /// `base + address + offset` with no compare; the reservation's guard region catches
    /// everything out of bounds (requires `TrapGuard`).
    case guardRegion
    /// `base + ((address + offset) & 0xFFFF_FFFF)`; not spec-conforming (see `.masked`).
    case mask32
    /// `base + address + offset`; no protection (see `.unchecked`).
    case none
}

extension BoundsStrategy {
    /// Whether code compiled for this strategy may access `memory`: code that relies on a
    /// guard region or a mask needs a memory that has that reservation.
    public func canAccess(_ memory: LinearMemory) -> Bool {
        let mine = addressing(is64: memory.is64)
        switch mine {
        case .explicitCheck, .none: return true
        case .guardRegion, .mask32: return memory.strategy.addressing(is64: memory.is64) == mine
        }
    }
}

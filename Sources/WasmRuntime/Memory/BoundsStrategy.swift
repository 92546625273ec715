import WasmCore

/// How accesses to a `LinearMemory` are kept inside it.
///
/// The strategy fixes two things: how much address space a memory reserves when it is
/// created (`reservation(...)`) and what compiled code must do per access
/// (`requiresExplicitCheck`). Future strategies slot in as new cases:
/// - `guard`: reserve 4 GiB + an offset guard region as `PROT_NONE` per 32-bit memory,
///   commit pages with `mprotect` on grow, and turn the fault of an out-of-bounds access
///   into a trap (no per-access compare);
/// - `masked`: clamp or mask the address into the reservation instead of branching;
/// - `unchecked`: no check at all, for trusted code and benchmarks.
/// `LinearMemory` already reserves and commits separately, so those need no API change.
public enum BoundsStrategy: String, Sendable, CaseIterable {
    /// Every access computes `address + offset` in 64 bits, compares the end of the access
    /// with `byteCount` and branches to a trap when it does not fit.
    ///
    /// This is safe on its own, whatever the reservation: the sum of a 32- or 64-bit
    /// address, an offset and a size of at most 16 bytes is checked for overflow (see
    /// `LinearMemory.effectiveAddress`), and `byteCount` only counts committed, readable and
    /// writable bytes, so an access that passes the check never touches anything else.
    case software

    /// Whether compiled code must compare each access against `byteCount`.
    public var requiresExplicitCheck: Bool {
        switch self {
        case .software: true
        }
    }

    /// Bytes of address space to reserve up front for a memory.
    ///
    /// - Parameters:
    ///   - maximumBytes: the most the memory may ever hold (declared or implied maximum).
    ///   - initialBytes: the size it is created with.
    ///   - is64: whether it is a memory64 memory.
    /// - Returns: the reservation; at least `initialBytes`. When the memory later grows
    ///   past it, the memory relocates.
    public func reservation(maximumBytes: UInt64, initialBytes: UInt64, is64: Bool) -> UInt64 {
        switch self {
        case .software:
            // 32-bit memories can never exceed 4 GiB: reserving the whole maximum keeps
            // `base` stable for their lifetime and costs only address space.
            if !is64 { return maximumBytes }
            // memory64 maxima can be astronomically large; reserve a generous window and
            // relocate beyond it.
            return min(maximumBytes, max(initialBytes, LinearMemory.memory64Window))
        }
    }
}

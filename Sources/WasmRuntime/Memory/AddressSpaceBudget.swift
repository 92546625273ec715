import Synchronization

/// The process-wide share of virtual address space that linear memories may reserve.
///
/// Reservations are large (8 GiB per guarded 32-bit memory, up to 4 GiB per software-checked
/// one) but cost nothing until committed, so thousands of live memories can exhaust the
/// 128 TiB user address space of x86-64 Linux. Past that point every `mmap` fails, including
/// the Swift runtime's own allocations, and the host process dies. Capping the total that
/// memories may hold keeps the rest for the heap, stacks and machine code: when the budget
/// is spent, instantiation fails with a `WasmError` and the process stays healthy.
enum AddressSpaceBudget {
    /// Half of the 47-bit user address space.
    static let limit = 1 << 46

    private static let reserved = Atomic<Int>(0)

    /// Claims `bytes` of the budget; false (nothing claimed) when it would be exceeded.
    static func claim(_ bytes: Int) -> Bool {
        var current = reserved.load(ordering: .relaxed)
        while true {
            guard bytes <= limit - current else { return false }
            let (exchanged, original) = reserved.compareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Returns `bytes` claimed earlier.
    static func release(_ bytes: Int) {
        reserved.subtract(bytes, ordering: .relaxed)
    }

    /// Bytes currently claimed (for tests and diagnostics).
    static var claimed: Int { reserved.load(ordering: .relaxed) }
}

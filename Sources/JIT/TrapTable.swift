import WasmCore

/// Maps code offsets of a module's machine code to the trap they raise: the trap stubs
/// explicit checks jump to, and (with the guard strategy) the accesses whose faults the
/// signal handler turns into traps.
struct TrapTable {
    private(set) var entries: [(offset: Int, reason: TrapReason)] = []

    mutating func add(offset: Int, reason: TrapReason) { entries.append((offset, reason)) }

    /// The trap raised at `offset`, if any.
    func reason(at offset: Int) -> TrapReason? {
        entries.first { $0.offset == offset }?.reason
    }
}

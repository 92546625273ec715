import WasmCore
import WasmRuntime

/// Maps code offsets of a module's machine code to the trap they raise: the trap stubs
/// explicit checks jump to, and (under fault-based strategies) the memory accesses whose
/// faults `TrapGuard` turns into traps.
struct TrapTable {
    /// Offsets of the stubs, by reason (for disassembly and tests).
    private(set) var stubs: [(offset: Int, reason: TrapReason)] = []
    /// Instructions that may fault on purpose, in code order (`TrapGuard` needs them sorted).
    private(set) var sites: [TrapSite] = []

    mutating func add(offset: Int, reason: TrapReason) { stubs.append((offset, reason)) }

    mutating func addSite(offset: Int, reason: TrapReason) {
        sites.append(TrapSite(offset: UInt32(offset), reason: reason))
    }

    /// Forgets the sites from `offset` on (code dropped by the compiler).
    mutating func truncate(to offset: Int) {
        while let last = sites.last, Int(last.offset) >= offset { sites.removeLast() }
    }

    /// The trap raised at `offset`, if any.
    func reason(at offset: Int) -> TrapReason? {
        if let s = sites.first(where: { Int($0.offset) == offset }) { return TrapReason(rawValue: s.reason) }
        return stubs.first { $0.offset == offset }?.reason
    }
}

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

    init() {}

    /// A table read back from a precompiled module.
    init(stubs: [(offset: Int, reason: TrapReason)], sites: [TrapSite]) {
        self.stubs = stubs
        self.sites = sites
    }

    mutating func add(offset: Int, reason: TrapReason) { stubs.append((offset, reason)) }

    mutating func addSite(offset: Int, reason: TrapReason) {
        sites.append(TrapSite(offset: UInt32(offset), reason: reason))
    }

    /// Forgets the sites from `offset` on (code dropped by the compiler).
    mutating func truncate(to offset: Int) {
        while let last = sites.last, Int(last.offset) >= offset { sites.removeLast() }
    }

    /// Appends `other`'s stubs and sites moved by `delta` bytes (a piece of code placed at
    /// `delta` in the module's buffer; `ModuleCodeLayout`). Code order is kept when pieces
    /// are appended in code order.
    mutating func append(_ other: TrapTable, offsetBy delta: Int) {
        for s in other.stubs { stubs.append((s.offset + delta, s.reason)) }
        for var site in other.sites {
            site.offset = UInt32(Int(site.offset) + delta)
            sites.append(site)
        }
    }

    /// The trap raised at `offset`, if any.
    func reason(at offset: Int) -> TrapReason? {
        if let s = sites.first(where: { Int($0.offset) == offset }) { return TrapReason(rawValue: s.reason) }
        return stubs.first { $0.offset == offset }?.reason
    }
}

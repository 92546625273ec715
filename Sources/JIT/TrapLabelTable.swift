import Assembler
import WasmCore

/// Stub labels by trap reason: a flat table indexed by the reason's raw value, because
/// every bounds check and division looks its stub up (a dictionary lookup hashed the
/// reason each time, costing more than emitting the check).
struct TrapLabelTable {
    private var slots = [Label?](repeating: nil, count: Int(UInt8.max) + 1)
    /// The reasons with a label, in the order they were first used.
    private var used: [TrapReason] = []

    subscript(reason: TrapReason) -> Label? {
        get { slots[Int(reason.rawValue)] }
        set {
            if slots[Int(reason.rawValue)] == nil, newValue != nil { used.append(reason) }
            slots[Int(reason.rawValue)] = newValue
            if newValue == nil { used.removeAll { $0 == reason } }
        }
    }

    /// The reasons with a label, by raw value (the order stubs are emitted in). Sorts the
    /// short list in place, so the result shares its storage: no allocation per function.
    mutating func sortedReasons() -> [TrapReason] {
        used.sort { $0.rawValue < $1.rawValue }
        return used
    }

    mutating func removeAll() {
        for r in used { slots[Int(r.rawValue)] = nil }
        used.removeAll(keepingCapacity: true)
    }
}

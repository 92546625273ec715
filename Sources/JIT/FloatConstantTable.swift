import Assembler

/// The current function's float constants and their labels, emitted after its trap stubs
/// in ascending order of their bits. An array searched linearly (functions use a handful):
/// a dictionary hashed every lookup, and emitting sorted its pairs through a closure into
/// a new array, ~1.8 K machine instructions per function with constants (lz77).
struct FloatConstantTable {
    struct Constant {
        var bits: UInt64
        var label: Label
    }

    private var constants: [Constant] = []
    /// Positions by bits, built only for functions with many constants (no quadratic search).
    private var positions: [UInt64: Int] = [:]
    private static let linearLimit = 16

    var isEmpty: Bool { constants.isEmpty }

    /// The label of the constant `bits`, nil before `add`.
    func label(_ bits: UInt64) -> Label? {
        if constants.count <= Self.linearLimit {
            for c in constants where c.bits == bits { return c.label }
            return nil
        }
        return positions[bits].map { constants[$0].label }
    }

    /// Adds a constant not in the table yet.
    mutating func add(_ bits: UInt64, _ label: Label) {
        constants.append(Constant(bits: bits, label: label))
        guard constants.count > Self.linearLimit else { return }
        if positions.isEmpty {
            for (i, c) in constants.enumerated() { positions[c.bits] = i }
        } else {
            positions[bits] = constants.count - 1
        }
    }

    /// The constants by ascending bits (sorted in place: no allocation per function). Call
    /// `removeAll` before the next `label`.
    mutating func sortedByBits() -> [Constant] {
        positions.removeAll(keepingCapacity: true)
        if constants.count > Self.linearLimit {
            constants.sort { $0.bits < $1.bits }
            return constants
        }
        var k = 1
        while k < constants.count {
            let c = constants[k]
            var j = k
            while j > 0 && constants[j - 1].bits > c.bits {
                constants[j] = constants[j - 1]
                j -= 1
            }
            constants[j] = c
            k += 1
        }
        return constants
    }

    mutating func removeAll() {
        constants.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
    }
}

/// A growable list of trivial values in a buffer owned by one class instance: the
/// assembler's label offsets and fixups. An `Array` checks its buffer for uniqueness (a
/// runtime call) on every append and element store, which is several times per jump,
/// label and bind.
///
/// Copies share the buffer, like the assembler's code bytes (`CodeStorage`): emit through
/// one copy of an assembler only.
final class AssemblerList<Element: BitwiseCopyable>: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always) var isEmpty: Bool { count == 0 }
    @inline(__always) var last: Element? { count > 0 ? base[count - 1] : nil }

    @inline(__always)
    subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "index out of range")
            return base[index]
        }
        set {
            precondition(index >= 0 && index < count, "index out of range")
            base[index] = newValue
        }
    }

    @inline(__always)
    func append(_ element: Element) {
        if _slowPath(count == capacity) { grow() }
        base[count] = element
        count &+= 1
    }

    /// Makes room for `n` elements in all (no effect when there is room already).
    func reserveCapacity(_ n: Int) {
        while capacity < n { grow() }
    }

    func removeAll() { count = 0 }

    /// Keeps the elements for which `remove` is false, in order.
    func removeAll(where remove: (Element) -> Bool) {
        var kept = 0
        for i in 0..<count where !remove(base[i]) {
            base[kept] = base[i]
            kept += 1
        }
        count = kept
    }

    private func grow() {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        larger.initialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }
}

/// The single-pass compiler's abstract operand stack and register free lists: elements in
/// a buffer owned by one class instance. With an `Array`, every push and pop called
/// `swift_isUniquelyReferenced` (about three such calls per Wasm instruction).
///
/// Copies share the buffer. `removeAll()`, run at the start of every function, moves a
/// copy whose buffer is shared to a new one, so compilers copied between functions stay
/// independent; within a function, use one copy only.
struct ValueStack<Element> {
    final class Storage {
        var base: UnsafeMutablePointer<Element>
        var capacity: Int
        var count = 0

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
        }

        func grow() {
            let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: base, count: count)
            base.deallocate()
            base = larger
            capacity *= 2
        }

        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }
    }

    private var storage = Storage(capacity: 64)

    @inline(__always) var count: Int { storage.count }
    @inline(__always) var isEmpty: Bool { storage.count == 0 }
    @inline(__always) var indices: Range<Int> { 0..<storage.count }
    @inline(__always) var last: Element? { storage.count > 0 ? storage.base[storage.count - 1] : nil }

    @inline(__always)
    subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < storage.count, "stack index out of range")
            return storage.base[index]
        }
        nonmutating set {
            precondition(index >= 0 && index < storage.count, "stack index out of range")
            storage.base[index] = newValue
        }
    }

    @inline(__always)
    func append(_ element: Element) {
        let s = storage
        if s.count == s.capacity { s.grow() }
        (s.base + s.count).initialize(to: element)
        s.count += 1
    }

    @inline(__always) @discardableResult
    func removeLast() -> Element {
        let s = storage
        precondition(s.count > 0, "pop from an empty stack")
        s.count -= 1
        return (s.base + s.count).move()
    }

    @inline(__always)
    func removeLast(_ n: Int) {
        let s = storage
        precondition(n >= 0 && n <= s.count, "pop past the bottom of the stack")
        s.count -= n
        (s.base + s.count).deinitialize(count: n)
    }

    @inline(__always)
    func popLast() -> Element? {
        storage.count > 0 ? removeLast() : nil
    }

    func append(contentsOf elements: some Sequence<Element>) {
        for e in elements { append(e) }
    }

    /// Removes the elements matching `predicate`, keeping the order of the others.
    func removeAll(where predicate: (Element) -> Bool) {
        let s = storage
        var kept = 0
        for i in 0..<s.count {
            let e = (s.base + i).move()
            if predicate(e) { continue }
            (s.base + kept).initialize(to: e)
            kept += 1
        }
        s.count = kept
    }

    /// Empties the stack (keeping its capacity), with a buffer of this copy's own.
    mutating func removeAll() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = Storage(capacity: storage.capacity)
            return
        }
        storage.base.deinitialize(count: storage.count)
        storage.count = 0
    }
}

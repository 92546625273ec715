import Atomics

/// A Chase-Lev work-stealing deque (Lê, Pop, Cohen, Zappa Nardelli, "Correct and
/// Efficient Work-Stealing for Weak Memory Models", PPoPP 2013): one owner thread pushes
/// and pops at the bottom, any thread steals from the top. No locks; the ring grows when
/// full (a thief that loaded the old ring holds a reference to it, so it stays valid).
///
/// Elements are held retained as raw pointer bits in atomic slots; a steal takes an
/// element only after winning the race for the top index, so each element leaves once.
public final class WorkStealingDeque<Element: AnyObject>: @unchecked Sendable {
    final class Ring: AtomicReference, @unchecked Sendable {
        let mask: Int
        let slots: UnsafeMutablePointer<UnsafeAtomic<Int>.Storage>

        init(capacity: Int) {
            mask = capacity - 1
            slots = .allocate(capacity: capacity)
            slots.initialize(repeating: UnsafeAtomic<Int>.Storage(0), count: capacity)
        }

        deinit { slots.deallocate() }

        var capacity: Int { mask + 1 }
        @inline(__always) func slot(_ i: Int) -> UnsafeAtomic<Int> { UnsafeAtomic(at: slots + (i & mask)) }
    }

    private let top = ManagedAtomic<Int>(0)
    private let bottom = ManagedAtomic<Int>(0)
    private let ring: ManagedAtomic<Ring>

    /// An empty deque with room for `capacity` elements before it grows (rounded up to a
    /// power of two).
    public init(capacity: Int = 64) {
        var c = 2
        while c < capacity { c <<= 1 }
        ring = ManagedAtomic(Ring(capacity: c))
    }

    deinit {
        while pop() != nil {}
    }

    /// Adds `element` at the bottom. Owner thread only.
    public func push(_ element: Element) {
        let b = bottom.load(ordering: .relaxed)
        let t = top.load(ordering: .acquiring)
        var r = ring.load(ordering: .relaxed)
        if b - t > r.mask {
            r = grow(r, top: t, bottom: b)
        }
        r.slot(b).store(Int(bitPattern: Unmanaged.passRetained(element).toOpaque()), ordering: .relaxed)
        atomicMemoryFence(ordering: .releasing)
        bottom.store(b + 1, ordering: .relaxed)
    }

    /// Removes the most recently pushed element. Owner thread only.
    public func pop() -> Element? {
        let b = bottom.load(ordering: .relaxed) - 1
        let r = ring.load(ordering: .relaxed)
        bottom.store(b, ordering: .relaxed)
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        let t = top.load(ordering: .relaxed)
        guard t <= b else {
            bottom.store(b + 1, ordering: .relaxed)
            return nil
        }
        let bits = r.slot(b).load(ordering: .relaxed)
        if t == b {
            // The last element: race the thieves for it.
            let won = top.compareExchange(expected: t, desired: t + 1, successOrdering: .sequentiallyConsistent,
                                          failureOrdering: .relaxed).exchanged
            bottom.store(b + 1, ordering: .relaxed)
            guard won else { return nil }
        }
        return Self.take(bits)
    }

    /// Removes the oldest element; any thread. Nil when empty or when another thief won
    /// the race (callers may retry).
    public func steal() -> Element? {
        let t = top.load(ordering: .acquiring)
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        let b = bottom.load(ordering: .acquiring)
        guard t < b else { return nil }
        let r = ring.load(ordering: .acquiring)
        let bits = r.slot(t).load(ordering: .relaxed)
        guard top.compareExchange(expected: t, desired: t + 1, successOrdering: .sequentiallyConsistent,
                                  failureOrdering: .relaxed).exchanged else { return nil }
        return Self.take(bits)
    }

    /// Elements present at the moment of the call (approximate under concurrency).
    public var count: Int {
        let b = bottom.load(ordering: .relaxed)
        let t = top.load(ordering: .relaxed)
        return max(b - t, 0)
    }

    /// Whether the deque looked empty.
    public var isEmpty: Bool { count == 0 }

    private func grow(_ old: Ring, top t: Int, bottom b: Int) -> Ring {
        let bigger = Ring(capacity: old.capacity * 2)
        for i in t ..< b {
            bigger.slot(i).store(old.slot(i).load(ordering: .relaxed), ordering: .relaxed)
        }
        ring.store(bigger, ordering: .releasing)
        return bigger
    }

    @inline(__always)
    private static func take(_ bits: Int) -> Element {
        Unmanaged<Element>.fromOpaque(UnsafeRawPointer(bitPattern: bits)!).takeRetainedValue()
    }
}

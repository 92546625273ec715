import Atomics
import Platform
import TestSupport
import Testing
@testable import GreenThreads

final class Item: @unchecked Sendable {
    let value: Int
    init(_ value: Int) { self.value = value }
}

struct WorkStealingDequeTests {
    @Test func ownerPopsNewestThievesTakeOldest() {
        let deque = WorkStealingDeque<Item>(capacity: 2)
        for i in 0 ..< 10 { deque.push(Item(i)) }  // grows past its first ring
        #expect(deque.count == 10)
        #expect(deque.pop()?.value == 9)
        #expect(deque.steal()?.value == 0)
        #expect(deque.steal()?.value == 1)
        #expect(deque.pop()?.value == 8)
        var rest: [Int] = []
        while let item = deque.pop() { rest.append(item.value) }
        #expect(rest == [7, 6, 5, 4, 3, 2])
        #expect(deque.steal() == nil && deque.pop() == nil && deque.isEmpty)
    }

    @Test func elementsAreReleasedWithTheDeque() {
        weak var probe: Item?
        do {
            let deque = WorkStealingDeque<Item>()
            let item = Item(1)
            probe = item
            deque.push(item)
        }
        #expect(probe == nil)
    }

    /// The owner pushes and pops while three thieves steal: every element leaves exactly once.
    @Test func concurrentStealsTakeEachElementOnce() {
        let total = 200_000
        let deque = WorkStealingDeque<Item>(capacity: 16)
        let counts = (0 ..< total).map { _ in ManagedAtomic<Int>(0) }
        let done = ManagedAtomic<Bool>(false)
        let taken = ManagedAtomic<Int>(0)
        let thieves = (0 ..< 3).map { _ in
            TestThread {
                while !done.load(ordering: .acquiring) || !deque.isEmpty {
                    if let item = deque.steal() {
                        counts[item.value].wrappingIncrement(ordering: .relaxed)
                        taken.wrappingIncrement(ordering: .relaxed)
                    }
                }
            }
        }
        for i in 0 ..< total {
            deque.push(Item(i))
            if i % 3 == 0, let item = deque.pop() {
                counts[item.value].wrappingIncrement(ordering: .relaxed)
                taken.wrappingIncrement(ordering: .relaxed)
            }
        }
        while let item = deque.pop() {
            counts[item.value].wrappingIncrement(ordering: .relaxed)
            taken.wrappingIncrement(ordering: .relaxed)
        }
        done.store(true, ordering: .releasing)
        for t in thieves { t.join() }
        #expect(taken.load(ordering: .relaxed) == total)
        #expect(counts.allSatisfy { $0.load(ordering: .relaxed) == 1 })
    }
}

import Testing
@testable import JIT

/// `LocalUseTable.orderCandidates` must pick the order a stable sort of every local by
/// weight gives (pinning, and so the machine code, depends on it), and `reset` must clear
/// what the previous function left.
struct LocalUseTableTests {
    static func reference(_ weights: [Int], minimum: Int) -> [Int] {
        weights.indices.sorted { weights[$0] > weights[$1] }.filter { weights[$0] >= minimum }
    }

    @Test(arguments: [0, 1, 5, 31, 32, 33, 200])
    func candidatesFollowTheStableOrder(count: Int) {
        var rng = SystemRandomNumberGenerator()
        let table = LocalUseTable(capacity: 4)
        for minimum in [1, 2, 5] {
            table.reset(count: count)
            // Few distinct weights, so that ties are common.
            let weights = (0 ..< count).map { _ in Int.random(in: 0 ... 8, using: &rng) }
            for i in 0 ..< count { table.weight[i] = weights[i] }
            let n = table.orderCandidates(minimum: minimum)
            #expect(Array(UnsafeBufferPointer(start: table.order, count: n)) == Self.reference(weights, minimum: minimum))
        }
    }

    @Test func resetClearsTheLastFunction() {
        let table = LocalUseTable(capacity: 2)
        table.reset(count: 3)
        table.weights[2] = 7
        table.writtenFlags[1] = true
        table.callWeight = 4
        table.callsOutsideLoops = true
        table.reset(count: 100)
        #expect(table.weights.allSatisfy { $0 == 0 })
        #expect(table.writtenFlags.allSatisfy { !$0 })
        #expect(table.callWeight == 0 && !table.callsOutsideLoops)
    }
}

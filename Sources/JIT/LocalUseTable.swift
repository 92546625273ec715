/// The weights `LocalUseScanner` computes for the function being compiled, and the scratch
/// `SinglePassCompiler.pinLocals` orders them in: buffers kept from function to function
/// and cleared in place. (Two arrays per function, a sorted array of every local's index and
/// the scanner's block stack were allocated and freed for each function.)
///
/// One compiler owns it; a copy of the compiler gets its own at the next `beginFunction`.
final class LocalUseTable {
    private(set) var weight: UnsafeMutablePointer<Int>
    private(set) var written: UnsafeMutablePointer<Bool>
    /// Weights of the writes when the scan keeps them apart (`setWeights`).
    private(set) var setWeight: UnsafeMutablePointer<Int>
    /// Pinning candidates, heaviest first (filled by `pinLocals`).
    private(set) var order: UnsafeMutablePointer<Int>
    private var capacity: Int
    /// Locals of the current function.
    private(set) var count = 0
    /// The scanner's open loops.
    let loops = ValueStack<Int>()
    /// The loops with no loop inside them: ordinal, start and end byte positions, in order.
    let innermost = ValueStack<Int>()
    var callWeight = 0
    /// A call outside every loop: the function must poll at its entry.
    var callsOutsideLoops = false

    init(capacity: Int = 64) {
        self.capacity = capacity
        weight = .allocate(capacity: capacity)
        written = .allocate(capacity: capacity)
        setWeight = .allocate(capacity: capacity)
        order = .allocate(capacity: capacity)
    }

    /// Zero weights for `count` locals (and write weights when `separateWrites`).
    func reset(count: Int, separateWrites: Bool = false) {
        if count > capacity {
            weight.deallocate()
            written.deallocate()
            setWeight.deallocate()
            order.deallocate()
            capacity = max(count, capacity * 2)
            weight = .allocate(capacity: capacity)
            written = .allocate(capacity: capacity)
            setWeight = .allocate(capacity: capacity)
            order = .allocate(capacity: capacity)
        }
        self.count = count
        weight.initialize(repeating: 0, count: count)
        written.initialize(repeating: false, count: count)
        if separateWrites { setWeight.initialize(repeating: 0, count: count) }
        callWeight = 0
        callsOutsideLoops = false
        innermost.removeLast(innermost.count)
    }

    var weights: UnsafeMutableBufferPointer<Int> { UnsafeMutableBufferPointer(start: weight, count: count) }
    var writtenFlags: UnsafeMutableBufferPointer<Bool> { UnsafeMutableBufferPointer(start: written, count: count) }
    var setWeights: UnsafeMutableBufferPointer<Int> { UnsafeMutableBufferPointer(start: setWeight, count: count) }

    /// Fills `order` with the locals weighing at least `minimum`, heaviest first and equal
    /// weights by index (what a stable sort of all indices by weight puts first); returns
    /// how many.
    func orderCandidates(minimum: Int) -> Int {
        var n = 0
        for i in 0 ..< count where weight[i] >= minimum {
            order[n] = i
            n += 1
        }
        if n <= 32 {
            // Insertion sort: few candidates, usually already nearly in order.
            var k = 1
            while k < n {
                let i = order[k], wi = weight[i]
                var j = k
                while j > 0 && weight[order[j - 1]] < wi {
                    order[j] = order[j - 1]
                    j -= 1
                }
                order[j] = i
                k += 1
            }
        } else {
            let weight = self.weight
            var candidates = UnsafeMutableBufferPointer(start: order, count: n)
            candidates.sort { weight[$0] > weight[$1] }
        }
        return n
    }

    deinit {
        weight.deallocate()
        written.deallocate()
        setWeight.deallocate()
        order.deallocate()
    }
}

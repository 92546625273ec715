/// Which bytes of a state value were written since its last push: one bit per byte, so
/// that a partial push sends exactly the written runs and never overwrites bytes another
/// node changed beside them.
struct DirtyMask {
    private var words: [UInt64] = []
    let size: Int

    init(size: Int) { self.size = size }

    var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// Marks `offset ..< offset + count` (inside the value).
    mutating func mark(_ offset: Int, _ count: Int) {
        guard count > 0 else { return }
        if words.isEmpty { words = Array(repeating: 0, count: (size + 63) / 64) }
        var bit = offset
        let end = offset + count
        while bit < end {
            let word = bit / 64, shift = bit % 64
            let n = min(64 - shift, end - bit)
            let bits: UInt64 = n == 64 ? ~0 : ((1 << UInt64(n)) - 1) << UInt64(shift)
            words[word] |= bits
            bit += n
        }
    }

    mutating func clear() { words = [] }

    /// The marked runs, in order, as (offset, count).
    func runs() -> [(offset: Int, count: Int)] {
        var runs: [(offset: Int, count: Int)] = []
        var start: Int?
        for (index, word) in words.enumerated() {
            if word == 0 || word == ~0 {
                // Whole words: a run goes on or ends at the word's start.
                if word == 0, let s = start { runs.append((s, index * 64 - s)); start = nil }
                if word == ~0, start == nil { start = index * 64 }
                continue
            }
            for shift in 0..<64 {
                let set = word & (1 << UInt64(shift)) != 0
                let bit = index * 64 + shift
                if set, start == nil { start = bit }
                if !set, let s = start { runs.append((s, bit - s)); start = nil }
            }
        }
        if let s = start { runs.append((s, min(words.count * 64, size) - s)) }
        return runs
    }
}

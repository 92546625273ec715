// Linking code assembled in pieces: a module compiled in parallel is several assemblers,
// whose code is placed one after another in one buffer. A label one piece uses but never
// binds (a function or stub of another piece) is resolved by the caller, which knows the
// layout, as an offset relative to this piece's first byte: negative for code placed
// before it, beyond `offset` for code placed after it.
extension X64Assembler {
    /// The labels used by a fixup but not bound here, each once, in first-use order.
    public var unboundLabelUses: [Label] {
        var seen = Set<Int32>()
        var labels: [Label] = []
        for i in 0..<fixups.count {
            let f = fixups[i]
            guard labelOffsets[Int(f.label)] < 0 && seen.insert(f.label).inserted else { continue }
            labels.append(Label(id: f.label))
        }
        return labels
    }

    /// Resolves every label use like `finish(baseAddress:)`; a label not bound here gets its
    /// offset from `external` (relative to this code's start). `baseAddress` is the address
    /// this code's first byte will have.
    public mutating func link(baseAddress: UInt64, external: (Label) -> Int) {
        for i in 0..<fixups.count {
            let f = fixups[i]
            var target = Int(labelOffsets[Int(f.label)])
            if target < 0 { target = external(Label(id: f.label)) }
            switch f.kind {
            case .rel32(let trailing):
                patch32(at: f.at, Int32(target - (f.at + 4 + Int(trailing))))
            case .difference(let from):
                patch32(at: f.at, Int32(target) - labelOffsets[Int(from)])
            case .absolute64:
                let v = baseAddress &+ UInt64(bitPattern: Int64(target))
                patch32(at: f.at, Int32(truncatingIfNeeded: v))
                patch32(at: f.at + 4, Int32(truncatingIfNeeded: v >> 32))
            }
        }
        fixups.removeAll()
    }
}

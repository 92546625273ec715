/// A position in the code, bound once; uses before binding are patched when the code is finished.
public struct Label: Hashable, Sendable {
    /// The label's number in its assembler.
    public let id: Int32
}

/// What label bookkeeping reads of a fixup, whichever instruction set it patches.
protocol LabelUse: BitwiseCopyable {
    /// Where the field to patch starts.
    var at: Int { get }
    /// The label's id.
    var label: Int32 { get }
}

/// An assembler's label offsets by label id, -1 while unbound: the bookkeeping both
/// instruction sets' assemblers share.
extension AssemblerList where Element == Int32 {
    /// A fresh, unbound label.
    @inline(__always) func newLabel() -> Label {
        append(-1)
        return Label(id: Int32(count - 1))
    }

    /// Binds `label` to `offset`.
    @inline(__always) func bind(_ label: Label, at offset: Int) {
        precondition(self[Int(label.id)] < 0, "label bound twice")
        self[Int(label.id)] = Int32(offset)
    }

    /// The bound offset of `label`, nil while unbound.
    @inline(__always) func offset(of label: Label) -> Int? {
        let o = self[Int(label.id)]
        return o < 0 ? nil : Int(o)
    }

    /// Unbinds the labels bound at `offset` or after (dropped code).
    func unbind(from offset: Int) {
        for i in 0 ..< count where self[i] >= Int32(offset) { self[i] = -1 }
    }

    /// The labels `uses` refer to but that are not bound, each once, in first-use order.
    func unboundLabels<U: LabelUse>(usedBy uses: AssemblerList<U>) -> [Label] {
        var seen = Set<Int32>()
        var labels: [Label] = []
        for i in 0 ..< uses.count {
            let label = uses[i].label
            guard self[Int(label)] < 0 && seen.insert(label).inserted else { continue }
            labels.append(Label(id: label))
        }
        return labels
    }
}

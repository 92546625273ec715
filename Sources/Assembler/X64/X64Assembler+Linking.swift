// Linking code assembled in pieces: a module compiled in parallel is several assemblers,
// whose code is placed one after another in one buffer. A label one piece uses but never
// binds (a function or stub of another piece) is resolved by the caller, which knows the
// layout, as an offset relative to this piece's first byte: negative for code placed
// before it, beyond `offset` for code placed after it.
extension X64Assembler {
    /// The labels used by a fixup but not bound here, each once, in first-use order.
    public var unboundLabelUses: [Label] { labelOffsets.unboundLabels(usedBy: fixups) }

    /// Resolves every label use like `finish(baseAddress:)`; a label not bound here gets its
    /// offset from `external` (relative to this code's start). `baseAddress` is the address
    /// this code's first byte will have. Returns the first label that neither this code nor
    /// `external` binds (a compiler bug: the code must then not run), nil when all resolved.
    @discardableResult
    public mutating func link(baseAddress: UInt64, external: (Label) -> Int?) -> Label? {
        // Through the lists' buffers: each fixup is a few loads and one store, with one
        // range check (the subscripts and `patch32` checked three times per fixup).
        let fixupBase = fixups.base, offsets = labelOffsets.base, code = storage.base
        let labelCount = labelOffsets.count, size = count
        for i in 0 ..< fixups.count {
            let f = fixupBase[i]
            precondition(f.at >= 0 && f.at <= size - 4 && Int(f.label) < labelCount, "fixup outside the code")
            var target = Int(offsets[Int(f.label)])
            if target < 0 {
                guard let resolved = external(Label(id: f.label)) else { return Label(id: f.label) }
                target = resolved
            }
            let value: Int32
            switch f.kind {
            case .rel32(let trailing):
                value = Int32(target - (f.at + 4 + Int(trailing)))
            case .difference(let from):
                precondition(Int(from) >= 0 && Int(from) < labelCount, "unknown label")
                value = Int32(target) - offsets[Int(from)]
            case .absolute64:
                precondition(f.at <= size - 8, "fixup outside the code")
                let v = baseAddress &+ UInt64(bitPattern: Int64(target))
                UnsafeMutableRawPointer(code + f.at).storeBytes(of: v.littleEndian, as: UInt64.self)
                continue
            }
            UnsafeMutableRawPointer(code + f.at).storeBytes(of: UInt32(bitPattern: value).littleEndian, as: UInt32.self)
        }
        fixups.removeAll()
        return nil
    }
}

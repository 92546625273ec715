// Resolving label uses, as `X64Assembler+Linking.swift` does for x86-64: a module compiled
// in pieces resolves the labels a piece uses but another binds through `external`, as
// offsets relative to the piece's first byte. Unlike x86's rel32, A64 branch fields are
// short, so a resolved target can still be out of reach: that is reported, never wrapped.

/// Why `ARM64Assembler.link` could not resolve a label use.
public struct ARM64LinkFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kept the label use from being resolved.
    public enum Reason: Equatable, Sendable {
        /// Neither this code nor `external` binds the label (a compiler bug).
        case unbound
        /// The instruction at byte offset `at` cannot reach the label (code too large for
        /// the branch: a function beyond ±1 MiB for b.cond, ±32 KiB for tbz, ...).
        case outOfRange(at: Int)
    }
    /// The label used.
    public let label: Label
    /// Why its use was not resolved.
    public let reason: Reason

    /// One line for an error message.
    public var description: String {
        switch reason {
        case .unbound: "unbound label \(label.id)"
        case .outOfRange(let at): "label \(label.id) out of range of the instruction at \(at)"
        }
    }
}

extension ARM64Assembler {
    /// The labels used by a fixup but not bound here, each once, in first-use order.
    public var unboundLabelUses: [Label] { labelOffsets.unboundLabels(usedBy: fixups) }

    /// Resolves every label use like `finish(baseAddress:)`; a label not bound here gets its
    /// offset from `external` (relative to this code's start). `baseAddress` is the address
    /// this code's first byte will have. Returns the first use that could not be resolved
    /// (the code must then not run), nil when all resolved.
    @discardableResult
    public mutating func link(baseAddress: UInt64, external: (Label) -> Int?) -> ARM64LinkFailure? {
        let labelCount = labelOffsets.count
        for i in 0 ..< fixups.count {
            let f = fixups[i]
            precondition(f.at >= 0 && f.at <= count - 4 && Int(f.label) < labelCount, "fixup outside the code")
            var target = Int(labelOffsets[Int(f.label)])
            if target < 0 {
                guard let resolved = external(Label(id: f.label)) else {
                    return ARM64LinkFailure(label: Label(id: f.label), reason: .unbound)
                }
                target = resolved
            }
            switch f.kind {
            case .difference(let from):
                precondition(Int(from) >= 0 && Int(from) < labelCount && labelOffsets[Int(from)] >= 0,
                             "jump-table base label unbound")
                patch(at: f.at, UInt32(truncatingIfNeeded: target - Int(labelOffsets[Int(from)])))
            case .absolute64:
                precondition(f.at <= count - 8, "fixup outside the code")
                let v = baseAddress &+ UInt64(bitPattern: Int64(target))
                patch(at: f.at, UInt32(truncatingIfNeeded: v))
                patch(at: f.at + 4, UInt32(truncatingIfNeeded: v >> 32))
            case .absoluteMoves:
                precondition(f.at <= count - 16, "fixup outside the code")
                let v = baseAddress &+ UInt64(bitPattern: Int64(target))
                for k in 0 ..< 4 {
                    let at = f.at + 4 * k
                    let imm = UInt32(truncatingIfNeeded: v >> (16 * k)) & 0xFFFF
                    patch(at: at, word(at: at) & ~(0xFFFF << 5) | imm << 5)
                }
            default:
                guard let w = Self.resolve(f.kind, word(at: f.at), at: f.at, target: target, baseAddress: baseAddress)
                else { return ARM64LinkFailure(label: Label(id: f.label), reason: .outOfRange(at: f.at)) }
                patch(at: f.at, w)
            }
        }
        fixups.removeAll()
        return nil
    }

    /// `word` with the field of a PC-relative `kind` set to reach `target` from `at` (both
    /// offsets in the same code), nil when it does not fit.
    static func resolve(_ kind: Fixup.Kind, _ word: UInt32, at: Int, target: Int, baseAddress: UInt64) -> UInt32? {
        let distance = target - at
        switch kind {
        case .branch26:
            precondition(distance & 3 == 0, "branch target not word-aligned")
            return field(distance >> 2, bits: 26, at: 0, in: word)
        case .branch19:
            precondition(distance & 3 == 0, "branch target not word-aligned")
            return field(distance >> 2, bits: 19, at: 5, in: word)
        case .branch14:
            precondition(distance & 3 == 0, "branch target not word-aligned")
            return field(distance >> 2, bits: 14, at: 5, in: word)
        case .adr:
            return adrField(distance, in: word)
        case .adrp:
            let page = Int64(bitPattern: (baseAddress &+ UInt64(bitPattern: Int64(target))) >> 12)
                &- Int64(bitPattern: (baseAddress &+ UInt64(bitPattern: Int64(at))) >> 12)
            guard let pages = Int(exactly: page) else { return nil }
            return adrField(pages, in: word)
        case .pageOffset:
            let low = UInt32(truncatingIfNeeded: baseAddress &+ UInt64(bitPattern: Int64(target))) & 0xFFF
            return word & ~(0xFFF << 10) | low << 10
        case .difference, .absolute64, .absoluteMoves:
            preconditionFailure("data fixup")
        }
    }

    /// `word` with the signed `value` in `bits` bits at bit `at`, nil when it does not fit.
    @inline(__always)
    static func field(_ value: Int, bits: Int, at: Int, in word: UInt32) -> UInt32? {
        guard value >= -(1 << (bits - 1)) && value < 1 << (bits - 1) else { return nil }
        let mask: UInt32 = (1 << bits) - 1
        return word & ~(mask << at) | (UInt32(truncatingIfNeeded: value) & mask) << at
    }

    /// adr/adrp: a signed 21-bit value split into immhi (bits 5...23) and immlo (29...30).
    static func adrField(_ value: Int, in word: UInt32) -> UInt32? {
        guard value >= -(1 << 20) && value < 1 << 20 else { return nil }
        let v = UInt32(truncatingIfNeeded: value)
        return word & 0x9F00_001F | (v & 3) << 29 | (v >> 2 & 0x7FFFF) << 5
    }

    /// Emits `word` whose PC-relative field (a branch or adr: independent of the load
    /// address) refers to `label`: resolved now when the label is bound and in reach, else
    /// left to `link`, which reports it if still out of reach.
    @inline(__always)
    mutating func emit(_ word: UInt32, to label: Label, _ kind: Fixup.Kind) {
        let target = labelOffsets[Int(label.id)]
        if target >= 0, let w = Self.resolve(kind, word, at: count, target: Int(target), baseAddress: 0) {
            emit(w)
            return
        }
        use(label, kind)
        emit(word)
    }
}

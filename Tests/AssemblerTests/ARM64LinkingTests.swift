import Testing
@testable import Assembler

/// Label fixups: forward and backward, the range of each branch kind (reported when
/// exceeded, never wrapped), labels bound in another piece of code, jump tables and data.
struct ARM64LinkingTests {
    /// The signed field of `bits` bits at bit `at` of `word`.
    func field(_ word: UInt32, bits: Int, at: Int) -> Int {
        let raw = Int(word >> at) & ((1 << bits) - 1)
        return raw >= 1 << (bits - 1) ? raw - (1 << bits) : raw
    }

    @Test func forwardAndBackwardBranchesReachTheirLabels() {
        var a = ARM64Assembler()
        let top = a.newLabel(), end = a.newLabel()
        a.bind(top)                 // 0
        a.b(.eq, end)               // 0: forward, patched
        a.cbz(.x1, end)             // 4
        a.tbnz(.x2, bit: 40, end)   // 8
        a.bl(end)                   // 12
        a.nop()                     // 16
        a.b(top)                    // 20: backward, encoded at once
        a.cbnz(.x3, top, .b32)      // 24
        a.bind(end)                 // 28
        #expect(a.offset(of: top) == 0 && a.offset(of: end) == 28)
        #expect(a.unboundLabelUses.isEmpty)
        a.finish()
        let w = a.words
        #expect(field(w[0], bits: 19, at: 5) * 4 == 28)
        #expect(field(w[1], bits: 19, at: 5) * 4 == 24)
        #expect(field(w[2], bits: 14, at: 5) * 4 == 20 && w[2] >> 31 == 1 && w[2] >> 19 & 31 == 8)
        #expect(field(w[3], bits: 26, at: 0) * 4 == 16)
        #expect(field(w[5], bits: 26, at: 0) * 4 == -20)
        #expect(field(w[6], bits: 19, at: 5) * 4 == -24)
    }

    @Test func tbzReachesExactlyThirtyTwoKiB() {
        // Forward: 32764 bytes is the farthest; 32768 is out of range and reported.
        for (nops, fits) in [(8190, true), (8191, false)] {
            var a = ARM64Assembler(capacity: 40000)
            let l = a.newLabel()
            a.tbz(.x0, bit: 0, l)
            for _ in 0 ..< nops { a.nop() }
            a.bind(l)
            let failure = a.link(baseAddress: 0) { _ in nil }
            if fits {
                #expect(failure == nil)
                #expect(field(a.word(at: 0), bits: 14, at: 5) == 8191)
            } else {
                #expect(failure == ARM64LinkFailure(label: l, reason: .outOfRange(at: 0)))
            }
        }
        // Backward: -32768 bytes fits; one more instruction does not (reported at link).
        for (nops, fits) in [(8192, true), (8193, false)] {
            var a = ARM64Assembler(capacity: 40000)
            let l = a.newLabel()
            a.bind(l)
            for _ in 0 ..< nops { a.nop() }
            a.tbnz(.x0, bit: 1, l)
            let at = nops * 4
            if fits {
                #expect(a.unboundLabelUses.isEmpty)
                #expect(a.link(baseAddress: 0) { _ in nil } == nil)
                #expect(field(a.word(at: at), bits: 14, at: 5) == -8192)
            } else {
                #expect(a.link(baseAddress: 0) { _ in nil } == ARM64LinkFailure(label: l, reason: .outOfRange(at: at)))
            }
        }
    }

    /// Emits one use of an external label at offset 4 and links it to `target`.
    func linkExternal(_ target: Int, baseAddress: UInt64 = 0,
                      _ use: (inout ARM64Assembler, Label) -> Void) -> (ARM64LinkFailure?, UInt32) {
        var a = ARM64Assembler()
        let l = a.newLabel()
        a.nop()
        use(&a, l)
        #expect(a.unboundLabelUses == [l])
        let failure = a.link(baseAddress: baseAddress) { $0 == l ? target : nil }
        return (failure, a.word(at: 4))
    }

    @Test func branchRangesAreCheckedAtTheirLimits() {
        // (use, farthest forward distance, farthest backward distance, field bits, field position)
        let kinds: [(String, (inout ARM64Assembler, Label) -> Void, Int, Int, Int)] = [
            ("b", { $0.b($1) }, 26, 0, 4),
            ("bl", { $0.bl($1) }, 26, 0, 4),
            ("b.cond", { $0.b(.lt, $1) }, 19, 5, 4),
            ("cbz", { $0.cbz(.x9, $1) }, 19, 5, 4),
            ("ldr literal", { $0.load(.x9, literal: $1) }, 19, 5, 4),
            ("tbz", { $0.tbz(.x9, bit: 9, $1) }, 14, 5, 4),
            ("adr", { $0.adr(.x9, $1) }, 21, -1, 1),
        ]
        for (name, use, bits, _, unit) in kinds {
            let maxForward = ((1 << (bits - 1)) - 1) * unit, maxBackward = -(1 << (bits - 1)) * unit
            for (distance, fits) in [(maxForward, true), (maxBackward, true), (maxForward + unit, false),
                                     (maxBackward - unit, false), (0, true), (-unit, true)] {
                let (failure, word) = linkExternal(4 + distance, use)
                if fits {
                    #expect(failure == nil, "\(name) \(distance)")
                    let encoded = name == "adr"
                        ? field(word, bits: 19, at: 5) << 2 | Int(word >> 29 & 3)
                        : field(word, bits: bits, at: bits == 26 ? 0 : 5) * 4
                    #expect(encoded == distance, "\(name) \(distance)")
                } else {
                    #expect(failure?.reason == .outOfRange(at: 4), "\(name) \(distance)")
                }
            }
        }
    }

    @Test func adrpReachesFourGiBFromItsPage() {
        let base: UInt64 = 0x7F00_0000_0800
        // The label's page minus the instruction's page (base + 4 is in page 0x7F00_0000).
        let farthest = ((1 << 20) - 1) << 12
        let cases: [(target: Int, pages: Int)] = [(0, 0), (0x1000, 1), (-0x1000, -1), (farthest - 0x800, (1 << 20) - 1),
                                                  (-(1 << 32) - 0x800, -(1 << 20))]
        for (target, pages) in cases {
            var a = ARM64Assembler()
            let l = a.newLabel()
            a.nop()
            a.adrp(.x2, l)
            a.addPageOffset(.x2, .x2, l)
            #expect(a.link(baseAddress: base) { _ in target } == nil, "\(target)")
            let w = a.word(at: 4)
            #expect(field(w, bits: 19, at: 5) << 2 | Int(w >> 29 & 3) == pages, "\(target)")
            let address = base &+ UInt64(bitPattern: Int64(target))
            #expect(UInt64(a.word(at: 8) >> 10 & 0xFFF) == address & 0xFFF, "\(target)")
        }
        for target in [(1 << 32) + 0x1000, -(1 << 32) - 0x1000] {
            var a = ARM64Assembler()
            let l = a.newLabel()
            a.adrp(.x2, l)
            #expect(a.link(baseAddress: base) { _ in target }?.reason == .outOfRange(at: 0))
        }
    }

    @Test func unboundLabelsAreReported() {
        var a = ARM64Assembler()
        let bound = a.newLabel(), missing = a.newLabel()
        a.b(missing)
        a.bind(bound)
        a.cbz(.x0, missing)
        a.b(bound)
        #expect(a.unboundLabelUses == [missing])
        #expect(a.link(baseAddress: 0) { _ in nil } == ARM64LinkFailure(label: missing, reason: .unbound))
        #expect(ARM64LinkFailure(label: missing, reason: .unbound).description == "unbound label 1")
    }

    /// As `X64AssemblerLinkingTests`: a piece placed at module offset 0x100 with labels
    /// of pieces before and after it.
    @Test func externalLabelsResolveRelativeToThePiece() {
        var a = ARM64Assembler()
        let earlier = a.newLabel(), later = a.newLabel(), local = a.newLabel()
        a.bl(earlier)                        // 0
        a.b(later)                           // 4
        a.bind(local)
        a.bl(local)                          // 8
        a.movAbsolute(.x0, label: later)     // 12 ... 24
        a.emitLabelAddress(earlier)          // 28: 8 bytes
        #expect(a.unboundLabelUses == [earlier, later])
        let failure = a.link(baseAddress: 0x10_0000) { label in label == earlier ? 0x40 - 0x100 : 0x300 - 0x100 }
        #expect(failure == nil)
        let w = a.words
        #expect(w[0] >> 26 == 0b100101 && field(w[0], bits: 26, at: 0) * 4 == -0xC0)
        #expect(w[1] >> 26 == 0b000101 && field(w[1], bits: 26, at: 0) * 4 == 0x200 - 4)
        #expect(field(w[2], bits: 26, at: 0) == 0)
        // movz/movk x0 with 0x10_0200 = base + 0x200
        #expect(hex(Array(w[3 ... 6])) == hex([0xD280_4000, 0xF2A0_0200, 0xF2C0_0000, 0xF2E0_0000]))
        #expect(UInt64(w[7]) | UInt64(w[8]) << 32 == 0x10_0000 - 0xC0)
        #expect(a.unboundLabelUses.isEmpty)
    }

    @Test func jumpTableIndexesLabelDifferences() {
        var a = ARM64Assembler()
        let targets = [a.newLabel(), a.newLabel(), a.newLabel()], otherwise = a.newLabel()
        a.jumpTable(index: .x0, targets: targets, defaultTarget: otherwise, scratch: .x16, scratch2: .x17)
        for t in targets {
            a.bind(t)
            a.nop()
        }
        a.bind(otherwise)
        a.finish()
        let w = a.words
        // llvm-mc: cmp w0, #3; b.hs #44; adr x16, #16; ldrsw x17, [x16, w0, uxtw #2];
        //          add x16, x16, x17; br x16
        #expect(hex(Array(w[0 ..< 6])) == hex([0x7100_0C1F, 0x5400_0162, 0x1000_0090, 0xB8A0_5A11,
                                                0x8B11_0210, 0xD61F_0200]))
        // The table at 24 holds target - table: targets at 36, 40, 44.
        #expect(Array(w[6 ..< 9]) == [12, 16, 20])
    }

    @Test func truncateDropsUsesAndBindingsAfterTheOffset() {
        var a = ARM64Assembler()
        let keep = a.newLabel(), dropped = a.newLabel()
        a.b(keep)
        a.nop()
        let mark = a.offset
        a.bind(dropped)
        a.cbz(.x0, dropped)
        a.b(.ne, keep)
        a.truncate(to: mark)
        #expect(a.offset == 8 && a.offset(of: dropped) == nil)
        a.bind(keep)
        a.bind(dropped)   // may be bound again
        a.nop()
        a.dropBytes(from: 8)
        #expect(a.offset == 8)
        a.finish()
        #expect(a.words == [0x1400_0002, 0xD503_201F])
    }

    @Test func alignPadsWithNops() {
        var a = ARM64Assembler()
        a.brk(1)
        a.align(16)
        #expect(a.words == [0xD420_0020, 0xD503_201F, 0xD503_201F, 0xD503_201F])
        a.align(8)
        #expect(a.offset == 16)
    }
}

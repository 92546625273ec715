import Testing
@testable import Assembler

/// `link(baseAddress:external:)`: labels a piece of code uses but another piece binds are
/// resolved from offsets relative to this piece's start (a module compiled in chunks).
struct X64AssemblerLinkingTests {
    @Test func externalLabelsResolveRelativeToThePiece() {
        var a = X64Assembler()
        let earlier = a.newLabel(), later = a.newLabel(), local = a.newLabel()
        a.call(earlier)      // e8 rel32 at 1
        a.jmp(later)         // e9 rel32 at 6
        a.bind(local)
        a.call(local)        // bound here: resolved as before
        a.movAbsolute(.rax, label: later)
        #expect(a.unboundLabelUses == [earlier, later])
        // This piece starts at module offset 0x100; `earlier` is at 0x40, `later` at 0x300.
        a.link(baseAddress: 0x10_0000) { label in label == earlier ? 0x40 - 0x100 : 0x300 - 0x100 }
        let b = a.bytes
        func rel32(_ at: Int) -> Int32 {
            Int32(bitPattern: UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24)
        }
        #expect(b[0] == 0xE8 && rel32(1) == -0xC0 - 5)
        #expect(b[5] == 0xE9 && rel32(6) == 0x200 - 10)
        #expect(b[10] == 0xE8 && rel32(11) == -5)
        // movabs rax, base + 0x200 (the piece's base address plus the label's offset)
        #expect(Array(b[15 ..< 17]) == [0x48, 0xB8])
        #expect(Array(b[17 ..< 25]) == [0x00, 0x02, 0x10, 0, 0, 0, 0, 0])
        #expect(a.unboundLabelUses.isEmpty)
    }
}

import Testing
@testable import Assembler

/// Every encoder form of the table (`ARM64EncodingCases+*.swift`) against its literal words,
/// and against llvm-mc on the same assembly text when llvm-mc is installed.
struct ARM64AssemblerTests {
    static let cases = ARM64Table.all

    @Test func encodingsMatchTheirLiteralWords() {
        for c in Self.cases {
            #expect(hex(c.encode()) == hex(c.words), "\(c.text)", sourceLocation: c.sourceLocation)
        }
    }

    @Test func encodingsMatchLLVMMC() throws {
        guard let llvm = try LLVMMC.encodeAArch64(Self.cases.map(\.text)) else {
            print("note: \(LLVMMC.path) not found; encodings checked against their literal words only")
            return
        }
        for (c, words) in zip(Self.cases, llvm) {
            #expect(!words.isEmpty, "llvm-mc rejected \(c.text)", sourceLocation: c.sourceLocation)
            #expect(hex(c.encode()) == hex(words), "\(c.text)", sourceLocation: c.sourceLocation)
            #expect(hex(c.words) == hex(words), "literal words of \(c.text)", sourceLocation: c.sourceLocation)
        }
        print("ARM64: \(Self.cases.count) encoder forms checked against llvm-mc")
    }

    /// A patchable constant becomes the movz/movk pair of its value, in its register.
    @Test func patchableConstantsTakeTheirValueLater() {
        var patched = ARM64Assembler()
        let at = patched.movPatchable32(.x15)
        patched.nop()
        patched.patchConstant32(at: at, 0x1234_5678)
        var direct = ARM64Assembler()
        direct.movz(.x15, 0x5678)
        direct.movk(.x15, 0x1234, shift: 16)
        direct.nop()
        #expect(patched.words == direct.words)
        patched.patchConstant32(at: at, 8)
        #expect(patched.words[0] == 0xD280_010F && patched.words[1] == 0xF2A0_000F)  // movz x15, #8; movk x15, #0, lsl #16
    }

    @Test func conditionsInvert() {
        for c in ARM64Condition.allCases where c != .al && c != .nv {
            #expect(c.inverted != c && c.inverted.inverted == c)
        }
        #expect(ARM64Condition.eq.inverted == .ne && ARM64Condition.hs.inverted == .lo)
        #expect(ARM64Condition.ge.inverted == .lt && ARM64Condition.hi.inverted == .ls)
    }

    @Test func addSubImmediates() {
        #expect(ARM64Assembler.addSubImmediate(0)! == (0, false))
        #expect(ARM64Assembler.addSubImmediate(4095)! == (4095, false))
        #expect(ARM64Assembler.addSubImmediate(4096)! == (1, true))
        #expect(ARM64Assembler.addSubImmediate(0xFFF000)! == (4095, true))
        #expect(ARM64Assembler.addSubImmediate(0x1000000) == nil)
        #expect(ARM64Assembler.addSubImmediate(4097) == nil)
    }

    @Test func memoryOffsets() {
        #expect(ARM64Assembler.isEncodable(offset: 32760, sizeShift: 3))
        #expect(!ARM64Assembler.isEncodable(offset: 32768, sizeShift: 3))
        #expect(ARM64Assembler.isEncodable(offset: 255, sizeShift: 3))
        #expect(ARM64Assembler.isEncodable(offset: -256, sizeShift: 0))
        #expect(!ARM64Assembler.isEncodable(offset: -257, sizeShift: 0))
        #expect(!ARM64Assembler.isEncodable(offset: 4097, sizeShift: 1))
        #expect(ARM64Assembler.isEncodable(offset: 65520, sizeShift: 4))
    }
}

func hex(_ words: [UInt32]) -> [String] {
    words.map { "0x" + String($0, radix: 16, uppercase: true) }
}

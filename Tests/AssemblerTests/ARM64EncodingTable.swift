import Testing
@testable import Assembler

/// One encoder form: what the encoder emits, the assembly llvm-mc encodes to the same
/// words, and those words as llvm-mc gave them (so the check runs without llvm-mc too).
struct ARM64Case: Sendable {
    let text: String
    let words: [UInt32]
    /// The load address given to `finish` (page-relative and absolute fixups).
    let baseAddress: UInt64
    let emit: @Sendable (inout ARM64Assembler) -> Void
    let sourceLocation: SourceLocation

    /// The words the encoder produces.
    func encode() -> [UInt32] {
        var a = ARM64Assembler()
        emit(&a)
        a.finish(baseAddress: baseAddress)
        return a.words
    }
}

/// Collects cases, one statement each (a single array literal of closures would be slow
/// to type-check).
struct ARM64Table {
    var cases: [ARM64Case] = []

    mutating func e(_ text: String, _ words: UInt32..., base: UInt64 = 0,
                    sourceLocation: SourceLocation = #_sourceLocation,
                    _ emit: @escaping @Sendable (inout ARM64Assembler) -> Void) {
        cases.append(ARM64Case(text: text, words: words, baseAddress: base, emit: emit, sourceLocation: sourceLocation))
    }
}

extension ARM64Table {
    /// Every case of every encoding file.
    static var all: [ARM64Case] {
        var t = ARM64Table()
        t.arithmetic()
        t.logic()
        t.moves()
        t.bitfields()
        t.multiplyAndSelect()
        t.memory()
        t.control()
        t.float()
        return t.cases
    }
}

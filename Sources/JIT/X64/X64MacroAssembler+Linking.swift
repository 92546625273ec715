import Assembler
import WasmCore

// What the module linker needs of an x86-64 chunk (`ModuleMacroAssembler`).
extension X64MacroAssembler: StubBookkeeping {
    func offset(of label: Label) -> Int? { a.offset(of: label) }

    mutating func link(baseAddress: UInt64, external: (Label) -> Int?) -> String? {
        a.link(baseAddress: baseAddress, external: external).map { "code label \($0.id) is used but never bound" }
    }

    func copyBytes(to destination: UnsafeMutableRawBufferPointer) -> Int { a.copyBytes(to: destination) }
}

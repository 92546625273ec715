import Assembler
import WasmCore

// What the module linker needs of an AArch64 chunk (`ModuleMacroAssembler`).
extension ARM64MacroAssembler: StubBookkeeping {
    func offset(of label: Label) -> Int? { a.offset(of: label) }

    mutating func link(baseAddress: UInt64, external: (Label) -> Int?) -> String? {
        a.link(baseAddress: baseAddress, external: external)?.description
    }

    func copyBytes(to destination: UnsafeMutableRawBufferPointer) -> Int { a.copyBytes(to: destination) }
}

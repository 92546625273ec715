import Testing
import Disassembly
import WasmRuntime

@Suite struct DisassemblerTests {
    @Test func decodesX86_64() throws {
        let d = try Disassembler(architecture: .x86_64)
        // push rbp; mov rbp, rsp; mov eax, dword ptr [rdi + 8]; ud2; ret
        let code: [UInt8] = [0x55, 0x48, 0x89, 0xE5, 0x8B, 0x47, 0x08, 0x0F, 0x0B, 0xC3]
        let listing = d.disassemble(code, address: 0x1000)
        #expect(listing.map(\.text) == ["push rbp", "mov rbp, rsp", "mov eax, dword ptr [rdi + 8]", "ud2", "ret"])
        #expect(listing.map(\.address) == [0x1000, 0x1001, 0x1004, 0x1007, 0x1009])
        #expect(listing[2].bytes == [0x8B, 0x47, 0x08])
        #expect(listing[0].description.hasPrefix("00001000: 55 "))
        let att = try Disassembler(architecture: .x86_64, attSyntax: true)
        #expect(att.disassemble(code).map(\.text)[1] == "movq %rsp, %rbp")
    }

    @Test func decodesAArch64() throws {
        let d = try Disassembler(architecture: .aarch64)
        // add x0, x1, x2; ldr w0, [x1, #8]; ret   (little-endian words)
        let code: [UInt8] = [0x20, 0x00, 0x02, 0x8B, 0x20, 0x08, 0x40, 0xB9, 0xC0, 0x03, 0x5F, 0xD6]
        #expect(d.disassemble(code).map(\.text) == ["add x0, x1, x2", "ldr w0, [x1, #8]", "ret"])
    }

    @Test func stopsAtInvalidBytes() throws {
        let d = try Disassembler(architecture: .x86_64)
        #expect(d.disassemble([0x90, 0x06, 0x90]).map(\.text) == ["nop"])
        #expect(d.disassemble([]).isEmpty)
    }

    /// The trap guard's emitted trampoline saves and restores the callee-saved registers.
    @Test func trapGuardStubsAreWhatDocsIsolationDescribes() throws {
        guard let trapGuard = TrapGuard.shared else { return }
        let text = try Disassembler(architecture: .x86_64).disassemble(Array(trapGuard.stubCode)).map(\.text)
        #expect(Array(text.prefix(7)) == ["push rbp", "push rbx", "push r12", "push r13", "push r14", "push r15", "sub rsp, 8"])
        #expect(text.contains("call rax"))
        #expect(text.contains("jmp rax"))
        #expect(text.filter { $0 == "ret" }.count == 1)
    }
}

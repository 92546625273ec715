import Testing
import Disassembly
import JIT
import WAT
import WasmCore
import WasmDecoder
import WasmValidator

/// The code the JIT emits for small functions, as disassembly. A change here is a change
/// of the code generator: check it is intended, then update the expected text.
@Suite(.enabled(if: JITTier.isSupported)) struct GoldenDisassemblyTests {
    func disassemble(_ wat: String, function: Int = 0) throws -> [String] {
        let bytes = try WAT.encode(wat)
        let module = try decodeModule(bytes, features: .wasm3)
        JITTier.register()
        let code = try JITTier.shared.compileModule(module, validator: ModuleValidator(module: module, features: .wasm3))
        let disassembler = try Disassembler(architecture: .x86_64)
        return disassembler.disassemble(code.machineCode(definedIndex: function)).map(\.text)
    }

    @Test func addKeepsTheStackTopInARegisterAndReadsLocalsInPlace() throws {
        let lines = try disassemble("(module (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))")
        #expect(lines == [
            "push r14",                              // saved instance: rsp stays 16-byte aligned
            "cmp rsp, qword ptr [rbx + 0x10]",       // native stack limit
            "jb 0x2a",                               // to the callStackExhausted stub
            "lea rax, [r15 + 0x20]",                 // frame end (4 slots) vs. value stack end
            "cmp rax, qword ptr [rbx + 0x18]",
            "ja 0x2a",
            "mov esi, dword ptr [r15]",              // local 0 into a register
            "add esi, dword ptr [r15 + 8]",          // local 1 read in place
            "mov qword ptr [r15], rsi",              // result to slot 0
            "pop r14",
            "ret",
        ])
    }

    @Test func loopHeadersPollTheInterruptFlag() throws {
        let lines = try disassemble("(module (func (param i32) (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))")
        // The default compile meters fuel: flag check, then one unit of fuel.
        let poll = try #require(lines.firstIndex { $0 == "mov rax, qword ptr [rbx + 0x30]" })
        #expect(lines[poll + 1] == "cmp dword ptr [rax + 8], 0")
        #expect(lines[poll + 2].hasPrefix("jne "))
        #expect(lines[poll + 3] == "sub qword ptr [rax], 1")
        #expect(lines[poll + 4].hasPrefix("jb "))
        // The local lives in esi (pinned) and is decremented in place.
        #expect(lines.contains("sub esi, 1"))
    }

    @Test func compareAndBranchAreFused() throws {
        let lines = try disassemble("""
            (module (func (param i32) (result i32)
              (block (br_if 0 (i32.lt_s (local.get 0) (i32.const 10))) (return (i32.const 1)))
              (i32.const 2)))
            """)
        // The comparison sets the flags the branch uses: no setcc/test in between.
        let cmp = try #require(lines.firstIndex { $0.hasPrefix("cmp esi, 0xa") })
        #expect(lines[cmp + 1].hasPrefix("jl "))
    }
}

import Testing
@testable import Assembler

/// The bytes `body` assembles.
private func encode(_ body: (inout X64Assembler) -> Void) -> [UInt8] {
    var a = X64Assembler()
    body(&a)
    a.finish()
    return a.bytes
}

/// Encodings checked against `llvm-mc --show-encoding` (Intel syntax).
struct X64AssemblerTests {
    @Test func movesAndMemoryOperands() {
        #expect(encode { $0.mov(.rax, .rbx) } == [0x48, 0x89, 0xD8])
        #expect(encode { $0.mov(.r9, .rcx, .b32) } == [0x41, 0x89, 0xC9])
        #expect(encode { $0.load(.rax, mem(.rsp, 8)) } == [0x48, 0x8B, 0x44, 0x24, 0x08])
        #expect(encode { $0.store(mem(.r13), .r12, .b32) } == [0x45, 0x89, 0x65, 0x00])
        #expect(encode { $0.store(mem(.rbp, -1), .rsi, .b8) } == [0x40, 0x88, 0x75, 0xFF])
        #expect(encode { $0.store(mem(.r12, .rcx, scale: 2, 300), .rax, .b16) }
                == [0x66, 0x41, 0x89, 0x84, 0x4C, 0x2C, 0x01, 0x00, 0x00])
        #expect(encode { $0.load(.rax, mem(.rdi, .r8, scale: 8), .b8) } == [0x42, 0x0F, 0xB6, 0x04, 0xC7])
        #expect(encode { $0.loadSigned(.rax, mem(.rbx), .b32, to64: true) } == [0x48, 0x63, 0x03])
        #expect(encode { $0.lea(.r11, mem(.r14, .rdx, scale: 4, 16)) } == [0x4D, 0x8D, 0x5C, 0x96, 0x10])
        #expect(encode { $0.push(.r12) } == [0x41, 0x54])
        #expect(encode { $0.pop(.rbp) } == [0x5D])
        #expect(encode { $0.store(mem(.rsp, 16), imm: -5) } == [0x48, 0xC7, 0x44, 0x24, 0x10, 0xFB, 0xFF, 0xFF, 0xFF])
        #expect(encode { $0.mov(.r12, imm: 0x1_2345_6789) } == [0x49, 0xBC, 0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0])
        #expect(encode { $0.mov(.rax, imm: 0x8000_0000) } == [0xB8, 0, 0, 0, 0x80])
        #expect(encode { $0.mov(.rcx, imm: UInt64(bitPattern: -2)) } == [0x48, 0xC7, 0xC1, 0xFE, 0xFF, 0xFF, 0xFF])
        #expect(encode { $0.set(.equal, .rax) } == [0x0F, 0x94, 0xC0])
        #expect(encode { $0.set(.notEqual, .rsi) } == [0x40, 0x0F, 0x95, 0xC6])
        #expect(encode { $0.cmov(.less, .rdx, .r10) } == [0x49, 0x0F, 0x4C, 0xD2])
    }

    @Test func arithmetic() {
        #expect(encode { $0.add(.rax, imm: 8) } == [0x48, 0x83, 0xC0, 0x08])
        #expect(encode { $0.sub(.r10, imm: 1000, .b32) } == [0x41, 0x81, 0xEA, 0xE8, 0x03, 0, 0])
        #expect(encode { $0.cmp(.rdi, mem(.rsi, 16)) } == [0x48, 0x3B, 0x7E, 0x10])
        #expect(encode { $0.xor(.rax, .rax, .b32) } == [0x31, 0xC0])
        #expect(encode { $0.test(.r8, .r8) } == [0x4D, 0x85, 0xC0])
        #expect(encode { $0.imul(.rcx, .rdx, .b32) } == [0x0F, 0xAF, 0xCA])
        #expect(encode { $0.idiv(.r9) } == [0x49, 0xF7, 0xF9])
        #expect(encode { $0.shift(.shl, .rax) } == [0x48, 0xD3, 0xE0])
        #expect(encode { $0.shift(.sar, .r11, imm: 3, .b32) } == [0x41, 0xC1, 0xFB, 0x03])
        #expect(encode { $0.lzcnt(.rax, .rdx) } == [0xF3, 0x48, 0x0F, 0xBD, 0xC2])
        #expect(encode { $0.popcnt(.r8, .r15, .b32) } == [0xF3, 0x45, 0x0F, 0xB8, 0xC7])
    }

    @Test func controlFlow() {
        #expect(encode { $0.call(.r11) } == [0x41, 0xFF, 0xD3])
        #expect(encode { $0.call(mem(.rax, 24)) } == [0xFF, 0x50, 0x18])
        #expect(encode { $0.jmp(.r15) } == [0x41, 0xFF, 0xE7])
        #expect(encode { $0.ret() } == [0xC3])
        #expect(encode { $0.ud2() } == [0x0F, 0x0B])
        // Forward jumps use rel32 and are patched; backward near jumps use rel8.
        let forward = encode { a in
            let l = a.newLabel()
            a.j(.equal, l)
            a.nop()
            a.bind(l)
        }
        #expect(forward == [0x0F, 0x84, 0x01, 0, 0, 0, 0x90])
        let backward = encode { a in
            let l = a.newLabel()
            a.bind(l)
            a.nop()
            a.jmp(l)
        }
        #expect(backward == [0x90, 0xEB, 0xFD])
        let rip = encode { a in
            let l = a.newLabel()
            a.lea(.rax, X64Memory(label: l))
            a.bind(l)
        }
        #expect(rip == [0x48, 0x8D, 0x05, 0, 0, 0, 0])
        let table = encode { a in
            let base = a.newLabel(), target = a.newLabel()
            a.bind(base)
            a.emitLabelDifference(target, from: base)
            a.bind(target)
        }
        #expect(table == [4, 0, 0, 0])
    }

    @Test func sse() {
        #expect(encode { $0.load(XMMRegister(1), mem(.rbp, 16), .f64) } == [0xF2, 0x0F, 0x10, 0x4D, 0x10])
        #expect(encode { $0.store(mem(.rax), XMMRegister(9), .f32) } == [0xF3, 0x44, 0x0F, 0x11, 0x08])
        #expect(encode { $0.float(.add, XMMRegister(0), XMMRegister(1), .f64) } == [0xF2, 0x0F, 0x58, 0xC1])
        #expect(encode { $0.float(.sqrt, XMMRegister(15), XMMRegister(2), .f32) } == [0xF3, 0x44, 0x0F, 0x51, 0xFA])
        #expect(encode { $0.ucomis(XMMRegister(3), XMMRegister(4), .f64) } == [0x66, 0x0F, 0x2E, 0xDC])
        #expect(encode { $0.ucomis(XMMRegister(8), XMMRegister(0), .f32) } == [0x44, 0x0F, 0x2E, 0xC0])
        #expect(encode { $0.mov(.rax, XMMRegister(2)) } == [0x66, 0x48, 0x0F, 0x7E, 0xD0])
        #expect(encode { $0.mov(XMMRegister(10), .rcx, .b32) } == [0x66, 0x44, 0x0F, 0x6E, 0xD1])
        #expect(encode { $0.convertFromInt(XMMRegister(0), .rax, from: .b64, to: .f64) } == [0xF2, 0x48, 0x0F, 0x2A, 0xC0])
        #expect(encode { $0.truncateToInt(.r9, XMMRegister(1), from: .f32, to: .b32) } == [0xF3, 0x44, 0x0F, 0x2C, 0xC9])
        #expect(encode { $0.convertFloat(XMMRegister(1), XMMRegister(2), to: .f64) } == [0xF3, 0x0F, 0x5A, 0xCA])
        #expect(encode { $0.round(XMMRegister(1), XMMRegister(2), mode: 3, .f64) } == [0x66, 0x0F, 0x3A, 0x0B, 0xCA, 0x0B])
        #expect(encode { $0.logic(.xor, XMMRegister(1), XMMRegister(11)) } == [0x41, 0x0F, 0x57, 0xCB])
        #expect(encode { $0.mov(XMMRegister(2), XMMRegister(12)) } == [0x41, 0x0F, 0x28, 0xD4])
    }
}

/// Context-switch state instructions (encodings checked with llvm-mc).
struct X64StateEncodingTests {
    @Test func controlWordsAndVectorSaves() {
        #expect(encode { $0.stmxcsr(mem(.rsp)) } == [0x0F, 0xAE, 0x1C, 0x24])
        #expect(encode { $0.ldmxcsr(mem(.rsp)) } == [0x0F, 0xAE, 0x14, 0x24])
        #expect(encode { $0.fnstcw(mem(.rsp, 4)) } == [0xD9, 0x7C, 0x24, 0x04])
        #expect(encode { $0.fldcw(mem(.rsp, 4)) } == [0xD9, 0x6C, 0x24, 0x04])
        #expect(encode { $0.storeVector(mem(.rsp, 16), XMMRegister(9)) } == [0xF3, 0x44, 0x0F, 0x7F, 0x4C, 0x24, 0x10])
        #expect(encode { $0.loadVector(XMMRegister(2), mem(.rbx)) } == [0xF3, 0x0F, 0x6F, 0x13])
        #expect(encode { $0.pushFlags() } == [0x9C])
        #expect(encode { $0.popFlags() } == [0x9D])
        #expect(encode { $0.ret(releasing: 128) } == [0xC2, 0x80, 0x00])
    }
}

/// Packed SSE encodings (v128 operations of the JIT).
struct X64PackedEncodingTests {
    /// Every packed (v128) form, with low and high registers on both sides, against llvm-mc.
    @Test(.enabled(if: LLVMMC.isInstalled)) func packedOperationsMatchLLVMMC() throws {
        var cases: [(String, [UInt8])] = []
        let pairs: [(UInt8, UInt8)] = [(15, 3), (1, 14), (0, 0)]
        for op in X64PackedOp.allCases {
            for (d, s) in pairs {
                cases.append(("\(op) xmm\(d), xmm\(s)", encode { $0.packed(op, XMMRegister(d), XMMRegister(s)) }))
            }
        }
        for op in X64PackedShift.allCases {
            cases.append(("\(op) xmm14, 32", encode { $0.packed(op, XMMRegister(14), imm: 32) }))
            cases.append(("\(op) xmm2, 1", encode { $0.packed(op, XMMRegister(2), imm: 1) }))
        }
        cases.append(("movdqu xmm15, xmmword ptr [r15 + 0xa0]", encode { $0.loadVector(XMMRegister(15), mem(.r15, 0xA0)) }))
        cases.append(("movdqu xmm1, xmmword ptr [r13 + rsi]", encode { $0.loadVector(XMMRegister(1), mem(.r13, .rsi, scale: 1)) }))
        cases.append(("movdqu xmmword ptr [r15 + 8], xmm14", encode { $0.storeVector(mem(.r15, 8), XMMRegister(14)) }))
        cases.append(("pshufd xmm15, xmm3, 0", encode { $0.pshufd(XMMRegister(15), XMMRegister(3), 0) }))
        cases.append(("pshufd xmm2, xmm12, 27", encode { $0.pshufd(XMMRegister(2), XMMRegister(12), 27) }))
        let expected = try #require(try LLVMMC.encodeX64(cases.map(\.0)))
        for (i, c) in cases.enumerated() {
            #expect(!expected[i].isEmpty, "llvm-mc rejected \(c.0)")
            #expect(c.1 == expected[i], "\(c.0)")
        }
    }
}

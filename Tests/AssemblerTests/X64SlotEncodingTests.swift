import Testing
@testable import Assembler

/// The base-plus-displacement entry points (`X64Assembler+Slots.swift`) must write exactly
/// the bytes of the general `X64Memory` encoders, for every base register (including the
/// rsp/r12 SIB and rbp/r13 displacement special cases) and each displacement size.
struct X64SlotEncodingTests {
    private static let displacements: [Int32] = [0, 8, -8, 127, -128, 128, -129, 0x10000, Int32.max, Int32.min]

    private func encode(_ body: (inout X64Assembler) -> Void) -> [UInt8] {
        var a = X64Assembler()
        body(&a)
        return a.bytes
    }

    @Test func loadsAndStoresMatchTheGeneralEncoders() {
        for base in X64Register.allCases {
            for reg in X64Register.allCases {
                for d in Self.displacements {
                    #expect(encode { $0.load(reg, base: base, d) } == encode { $0.load(reg, mem(base, d)) })
                    #expect(encode { $0.load(reg, base: base, d, is64: false) } == encode { $0.load(reg, mem(base, d), .b32) })
                    #expect(encode { $0.store(base: base, d, reg) } == encode { $0.store(mem(base, d), reg) })
                    #expect(encode { $0.store(base: base, d, reg, is64: false) } == encode { $0.store(mem(base, d), reg, .b32) })
                }
            }
        }
    }

    @Test func immediateStoresAndCopiesMatchTheGeneralEncoders() {
        for base in X64Register.allCases {
            for d in Self.displacements {
                for imm: Int32 in [0, -1, 127, 0x1234_5678, Int32.min] {
                    #expect(encode { $0.store(base: base, d, imm: imm) } == encode { $0.store(mem(base, d), imm: imm) })
                }
                let general = encode {
                    $0.load(.rax, mem(base, d))
                    $0.store(mem(base, 16), .rax)
                }
                #expect(encode { $0.copy(base: base, to: 16, from: d, via: .rax) } == general)
            }
        }
    }

    @Test func knownEncodings() {
        // mov rax, [r15 + 8]; mov [r15 - 0x200], r9; mov qword [r15], -1
        #expect(encode { $0.load(.rax, base: .r15, 8) } == [0x49, 0x8B, 0x47, 0x08])
        #expect(encode { $0.store(base: .r15, -0x200, .r9) } == [0x4D, 0x89, 0x8F, 0x00, 0xFE, 0xFF, 0xFF])
        #expect(encode { $0.store(base: .r15, 0, imm: -1) } == [0x49, 0xC7, 0x07, 0xFF, 0xFF, 0xFF, 0xFF])
    }
}

import Testing
@testable import WasmCore

@Suite struct ByteReaderTests {
    @Test func unsignedLEB() throws {
        var r = ByteReader([0xE5, 0x8E, 0x26])
        #expect(try r.readU32() == 624485)
        var tooLong = ByteReader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])
        #expect(throws: WasmError.malformed("integer representation too long", offset: 4)) { try tooLong.readU32() }
        var tooLarge = ByteReader([0xFF, 0xFF, 0xFF, 0xFF, 0x1F])
        #expect(throws: WasmError.self) { try tooLarge.readU32() }
        var max = ByteReader([0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        #expect(try max.readU32() == UInt32.max)
    }

    @Test func signedLEB() throws {
        var r = ByteReader([0x7F])
        #expect(try r.readI32() == -1)
        var min = ByteReader([0x80, 0x80, 0x80, 0x80, 0x78])
        #expect(try min.readI32() == Int32.min)
        var bad = ByteReader([0x80, 0x80, 0x80, 0x80, 0x70])
        #expect(throws: WasmError.self) { try bad.readI32() }
        var i64 = ByteReader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F])
        #expect(try i64.readI64() == Int64.min)
        var end = ByteReader([0x80])
        #expect(throws: WasmError.malformed("unexpected end", offset: 1)) { try end.readI64() }
    }

    @Test func utf8() {
        #expect(UTF8Validation.decode([0x61, 0xC3, 0xA9]) == "aé")
        #expect(UTF8Validation.decode([0xC0, 0x80]) == nil)          // overlong
        #expect(UTF8Validation.decode([0xED, 0xA0, 0x80]) == nil)    // surrogate
        #expect(UTF8Validation.decode([0xF4, 0x90, 0x80, 0x80]) == nil)  // > U+10FFFF
    }

    @Test func opcodeTable() {
        #expect(Opcode.decode(prefix: 0, code: 0x6A) == .i32Add)
        #expect(Opcode.decode(prefix: 0xFC, code: 10) == .memoryCopy)
        #expect(Opcode.byName["i64.trunc_sat_f64_u"] == .i64TruncSatF64U)
        #expect(Opcode.i32Load16U.info.naturalAlignment == 1)
        #expect(Opcode.decode(prefix: 0, code: 0x06) == nil)
    }
}

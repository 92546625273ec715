import Testing
import WasmCore
import WasmDecoder
@testable import WasmValidator

@Suite struct SIMDDecodingTests {
    typealias B = TestBinaries
    static let v128: UInt8 = 0x7B, i32: UInt8 = 0x7F

    func decode(_ bytes: [UInt8]) throws -> [Instruction] {
        var reader = InstructionReader(bytes: bytes, range: 0..<bytes.count)
        var out: [Instruction] = []
        while let (ins, _) = try reader.read() { out.append(ins) }
        return out
    }

    func check(params: [UInt8] = [], results: [UInt8] = [], memory: Bool = false, features: WasmFeatures = .wasm3,
               _ code: [UInt8]) -> String? {
        B.check(B.function(params: params, results: results, code: code, memory: memory), features: features)
    }

    @Test func vectorImmediates() throws {
        let lanes: [UInt8] = Array(0..<16)
        let code: [UInt8] = [0xFD, 0x0C] + lanes            // v128.const
            + [0xFD, 0x0D] + lanes.reversed()              // i8x16.shuffle
            + [0xFD, 0x15, 0x07]                           // i8x16.extract_lane_s 7
            + [0xFD, 0x54, 0x00, 0x10, 0x03]               // v128.load8_lane align=1 offset=16 lane 3
            + [0xFD, 0x80, 0x01]                           // i16x8.abs (sub-opcode 0x80 takes two LEB128 bytes)
            + [0xFD, 0x93, 0x02]                           // i32x4.relaxed_dot_i8x16_i7x16_add_s (0x113)
        let ins = try decode(code)
        #expect(ins.map(\.opcode) == [.v128Const, .i8x16Shuffle, .i8x16ExtractLaneS, .v128Load8Lane, .i16x8Abs,
                                      .i32x4RelaxedDotI8x16I7x16AddS])
        #expect(ins[0].value == 0x0706_0504_0302_0100 && ins[0].value2 == 0x0F0E_0D0C_0B0A_0908)
        #expect(ins[1].value == 0x0809_0A0B_0C0D_0E0F && ins[1].value2 == 0x0001_0203_0405_0607)
        #expect(ins[2].index == 7)
        #expect(ins[3].index == 0 && ins[3].value == 16 && ins[3].value2 == 3)
    }

    @Test func relaxedNeedsItsFeature() throws {
        let code: [UInt8] = [0xFD, 0x80, 0x02]  // i8x16.relaxed_swizzle (0x100)
        #expect(throws: WasmError.self) {
            var reader = InstructionReader(bytes: code, range: 0..<code.count, features: .wasm2)
            _ = try reader.read()
        }
    }

    @Test func laneIndicesAreRangeChecked() {
        let zero = [UInt8](repeating: 0, count: 16)
        let vector: [UInt8] = [0xFD, 0x0C] + zero
        #expect(check(results: [Self.i32], vector + [0xFD, 0x15, 0x0F]) == nil)
        #expect(check(results: [Self.i32], vector + [0xFD, 0x15, 0x10]) == "invalid lane index")
        #expect(check(results: [Self.i32], vector + [0xFD, 0x1B, 0x04]) == "invalid lane index")
        #expect(check(results: [Self.v128], vector + vector + [0xFD, 0x0D] + [UInt8](repeating: 31, count: 16)) == nil)
        #expect(check(results: [Self.v128], vector + vector + [0xFD, 0x0D] + [UInt8](repeating: 32, count: 16)) == "invalid lane index")
        // v128.load64_lane: lanes 0 and 1 only; alignment at most 8 bytes.
        let address: [UInt8] = [0x41, 0x00]
        #expect(check(results: [Self.v128], memory: true, address + vector + [0xFD, 0x57, 0x03, 0x00, 0x01]) == nil)
        #expect(check(results: [Self.v128], memory: true, address + vector + [0xFD, 0x57, 0x03, 0x00, 0x02]) == "invalid lane index")
        #expect(check(results: [Self.v128], memory: true, address + vector + [0xFD, 0x57, 0x04, 0x00, 0x00])
                == "alignment must not be larger than natural")
    }

    @Test func signaturesComeFromTheTable() {
        let zero = [UInt8](repeating: 0, count: 16)
        let vector: [UInt8] = [0xFD, 0x0C] + zero
        // i8x16.shl takes v128 and i32; v128.bitselect takes three vectors.
        #expect(check(results: [Self.v128], vector + [0x41, 0x01, 0xFD, 0x6B]) == nil)
        #expect(check(results: [Self.v128], vector + vector + [0xFD, 0x6B]) == "type mismatch: expected i32, found v128")
        #expect(check(results: [Self.v128], vector + vector + vector + [0xFD, 0x52]) == nil)
        #expect(Opcode.i8x16ExtractLaneS.laneCount == 16 && Opcode.f64x2ReplaceLane.laneCount == 2)
        #expect(Opcode.v128Load32Lane.laneCount == 4)
    }
}

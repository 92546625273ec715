import Testing
import WasmCore
import WasmDecoder

/// `InstructionReader.next(into:)` reuses one `Instruction` (the validation loop decodes
/// every body this way): each decoded instruction must equal a fresh `next()`, whatever
/// the previous one left in the fields, and errors must be the same.
@Suite struct NextIntoTests {
    static func compare(_ bytes: [UInt8], features: WasmFeatures) -> String? {
        var fresh = InstructionReader(bytes: bytes, range: 0..<bytes.count, features: features)
        var reused = fresh
        var ins = Instruction(.nop)
        while !fresh.isAtEnd {
            let a: Result<Instruction, WasmError> = Result { () throws(WasmError) in try fresh.next() }
            let b: Result<Instruction, WasmError> = Result { () throws(WasmError) in
                try reused.next(into: &ins)
                return ins
            }
            switch (a, b) {
            case (.success(let x), .success(let y)):
                if x != y || fresh.offset != reused.offset { return "\(bytes): \(x) vs \(y)" }
            case (.failure(let x), .failure(let y)):
                return "\(x)" == "\(y)" ? nil : "\(bytes): \(x) vs \(y)"
            default:
                return "\(bytes): \(a) vs \(b)"
            }
        }
        return nil
    }

    @Test func everyFieldIsOverwritten() {
        // Each instruction follows one that sets other fields (lists, block and heap types,
        // both indices, both values).
        let code: [UInt8] = [
            0x0E, 0x02, 0x00, 0x01, 0x00,                        // br_table (labels)
            0x41, 0x05,                                          // i32.const
            0x1C, 0x01, 0x7F,                                    // select (result i32) (value types)
            0x02, 0x7F,                                          // block (result i32)
            0xFD, 0x0C] + [UInt8](repeating: 0xAB, count: 16) + [  // v128.const (value, value2)
            0x28, 0x02, 0x10,                                    // i32.load offset=16
            0xD0, 0x6F,                                          // ref.null extern (heap type)
            0x11, 0x03, 0x00,                                    // call_indirect (index, index2)
            0x06, 0x40, 0x01, 0x02, 0x00,                        // try_table (catch_all 0)
            0x20, 0x00,                                          // local.get
            0x0B,                                                // end
        ]
        let mismatch = Self.compare(code, features: .wasm3)
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test func errorsAreTheSame() {
        for bytes: [UInt8] in [[0x0E, 0x01, 0x00, 0x41], [0x43, 0x00, 0x00], [0xFF], [0x02, 0x05], [0x20]] {
            let mismatch = Self.compare(bytes, features: .wasm3)
            #expect(mismatch == nil, "\(mismatch ?? "")")
        }
    }
}

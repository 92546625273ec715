import Testing
import WasmCore
import WasmDecoder

/// `InstructionReader.skip()` (the module decoder's scan of function bodies) must accept,
/// consume and reject exactly what `next()` does, with the same errors.
@Suite struct SkipTests {
    /// Runs both readers over `bytes` and compares each step.
    static func compare(_ bytes: [UInt8], features: WasmFeatures) -> String? {
        var full = InstructionReader(bytes: bytes, range: 0..<bytes.count, features: features)
        var fast = full
        while !full.isAtEnd {
            let a: Result<Opcode, WasmError> = Result { () throws(WasmError) in try full.next().opcode }
            let b: Result<Opcode, WasmError> = Result { () throws(WasmError) in try fast.skip() }
            switch (a, b) {
            case (.success(let x), .success(let y)):
                if x != y || full.offset != fast.offset { return "\(bytes): \(x)@\(full.offset) vs \(y)@\(fast.offset)" }
            case (.failure(let x), .failure(let y)):
                if "\(x)" != "\(y)" { return "\(bytes): \(x) vs \(y)" }
                return nil
            default:
                return "\(bytes): \(a) vs \(b)"
            }
        }
        return fast.isAtEnd ? nil : "\(bytes): skip did not stop at the end"
    }

    @Test func agreesOnHandWrittenCode() {
        let cases: [[UInt8]] = [
            [0x20, 0x00, 0x41, 0x7F, 0x6A, 0x0B],                    // local.get, i32.const -1, i32.add, end
            [0x02, 0x40, 0x03, 0x7F, 0x0C, 0x00, 0x0B, 0x0B],        // block, loop (result i32), br 0
            [0x28, 0x02, 0x80, 0x80, 0x04, 0x36, 0x02, 0x00],        // i32.load offset=65536, i32.store
            [0x28, 0x40, 0x01, 0x00],                                // memarg with a memory index
            [0x42, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],  // i64.const
            [0x43, 0x00, 0x00, 0x80],                                // truncated f32.const
            [0x41, 0x80, 0x80, 0x80, 0x80, 0x80],                    // i32.const too long
            [0x20, 0x80, 0x80, 0x80, 0x80, 0x10],                    // local index too large
            [0x0E, 0x02, 0x00, 0x01, 0x00],                          // br_table
            [0x1C, 0x01, 0x7F],                                      // select (result i32)
            [0xFC, 0x0A, 0x00, 0x00],                                // memory.copy
            [0xFD, 0x0C] + [UInt8](repeating: 1, count: 16),         // v128.const
            [0x06, 0x40, 0xFF],                                      // try_table, bad catch count
            [0xD0, 0x70, 0xD2, 0x00],                                // ref.null func, ref.func 0
            [0x02, 0x05], [0x02, 0x80, 0x80, 0x80, 0x80, 0x70],      // block types: bad, negative
            [0x12, 0x00], [0xFF], [0xFC, 0xFF, 0x01], [0x11, 0x00],  // return_call, illegal, truncated
        ]
        for features in [WasmFeatures.wasm2, .wasm3] {
            for bytes in cases {
                let mismatch = Self.compare(bytes, features: features)
                #expect(mismatch == nil, "\(mismatch ?? "")")
            }
        }
    }

    @Test func agreesOnRandomBytes() {
        var rng = SplitMix64(state: 0x5EED)
        // Bias towards bytes that start instructions with immediates.
        let interesting: [UInt8] = [0x02, 0x03, 0x04, 0x0C, 0x0D, 0x0E, 0x10, 0x11, 0x1C, 0x20, 0x21, 0x28, 0x36,
                                    0x3F, 0x41, 0x42, 0x43, 0x44, 0xD0, 0xFC, 0xFD, 0x80, 0xFF, 0x7F, 0x40]
        var mismatches: [String] = []
        for round in 0..<4000 {
            let count = Int(rng.next() % 12) + 1
            let bytes = (0..<count).map { _ in
                rng.next() % 2 == 0 ? interesting[Int(rng.next() % UInt64(interesting.count))] : UInt8(truncatingIfNeeded: rng.next())
            }
            if let m = Self.compare(bytes, features: round % 2 == 0 ? .wasm3 : .wasm2) { mismatches.append(m) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5).joined(separator: "\n"))")
    }
}

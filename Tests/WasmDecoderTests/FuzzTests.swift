import Foundation
import Testing
import WasmCore
import WasmDecoder
import WasmValidator

/// A small deterministic generator (SplitMix64) so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A sink that queries the whole context for every instruction, so mutated code also
/// exercises the context's accessors.
struct ProbingSink: CodeSink {
    var instructions = 0
    var checksum = 0

    mutating func beginFunction(index: UInt32, type: FunctionType, localTypes: [ValueType]) {}

    mutating func visit(_ instruction: Instruction, offset: Int, context: some ValidationContext) {
        instructions += 1
        checksum &+= context.stackHeight &+ context.localTypes.count &+ (context.isUnreachable ? 1 : 0)
        for depth in 0..<3 where context.operandType(depth) != nil { checksum &+= depth }
        let label = context.label(0)
        checksum &+= label.baseHeight &+ label.branchTypes.count
        checksum &+= context.resolve(instruction.blockType).results.count
    }

    mutating func endFunction(maxStackHeight: Int) { checksum &+= maxStackHeight }
}

@Suite struct TestsuiteBinaryTests {
    static func corpus(_ version: String) throws -> [WastBinary] {
        let directory = try #require(WastBinaryScanner.testsuiteDirectory(), "spec testsuite not found (set WASMLAB_TESTSUITE)")
        return try WastBinaryScanner.scan(directory: directory.appendingPathComponent(version))
    }

    /// Every `(module binary ...)` of the Wasm 2.0 testsuite is accepted or rejected with
    /// the testsuite's message (SIMD instructions are not in the instruction table yet).
    @Test func testsuiteBinaryModules() throws {
        let modules = try Self.corpus("wasm-2.0")
        #expect(modules.count > 700)
        #expect(modules.filter { $0.expectedError == nil }.count > 50)
        var failures: [String] = []
        for m in modules where !m.file.hasPrefix("simd_") {
            let got = TestBinaries.check(m.bytes, features: .wasm2)
            let ok = m.expectedError.map { expected in got?.hasPrefix(expected) ?? false } ?? (got == nil)
            if !ok { failures.append("\(m.file):\(m.line) expected \(m.expectedError ?? "valid"), got \(got ?? "valid")") }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// The same for the Wasm 3.0 testsuite with the 3.0 features (GC is not implemented).
    @Test func testsuite3BinaryModules() throws {
        let modules = try Self.corpus("wasm-3.0")
        #expect(modules.count > 700)
        var failures: [String] = []
        for m in modules where !m.file.hasPrefix("simd_") && m.file != "binary-gc.wast" {
            let got = TestBinaries.check(m.bytes, features: .wasm3)
            let ok = m.expectedError.map { expected in got?.hasPrefix(expected) ?? false } ?? (got == nil)
            if !ok { failures.append("\(m.file):\(m.line) expected \(m.expectedError ?? "valid"), got \(got ?? "valid")") }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// A module touching most instruction kinds, used as a fuzzing seed.
    static var kitchenSink: [UInt8] {
        typealias B = TestBinaries
        let types = B.section(1, B.vector([[0x60, 0x00, 0x00], [0x60, 0x01, 0x7F, 0x01, 0x7F], [0x60, 0x00, 0x02, 0x7F, 0x7F]]))
        let functions = B.section(3, B.vector([[0x01], [0x00]]))
        let table = B.section(4, B.vector([[0x70, 0x00, 0x02]]))
        let memory = B.section(5, B.vector([[0x00, 0x01]]))
        let global = B.section(6, B.vector([[0x7F, 0x01, 0x41, 0x00, 0x0B]]))
        let exports = B.section(7, B.vector([B.name("f0") + [0x00, 0x00], B.name("mem") + [0x02, 0x00]]))
        let elements = B.section(9, B.vector([[0x00, 0x41, 0x00, 0x0B, 0x02, 0x00, 0x01]]))
        let dataCount = B.section(12, [0x01])
        let f0: [UInt8] = [
            0x01, 0x01, 0x7E,  // one i64 local
            0x02, 0x02, 0x41, 0x01, 0x41, 0x02, 0x0B, 0x6A,  // multi-value block; i32.add
            0x20, 0x00, 0x6A,
            0x03, 0x7F, 0x20, 0x00, 0x45, 0x0D, 0x00, 0x41, 0x03, 0x0B, 0x6A,  // loop with br_if
            0x04, 0x7F, 0x41, 0x05, 0x05, 0x41, 0x06, 0x0B, 0x21, 0x00,  // if/else
            0x41, 0x00, 0x28, 0x02, 0x00,  // i32.load
            0x41, 0x00, 0x20, 0x00, 0x36, 0x02, 0x04,  // i32.store offset=4
            0x23, 0x00, 0x6A, 0x24, 0x00,  // global.get/set
            0x41, 0x00, 0x41, 0x00, 0x41, 0x01, 0xFC, 0x08, 0x00, 0x00,  // memory.init
            0xFC, 0x09, 0x00,  // data.drop
            0x41, 0x00, 0x41, 0x00, 0x41, 0x01, 0xFC, 0x0A, 0x00, 0x00,  // memory.copy
            0x41, 0x00, 0x41, 0x00, 0x41, 0x01, 0xFC, 0x0B, 0x00,  // memory.fill
            0x41, 0x00, 0x25, 0x00, 0x1A,  // table.get
            0x41, 0x00, 0xD2, 0x01, 0x26, 0x00,  // ref.func; table.set
            0xD0, 0x70, 0x41, 0x01, 0xFC, 0x0F, 0x00, 0x1A,  // table.grow
            0xFC, 0x10, 0x00, 0x1A,  // table.size
            0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0C, 0x00, 0x00,  // table.init
            0xFC, 0x0D, 0x00,  // elem.drop
            0x41, 0x00, 0x11, 0x00, 0x00,  // call_indirect
            0x10, 0x01,  // call
            0x02, 0x40, 0x41, 0x00, 0x0E, 0x02, 0x00, 0x00, 0x00, 0x0B,  // br_table
            0x42, 0x07, 0x79, 0xA7, 0x41, 0x01, 0x41, 0x02, 0x1B,  // i64.clz; wrap; select
            0x43, 0x00, 0x00, 0x80, 0x3F, 0x8C, 0x1A,  // f32.const; f32.neg; drop
            0xD0, 0x70, 0xD1, 0x1A,  // ref.null; ref.is_null; drop
            0x0B,
        ]
        let f1: [UInt8] = [0x00, 0x01, 0x0B]
        let code = B.section(10, B.vector([B.uleb(UInt64(f0.count)) + f0, B.uleb(UInt64(f1.count)) + f1]))
        let data = B.section(11, B.vector([[0x01, 0x02, 0xAA, 0xBB]]))
        return B.module(types, functions, table, memory, global, exports, elements, dataCount, code, data)
    }

    @Test func kitchenSinkIsValid() {
        #expect(TestBinaries.check(Self.kitchenSink, features: .wasm2) == nil)
        #expect(TestBinaries.check(Self.kitchenSink, features: .wasm3) == nil)
    }

    /// Thousands of mutated binaries: each must decode and validate or throw a
    /// `WasmError`, never crash or hang.
    @Test func mutatedBinariesNeverCrash() throws {
        let corpus = try Self.corpus("wasm-2.0") + Self.corpus("wasm-3.0")
        // Seeds that decode reach deeper code when mutated; the malformed ones still add
        // variety to the section-level error paths.
        let valid = corpus.filter { $0.expectedError == nil }.map(\.bytes) + [Self.kitchenSink]
        let all = corpus.map(\.bytes).filter { $0.count >= 8 }
        #expect(all.count > 1000)

        var rng = SplitMix64(state: 0x5EED)
        var decoded = 0, validated = 0, failed = 0
        var sink = ProbingSink()
        let clock = ContinuousClock()
        let start = clock.now
        let iterations = 15_000
        for iteration in 0..<iterations {
            // The kitchen sink is the richest seed: mutate it a third of the time.
            let seed: [UInt8]
            switch iteration % 4 {
            case 0: seed = Self.kitchenSink
            case 1: seed = all[Int(rng.next() % UInt64(all.count))]
            default: seed = valid[Int(rng.next() % UInt64(valid.count))]
            }
            let bytes = Self.mutate(seed, &rng)
            let features: WasmFeatures = iteration % 2 == 0 ? .wasm3 : .wasm2
            do {
                let module = try decodeModule(bytes, features: features)
                decoded += 1
                let validator = try ModuleValidator(module: module, features: features)
                for i in module.codes.indices { try validator.validateFunction(definedIndex: i, sink: &sink) }
                validated += 1
            } catch is WasmError {
                failed += 1
            }
        }
        let elapsed = clock.now - start
        #expect(decoded + failed >= iterations)
        #expect(decoded > iterations / 20, "too few mutants decode")
        #expect(validated > iterations / 50, "too few mutants survive to exercise the validator")
        #expect(failed > iterations / 4, "too few mutants are rejected")
        #expect(sink.instructions > 30_000)
        #expect(elapsed < .seconds(20), "fuzz run took \(elapsed)")
    }

    static func mutate(_ seed: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        let interesting: [UInt8] = [0x00, 0x01, 0x0B, 0x40, 0x7F, 0x80, 0xFF, 0x70, 0x6F, 0x05, 0x0F]
        func position(_ count: Int) -> Int {
            // Mostly past the header, so the mutant reaches the sections.
            let low = count > 8 && rng.next() % 16 != 0 ? 8 : 0
            return low + Int(rng.next() % UInt64(Swift.max(count - low, 1)))
        }
        let rounds = [1, 1, 1, 1, 2, 2, 3][Int(rng.next() % 7)]
        for _ in 0..<rounds {
            guard !bytes.isEmpty else { break }
            let i = Swift.min(position(bytes.count), bytes.count - 1)
            // In-place edits are weighted up: they keep section sizes intact and so reach
            // the validator; the others mostly exercise the decoder's framing errors.
            switch rng.next() % 12 {
            case 0, 1, 2: bytes[i] ^= UInt8(1) << UInt8(rng.next() % 8)
            case 3, 4: bytes[i] = interesting[Int(rng.next() % UInt64(interesting.count))]
            case 5, 6: bytes[i] = UInt8(truncatingIfNeeded: rng.next())
            case 7: bytes.removeSubrange(i...)
            case 8: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: i)
            case 9: bytes.remove(at: i)
            case 10:
                // LEB edits: extend with a continuation, or replace with a huge value.
                if rng.next() % 2 == 0 {
                    bytes[i] |= 0x80
                    bytes.insert(0x00, at: i + 1)
                } else {
                    bytes.replaceSubrange(i...i, with: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
                }
            default:
                let end = Swift.min(bytes.count, i + 1 + Int(rng.next() % 16))
                bytes.insert(contentsOf: bytes[i..<end], at: end)
            }
        }
        return bytes
    }
}

import Foundation
import Interpreter
import Testing
@testable import JIT
import WAT
import WasmCore
import WasmDecoder

/// `LocalUseScanner` walks raw bytes; it must weigh every body exactly as decoding it
/// instruction by instruction does (the reference below).
struct LocalUseScannerTests {
    struct Use: Equatable {
        var weight: [Int], written: [Bool], callWeight: Int, callsOutsideLoops: Bool
    }

    /// Parameters and declared locals of defined function `i`.
    static func localCount(_ module: Module, _ i: Int) -> Int {
        module.functionType(module.functions[i]).parameters.count + module.codes[i].localCounts.reduce(0) { $0 + Int($1) }
    }

    /// The weights computed from decoded instructions.
    static func reference(_ module: Module, _ i: Int) -> Use? {
        let localCount = localCount(module, i)
        var use = Use(weight: Array(repeating: 0, count: localCount), written: Array(repeating: false, count: localCount),
                      callWeight: 0, callsOutsideLoops: false)
        var reader = InstructionReader(bytes: module.bytes, range: module.codes[i].code)
        var isLoop: [Bool] = []
        var depth = 0
        while !reader.isAtEnd {
            guard let ins = try? reader.next() else { return nil }
            let w = 1 << (2 * min(depth, 8))
            switch ins.opcode {
            case .loop:
                isLoop.append(true)
                depth += 1
            case .block, .if, .tryTable: isLoop.append(false)
            case .end: if isLoop.popLast() == true { depth -= 1 }
            case .localGet, .localSet, .localTee:
                guard Int(ins.index) < localCount else { return nil }
                use.weight[Int(ins.index)] += w
                if ins.opcode != .localGet { use.written[Int(ins.index)] = true }
            case .call, .callIndirect, .callRef, .returnCall, .returnCallIndirect, .returnCallRef:
                use.callWeight += w
                if depth == 0 { use.callsOutsideLoops = true }
            default:
                if GenericOps.supports(ins.opcode) || SIMDRunner.supports(ins.opcode) { use.callWeight += w }
            }
        }
        return use
    }

    static func scanned(_ module: Module, _ i: Int) -> Use? {
        let localCount = localCount(module, i)
        var use = Use(weight: Array(repeating: 0, count: localCount), written: Array(repeating: false, count: localCount),
                      callWeight: 0, callsOutsideLoops: false)
        guard let calls = LocalUseScanner.scan(module.bytes, module.codes[i].code, weight: &use.weight,
                                               written: &use.written) else { return nil }
        use.callWeight = calls.callWeight
        use.callsOutsideLoops = calls.callsOutsideLoops
        return use
    }

    static func check(_ module: Module) {
        for i in module.codes.indices {
            #expect(scanned(module, i) == reference(module, i), "function \(i)")
        }
    }

    static let kitchenSink = """
    (module
      (type $t (func (param i32) (result i32)))
      (memory 1) (table 2 funcref) (tag $e (param i32))
      (func $f (type $t) (local i64 f32 f64 v128)
        (local.set 1 (i64.const -1234567))
        (local.set 2 (f32.const 1.5)) (local.set 3 (f64.const 2.5))
        (local.set 4 (v128.const i32x4 1 2 3 4))
        (drop (i32x4.extract_lane 2 (local.get 4)))
        (drop (v128.load32_lane offset=8 1 (local.get 0) (local.get 4)))
        (drop (select (result i32) (local.get 0) (i32.const 1) (local.get 0)))
        (drop (ref.null func))
        (memory.fill (local.get 0) (i32.const 0) (i32.const 16))
        (memory.copy (local.get 0) (i32.const 0) (i32.const 16))
        (drop (i32.trunc_sat_f64_s (local.get 3)))
        (drop (f32.min (local.get 2) (local.get 2)))
        (block $out
          (loop $l
            (loop $m
              (br_table $out $l $m (local.get 0))
              (local.set 0 (i32.load offset=70000 align=2 (local.get 0)))
              (i32.store8 offset=3 (local.get 0) (local.get 0))
              (drop (call_indirect (type $t) (local.get 0) (local.get 0)))
              (drop (call $f (local.tee 0 (local.get 0))))
              (br_if $m (local.get 0)))))
        (block $h2
          (block $h (result i32)
            (try_table (result i32) (catch $e $h) (catch_all $h2)
              (throw $e (local.get 0))))
          (drop))
        (if (result i32) (local.get 0) (then (call $f (i32.const 1))) (else (local.get 0))))
    )
    """

    @Test func kitchenSinkMatchesDecodedWeights() throws {
        let module = try decodeModule(try WAT.encode(Self.kitchenSink), features: .wasm3)
        Self.check(module)
        #expect(Self.scanned(module, 0)?.callsOutsideLoops == true)
    }

    /// The golden kernels and, when built, the benchmark kernels.
    @Test func filesMatchDecodedWeights() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let golden = tests.appendingPathComponent("Golden")
        for name in try FileManager.default.contentsOfDirectory(atPath: golden.path) where name.hasSuffix(".wat") {
            let wat = try String(contentsOf: golden.appendingPathComponent(name), encoding: .utf8)
            Self.check(try decodeModule(try WAT.encode(wat), features: .wasm3))
        }
        let bench = tests.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Bench/out/wasm")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: bench.path)) ?? [] where name.hasSuffix(".wasm") {
            let bytes = try [UInt8](Data(contentsOf: bench.appendingPathComponent(name)))
            Self.check(try decodeModule(bytes, features: .wasm3))
        }
    }

    /// Only `return_call` of an import, `return_call_indirect` and `return_call_ref` can
    /// leave the instance; the kitchen sink and the kernels' other instructions are skipped
    /// over without a false alarm.
    @Test func tailCallsThatMayLeaveTheInstanceAreFound() throws {
        func leaves(_ body: String) throws -> Bool {
            let module = try decodeModule(try WAT.encode("""
                (module
                  (type $t (func (param i32) (result i32)))
                  (import "m" "f" (func $imported (type $t)))
                  (table 1 funcref)
                  (elem declare func $defined)
                  (func $defined (type $t) (local.get 0))
                  (func (type $t) \(body)))
                """), features: .wasm3)
            return LocalUseScanner.tailCallsMayLeaveInstance(module.bytes, module.codes.map(\.code), importCount: 1)
        }
        #expect(try !leaves("(call $imported (local.get 0))"))
        #expect(try !leaves("(return_call $defined (i32.add (local.get 0) (i32.const 0x12)))"))
        #expect(try leaves("(return_call $imported (local.get 0))"))
        #expect(try leaves("(return_call_indirect (type $t) (local.get 0) (i32.const 0))"))
        #expect(try leaves("(return_call_ref $t (local.get 0) (ref.func $defined))"))
        let sink = try decodeModule(try WAT.encode(Self.kitchenSink), features: .wasm3)
        #expect(!LocalUseScanner.tailCallsMayLeaveInstance(sink.bytes, sink.codes.map(\.code), importCount: 0))
        // A body that cannot be followed counts as leaving.
        let code = sink.codes[0].code
        #expect(LocalUseScanner.tailCallsMayLeaveInstance(sink.bytes, [code.lowerBound ..< code.lowerBound + 3], importCount: 0))
    }

    @Test func truncatedBodiesAreRejectedNotOverread() throws {
        let module = try decodeModule(try WAT.encode(Self.kitchenSink), features: .wasm3)
        let code = module.codes[0].code
        for cut in stride(from: code.lowerBound, to: code.upperBound, by: 7) {
            var weight = Array(repeating: 0, count: 5), written = Array(repeating: false, count: 5)
            _ = LocalUseScanner.scan(module.bytes, code.lowerBound ..< cut, weight: &weight, written: &written)
        }
    }
}

import Foundation
import Testing
import Disassembly
import JIT
import WAT
import WasmCore
import WasmDecoder
import WasmRuntime
import WasmValidator

/// JIT code names no address of this process: runtime helpers are called through the
/// context's table, type ids and interpreter code are found through the instance, so one
/// compiled module serves every store and could be stored on disk. The test disassembles
/// whole modules (the Bench kernels, a WASI program, and modules that take every path to
/// a helper) and checks every number in every operand against the process's mappings.
@Suite struct PositionIndependenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Modules whose code calls every helper: call_indirect, calls to other tiers and host
    /// functions, exceptions, bulk memory (generic), traps (backtrace capture), and
    /// functions left to the interpreter (v128).
    static let helperPaths = """
        (module
          (type $t (func (param i32) (result i32)))
          (import "host" "f" (func $host (param i32) (result i32)))
          (table 2 funcref)
          (memory 1)
          (tag $e (param i32))
          (elem (i32.const 0) $id $host)
          (func $id (type $t) (local.get 0))
          (func (export "indirect") (param i32 i32) (result i32)
            (call_indirect (type $t) (local.get 0) (local.get 1)))
          (func (export "tail") (param i32) (result i32)
            (return_call_indirect (type $t) (local.get 0) (i32.const 1)))
          (func (export "host") (param i32) (result i32) (call $host (local.get 0)))
          (func (export "throw") (param i32) (result i32)
            (block $caught (result i32)
              (try_table (catch $e $caught) (throw $e (local.get 0)))
              (i32.const -1)))
          (func (export "fill") (param i32 i32)
            (memory.fill (local.get 0) (i32.const 7) (local.get 1))
            (drop (memory.grow (i32.const 1))))
          (func (export "trap") (unreachable))
          (func (export "vector") (param i32) (result i32)
            (i32x4.extract_lane 0 (i32x4.splat (local.get 0)))))
        """

    /// Address ranges mapped into this process (Linux /proc/self/maps).
    static func mappings() throws -> [ClosedRange<UInt64>] {
        // Read with read(2) to the end (a /proc file has no size to read up to). The kernel
        // writes it a page at a time, and a mapping can be skipped when another thread maps
        // or unmaps between two reads: the union of three reads.
        var ranges = Set<ClosedRange<UInt64>>()
        for _ in 0 ..< 3 {
            let fd = open("/proc/self/maps", O_RDONLY)
            guard fd >= 0 else { throw CocoaError(.fileReadUnknown) }
            defer { close(fd) }
            var bytes: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                bytes += chunk[..<n]
            }
            let text = String(decoding: bytes, as: UTF8.self)
            for line in text.split(separator: "\n") {
                let bounds = line.split(separator: " ")[0].split(separator: "-")
                guard bounds.count == 2, let low = UInt64(bounds[0], radix: 16), let high = UInt64(bounds[1], radix: 16),
                      high > low else { continue }
                ranges.insert(low ... high - 1)
            }
        }
        return Array(ranges)
    }

    /// Every number written in an operand ("0x..." or decimal).
    static func numbers(in operands: String) -> [UInt64] {
        var values: [UInt64] = []
        var rest = Substring(operands)
        while let start = rest.firstIndex(where: { $0.isNumber }) {
            let tail = rest[start...]
            if tail.hasPrefix("0x") {
                let digits = tail.dropFirst(2).prefix { $0.isHexDigit }
                if let v = UInt64(digits, radix: 16) { values.append(v) }
                rest = tail.dropFirst(2 + digits.count)
            } else {
                let digits = tail.prefix { $0.isNumber }
                if let v = UInt64(digits) { values.append(v) }
                rest = tail.dropFirst(digits.count)
            }
        }
        return values
    }

    static func modules() throws -> [(name: String, bytes: [UInt8])] {
        var modules: [(String, [UInt8])] = [("helper paths", try WAT.encode(helperPaths))]
        let fm = FileManager.default
        let wasi = root.appendingPathComponent("Tests/WASIPrograms/wasi-test.wasm").path
        if let data = fm.contents(atPath: wasi) { modules.append(("wasi-test.wasm", [UInt8](data))) }
        let kernels = root.appendingPathComponent("Bench/out/wasm")
        let names = (try? fm.contentsOfDirectory(atPath: kernels.path))?.filter { $0.hasSuffix(".wasm") }.sorted() ?? []
        for name in names {
            if let data = fm.contents(atPath: kernels.appendingPathComponent(name).path) { modules.append((name, [UInt8](data))) }
        }
        return modules
    }

    @Test(arguments: [BoundsStrategy.software, .guard])
    func compiledCodeHoldsNoAddressOfTheProcess(bounds: BoundsStrategy) throws {
        guard JITTier.isSupported else { return }
        let modules = try Self.modules()
        // The Bench kernels are built by Bench/build (tools/test runs it); without them only
        // the other modules would be checked, which is not the claim.
        #expect(modules.count >= 20, "Bench/out/wasm is missing: run Bench/build")
        let disassembler = try Disassembler(architecture: .host, attSyntax: false)
        var instructions = 0
        for (name, bytes) in modules {
            let module = try decodeModule(bytes, features: .wasm3)
            let validator = try ModuleValidator(module: module, features: .wasm3)
            let code = try JITTier.shared.compileModule(module, validator: validator, bounds: bounds)
            // Taken after compiling: the code buffer and everything else then exist.
            let mapped = try Self.mappings()
            let codeBytes = code.codeBytes
            for insn in disassembler.disassemble(codeBytes[...], address: 0) {
                instructions += 1
                for value in Self.numbers(in: insn.operands) where value >= 1 << 16 {
                    let hit = mapped.first { $0.contains(value) }
                    #expect(hit == nil, """
                        \(name): \(insn.mnemonic) \(insn.operands) at 0x\(String(insn.address, radix: 16)) \
                        holds 0x\(String(value, radix: 16)), an address of this process
                        """)
                }
            }
        }
        #expect(instructions > 10_000)
    }

    /// The check itself finds an address when one is there.
    @Test func theScanSeesAnEmbeddedAddress() throws {
        let cell = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        defer { cell.deallocate() }
        let address = UInt64(UInt(bitPattern: cell))
        let mapped = try Self.mappings()
        #expect(Self.numbers(in: "movabs rax, 0x\(String(address, radix: 16))").contains(address))
        #expect(mapped.contains { $0.contains(address) })
    }
}

import Foundation
import Testing
import Disassembly
import JIT
import JITTools
import WAT
import WasmCore
import WasmDecoder
import WasmRuntime
import WasmValidator

/// The code the JIT emits for small functions, as `wasmlab disasm` prints it, compared with
/// `Golden/ISA/NAME.STRATEGY.txt` for `Golden/NAME.wat`. A difference is a change of the
/// code generator: check it is intended, then rewrite the files with
/// `WASMLAB_BLESS=1 swift test --filter GoldenDisassemblyTests`.
@Suite(.enabled(if: JITTier.isSupported && TrapGuard.isSupported)) struct GoldenDisassemblyTests {
    static let kernels = ["add", "br_if", "memory", "loop", "call", "call_indirect", "div", "memory_grow", "f64_kernel"]
    static let strategies: [BoundsStrategy] = [.software, .guard, .masked]
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// The listing of every function of `wat` and the module stubs, as the CLI prints it.
    static func listing(_ wat: String, bounds: BoundsStrategy, tier: JITTier = .shared) throws -> String {
        let module = try decodeModule(try WAT.encode(wat), features: .wasm3)
        JITTier.register()
        JITTier.registerARM64()
        let code = try tier.compileModule(module, validator: ModuleValidator(module: module, features: .wasm3),
                                          bounds: bounds, recordListing: true)
        let architecture: DisassemblyArchitecture = tier.instructionSet == .x64 ? .x86_64 : .aarch64
        let printer = try JITListingPrinter(module: module, code: code, disassembler: try Disassembler(architecture: architecture))
        var parts = ["bounds \(bounds.rawValue), \(architecture.rawValue)"]
        for i in module.functions.indices { parts.append(printer.function(code.importCount + i)) }
        parts.append(printer.moduleStubs())
        return parts.joined(separator: "\n\n") + "\n"
    }

    /// Compares the listing of `kernel` under `bounds` for `tier` with its golden file.
    static func compare(kernel: String, bounds: BoundsStrategy, tier: JITTier) throws {
        let wat = try String(contentsOf: directory.appendingPathComponent("\(kernel).wat"), encoding: .utf8)
        let actual = try listing(wat, bounds: bounds, tier: tier)
        let golden = directory.appendingPathComponent(tier.isa).appendingPathComponent("\(kernel).\(bounds.rawValue).txt")
        if ProcessInfo.processInfo.environment["WASMLAB_BLESS"] == "1" {
            try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: golden, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(actual == expected, "\(kernel) under \(bounds.rawValue) differs from \(tier.isa)/\(golden.lastPathComponent); bless with WASMLAB_BLESS=1 if intended")
    }

    @Test(arguments: kernels, strategies)
    func listingMatchesTheGoldenFile(kernel: String, bounds: BoundsStrategy) throws {
        try Self.compare(kernel: kernel, bounds: bounds, tier: .shared)
    }

    @Test(.enabled(if: JITTier.isARM64Supported), arguments: kernels, strategies)
    func arm64ListingMatchesTheGoldenFile(kernel: String, bounds: BoundsStrategy) throws {
        try Self.compare(kernel: kernel, bounds: bounds, tier: .arm64)
    }

    @Test func listingIsDeterministic() throws {
        let wat = try String(contentsOf: Self.directory.appendingPathComponent("call_indirect.wat"), encoding: .utf8)
        #expect(try Self.listing(wat, bounds: .software) == Self.listing(wat, bounds: .software))
    }

    @Test func loopHeadersPollTheInterruptFlag() throws {
        let wat = "(module (func (param i32) (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))"
        let lines = try Self.listing(wat, bounds: .software).split(separator: "\n").map { String($0) }
        // The default compile meters fuel: flag check, then one unit of fuel.
        let check = try #require(lines.firstIndex { $0.hasSuffix("cmp dword ptr [rax + 8], 0") })
        #expect(lines[check - 1].contains("mov rax, qword ptr [rbx + "))
        #expect(lines[check + 1].contains("jne "))
        #expect(lines[check + 2].hasSuffix("sub qword ptr [rax], 1"))
        #expect(lines[check + 3].contains("jb "))
    }

    @Test func compareAndBranchAreFused() throws {
        let wat = try String(contentsOf: Self.directory.appendingPathComponent("br_if.wat"), encoding: .utf8)
        let lines = try Self.listing(wat, bounds: .software).split(separator: "\n").map { String($0) }
        // The comparison sets the flags the branch uses: no setcc/test in between.
        // The comparison (under i32.lt_s) sets the flags the branch (under br_if) uses:
        // the next machine instruction is the jump, no setcc/test in between.
        let cmp = try #require(lines.firstIndex { $0.hasSuffix("cmp esi, 0xa") })
        #expect(lines[cmp + 1].hasSuffix("br_if 0"))
        #expect(lines[cmp + 2].contains("  jl "))
    }

    @Test func instructionsWithoutCodeAreListedEmpty() throws {
        let wat = try String(contentsOf: Self.directory.appendingPathComponent("add.wat"), encoding: .utf8)
        let lines = try Self.listing(wat, bounds: .software).split(separator: "\n").map { String($0) }
        // local.get 0 and local.get 1 stay in the abstract stack: i32.add emits their code.
        let get = try #require(lines.firstIndex(of: "  local.get 0"))
        #expect(lines[get + 1] == "  local.get 1")
        #expect(lines[get + 2] == "  i32.add")
        #expect(lines.contains("  prologue:") && lines.contains("  epilogue:") && lines.contains("  trap stubs:"))
    }
}

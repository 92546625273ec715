import ArgumentParser
import Disassembly
import JIT
import JITTools
import SpecRunner
import WasmCore
import WasmDecoder
import WasmRuntime
import WasmValidator

struct DisasmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disasm",
        abstract: "Compile a module with the JIT and disassemble its machine code.",
        discussion: """
            Prints each defined function's code as compiled under --bounds (guard and masked \
            drop the per-access checks), interleaved with the Wasm instructions that produced \
            it; prologue, epilogues and trap stubs are labelled. Offsets are relative to the \
            function's entry. Without --func, the module's shared stubs follow.
            """)

    @Option(help: "Memory bounds strategy (\(BoundsStrategy.allCases.map(\.rawValue).joined(separator: ", ")); default guard, the JIT's default).")
    var bounds: BoundsStrategy = .guard

    @Flag(help: "Permit bounds strategies that give no isolation (unchecked).")
    var allowUnsafe = false

    @Option(name: .customLong("func"), help: "Function index (imports count), export or name-section name; default: every defined function.")
    var function: String?

    @Flag(help: "AT&T syntax (default: Intel).")
    var att = false

    @Option(help: "Feature set (wasm-2.0 or wasm-3.0).")
    var features: FeatureSetOption = .wasm3

    @Argument(help: "The module file (.wasm or .wat).")
    var file: String

    func run() throws {
        try reportingErrors {
            BuiltinTiers.register()
            guard BuiltinTiers.names.contains("jit") else { throw CLIError("the JIT tier is not available on this machine") }
            if bounds.isUnsafe && !allowUnsafe {
                throw CLIError("--bounds \(bounds.rawValue) gives no isolation; add --allow-unsafe to use it anyway")
            }
            if bounds.usesFaultHandling && TrapGuard.shared == nil {
                throw CLIError("--bounds \(bounds.rawValue) needs fault handling, which this platform lacks")
            }
            let module = try decodeModule(try ModuleFile.read(file, features: features.features), features: features.features)
            let validator = try ModuleValidator(module: module, features: features.features)
            let code = try JITTier.shared.compileModule(module, validator: validator, bounds: bounds, recordListing: true)
            let imported = module.importedFunctionTypes.count
            var indices = Array(imported ..< imported + module.functions.count)
            if let function {
                if let number = Int(function) {
                    guard indices.contains(number) else {
                        throw CLIError("function \(number) is not a defined function (\(imported) imported, \(module.functions.count) defined)")
                    }
                    indices = [number]
                } else if let index = module.exports.first(where: { $0.name == function && $0.kind == .function })?.index
                            ?? module.names?.functionNames.first(where: { $0.value == function })?.key {
                    guard Int(index) >= imported else { throw CLIError("'\(function)' is an imported function") }
                    indices = [Int(index)]
                } else {
                    throw CLIError("no function '\(function)'")
                }
            }
            let printer = try JITListingPrinter(module: module, code: code,
                                                disassembler: try Disassembler(architecture: .host, attSyntax: att))
            print("bounds \(bounds.rawValue), \(DisassemblyArchitecture.host.rawValue)")
            for index in indices { print("\n" + printer.function(index)) }
            if function == nil { print("\n" + printer.moduleStubs()) }
        }
    }
}

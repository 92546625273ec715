import ArgumentParser
import Disassembly
import JIT
import SpecRunner
import WasmCore
import WasmRuntime

struct DisasmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disasm",
        abstract: "Compile a module with the JIT and disassemble its machine code.",
        discussion: """
            Prints each defined function's code as compiled under --bounds (guard and masked \
            drop the per-access checks). Wasm instructions are not yet interleaved: that needs \
            per-instruction code offsets from the compiler.
            """)

    @Option(help: "Memory bounds strategy (\(BoundsStrategy.allCases.map(\.rawValue).joined(separator: ", "))).")
    var bounds: BoundsStrategy = .software

    @Flag(help: "Permit bounds strategies that give no isolation (unchecked).")
    var allowUnsafe = false

    @Option(name: .customLong("func"), help: "Function index (imports count) or export name; default: every defined function.")
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
            var configuration = StoreConfiguration()
            configuration.tier = "jit"
            configuration.bounds = bounds
            configuration.allowUnsafeStrategies = allowUnsafe
            configuration.features = features.features
            let store = Store(configuration: configuration)
            let compiled = try CompiledModule(bytes: try ModuleFile.read(file, features: features.features), store: store)
            guard let code = compiled.code as? JITCode else { throw CLIError("the module was not compiled to machine code") }
            let module = compiled.module
            let imported = module.importedFunctionTypes.count
            var indices = Array(imported ..< imported + module.functions.count)
            if let function {
                if let number = Int(function) {
                    guard indices.contains(number) else {
                        throw CLIError("function \(number) is not a defined function (\(imported) imported, \(module.functions.count) defined)")
                    }
                    indices = [number]
                } else if let export = module.exports.first(where: { $0.name == function && $0.kind == .function }) {
                    guard Int(export.index) >= imported else { throw CLIError("'\(function)' is an imported function") }
                    indices = [Int(export.index)]
                } else {
                    throw CLIError("no function '\(function)'")
                }
            }
            let disassembler = try Disassembler(architecture: .host, attSyntax: att)
            print("bounds \(bounds.rawValue), \(DisassemblyArchitecture.host.rawValue)")
            for index in indices {
                let names = module.exports.filter { $0.kind == .function && Int($0.index) == index }.map(\.name)
                let bytes = code.machineCode(definedIndex: index - imported)
                print("\nfunction \(index)\(names.isEmpty ? "" : " (\(names.joined(separator: ", ")))"): \(bytes.count) bytes")
                for instruction in disassembler.disassemble(bytes) { print("  \(instruction)") }
            }
        }
    }
}

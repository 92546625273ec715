import ArgumentParser
import Disassembly
import JIT
import SpecRunner
import Tiers
import WasmDecoder
import WasmRuntime
import WasmValidator

/// What `disasm` and `explore` compile: a module under one bounds strategy, and the
/// functions to show.
struct ListingOptions: ParsableArguments {
    @Option(help: "Memory bounds strategy (\(BoundsStrategy.allCases.map(\.rawValue).joined(separator: ", ")); default guard, the JIT's default).")
    var bounds: BoundsStrategy = .guard

    @Flag(help: "Permit bounds strategies that give no isolation (unchecked).")
    var allowUnsafe = false

    @Option(name: .customLong("func"), help: "Function index (imports count), export or name-section name; default: every defined function.")
    var function: String?

    @Option(help: "Feature set (wasm-2.0 or wasm-3.0).")
    var features: FeatureSetOption = .wasm3

    @Option(help: "Instruction set to compile for: x86-64 (this host's) or arm64 (run under emulation).")
    var isa: JITISA = .x64

    @Flag(help: "Show the code that counts fuel (what `run --fuel` runs); default: the code `run` runs without --fuel.")
    var fuel = false

    /// The JIT of `isa`.
    var tier: JITTier { isa == .x64 ? JITTier.shared : JITTier.arm64 }

    /// The disassembler's name for `isa`.
    var architecture: DisassemblyArchitecture { isa == .x64 ? .x86_64 : .aarch64 }

    @Argument(help: "The module file (.wasm or .wat).")
    var file: String

    /// The module compiled with its listing, and the indices of the functions to show.
    func compile() throws -> (module: Module, code: JITCode, functions: [Int]) {
        BuiltinTiers.register()
        guard BuiltinTiers.names.contains(tier.name) else { throw CLIError("the \(tier.name) tier is not available on this machine") }
        if bounds.isUnsafe && !allowUnsafe {
            throw CLIError("--bounds \(bounds.rawValue) gives no isolation; add --allow-unsafe to use it anyway")
        }
        if bounds.usesFaultHandling && TrapGuard.shared == nil {
            throw CLIError("--bounds \(bounds.rawValue) needs fault handling, which this platform lacks")
        }
        let module = try decodeModule(try ModuleFile.read(file, features: features.features), features: features.features)
        let validator = try ModuleValidator(module: module, features: features.features)
        let code = try tier.compileModule(module, validator: validator, bounds: bounds, recordListing: true,
                                          countsFuel: fuel)
        let imported = module.importedFunctionTypes.count
        let defined = Array(imported ..< imported + module.functions.count)
        guard let function else { return (module, code, defined) }
        if let number = Int(function) {
            guard defined.contains(number) else {
                throw CLIError("function \(number) is not a defined function (\(imported) imported, \(module.functions.count) defined)")
            }
            return (module, code, [number])
        }
        guard let index = module.exports.first(where: { $0.name == function && $0.kind == .function })?.index
                ?? module.names?.functionNames.first(where: { $0.value == function })?.key else {
            throw CLIError("no function '\(function)'")
        }
        guard Int(index) >= imported else { throw CLIError("'\(function)' is an imported function") }
        return (module, code, [Int(index)])
    }
}

extension JITISA: ExpressibleByArgument {}

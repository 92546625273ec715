import ArgumentParser
import JIT
import SpecRunner
import WasmCore
import WasmDecoder
import WasmRuntime
import WasmValidator

struct CompileStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile-stats",
        abstract: "Compile a module with the JIT and report compile speed and code size.")

    @Option(help: "Compile this many times and report the fastest run.")
    var repetitions: Int = 5

    @Option(help: "Instantiate the compiled module this many times (when it has no imports) and report the median.")
    var instantiations: Int = 2000

    @Option(help: "Bounds strategy of the store used for instantiation.")
    var bounds: String = "software"

    @Argument(help: "A .wasm or .wat file.")
    var file: String

    func run() throws {
        try reportingErrors {
            BuiltinTiers.register()
            let bytes = try ModuleFile.read(file, features: .wasm3)
            let module = try decodeModule(bytes, features: .wasm3)
            let codeBytes = module.functions.indices.reduce(0) { $0 + module.codes[$1].code.count }
            // The validator's own share: the same pass with a sink that produces nothing.
            var validateOnly = Double.infinity
            for _ in 0..<max(repetitions, 1) {
                let start = ContinuousClock.now
                let validator = try ModuleValidator(module: module, features: .wasm3)
                var sink = NullCodeSink()
                for i in module.functions.indices { try validator.validateFunction(definedIndex: i, sink: &sink) }
                validateOnly = min(validateOnly, seconds(ContinuousClock.now - start))
            }
            var best = Double.infinity
            var stats = JITStatistics()
            for _ in 0..<max(repetitions, 1) {
                let start = ContinuousClock.now
                let validator = try ModuleValidator(module: module, features: .wasm3)
                let code = try JITTier.shared.compileModule(module, validator: validator)
                best = min(best, seconds(ContinuousClock.now - start))
                stats = code.statistics
            }
            let mbps = Double(codeBytes) / best / 1e6
            print("file: \(file)")
            print("functions: \(stats.compiledFunctions) compiled, \(stats.interpretedFunctions) left to the interpreter")
            for (reason, count) in stats.unsupported.sorted(by: { $0.value > $1.value }) { print("  \(count) x \(reason)") }
            print("wasm code: \(codeBytes) bytes, \(stats.instructions) instructions")
            print("machine code: \(stats.codeBytes) bytes, \(fmt(Double(stats.codeBytes) / Double(max(stats.instructions, 1)))) bytes per instruction")
            print("compile time (validate + compile, best of \(max(repetitions, 1))): \(fmt(best * 1000)) ms = \(fmt(mbps)) MB/s")
            let jitOnly = max(best - validateOnly, 1e-9)
            print("  of which validation alone: \(fmt(validateOnly * 1000)) ms; code generation: \(fmt(jitOnly * 1000)) ms = \(fmt(Double(codeBytes) / jitOnly / 1e6)) MB/s")
            try reportInstantiation(module)
        }
    }

    /// Median time of instantiating the module, compiled once by the JIT, in one store.
    private func reportInstantiation(_ module: Module) throws {
        guard module.imports.isEmpty, instantiations > 0 else {
            print("instantiate: skipped (the module has imports)")
            return
        }
        guard let strategy = BoundsStrategy(rawValue: bounds) else { throw ValidationError("unknown bounds strategy \(bounds)") }
        let store = Store(configuration: StoreConfiguration(tier: "jit", bounds: strategy, features: .wasm3))
        let compiled = try CompiledModule(module: module, store: store)
        let linker = Linker(store: store)
        var times: [Double] = []
        times.reserveCapacity(instantiations)
        for _ in 0..<instantiations {
            let start = ContinuousClock.now
            _ = try linker.instantiate(compiled)
            times.append(seconds(ContinuousClock.now - start))
        }
        times.sort()
        print("instantiate (bounds \(bounds), median of \(instantiations)): \(fmt(times[times.count / 2] * 1e6)) us")
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    private func fmt(_ v: Double) -> String {
        let scaled = (v * 100).rounded() / 100
        return "\(scaled)"
    }
}

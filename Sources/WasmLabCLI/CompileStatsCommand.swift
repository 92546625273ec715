import Platform
import ArgumentParser
import JIT
import SpecRunner
import Tiers
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

    @Option(help: "Bounds strategy the module is compiled for (software emits a check per access, guard and masked none) and of the store used for instantiation; default guard, the JIT's default.")
    var bounds: String = "guard"

    @Option(help: "Threads for the parallel compile (default: the online cores, capped, or WASMLAB_JIT_WORKERS).")
    var workers: Int?

    @Option(help: """
        Modules with less Wasm code (bytes) compile on one thread \
        (default: \(JITParallelism.defaultMinimumCodeBytes), or WASMLAB_JIT_PARALLEL_BYTES).
        """)
    var parallelThreshold: Int?

    @Argument(help: "A .wasm or .wat file.")
    var file: String

    func run() throws {
        try reportingErrors {
            BuiltinTiers.register()
            guard let strategy = BoundsStrategy(rawValue: bounds) else { throw ValidationError("unknown bounds strategy \(bounds)") }
            let bytes = try ModuleFile.read(file, features: .wasm3)
            let module = try decodeModule(bytes, features: .wasm3)
            let codeBytes = module.functions.indices.reduce(0) { $0 + module.codes[$1].code.count }
            let rounds = max(repetitions, 1)
            // Each phase: best wall-clock time and best thread CPU time of `rounds` runs. On
            // a loaded machine a run longer than a scheduler slice is preempted and its wall
            // time grows; the thread's CPU time does not.
            // Decoding the whole module (its code section is sliced into bodies here; the
            // instructions themselves are decoded in the validator's pass).
            let decode = try Self.best(rounds) { _ = try decodeModule(bytes, features: .wasm3) }
            // The validator's own share: the same pass with a sink that produces nothing.
            let validateOnly = try Self.best(rounds) {
                let validator = try ModuleValidator(module: module, features: .wasm3)
                var sink = NullCodeSink()
                for i in module.functions.indices { try validator.validateFunction(definedIndex: i, sink: &sink) }
            }
            var parallelism = JITParallelism.environment
            if let workers { parallelism.workers = max(workers, 1) }
            if let parallelThreshold { parallelism.minimumCodeBytes = max(parallelThreshold, 0) }
            var stats = JITStatistics()
            // One thread: wall clock and the thread's CPU time.
            let compile = try Self.best(rounds) {
                let validator = try ModuleValidator(module: module, features: .wasm3)
                stats = try JITTier.shared.compileModule(module, validator: validator, bounds: strategy,
                                                         parallelism: .serial).statistics
            }
            // The parallel compile: only wall clock means anything (the work is on several threads).
            var parallelStats = JITStatistics()
            let parallel = try Self.best(rounds) {
                let validator = try ModuleValidator(module: module, features: .wasm3)
                parallelStats = try JITTier.shared.compileModule(module, validator: validator, bounds: strategy,
                                                                 parallelism: parallelism).statistics
            }
            let mb = Double(codeBytes) / 1e6
            print("file: \(file) (compiled for bounds \(bounds))")
            print("functions: \(stats.compiledFunctions) compiled, \(stats.interpretedFunctions) left to the interpreter")
            for (reason, count) in stats.unsupported.sorted(by: { $0.value > $1.value }) { print("  \(count) x \(reason)") }
            print("wasm code: \(codeBytes) bytes, \(stats.instructions) instructions")
            print("innermost loops with their own pinned locals: \(stats.repinnedLoops)")
            print("machine code: \(stats.codeBytes) bytes, \(fmt(Double(stats.codeBytes) / Double(max(stats.instructions, 1)))) bytes per instruction")
            print("compile time, 1 thread (validate + compile, best of \(rounds)): \(fmt(compile.wall * 1000)) ms"
                  + " = \(fmt(mb / compile.wall)) MB/s (median \(fmt(compile.medianWall * 1000)) ms;"
                  + " thread CPU \(fmt(compile.cpu * 1000)) ms = \(fmt(mb / compile.cpu)) MB/s)")
            print("compile time, \(parallelStats.workers) threads of at most \(parallelism.workers)"
                  + " (wall clock, best of \(rounds)): \(fmt(parallel.wall * 1000)) ms = \(fmt(mb / parallel.wall)) MB/s"
                  + " (median \(fmt(parallel.medianWall * 1000)) ms"
                  + " = \(fmt(mb / parallel.medianWall)) MB/s; threshold \(parallelism.minimumCodeBytes) bytes,"
                  + " \(JITParallelism.onlineCores) cores online; CPU of all threads \(fmt(parallel.processCPU * 1000)) ms)")
            let withDecode = compile.cpu + decode.cpu
            print("decode + validate + compile (thread CPU): \(fmt(withDecode * 1000)) ms = \(fmt(mb / withDecode)) MB/s"
                  + " (decoding the whole module \(fmt(decode.cpu * 1000)) ms)")
            let jitOnly = max(compile.cpu - validateOnly.cpu, 1e-9)
            print("  of which validation alone: \(fmt(validateOnly.cpu * 1000)) ms (thread CPU); code generation: \(fmt(jitOnly * 1000)) ms = \(fmt(mb / jitOnly)) MB/s")
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
            times.append(Self.seconds(ContinuousClock.now - start))
        }
        times.sort()
        print("instantiate (bounds \(bounds), median of \(instantiations)): \(fmt(times[times.count / 2] * 1e6)) us")
    }

    /// The best and the median wall-clock time and the best thread CPU time of `rounds`
    /// runs of `body`.
    static func best(_ rounds: Int, _ body: () throws -> Void) throws
        -> (wall: Double, cpu: Double, medianWall: Double, processCPU: Double) {
        var walls: [Double] = [], cpu = Double.infinity, processCPU = Double.infinity
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            let cpuStart = threadCPUTime(), processStart = cpuTime(CLOCK_PROCESS_CPUTIME_ID)
            try body()
            cpu = min(cpu, threadCPUTime() - cpuStart)
            processCPU = min(processCPU, cpuTime(CLOCK_PROCESS_CPUTIME_ID) - processStart)
            walls.append(seconds(ContinuousClock.now - start))
        }
        walls.sort()
        return (walls.first ?? 0, cpu, walls.isEmpty ? 0 : walls[walls.count / 2], processCPU)
    }

    /// CPU time of the calling thread in seconds.
    static func threadCPUTime() -> Double { cpuTime(CLOCK_THREAD_CPUTIME_ID) }

    /// CPU time of `clock` (the calling thread's, or the whole process's) in seconds.
    static func cpuTime(_ clock: clockid_t) -> Double {
        var t = timespec()
        clock_gettime(clock, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    private func fmt(_ v: Double) -> String {
        let scaled = (v * 100).rounded() / 100
        return "\(scaled)"
    }
}

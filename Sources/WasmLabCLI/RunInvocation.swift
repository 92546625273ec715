import Platform
import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JIT
import SpecRunner
import Tiers
import WASI
import WasmCore
import WasmRuntime

/// The plain values of one `wasmlab run`, parsed by `RunCommand`, and the run itself.
struct RunInvocation: Equatable {
    /// nil: the fastest tier that takes the module (`EngineOptions.fastestTier`, then the interpreter).
    var tier: String?
    /// nil: the tier's default (`EngineOptions.bounds`).
    var bounds: BoundsStrategy?
    var allowUnsafe = false
    var features = FeatureSetOption.wasm3
    var invoke: String?
    var directories: [String] = []
    var environment: [String] = []
    var fuel: UInt64?
    var timeout: String?
    var maxMemoryPages: UInt64?
    var maxGCHeapBytes: Int?
    var valueStackSlots: Int?
    var profile: ProfileOption?
    var verbose = false
    /// A `wasmlab snapshot` file the instance starts from.
    var snapshot: String?
    var file = ""
    var arguments: [String] = []

    func run() throws {
        // First, before any thread exists: SIGINT and SIGTERM go to the watcher only.
        let stop = RunStop.start()
        // A guest writing to a closed pipe (`wasmlab run x | head`) gets EPIPE from fd_write,
        // as on a native process that ignores SIGPIPE, instead of killing the host.
        signal(SIGPIPE, SIG_IGN)
        BuiltinTiers.register()
        if profile == .perfmap { PerfMap.enable() }
        if profile == .instructions {
            guard tier == JITTier.arm64.name else {
                throw usageError("--profile instructions counts emulated instructions: it needs --tier jit-arm64 (count x86-64 code with valgrind)")
            }
            JITTier.arm64.countsInstructions = true
        }
        defer {
            if profile == .instructions { writeStandardError("arm64 instructions: \(JITTier.arm64.instructionsExecuted)\n") }
        }

        // `run FILE --invoke NAME ARGS...`: options after FILE arrive among the passthrough arguments.
        var invoke = self.invoke
        var arguments = self.arguments
        if invoke == nil, arguments.first == "--invoke" {
            guard arguments.count >= 2 else { throw usageError("--invoke needs an export name") }
            invoke = arguments[1]
            arguments.removeFirst(2)
        }
        let preopens = try checkedPreopens()
        let bytes: [UInt8]
        do {
            bytes = try readFile(file)
        } catch {
            throw loadFailure("\(error)")
        }
        // A .cwasm file (`wasmlab compile`) runs as compiled, on the tier and strategy it
        // was compiled for unless --tier/--bounds say otherwise (then it is refused).
        let precompiled: EngineConfiguration?
        do {
            precompiled = Engine.isPrecompiled(bytes) ? try Engine.precompiledConfiguration(bytes) : nil
        } catch {
            throw loadFailure("\(file): \(error)")
        }
        if let precompiled, fuel != nil, !precompiled.countsFuel {
            throw loadFailure("\(file) was compiled without fuel counting; `wasmlab compile --fuel` makes one that --fuel can meter")
        }
        // Text is encoded once, whichever tier ends up running it.
        let module: [UInt8]
        do {
            module = precompiled == nil ? try ModuleFile.module(bytes, path: file, features: features.features) : bytes
        } catch {
            throw loadFailure("\(error)")
        }
        if snapshot != nil && precompiled != nil { throw usageError("--snapshot needs the module itself, not a .cwasm file") }
        let snapshotBytes: [UInt8]?
        do {
            snapshotBytes = try snapshot.map { try readFile($0) }
        } catch {
            throw loadFailure("\(error)")
        }
        // The clock starts before compilation and instantiation: a start function is bounded too.
        if let timeout, let seconds = RunCommand.seconds(timeout) { stop.fire(after: seconds) }

        let tiers = tier.map { [$0] } ?? precompiled.map { [$0.tier] } ?? [EngineOptions.fastestTier, "interp"].uniqued()
        for (attempt, tierName) in tiers.enumerated() {
            var configuration = configuration(tier: tierName)
            if let precompiled {
                configuration.bounds = bounds ?? precompiled.bounds
                configuration.features = precompiled.features
                configuration.consumesFuel = precompiled.countsFuel
            }
            let store = Store(configuration: configuration)
            stop.watch(store)
            let linker = Linker(store: store)
            linker.defineSpectest(print: { writeStandardOutput($0 + "\n") })
            let wasi: WASI
            do {
                let programName = invoke == nil ? [URL(fileURLWithPath: file).lastPathComponent] : []
                wasi = try WASI(configuration: .init(arguments: programName + arguments, environment: guestEnvironment,
                                                     preopens: preopens))
            } catch {
                throw loadFailure("cannot open the preopened directories: \(error.name)")
            }
            wasi.define(into: linker)

            let instance: Instance
            do {
                let engine = try Engine(configuration: configuration.engine)
                if let snapshotBytes, let path = snapshot {
                    let compiled = try engine.compile(module)
                    let state: InstanceSnapshot
                    do {
                        state = try InstanceSnapshot(serialized: snapshotBytes, module: module, code: compiled.code)
                    } catch {
                        throw CLIError("\(path): \(error.message)")
                    }
                    instance = try linker.instantiate(compiled, from: state)
                } else {
                    instance = try linker.instantiate(precompiled != nil
                        ? engine.load(precompiled: module, producer: CompileCommand.producer)
                        : engine.compile(module))
                }
            } catch let error as WasmError where error.kind == .uninstantiable && attempt + 1 < tiers.count {
                // The default tier could not take the module (e.g. no address space for guard
                // pages): the next one runs it.
                if verbose { writeStandardError("wasmlab: tier \(tierName) cannot run the module: \(error)\n") }
                continue
            } catch let trap as Trap {
                // A start function may already call proc_exit.
                if let status = wasi.exitCode { throw ExitCode(Int32(truncatingIfNeeded: status)) }
                throw report(trap, stop: stop)
            } catch {
                throw loadFailure("\(error)")
            }
            if verbose {
                let configuration = store.configuration
                writeStandardError("wasmlab: tier \(configuration.tier), bounds \(configuration.bounds.rawValue)\n")
            }
            try run(instance, invoke: invoke, arguments: arguments, wasi: wasi, stop: stop)
            return
        }
    }

    private func configuration(tier: String) -> StoreConfiguration {
        var configuration = StoreConfiguration()
        configuration.tier = tier
        configuration.bounds = EngineOptions.bounds(bounds, tier: tier)
        configuration.features = features.features
        configuration.allowUnsafeStrategies = allowUnsafe
        configuration.fuel = fuel
        configuration.maxMemoryPages = maxMemoryPages
        if let maxGCHeapBytes { configuration.maxGCHeapBytes = maxGCHeapBytes }
        if let valueStackSlots { configuration.valueStackSlots = valueStackSlots }
        return configuration
    }

    /// `--env NAME=VALUE` as given; `--env NAME` with the host's value, when it has one.
    var guestEnvironment: [String] {
        environment.compactMap { entry in
            if entry.contains("=") { return entry }
            return getenv(entry).map { "\(entry)=\(String(cString: $0))" }
        }
    }

    /// The --dir preopens, each checked first so that an error names the one that fails, and why.
    private func checkedPreopens() throws -> [WASIConfiguration.Preopen] {
        let preopens = directories.map { spec -> WASIConfiguration.Preopen in
            let parts = spec.components(separatedBy: "::")
            return .init(hostPath: parts[0], guestPath: parts.count > 1 ? parts[1...].joined(separator: "::") : nil)
        }
        for preopen in preopens {
            let fd = open(preopen.hostPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                throw loadFailure("cannot preopen '\(preopen.hostPath)': \(String(cString: strerror(errno)))")
            }
            close(fd)
        }
        return preopens
    }

    /// Runs `_start` or the invoked export and turns how it ends into the exit status.
    private func run(_ instance: Instance, invoke: String?, arguments: [String], wasi: WASI, stop: RunStop) throws {
        do {
            if let invoke {
                let results = try invokeExport(invoke, arguments, in: instance, wasi: wasi)
                for value in results { writeStandardOutput(ValueParser.format(value) + "\n") }
            } else if instance.function("_start") != nil {
                let status = try wasi.start(instance)
                if status != 0 { throw ExitCode(Int32(truncatingIfNeeded: status)) }
            } else if !arguments.isEmpty {
                throw usageError("arguments given but the module has no _start and no --invoke export was named")
            }
        } catch let trap as Trap {
            throw report(trap, stop: stop)
        }
    }

    /// Calls `name` with the command-line arguments parsed by its parameter types; a
    /// `proc_exit` inside becomes the process's status.
    private func invokeExport(_ name: String, _ arguments: [String], in instance: Instance, wasi: WASI) throws -> [Value] {
        guard let function = instance.function(name) else {
            let exported = instance.exports.compactMap { if case .function = $0.1 { $0.0 } else { nil } }
            throw usageError("no exported function '\(name)'"
                             + (exported.isEmpty ? "" : "; the module exports \(exported.joined(separator: ", "))"))
        }
        let params = function.type.parameters
        guard params.count == arguments.count else {
            throw usageError("'\(name)' takes \(params.count) argument(s) (\(params.map { "\($0)" }.joined(separator: " "))), "
                             + "\(arguments.count) given")
        }
        var values: [Value] = []
        for (type, text) in zip(params, arguments) {
            do { values.append(try ValueParser.parse(text, as: type)) } catch { throw usageError(error.description) }
        }
        var results: [Value] = []
        let status = try wasi.run { () throws(Trap) in results = try function.invoke(values) }
        if wasi.exitCode != nil { throw ExitCode(Int32(truncatingIfNeeded: status)) }
        return results
    }

    /// Prints a trap with its Wasm backtrace and returns the exit status for it.
    func report(_ trap: Trap, stop: RunStop) -> ExitCode {
        var text = "error: wasm trap: \(trap.reason.message)"
        if let detail = trap.detail { text += ": \(detail)" }
        var status = RunExitStatus.trap
        if trap.reason == .interrupted {
            switch stop.stopCause {
            case .timeout?:
                status = .interrupted
                text += " (timeout \(timeout ?? "") expired)"
            case .interrupt?:
                status = .sigint
                text += " (SIGINT)"
            case .terminate?:
                status = .sigterm
                text += " (SIGTERM)"
            case nil:
                status = .interrupted
                if let fuel { text += " (fuel \(fuel) exhausted)" }
            }
        }
        if !trap.backtrace.isEmpty {
            text += "\nwasm backtrace (innermost first):"
            // Runs of one function (recursion) print once with a count.
            let frames = trap.backtrace
            var index = 0
            while index < frames.count {
                var end = index + 1
                while end < frames.count && frames[end] == frames[index] { end += 1 }
                text += "\n  \(index): \(frames[index])" + (end - index > 1 ? " (\(end - index) frames)" : "")
                index = end
            }
        }
        writeStandardError(text + "\n")
        return ExitCode(status.rawValue)
    }

    private func usageError(_ message: String) -> ExitCode {
        writeStandardError("error: \(message)\n")
        return ExitCode(RunExitStatus.usage.rawValue)
    }

    private func loadFailure(_ message: String) -> ExitCode {
        writeStandardError("error: \(message)\n")
        return ExitCode(RunExitStatus.loadFailure.rawValue)
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

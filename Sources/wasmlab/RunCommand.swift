#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SpecRunner
import WASI
import WasmCore
import WasmRuntime

/// `wasmlab run`: runs a WASI command (`_start`) or one export.
///
/// Exit status: the guest's own status for WASI programs (`proc_exit` or 0 when `_start`
/// returns); `RunExitStatus` values when wasmlab stops the program.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Instantiate a module and run its start function, `_start`, or an export.",
        discussion: """
            WASI programs (imports from wasi_snapshot_preview1) see ARGS as argv after the \
            file name, the --env variables and the --dir preopens, and nothing else of the host. \
            Exit status: the guest's status; \(RunExitStatus.trap.rawValue) when it traps (the \
            trap and a Wasm backtrace go to stderr); \(RunExitStatus.interrupted.rawValue) when \
            --timeout or --fuel stops it; \(RunExitStatus.loadFailure.rawValue) when the module \
            cannot be loaded, validated or linked.
            """)

    @OptionGroup var engine: EngineOptions

    @Option(help: "Feature set (wasm-2.0 or wasm-3.0).")
    var features: FeatureSetOption = .wasm3

    @Option(help: "Export to invoke; arguments follow the file, typed by the export's signature.")
    var invoke: String?

    @Option(name: .customLong("dir"), help: ArgumentHelp("Preopen a host directory (repeatable).", valueName: "HOST[::GUEST]"))
    var directories: [String] = []

    @Option(name: .customLong("env"), help: ArgumentHelp("Set a guest environment variable (repeatable).", valueName: "KEY=VALUE"))
    var environment: [String] = []

    @Option(help: "Stop with 'interrupted' after about N loop iterations and calls.")
    var fuel: UInt64?

    @Option(help: ArgumentHelp("Stop with 'interrupted' after this long (e.g. 500ms, 10s, 2m; plain numbers are seconds).",
                               valueName: "DURATION"))
    var timeout: String?

    @Argument(help: "The module file (.wasm or .wat).")
    var file: String

    @Argument(parsing: .captureForPassthrough, help: "Arguments for the program (or typed values for --invoke).")
    var arguments: [String] = []

    func validate() throws {
        if fuel != nil && timeout != nil { throw ValidationError("--fuel and --timeout cannot be combined") }
        if let timeout, Self.seconds(timeout) == nil { throw ValidationError("invalid duration '\(timeout)'") }
        for entry in environment where !entry.contains("=") { throw ValidationError("--env expects KEY=VALUE, got '\(entry)'") }
    }

    /// The parsed values.
    var invocation: RunInvocation {
        RunInvocation(tier: engine.tier, bounds: engine.bounds, allowUnsafe: engine.allowUnsafe,
                      features: features, invoke: invoke, directories: directories, environment: environment,
                      fuel: fuel, timeout: timeout, file: file, arguments: arguments)
    }

    func run() throws { try invocation.run() }

    /// Prints a trap with its Wasm backtrace and returns the exit status for it.
    static func report(_ trap: Trap, timeout: String?, fuel: UInt64?) -> ExitCode {
        var text = "error: wasm trap: \(trap.reason.message)"
        if let detail = trap.detail { text += ": \(detail)" }
        var status = RunExitStatus.trap
        if trap.reason == .interrupted {
            status = .interrupted
            if let timeout { text += " (timeout \(timeout) expired)" } else if let fuel { text += " (fuel \(fuel) exhausted)" }
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

    /// "500ms", "10s", "2m", "1.5" (seconds) -> seconds.
    static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("us", 0.000_001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value >= 0, value.isFinite else { return nil }
            return value * scale
        }
        guard let value = Double(text), value >= 0, value.isFinite else { return nil }
        return value
    }
}

/// The plain values of one `wasmlab run`, parsed by `RunCommand`, and the run itself.
struct RunInvocation: Equatable {
    var tier = "interp"
    var bounds = BoundsStrategy.software
    var allowUnsafe = false
    var features = FeatureSetOption.wasm3
    var invoke: String?
    var directories: [String] = []
    var environment: [String] = []
    var fuel: UInt64?
    var timeout: String?
    var file = ""
    var arguments: [String] = []

    func run() throws {
        // `run FILE --invoke NAME ARGS...`: options after FILE arrive among the passthrough arguments.
        var invoke = self.invoke
        var arguments = self.arguments
        if invoke == nil, arguments.first == "--invoke" {
            guard arguments.count >= 2 else { throw ValidationError("--invoke needs an export name") }
            invoke = arguments[1]
            arguments.removeFirst(2)
        }
        // A guest writing to a closed pipe (`wasmlab run x | head`) gets EPIPE from fd_write,
        // as on a native process that ignores SIGPIPE, instead of killing the host.
        signal(SIGPIPE, SIG_IGN)
        BuiltinTiers.register()
        var configuration = StoreConfiguration()
        configuration.tier = tier
        configuration.bounds = bounds
        configuration.features = features.features
        configuration.allowUnsafeStrategies = allowUnsafe
        configuration.fuel = fuel
        let store = Store(configuration: configuration)
        let linker = Linker(store: store)
        linker.defineSpectest(print: { writeStandardOutput($0 + "\n") })

        let preopens = directories.map { spec -> WASIConfiguration.Preopen in
            let parts = spec.components(separatedBy: "::")
            return .init(hostPath: parts[0], guestPath: parts.count > 1 ? parts[1...].joined(separator: "::") : nil)
        }
        // Each --dir is checked first so that the error names the one that fails, and why.
        for preopen in preopens {
            let fd = open(preopen.hostPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                writeStandardError("error: cannot preopen '\(preopen.hostPath)': \(String(cString: strerror(errno)))\n")
                throw ExitCode(RunExitStatus.loadFailure.rawValue)
            }
            close(fd)
        }
        let programName = invoke == nil ? [URL(fileURLWithPath: file).lastPathComponent] : []
        let wasi: WASI
        do {
            wasi = try WASI(configuration: .init(arguments: programName + arguments, environment: environment, preopens: preopens))
        } catch {
            writeStandardError("error: cannot preopen \(directories.joined(separator: ", ")): \(error.name)\n")
            throw ExitCode(RunExitStatus.loadFailure.rawValue)
        }
        wasi.define(into: linker)
        // The clock starts before instantiation: a start function is bounded too.
        if let timeout, let seconds = RunCommand.seconds(timeout) { Interrupter(store: store).fire(after: seconds) }

        let instance: Instance
        do {
            let module = try CompiledModule(bytes: try ModuleFile.read(file, features: features.features), store: store)
            instance = try linker.instantiate(module)
        } catch let trap as Trap {
            // A start function may already call proc_exit.
            if let status = wasi.exitCode { throw ExitCode(Int32(truncatingIfNeeded: status)) }
            throw RunCommand.report(trap, timeout: timeout, fuel: fuel)
        } catch {
            writeStandardError("error: \(error)\n")
            throw ExitCode(RunExitStatus.loadFailure.rawValue)
        }
        wasi.bind(instance)

        do {
            if let invoke {
                let results = try invokeExport(invoke, arguments, in: instance, wasi: wasi)
                for value in results { print(ValueParser.format(value)) }
            } else if instance.function("_start") != nil {
                let status = try wasi.start(instance)
                if status != 0 { throw ExitCode(Int32(truncatingIfNeeded: status)) }
            } else if !arguments.isEmpty {
                throw CLIError("arguments given but the module has no _start and no --invoke export was named")
            }
        } catch let trap as Trap {
            throw RunCommand.report(trap, timeout: timeout, fuel: fuel)
        } catch let error as CLIError {
            writeStandardError("error: \(error)\n")
            throw ExitCode(RunExitStatus.loadFailure.rawValue)
        }
    }

    /// Calls `name` with the command-line arguments parsed by its parameter types; a
    /// `proc_exit` inside becomes the process's status.
    private func invokeExport(_ name: String, _ arguments: [String], in instance: Instance, wasi: WASI) throws -> [Value] {
        guard let function = instance.function(name) else { throw CLIError("no exported function '\(name)'") }
        let params = function.type.parameters
        guard params.count == arguments.count else {
            throw CLIError("'\(name)' takes \(params.count) argument(s), \(arguments.count) given")
        }
        let values = try zip(params, arguments).map { try ValueParser.parse($1, as: $0) }
        var results: [Value] = []
        let status = try wasi.run { () throws(Trap) in results = try function.invoke(values) }
        if wasi.exitCode != nil { throw ExitCode(Int32(truncatingIfNeeded: status)) }
        return results
    }

}

/// Process exit statuses wasmlab itself uses for `run` (guest statuses pass through).
/// The 128+N values follow the shell's "killed by signal N" convention.
enum RunExitStatus: Int32 {
    /// The module could not be read, decoded, validated, linked or instantiated.
    case loadFailure = 125
    /// The guest trapped (128 + SIGABRT, as a native program that aborts).
    case trap = 134
    /// --timeout or --fuel stopped the guest (128 + SIGALRM).
    case interrupted = 142
}

/// Interrupts a store from a timer thread (`Store.interrupt()` is the one thread-safe call).
struct Interrupter: @unchecked Sendable {
    let store: Store

    func fire(after seconds: Double) {
        spawnDetachedThread {
            sleepSeconds(seconds)
            store.interrupt()
        }
    }
}

/// Parses command-line arguments as Wasm values and prints results.
enum ValueParser {
    static func parse(_ text: String, as type: ValueType) throws -> Value {
        switch type {
        case .i32:
            if let v = Int32(text) { return .i32(UInt32(bitPattern: v)) }
            if let v = UInt32(text) { return .i32(v) }
        case .i64:
            if let v = Int64(text) { return .i64(UInt64(bitPattern: v)) }
            if let v = UInt64(text) { return .i64(v) }
        case .f32:
            if let v = Float(text) { return .f32(v.bitPattern) }
        case .f64:
            if let v = Double(text) { return .f64(v.bitPattern) }
        default:
            throw CLIError("cannot pass an argument of type \(type) from the command line")
        }
        throw CLIError("'\(text)' is not a valid \(type)")
    }

    static func format(_ value: Value) -> String {
        switch value {
        case .i32(let v): "\(Int32(bitPattern: v)):i32"
        case .i64(let v): "\(Int64(bitPattern: v)):i64"
        case .f32(let v): "\(Float(bitPattern: v)):f32"
        case .f64(let v): "\(Double(bitPattern: v)):f64"
        case .v128(let v): v.bytes.map { String($0, radix: 16) }.joined(separator: " ") + ":v128"
        case .ref(let r): "\(r)"
        }
    }
}

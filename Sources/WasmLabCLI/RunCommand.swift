import ArgumentParser
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
            Without --tier, the module runs on the JIT under guard pages, or on the interpreter \
            where the JIT cannot take it. \
            Exit status: the guest's status; \(RunExitStatus.usage.rawValue) for a bad command line \
            (including --invoke arguments); \(RunExitStatus.loadFailure.rawValue) when the module \
            cannot be loaded, validated or linked; \(RunExitStatus.trap.rawValue) when it traps (the \
            trap and a Wasm backtrace go to stderr); \(RunExitStatus.interrupted.rawValue) when \
            --timeout or --fuel stops it; \(RunExitStatus.sigint.rawValue) and \
            \(RunExitStatus.sigterm.rawValue) when SIGINT (Ctrl-C) or SIGTERM stops it at its next \
            loop or call (a second signal ends wasmlab at once); \(RunExitStatus.brokenPipe.rawValue) \
            when it writes again to a pipe whose reader is gone (the first write gets EPIPE).
            """)

    @OptionGroup var engine: EngineOptions

    @Option(help: "Feature set (wasm-2.0 or wasm-3.0).")
    var features: FeatureSetOption = .wasm3

    @Option(help: "Export to invoke; arguments follow the file, typed by the export's signature.")
    var invoke: String?

    @Option(name: .customLong("dir"), help: ArgumentHelp("Preopen a host directory (repeatable).", valueName: "HOST[::GUEST]"))
    var directories: [String] = []

    @Option(name: .customLong("env"), help: ArgumentHelp(
        "Set a guest environment variable, or pass the host's value of NAME (repeatable).", valueName: "NAME[=VALUE]"))
    var environment: [String] = []

    @Option(help: "Stop with 'interrupted' after N loop iterations and calls (0: at the first one).")
    var fuel: UInt64?

    @Option(help: ArgumentHelp("Stop with 'interrupted' after this long (e.g. 500ms, 10s, 2m; plain numbers are seconds).",
                               valueName: "DURATION"))
    var timeout: String?

    @Option(name: .customLong("max-memory"), help: ArgumentHelp(
        "Largest linear memory the guest may have (e.g. 64MiB, 1GiB; plain numbers are bytes): memory.grow past it fails.",
        valueName: "SIZE"))
    var maxMemory: String?

    @Option(name: .customLong("max-gc-heap"), help: ArgumentHelp(
        "Most the GC heap (structs and arrays) may hold (e.g. 256MiB; default 1GiB): allocations past it trap with 'out of GC heap memory'.",
        valueName: "SIZE"))
    var maxGCHeap: String?

    @Option(name: .customLong("max-stack"), help: ArgumentHelp(
        "Size of the value stack (e.g. 1MiB; default 32MiB): deeper calls trap with 'call stack exhausted'.",
        valueName: "SIZE"))
    var maxStack: String?

    @Option(help: ArgumentHelp("Profiler support: perfmap writes /tmp/perf-PID.map, so `perf report` names the JIT's functions; instructions (--tier jit-arm64) prints the number of emulated instructions on stderr at the end.",
                               valueName: "perfmap|instructions"))
    var profile: ProfileOption?

    @Flag(name: .shortAndLong, help: "Say on stderr which tier and bounds strategy run the module.")
    var verbose = false

    @Option(help: "Start from a snapshot made by `wasmlab snapshot` (the module's segments and start function do not run again).")
    var snapshot: String?

    @Argument(help: "The module file (.wasm or .wat).")
    var file: String

    @Argument(parsing: .captureForPassthrough, help: "Arguments for the program (or typed values for --invoke).")
    var arguments: [String] = []

    static let minimumStack = 64 << 10, maximumStack = 4 << 30

    func validate() throws {
        if let timeout, Self.seconds(timeout) == nil { throw ValidationError("invalid duration '\(timeout)'") }
        for entry in environment where entry.isEmpty || entry.hasPrefix("=") {
            throw ValidationError("--env expects NAME=VALUE or NAME, got '\(entry)'")
        }
        if let maxMemory, Self.bytes(maxMemory) == nil { throw ValidationError("invalid size '\(maxMemory)' for --max-memory") }
        if let maxGCHeap, Self.bytes(maxGCHeap) == nil { throw ValidationError("invalid size '\(maxGCHeap)' for --max-gc-heap") }
        if let maxStack {
            guard let bytes = Self.bytes(maxStack), (Self.minimumStack...Self.maximumStack).contains(bytes) else {
                throw ValidationError("--max-stack must be a size from 64KiB to 4GiB, got '\(maxStack)'")
            }
        }
    }

    /// The parsed values.
    var invocation: RunInvocation {
        RunInvocation(tier: engine.tierOption, bounds: engine.boundsOption, allowUnsafe: engine.allowUnsafe,
                      features: features, invoke: invoke, directories: directories, environment: environment,
                      fuel: fuel, timeout: timeout,
                      maxMemoryPages: maxMemory.flatMap(Self.bytes).map { UInt64($0 / 65536) },
                      maxGCHeapBytes: maxGCHeap.flatMap(Self.bytes),
                      valueStackSlots: maxStack.flatMap(Self.bytes).map { $0 / 8 },
                      profile: profile, verbose: verbose, snapshot: snapshot, file: file, arguments: arguments)
    }

    func run() throws { try invocation.run() }

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

    /// "65536", "64KiB", "64MiB", "1GiB" (also K, M, G: binary units too) -> bytes.
    static func bytes(_ text: String) -> Int? {
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
                                      ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1)]
        var number = Substring(text), scale = 1
        if let (suffix, unit) = units.first(where: { text.hasSuffix($0.0) }) {
            number = text.dropLast(suffix.count)
            scale = unit
        }
        guard let value = Int(number), value >= 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow ? nil : bytes
    }
}

/// `run --profile`: what profilers are told about compiled code.
enum ProfileOption: String, ExpressibleByArgument, Equatable {
    /// `/tmp/perf-PID.map` for `perf`.
    case perfmap
    /// The emulated AArch64 instructions executed (jit-arm64), on stderr at the end.
    case instructions
}

/// Process exit statuses wasmlab itself uses for `run` (guest statuses pass through).
/// The 128+N values follow the shell's "killed by signal N" convention.
enum RunExitStatus: Int32 {
    /// A bad command line (EX_USAGE), including --invoke arguments that do not fit the export.
    case usage = 64
    /// The module could not be read, decoded, validated, linked or instantiated.
    case loadFailure = 125
    /// SIGINT stopped the guest (128 + SIGINT).
    case sigint = 130
    /// The guest trapped (128 + SIGABRT, as a native program that aborts).
    case trap = 134
    /// The guest wrote again to a pipe without a reader (128 + SIGPIPE).
    case brokenPipe = 141
    /// --timeout or --fuel stopped the guest (128 + SIGALRM).
    case interrupted = 142
    /// SIGTERM stopped the guest (128 + SIGTERM).
    case sigterm = 143
}

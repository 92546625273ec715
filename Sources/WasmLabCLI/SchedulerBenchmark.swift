#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GreenThreads
import Histogram
import Platform
import Serverless
import Tiers
import WAT
import WasmCore
import WasmRuntime

/// The measurements of `wasmlab bench-sched`; each `measure...` adds its section's raw
/// samples and medians to the report.
struct SchedulerBenchmark {
    let runs: Int
    let quantum: UInt64
    let seconds: Double
    let density: Int
    let guardDensity: Int
    let kernel: String
    let kernelSize: String
    /// Sandboxes of the kernel sharing the worker in the slowdown section.
    var slowdownSandboxes = 2
    var results = SchedReport.Results()

    init(runs: Int, quantum: UInt64, seconds: Double, density: Int, guardDensity: Int, kernel: String, kernelSize: String) {
        self.runs = runs
        self.quantum = quantum
        self.seconds = seconds
        self.density = density
        self.guardDensity = guardDensity
        self.kernel = kernel
        self.kernelSize = kernelSize
        BuiltinTiers.register()
    }

    func report(commit: String) -> SchedReport {
        SchedReport(date: Date().formatted(.iso8601), commit: commit, machine: .current,
                    settings: .init(runs: runs, quantumNs: quantum, seconds: seconds, density: density,
                                    guardDensity: guardDensity, kernel: kernel, kernelSize: kernelSize,
                                    slowdownSandboxes: slowdownSandboxes,
                                    maxMapCount: Self.maxMapCount),
                    results: results)
    }

    // MARK: helpers shared by the sections

    static func engine(_ tier: String, _ bounds: BoundsStrategy = .software) throws -> Engine {
        try Engine(configuration: EngineConfiguration(tier: tier, bounds: bounds))
    }

    static func compile(_ wat: String, _ engine: Engine) throws -> CompiledModule {
        try engine.compile(WAT.encode(wat))
    }

    /// `value` with `digits` decimals (FoundationEssentials has no `String(format:)`).
    static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1
        for _ in 0 ..< digits { scale *= 10 }
        let scaled = Int((abs(value) * Double(scale)).rounded())
        let fraction = String(scaled % scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return sign + String(scaled) }
        return sign + String(scaled / scale) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }

    /// `text` padded with spaces to `width` (left-aligned).
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// p50, p99 and max of nanosecond samples, through an HdrHistogram (3 digits).
    static func percentiles(_ samples: [UInt64]) -> SchedReport.Percentiles {
        var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000_000)
        for s in samples { _ = histogram.record(max(s, 1)) }
        return .init(count: samples.count, p50: histogram.valueAtPercentile(50), p99: histogram.valueAtPercentile(99),
                     max: samples.max() ?? 0)
    }

    /// Resident bytes of this process (`/proc/self/statm`).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static var maxMapCount: Int {
        (try? String(contentsOfFile: "/proc/sys/vm/max_map_count", encoding: .utf8))
            .flatMap { Int($0.filter { !$0.isWhitespace }) } ?? 0
    }

    /// A loop of `n` iterations with a call per iteration: work with safe points.
    static let counter = """
        (module
          (func $step (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
          (func (export "count") (param i32) (result i32) (local i32)
            (block $done (loop $l
              (br_if $done (i32.ge_u (local.get 1) (local.get 0)))
              (local.set 1 (call $step (local.get 1)))
              (br $l)))
            (local.get 1)))
        """
    static let runaway = "(module (func (export \"spin\") (loop br 0)))"
}

/// Everything `bench-sched` writes (Bench/results/DATE-bench-sched/results.json).
struct SchedReport: Codable {
    struct Machine: Codable {
        var cpu: String
        var cores: Int
        var kernel: String

        static var current: Machine {
            var cpu = "unknown"
            if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
               let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
               let colon = line.firstIndex(of: ":") {
                cpu = String(line[line.index(after: colon)...].drop { $0.isWhitespace })
            }
            var names = utsname()
            uname(&names)
            let release = withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            return Machine(cpu: cpu, cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), kernel: "Linux " + release)
        }
    }

    struct Settings: Codable {
        var runs: Int
        var quantumNs: UInt64
        var seconds: Double
        var density: Int
        var guardDensity: Int
        var kernel: String
        var kernelSize: String
        var slowdownSandboxes: Int
        var maxMapCount: Int
    }

    struct Percentiles: Codable {
        var count: Int
        var p50: UInt64
        var p99: UInt64
        var max: UInt64
    }

    struct Switches: Codable {
        /// ns per switch, one sample per run.
        var rawSamples: [Double]
        var raw: Double
        var swapcontextSamples: [Double]
        var swapcontext: Double
        var yieldSamples: [Double]
        var yield: Double
    }

    struct Latency: Codable {
        var tier: String
        var preemption: String
        /// Request (tick or signal) to switch.
        var latency: Percentiles
        /// Length of each preempted slice (resume to switch).
        var slice: Percentiles
        var preemptions: Int
        var signals: Int
        var redirects: Int
    }

    struct Slowdown: Codable {
        var tier: String
        var preemption: String
        var aloneSeconds: [Double]
        var preemptedSeconds: [Double]
        var ratios: [Double]
        var medianRatio: Double
        var preemptions: [Int]
    }

    struct Density: Codable {
        var bounds: String
        var tier: String
        var attempted: Int
        var parked: Int
        var failure: String?
        var spawnMicroseconds: Double
        var residentBytesPerSandbox: Double
    }

    struct Mixed: Codable {
        var policy: String
        var shortCount: Int
        var shortMissed: Int
        var shortLatency: Percentiles
        var longCount: Int
        var longMissed: Int
        var longLatency: Percentiles
    }

    struct Steal: Codable {
        var sandboxes: Int
        var oneWorkerSeconds: [Double]
        var twoWorkersSeconds: [Double]
        var oneWorkerPerSecond: Double
        var twoWorkersPerSecond: Double
        var speedup: Double
        var steals: [Int]
    }

    struct Results: Codable {
        var switches: Switches?
        var latency: [Latency] = []
        var slowdown: [Slowdown] = []
        var density: [Density] = []
        var mixed: [Mixed] = []
        var steal: Steal?
    }

    var date: String
    var commit: String
    var machine: Machine
    var settings: Settings
    var results: Results
}

import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GreenThreads
import Platform

/// `wasmlab bench-sched`: the green-thread scheduler measured (Docs/Scheduler.md): fiber
/// switch cost, preemption latency, the cost of preemption to a compute kernel, sandbox
/// density, deadline misses under each policy, and work stealing. Prints a table (or
/// JSON) and writes raw samples and medians to Bench/results/DATE-bench-sched/.
struct BenchSchedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-sched",
        abstract: "Benchmarks of the green-thread scheduler: switch cost, preemption latency and overhead, density, EDF, stealing.")

    enum Section: String, CaseIterable, ExpressibleByArgument {
        case `switch`, latency, slowdown, density, mixed, steal
    }

    @Option(help: "Sections to run, comma-separated (\(Section.allCases.map(\.rawValue).joined(separator: ","))).")
    var sections = Section.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Repetitions of each measurement (medians are reported).")
    var runs = 5

    @Option(help: "The quantum in microseconds.")
    var quantum = 1000

    @Option(help: "Idle sandboxes for the density section (software bounds); guard bounds stop at the first that fails.")
    var density = 100_000

    @Option(help: "Most sandboxes to try under guard bounds.")
    var guardDensity = 40_000

    @Option(help: "Compute kernel for the slowdown section (Bench/out/wasm/NAME.wasm, built by Bench/build).")
    var kernel = "crc32"

    @Option(help: "The kernel's size argument (quick, small or a number).")
    var kernelSize = "small"

    @Option(help: "Sandboxes of the kernel sharing one worker in the slowdown section (1 isolates the cost of preemption from two working sets sharing the caches).")
    var slowdownSandboxes = 2

    @Option(help: "Seconds each latency and mixed-workload run lasts.")
    var seconds = 1.5

    @Flag(help: "Print the results as JSON instead of a table.")
    var json = false

    @Option(help: "Directory for the results (default Bench/results/DATE-bench-sched).")
    var output: String?

    /// The sections asked for, in order.
    private func chosenSections() throws -> [Section] {
        try sections.split(separator: ",").map { name in
            guard let section = Section(rawValue: String(name)) else {
                throw ValidationError("unknown section \(name); sections: \(Section.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return section
        }
    }

    func validate() throws {
        _ = try chosenSections()
        guard runs >= 1, quantum >= 50, density >= 1, guardDensity >= 1, seconds > 0, slowdownSandboxes >= 1 else {
            throw ValidationError("--runs, --density, --guard-density and --seconds must be positive, --quantum at least 50 µs")
        }
    }

    func run() throws {
        let chosen = try chosenSections()
        try reportingErrors {
            var bench = SchedulerBenchmark(runs: runs, quantum: UInt64(quantum) * 1000, seconds: seconds,
                                           density: density, guardDensity: guardDensity,
                                           kernel: kernel, kernelSize: kernelSize)
            bench.slowdownSandboxes = slowdownSandboxes
            for section in chosen {
                if !json { writeStandardError("bench-sched: \(section.rawValue)...\n") }
                switch section {
                case .switch: try bench.measureSwitches()
                case .latency: try bench.measureLatency()
                case .slowdown: try bench.measureSlowdown()
                case .density: try bench.measureDensity()
                case .mixed: try bench.measureMixed()
                case .steal: try bench.measureStealing()
                }
            }
            let report = bench.report(commit: BuildInfo.commit)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(report)
            let folder = output ?? "Bench/results/\(report.date.prefix(10))-bench-sched"
            try createDirectory(folder)
            let path = folder + "/results.json"
            guard FileManager.default.createFile(atPath: path, contents: data) else {
                throw ValidationError("cannot write \(path)")
            }
            if json {
                writeStandardOutput(String(decoding: data, as: UTF8.self) + "\n")
            } else {
                writeStandardOutput(bench.table())
                writeStandardOutput("results: \(path)\n")
            }
        }
    }

    private func createDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("cannot create \(path): \(error)")
        }
    }
}

import Platform
import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SpecRunner
import Tiers
import WasmCore

/// `wasmlab diff`: differential execution of modules over tiers x strategies (the engine
/// side of `tools/fuzz-diff`).
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Run modules under every tier x safe strategy and compare what they do.",
        discussion: """
            Each module is instantiated under every configuration; every exported function \
            is called in export order with fixed argument vectors, then exported globals, \
            memories (size and hash) and tables are read. Results, traps and state must be \
            the same everywhere (after a call stack exhaustion, the rest is not compared). \
            Prints one line per module, 'FILE: agree' or the first difference; with --json, \
            one JSON object per module with the full outcome. Exit status 1 when any differs.
            """)

    @Option(help: ArgumentHelp("Configurations to compare, comma-separated (default: every tier x software, guard).",
                               valueName: "TIER:BOUNDS,..."))
    var configs: String?

    @Option(help: "Feature set (wasm-2.0 or wasm-3.0).")
    var features: FeatureSetOption = .wasm3

    @Option(help: "Argument vectors per exported function.")
    var vectors = 3

    @Flag(help: "One JSON object per module: file, agree, outcome, and the differing lines.")
    var json = false

    @Argument(help: "Module files (.wasm or .wat).")
    var files: [String]

    func validate() throws {
        if vectors < 1 || vectors > 100 { throw ValidationError("--vectors must be between 1 and 100") }
        _ = try configurations()
    }

    func configurations() throws -> [DifferentialRun.Configuration] {
        guard let configs else { return DifferentialRun.Configuration.allSafe }
        let tiers = BuiltinTiers.names
        return try configs.split(separator: ",").map { text in
            guard let c = DifferentialRun.Configuration(String(text)) else {
                throw ValidationError("'\(text)' is not TIER:BOUNDS (bounds: software, guard, masked, unchecked)")
            }
            guard tiers.contains(c.tier) else {
                throw ValidationError("unknown tier '\(c.tier)' (built in: \(tiers.joined(separator: ", ")))")
            }
            guard c.bounds != .unchecked && c.bounds != .masked else {
                throw ValidationError("'\(text)': only safe strategies (software, guard) can be compared")
            }
            return c
        }
    }

    struct Report: Encodable {
        var file: String
        var agree: Bool
        var outcome: [String]
        var types: [String: String]
        var difference: Difference?
    }

    struct Difference: Encodable {
        var line: Int
        var configuration: String
        var expected: String
        var found: String
        var against: String
    }

    func run() throws {
        try reportingErrors {
            let configurations = try configurations()
            let runner = DifferentialRun(vectorsPerFunction: vectors, features: features.features)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var differing = 0
            for file in files {
                let bytes: [UInt8]
                do {
                    bytes = try ModuleFile.read(file, features: features.features)
                } catch {
                    writeStandardError("error: \(error)\n")
                    throw ExitCode(1)
                }
                let first = runner.outcome(of: bytes, under: configurations[0])
                let reference = first.lines
                var difference: Difference?
                for c in configurations.dropFirst() {
                    let other = runner.outcome(of: bytes, under: c).lines
                    if let line = DifferentialRun.firstDifference(reference, other) {
                        difference = Difference(line: line, configuration: c.description,
                                                expected: line < reference.count ? reference[line] : "(nothing)",
                                                found: line < other.count ? other[line] : "(nothing)",
                                                against: configurations[0].description)
                        break
                    }
                }
                if difference != nil { differing += 1 }
                if json {
                    let report = Report(file: file, agree: difference == nil, outcome: reference, types: first.types,
                                        difference: difference)
                    print(String(decoding: try encoder.encode(report), as: UTF8.self))
                } else if let d = difference {
                    print("\(file): differ at line \(d.line + 1)\n  \(d.against): \(d.expected)\n  \(d.configuration): \(d.found)")
                } else {
                    print("\(file): agree (\(reference.count) lines)")
                }
                // A driver that sees this process crash knows the module after the last line did it.
                fflush(nil)
            }
            if differing > 0 { throw ExitCode(1) }
        }
    }
}

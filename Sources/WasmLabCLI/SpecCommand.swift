import Platform
import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JIT
import SpecRunner
import WasmCore

struct SpecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spec",
        abstract: "Run .wast spec scripts (files or folders) and report every failing command.",
        discussion: """
            The feature set follows the testsuite set a file belongs to (a path containing \
            'wasm-2.0' runs under Wasm 2.0 rules) unless --features is given. The last line \
            reads 'N passed, N failed, N skipped', where skipped counts the expected failures \
            listed in the --expectations file.
            """)

    @OptionGroup var engine: EngineOptions

    @Option(help: "Feature set (wasm-2.0 or wasm-3.0); default: chosen per file from its testsuite set.")
    var features: FeatureSetOption?

    @Option(help: "Skip files whose name matches this glob (repeatable), e.g. 'simd_*'.")
    var exclude: [String] = []

    @Option(help: "File of expected failures (SET/FILE.wast:LINE per line).")
    var expectations: String?

    @Flag(help: "Print a line per file.")
    var verbose = false

    @Argument(help: "Script files or folders of .wast files.")
    var paths: [String]

    func run() throws {
        try reportingErrors {
            let files = try collectFiles()
            guard !files.isEmpty else { throw CLIError("no .wast files found in \(paths.joined(separator: " "))") }
            var expected = Expectations()
            if let expectations {
                expected = Expectations(text: String(decoding: try readFile(expectations), as: UTF8.self))
            }
            var passed = 0, failed = 0, skipped = 0
            for file in files {
                let source = String(decoding: try readFile(file), as: UTF8.self)
                let featureSet = features?.features ?? (file.contains("wasm-2.0") ? .wasm2 : .wasm3)
                let runner = SpecRunner(configuration: .init(
                    tier: engine.tier, bounds: engine.bounds, features: featureSet,
                    allowUnsafeStrategies: engine.allowUnsafe))
                let result = runner.run(source: source, file: file)
                var fileFailed = 0
                var failingKeys = Set<String>()
                for failure in result.failures {
                    let key = Expectations.key(file: file, line: failure.line)
                    failingKeys.insert(key)
                    if expected.contains(file: file, line: failure.line) {
                        skipped += 1
                    } else {
                        fileFailed += 1
                        print("FAIL \(failure)")
                    }
                }
                for key in expected.entries(for: file) where !failingKeys.contains(key) {
                    fileFailed += 1
                    print("FAIL \(key): listed as an expected failure but passes; remove it from \(expectations ?? "")")
                }
                passed += result.passed
                failed += fileFailed
                if verbose {
                    print("\(file): \(result.passed) passed, \(fileFailed) failed")
                }
            }
            print("tier \(engine.tier), bounds \(engine.bounds.rawValue), \(files.count) files")
            if let jit = [JITTier.shared, JITTier.arm64].first(where: { $0.name == engine.tier }) {
                let stats = jit.statistics
                print("\(jit.name): \(stats.compiledFunctions) functions compiled, \(stats.interpretedFunctions) left to the interpreter")
                if stats.parallelModules > 0 {
                    print("\(jit.name): \(stats.parallelModules) modules compiled in parallel (up to \(stats.workers) threads)")
                }
                for (reason, count) in stats.unsupported.sorted(by: { $0.value > $1.value }) {
                    print("  \(count) x \(reason)")
                }
            }
            print("\(passed) passed, \(failed) failed, \(skipped) skipped")
            if failed > 0 { throw ExitCode(1) }
        }
    }

    private func collectFiles() throws -> [String] {
        var files: [String] = []
        let fm = FileManager.default
        for path in paths {
            guard let directory = isDirectory(atPath: path) else { throw CLIError("no such file or folder '\(path)'") }
            if directory {
                let names = try fm.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".wast") }.sorted()
                files += names.map { (path.hasSuffix("/") ? path : path + "/") + $0 }
            } else {
                files.append(path)
            }
        }
        return files.filter { file in
            let name = String(file.split(separator: "/").last ?? "")
            return !exclude.contains { fnmatch($0, name, 0) == 0 }
        }
    }
}

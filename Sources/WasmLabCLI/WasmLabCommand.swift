import ArgumentParser
import SpecRunner
import JIT
import Tiers
import WasmRuntime

@main
struct WasmLabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wasmlab",
        abstract: "WasmLab: a WebAssembly research runtime.",
        version: VersionText.text,
        subcommands: [
            RunCommand.self, CompileCommand.self, SpecCommand.self, ValidateCommand.self, Wat2WasmCommand.self, ObjdumpCommand.self,
            CompileStatsCommand.self, DisasmCommand.self, ExploreCommand.self, BenchEngineCommand.self, BenchSchedCommand.self, ServeCommand.self,
            DiffCommand.self, SnapshotCommand.self,
        ])
}

/// `wasmlab --version`: the release, the source commit and what this build can run.
enum VersionText {
    static let release = "0.1.0"

    static var text: String {
        let strategies = BoundsStrategy.allCases
        let safe = strategies.filter { !$0.isUnsafe }.map(\.rawValue)
        let unsafe = strategies.filter(\.isUnsafe).map(\.rawValue)
        return """
            wasmlab \(release) (commit \(BuildInfo.commit))
            tiers: \(BuiltinTiers.names.joined(separator: ", "))
            jit isa: \(jitISA); jit-arm64: arm64 under emulation (\(JITTier.isARM64Supported ? "unicorn" : "needs libunicorn"))
            bounds strategies: \(safe.joined(separator: ", ")); unsafe, with --allow-unsafe: \(unsafe.joined(separator: ", "))
            features: wasm-2.0, wasm-3.0
            """
    }

    private static var jitISA: String {
        #if arch(x86_64)
        "x86-64"
        #else
        "none (the jit tier needs an x86-64 host)"
        #endif
    }
}

import ArgumentParser
import SpecRunner
import Tiers
import WasmRuntime

/// `wasmlab compile`: ahead-of-time compilation to a `.cwasm` file that `run` loads
/// without compiling.
struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile a module ahead of time into a .cwasm file for `wasmlab run`.",
        discussion: """
            The file holds the JIT's machine code for one bounds strategy, with a header \
            naming the wasmlab build, the instruction set, the strategy and the features; \
            `run` refuses a file made by another build or for another configuration, and a \
            damaged one (checksum). A .cwasm file is native code: run only files you compiled.
            e.g.  wasmlab compile app.wasm -o app.cwasm && wasmlab run app.cwasm
            """)

    @Option(help: "Memory bounds strategy (\(BoundsStrategy.allCases.map(\.rawValue).joined(separator: ", "))); default guard.")
    var bounds: BoundsStrategy = .guard

    @Flag(help: "Permit bounds strategies that give no isolation (unchecked).")
    var allowUnsafe = false

    @Flag(name: .customLong("fuel"), help: "Emit fuel counting, so that `run --fuel` can meter the code.")
    var countsFuel = false

    @Option(help: "Feature set (wasm-2.0 or wasm-3.0).")
    var features: FeatureSetOption = .wasm3

    @Option(name: .shortAndLong, help: "Output file (default: FILE with the extension .cwasm; '-' for standard output).")
    var output: String?

    @Argument(help: "The module file (.wasm or .wat).")
    var file: String

    /// Who made a precompiled module; loading requires the same build.
    static var producer: String { "wasmlab \(VersionText.release) (commit \(BuildInfo.commit))" }

    func run() throws {
        try reportingErrors {
            BuiltinTiers.register()
            guard BuiltinTiers.names.contains("jit") else { throw CLIError("the JIT tier is not available on this machine") }
            if bounds.isUnsafe && !allowUnsafe {
                throw CLIError("--bounds \(bounds.rawValue) gives no isolation; add --allow-unsafe to use it anyway")
            }
            let engine = try Engine(configuration: EngineConfiguration(
                tier: "jit", bounds: bounds, allowUnsafeStrategies: allowUnsafe, features: features.features,
                countsFuel: countsFuel))
            let bytes = try ModuleFile.read(file, features: features.features)
            let precompiled = try engine.precompile(bytes, producer: Self.producer)
            try OutputFile.write(precompiled, to: output ?? OutputFile.defaultPath(for: file, extension: "cwasm"))
        }
    }
}

import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Tiers
import WASI
import WasmRuntime

/// `wasmlab snapshot FILE --init NAME -o FILE.snap`: runs an initialisation export once and
/// writes the instance's state (Faasm's proto-sandbox) for `wasmlab run --snapshot`.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Run an export once and write the instance's state, for `wasmlab run --snapshot`.",
        discussion: """
            The file holds the memories (non-zero pages), mutable globals, tables (function \
            references as indices) and dropped segments, checked against the module's bytes. \
            `run --snapshot` then starts from that state without running the module's \
            segments, start function or the export again, on any tier and strategy.
            e.g.  wasmlab snapshot app.wasm --init setup -o app.snap && wasmlab run app.wasm --snapshot app.snap
            """)

    @OptionGroup var engine: EngineOptions

    @Option(name: .customLong("init"), help: "The export to run before the snapshot is taken (no arguments).")
    var initExport: String

    @Option(name: .shortAndLong, help: "Output file (default: FILE with the extension .snap; '-' for standard output).")
    var output: String?

    @Argument(help: "The module file (.wasm or .wat).")
    var file: String

    func run() throws {
        try reportingErrors {
            BuiltinTiers.register()
            let module = try ModuleFile.read(file, features: .wasm3)
            let engine = try Engine(configuration: EngineConfiguration(tier: self.engine.tier, bounds: self.engine.bounds,
                                                                       allowUnsafeStrategies: self.engine.allowUnsafe))
            let store = Store(engine: engine)
            let linker = Linker(store: store)
            let wasi = try WASI(configuration: .init(arguments: [URL(fileURLWithPath: file).lastPathComponent]))
            wasi.define(into: linker)
            let instance = try linker.instantiate(try engine.compile(module))
            guard let initialize = instance.function(initExport) else {
                throw CLIError("\(file) exports no function '\(initExport)'")
            }
            guard initialize.type.parameters.isEmpty else { throw CLIError("'\(initExport)' must take no arguments") }
            wasi.bind(instance)
            let status = try wasi.run { () throws(Trap) in _ = try initialize.invoke([]) }
            if wasi.exitCode != nil && status != 0 { throw CLIError("'\(initExport)' exited with \(status)") }
            let snapshot = try InstanceSnapshot(of: instance)
            try OutputFile.write(try snapshot.serialized(module: module),
                                 to: output ?? OutputFile.defaultPath(for: file, extension: "snap"))
        }
    }
}

import ArgumentParser

@main
struct WasmLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wasmlab",
        abstract: "WasmLab: a WebAssembly research runtime.",
        subcommands: [
            RunCommand.self, SpecCommand.self, ValidateCommand.self, Wat2WasmCommand.self, ObjdumpCommand.self,
            CompileStatsCommand.self, DisasmCommand.self, BenchEngineCommand.self, DiffCommand.self,
        ])
}

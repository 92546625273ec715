import ArgumentParser

@main
struct WasmLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wasmlab",
        abstract: "WasmLab: a WebAssembly research runtime.",
        subcommands: [
            RunCommand.self, SpecCommand.self, ValidateCommand.self, Wat2WasmCommand.self, ObjdumpCommand.self,
            CompileStatsCommand.self, DisasmCommand.self, BenchEngineCommand.self,
        ])

    /// `wasmlab run` with a plain command line skips ArgumentParser (see `RunFastPath`);
    /// errors end the process as ArgumentParser's `main` would end it.
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == "run", let invocation = RunFastPath.parse(arguments.dropFirst()) {
            do {
                try invocation.run()
            } catch {
                exit(withError: error)
            }
            return
        }
        main(nil)
    }
}

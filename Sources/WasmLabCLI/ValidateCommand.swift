import ArgumentParser
import WasmDecoder
import WasmValidator

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Decode and validate a module (.wasm or .wat).")

    @Option(help: "Feature set (wasm-2.0 or wasm-3.0).")
    var features: FeatureSetOption = .wasm3

    @Argument(help: "The module file.")
    var file: String

    func run() throws {
        try reportingErrors {
            let bytes = try ModuleFile.read(file, features: features.features)
            let module = try decodeModule(bytes, features: features.features)
            try validateModule(module, features: features.features)
            print("\(file): valid")
        }
    }
}

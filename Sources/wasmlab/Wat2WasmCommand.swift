import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WAT

struct Wat2WasmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wat2wasm", abstract: "Encode a text-format module as a binary module.")

    @Option(help: "Feature set (wasm-2.0 or wasm-3.0).")
    var features: FeatureSetOption = .wasm3

    @Flag(help: "Keep function identifiers ($name) in a name section.")
    var debugNames = false

    @Option(name: .shortAndLong, help: "Output file.")
    var output: String

    @Argument(help: "The .wat file.")
    var input: String

    func run() throws {
        try reportingErrors {
            guard let text = try? String(contentsOfFile: input, encoding: .utf8) else {
                throw CLIError("cannot read '\(input)'")
            }
            let bytes = try WAT.encode(text, features: features.features, debugNames: debugNames)
            guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
                throw CLIError("cannot write '\(output)'")
            }
        }
    }
}

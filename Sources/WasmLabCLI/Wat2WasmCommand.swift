import Platform
import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WAT
import WasmDecoder
import WasmValidator

struct Wat2WasmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wat2wasm", abstract: "Encode a text-format module as a binary module.",
        discussion: """
            The module is validated before it is written (--no-validate writes what the text \
            says, valid or not). Without -o, or with '-o -', the binary goes to standard output; \
            a path is written in place (symlinks followed, special files kept).
            """)

    @Option(help: "Feature set (wasm-2.0 or wasm-3.0).")
    var features: FeatureSetOption = .wasm3

    @Flag(help: "Keep function identifiers ($name) in a name section.")
    var debugNames = false

    @Flag(help: "Write the module without validating it.")
    var noValidate = false

    @Option(name: .shortAndLong, help: "Output file ('-' for standard output, the default).")
    var output: String?

    @Argument(help: "The .wat file.")
    var input: String

    func run() throws {
        try reportingErrors {
            let source = try readFile(input)
            if source.starts(with: [0x00, 0x61, 0x73, 0x6D]) {
                throw CLIError("'\(input)' is already a binary module (wat2wasm reads the text format)")
            }
            guard let text = String(validating: source, as: UTF8.self) else {
                throw CLIError("'\(input)' is not UTF-8 text")
            }
            let bytes = try ModuleFile.encode(text, path: input, features: features.features, debugNames: debugNames)
            if !noValidate {
                try validateModule(try decodeModule(bytes, features: features.features), features: features.features)
            }
            try OutputFile.write(bytes, to: output)
        }
    }
}

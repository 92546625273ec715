import Foundation
import Testing
import WAT
import WasmCore
import WasmDecoder
import WasmValidator

@Suite struct TestsuiteGCTests {
    static let features = WasmFeatures.wasm3.union(.gc)

    /// The wasm-3.0 scripts with GC text: types, instructions or reference types of the
    /// proposal.
    static func gcFiles() throws -> [URL] {
        let markers = [
            "(struct", "(array", "(rec", "(sub", "anyref", "eqref", "i31", "structref", "arrayref", "nullref",
            "ref.test", "ref.cast", "br_on_cast", "convert_extern", "convert_any", "(ref any)", "(ref eq)", "none",
        ]
        return try TestsuiteFiles.files(version: "wasm-3.0").filter { file in
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { return false }
            return file.lastPathComponent == "binary-gc.wast" || markers.contains { text.contains($0) }
        }
    }

    /// Every module of these scripts encodes; those the script expects to be valid decode
    /// and validate with GC enabled; quoted modules under assert_malformed fail to encode
    /// with the script's message.
    @Test func gcScriptsEncodeAndValidate() throws {
        let files = try Self.gcFiles()
        let names = Set(files.map { $0.deletingPathExtension().lastPathComponent })
        for expected in ["struct", "array", "i31", "ref_test", "ref_cast", "br_on_cast", "type-rec", "type-subtyping", "extern", "binary-gc"] {
            #expect(names.contains(expected), "\(expected).wast not selected")
        }
        let validated = run(files, checkMessages: true)
        #expect(validated > 200)
    }

    /// GC enabled, the other wasm-3.0 scripts still encode and validate (their malformed
    /// messages are the SIMD and memory wording, not judged here).
    @Test func allWasm3ScriptsEncodeAndValidateWithGC() throws {
        let validated = run(try TestsuiteFiles.files(version: "wasm-3.0"), checkMessages: false)
        #expect(validated > 2000)
    }

    /// Checks every command of `files`; returns how many modules validated.
    private func run(_ files: [URL], checkMessages: Bool) -> Int {
        var validated = 0
        for file in files {
            let script: WastScript
            do {
                script = try WAT.parseScript(try String(contentsOf: file, encoding: .utf8), features: Self.features)
            } catch {
                Issue.record("\(file.lastPathComponent): \(error)")
                continue
            }
            for command in script.commands {
                let location = "\(file.lastPathComponent):\(command.line)"
                if check(command, at: location, checkMessages: checkMessages) { validated += 1 }
            }
        }
        return validated
    }

    /// Judges one command; returns whether it was a module that validated.
    private func check(_ command: WastCommand, at location: String, checkMessages: Bool) -> Bool {
        switch command.kind {
        case .assertMalformed(.quote(let quoted), let message):
            do {
                _ = try WAT.encode(quoted, features: Self.features)
                Issue.record("\(location) should be malformed")
            } catch {
                if checkMessages { #expect(error.message.hasPrefix(message), "\(location): \(error.message)") }
            }
        case .assertInvalid(let source, _):
            _ = encoded(source, at: location)
        case .module(_, let source), .moduleDefinition(_, let source), .assertUnlinkable(let source, _),
            .assertUninstantiable(let source, _), .assertModuleTrap(let source, _):
            guard let bytes = encoded(source, at: location) else { return false }
            do {
                try validateModule(try decodeModule(bytes, features: Self.features), features: Self.features)
                return true
            } catch {
                Issue.record("\(location): \(error)")
            }
        default:
            break
        }
        return false
    }

    /// The binary of a script module, recording an issue when its text does not encode.
    private func encoded(_ source: ModuleSource, at location: String) -> [UInt8]? {
        switch source {
        case .binary(let bytes):
            return bytes
        case .quote(let quoted):
            do { return try WAT.encode(quoted, features: Self.features) } catch {
                Issue.record("\(location): \(error)")
                return nil
            }
        case .textError(let error):
            Issue.record("\(location): \(error)")
            return nil
        }
    }
}

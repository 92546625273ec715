import Foundation
import Testing
import WAT
import WasmCore

@Suite struct TestsuiteParseTests {
    /// Every wasm-2.0 script parses; text modules encode unless an assertion expects them
    /// malformed, and every quoted module under assert_malformed fails to encode.
    @Test func wasm2ScriptsParse() throws {
        let files = try TestsuiteFiles.files(version: "wasm-2.0")
        #expect(files.count > 100)
        for file in files {
            // SIMD instructions are not in the instruction table yet.
            let simd = file.lastPathComponent.hasPrefix("simd_")
            let text = try String(contentsOf: file, encoding: .utf8)
            let script: WastScript
            do {
                script = try WAT.parseScript(text, features: .wasm2)
            } catch {
                Issue.record("\(file.lastPathComponent): \(error)")
                continue
            }
            #expect(!script.commands.isEmpty)
            if simd { continue }
            for command in script.commands {
                let where_ = "\(file.lastPathComponent):\(command.line)"
                switch command.kind {
                case .assertMalformed(.quote(let quoted), let message):
                    do {
                        _ = try WAT.encode(quoted, features: .wasm2)
                        Issue.record("\(where_) should be malformed")
                    } catch {
                        #expect(error.kind == .malformed)
                        #expect(error.message.hasPrefix(message), "\(where_)")
                    }
                case .assertMalformed:
                    break
                case .module(_, let source), .assertInvalid(let source, _), .assertUnlinkable(let source, _),
                    .assertUninstantiable(let source, _), .assertModuleTrap(let source, _):
                    switch source {
                    case .textError(let error): Issue.record("\(where_): \(error)")
                    case .quote(let quoted):
                        do { _ = try WAT.encode(quoted, features: .wasm2) } catch { Issue.record("\(where_): \(error)") }
                    case .binary: break
                    }
                default:
                    break
                }
            }
        }
    }
}

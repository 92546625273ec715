import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WAT
import WasmCore

/// Reads a module from disk: `.wat` files are encoded with our text parser (keeping
/// function identifiers for backtraces and listings), anything else is taken as binary. Errors become one line on stderr and a non-zero exit.
enum ModuleFile {
    static func read(_ path: String, features: WasmFeatures) throws -> [UInt8] {
        try module(try readFile(path), path: path, features: features)
    }

    /// The binary module of `bytes` read from `path`: encoded first when it is text.
    static func module(_ bytes: [UInt8], path: String, features: WasmFeatures) throws -> [UInt8] {
        if path.hasSuffix(".wat") || path.hasSuffix(".wast") || !bytes.starts(with: [0x00, 0x61, 0x73, 0x6D]) && looksLikeText(bytes) {
            return try encode(String(decoding: bytes, as: UTF8.self), path: path, features: features, debugNames: true)
        }
        return bytes
    }

    /// Encodes text; an error in it reads `PATH:LINE:COLUMN: malformed module: MESSAGE`,
    /// followed by the offending token when the message does not show it.
    static func encode(_ text: String, path: String, features: WasmFeatures, debugNames: Bool) throws -> [UInt8] {
        do {
            return try WAT.encode(text, features: features, debugNames: debugNames)
        } catch {
            guard let line = error.offset else { throw error }
            let place = error.column.map { "\(path):\(line):\($0)" } ?? "\(path):\(line)"
            var message = error.message
            if let token = error.token, !message.contains(token) { message += " at '\(token)'" }
            throw CLIError("\(place): \(error.kindText): \(message)")
        }
    }

    private static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "(")
    }
}

/// An error that the CLI reports as one line on stderr.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`, turning every error into one line on stderr and exit status 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        writeStandardError("error: \(error)\n")
        throw ExitCode(1)
    }
}

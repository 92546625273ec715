import Foundation

/// Runs `llvm-mc --show-encoding` once on many snippets. Each snippet is one or more
/// instructions separated by `;`; the result has, per snippet, its instruction words (or
/// bytes) in order (empty when llvm-mc rejected it). Nil when llvm-mc is not installed.
enum LLVMMC {
    static let path = "/usr/bin/llvm-mc"

    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: path) }

    static func encodeAArch64(_ snippets: [String]) throws -> [[UInt32]]? {
        try encode(snippets, arguments: ["--triple=aarch64", "-mattr=+neon,+fp-armv8"])?.map { instructions in
            instructions.filter { $0.count == 4 }.map { $0.reversed().reduce(0) { $0 << 8 | UInt32($1) } }
        }
    }

    /// The same for x86-64 in Intel syntax: per snippet, its instructions' bytes, joined.
    static func encodeX64(_ snippets: [String]) throws -> [[UInt8]]? {
        try encode([".intel_syntax noprefix"] + snippets, arguments: ["--triple=x86_64"])?.dropFirst().map { $0.flatMap { $0 } }
    }

    /// Per snippet, the bytes of each instruction llvm-mc encoded.
    private static func encode(_ snippets: [String], arguments: [String]) throws -> [[[UInt8]]]? {
        guard isInstalled else { return nil }
        // A label before each snippet attributes the encodings that follow it: llvm-mc goes
        // on after a rejected line, so counting lines would misalign.
        var source = ""
        for (i, snippet) in snippets.enumerated() { source += "t\(i):\n\(snippet)\n" }
        let input = FileManager.default.temporaryDirectory
            .appendingPathComponent("wasmlab-mc-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).s")
        try source.write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments + ["--show-encoding", input.path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes before waiting: a full pipe would block llvm-mc.
        let errorData = ErrorCollector(errors.fileHandleForReading)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        _ = errorData.wait()

        var result = [[[UInt8]]](repeating: [], count: snippets.count)
        var current = -1
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("t"), line.hasSuffix(":"), let i = Int(line.dropFirst().dropLast()) {
                current = i
                continue
            }
            guard current >= 0, let range = line.range(of: "encoding: [") else { continue }
            let bytes = line[range.upperBound...].prefix { $0 != "]" }.split(separator: ",").compactMap {
                UInt8($0.trimmingCharacters(in: .whitespaces).dropFirst(2), radix: 16)
            }
            result[current].append(bytes)
        }
        return result
    }
}

/// Drains a pipe on another thread.
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

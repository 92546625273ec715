import Foundation

/// Runs `llvm-mc --triple=aarch64 --show-encoding` once on many snippets. Each snippet is
/// one or more instructions separated by `;`; the result has, per snippet, its instruction
/// words in order (empty when llvm-mc rejected it). Nil when llvm-mc is not installed.
enum LLVMMC {
    static let path = "/usr/bin/llvm-mc"

    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: path) }

    static func encodeAArch64(_ snippets: [String]) throws -> [[UInt32]]? {
        guard isInstalled else { return nil }
        // A label before each snippet attributes the encodings that follow it: llvm-mc goes
        // on after a rejected line, so counting lines would misalign.
        var source = ""
        for (i, snippet) in snippets.enumerated() { source += "t\(i):\n\(snippet)\n" }
        let input = FileManager.default.temporaryDirectory
            .appendingPathComponent("wasmlab-a64-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).s")
        try source.write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--triple=aarch64", "-mattr=+neon,+fp-armv8", "--show-encoding", input.path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes before waiting: a full pipe would block llvm-mc.
        let errorData = ErrorCollector(errors.fileHandleForReading)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        _ = errorData.wait()

        var result = [[UInt32]](repeating: [], count: snippets.count)
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
            guard bytes.count == 4 else { continue }
            result[current].append(bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) })
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

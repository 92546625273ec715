import Foundation

/// Finds the official spec testsuite: `$WASMLAB_TESTSUITE`, then `Spec/testsuite/` in
/// the package, then `shared/wasm-testsuite` beside the package or one of its parents.
enum TestsuiteLocator {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The directory holding `wasm-2.0/` (and `wasm-3.0/`), or nil when none is found.
    static func locate() -> URL? {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["WASMLAB_TESTSUITE"], !env.isEmpty {
            candidates.append(URL(fileURLWithPath: env))
        }
        candidates.append(packageRoot.appendingPathComponent("Spec/testsuite"))
        var dir = packageRoot
        for _ in 0..<3 {
            dir = dir.deletingLastPathComponent()
            candidates.append(dir.appendingPathComponent("shared/wasm-testsuite"))
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("wasm-2.0").path) }
    }

    /// The .wast files of one testsuite version, sorted by name.
    static func files(version: String) throws -> [URL] {
        guard let root = locate() else { throw LocatorError.notFound }
        let dir = root.appendingPathComponent(version)
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "wast" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    enum LocatorError: Error, CustomStringConvertible {
        case notFound
        var description: String {
            "spec testsuite not found: set WASMLAB_TESTSUITE to the folder containing wasm-2.0/"
        }
    }
}

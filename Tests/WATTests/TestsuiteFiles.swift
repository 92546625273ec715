import Foundation
import TestSupport

/// The .wast files of one testsuite set, sorted by name.
enum TestsuiteFiles {
    static func files(version: String) throws -> [URL] {
        let directory = URL(fileURLWithPath: try TestsuiteLocator.directory(version, forSourceFile: #filePath))
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "wast" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}

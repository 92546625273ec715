/// Finds the official spec testsuite. Order (Docs/Design.md): `$WASMLAB_TESTSUITE`,
/// `Spec/testsuite/` (filled by Spec/fetch-testsuite), then `../shared/wasm-testsuite/`
/// beside the package. A missing testsuite is an error, never a silent skip.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum TestsuiteLocator {
    public struct NotFound: Error, CustomStringConvertible {
        public var tried: [String]
        public var description: String {
            "spec testsuite not found; tried: " + tried.joined(separator: ", ")
                + " (set WASMLAB_TESTSUITE or run Spec/fetch-testsuite)"
        }
    }

    /// The testsuite root (the folder holding `wasm-2.0/` and `wasm-3.0/`).
    /// - Parameter packageRoot: the folder of Package.swift.
    public static func locate(packageRoot: String) throws(NotFound) -> String {
        var candidates: [String] = []
        if let env = getenv("WASMLAB_TESTSUITE") { candidates.append(String(cString: env)) }
        candidates.append(packageRoot + "/Spec/testsuite")
        candidates.append(packageRoot + "/../shared/wasm-testsuite")
        for path in candidates where isDirectory(path + "/wasm-2.0") { return path }
        throw NotFound(tried: candidates)
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}

import Platform

/// Finds the official spec testsuite, for every test that reads it (tools/testsuite-path
/// is the same search for scripts). Order: `$WASMLAB_TESTSUITE`, `Spec/testsuite/` (filled
/// by Spec/fetch-testsuite), then `shared/wasm-testsuite/` beside the package or beside one
/// of its ancestors (a worktree sits deeper than the main checkout). A missing testsuite is
/// an error, never a silent skip.
public enum TestsuiteLocator {
    /// No testsuite at any of the places tried.
    public struct NotFound: Error, CustomStringConvertible {
        /// The places looked at, in order.
        public var tried: [String]
        /// The places tried and how to provide the testsuite.
        public var description: String {
            "spec testsuite not found; tried: " + tried.joined(separator: ", ")
                + " (set WASMLAB_TESTSUITE or run Spec/fetch-testsuite)"
        }
    }

    /// The testsuite root (the folder holding `wasm-2.0/` and `wasm-3.0/`).
    /// - Parameter packageRoot: the folder of Package.swift.
    public static func locate(packageRoot: String) throws(NotFound) -> String {
        var candidates: [String] = []
        if let env = getenv("WASMLAB_TESTSUITE"), env.pointee != 0 { candidates.append(String(cString: env)) }
        candidates.append(packageRoot + "/Spec/testsuite")
        var dir = packageRoot
        while let slash = dir.lastIndex(of: "/"), slash != dir.startIndex {
            dir = String(dir[..<slash])
            candidates.append(dir + "/shared/wasm-testsuite")
        }
        for path in candidates where isDirectory(path + "/wasm-2.0") { return path }
        throw NotFound(tried: candidates)
    }

    /// The testsuite for the package whose source file `filePath` is (pass `#filePath`).
    public static func locate(forSourceFile filePath: String) throws(NotFound) -> String {
        try locate(packageRoot: packageRoot(of: filePath))
    }

    /// `set` ("wasm-2.0" or "wasm-3.0") of the testsuite for `filePath`'s package.
    public static func directory(_ set: String, forSourceFile filePath: String) throws(NotFound) -> String {
        try locate(forSourceFile: filePath) + "/" + set
    }

    /// The nearest folder above `filePath` that holds a Package.swift.
    public static func packageRoot(of filePath: String) -> String {
        var dir = filePath
        while let slash = dir.lastIndex(of: "/"), slash != dir.startIndex {
            dir = String(dir[..<slash])
            if access(dir + "/Package.swift", F_OK) == 0 { return dir }
        }
        return "."
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}

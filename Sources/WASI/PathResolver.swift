import Platform

/// Where a guest path leads: a host directory descriptor and one final name to use with
/// the `*at` calls (`openat`, `fstatat`, `unlinkat`, ...), always in their no-follow forms.
/// The name is never empty, never "..", and contains no '/'; it is "." when the path
/// names the directory itself.
public final class ResolvedPath {
    /// The directory to pass as `dirfd`.
    public let directory: Int32
    /// The final component, NUL-terminated for C.
    let cName: [CChar]
    /// Whether the path ended in '/' (the target must be a directory).
    public let requiresDirectory: Bool
    private let ownsDirectory: Bool

    init(directory: Int32, owns: Bool, name: [UInt8], requiresDirectory: Bool) {
        self.directory = directory
        self.ownsDirectory = owns
        self.cName = name.map { CChar(bitPattern: $0) } + [0]
        self.requiresDirectory = requiresDirectory
    }

    deinit { if ownsDirectory { _ = close(directory) } }

    /// The final component.
    public var name: String { String(decoding: cName.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self) }
}

/// Resolves guest paths inside a preopened directory, one component at a time, so that
/// no path can reach outside it.
///
/// Why this is safe: the walk starts at the preopen's descriptor and only ever descends
/// with `openat(dir, component, O_DIRECTORY | O_NOFOLLOW)`, which the kernel refuses to
/// do through a symlink. Symlinks are read with `readlinkat` and their targets spliced
/// into the remaining components, so they go through the same checks; `..` pops the
/// stack of directories opened so far and is refused (`notcapable`) at the preopen
/// itself; absolute paths and absolute symlink targets are refused. The final component
/// is handed to a no-follow `*at` call, so a symlink swapped in after the check is never
/// followed either.
public enum PathResolver {
    /// Symlinks expanded during one resolution before `loop` (Linux's limit).
    public static let maxSymlinks = 40
    /// Longest path accepted (bytes).
    public static let maxPathLength = 4096

    #if os(Linux)
    /// O_PATH: a handle good only for `*at` calls, needing search (not read) permission.
    private static let directoryOpenFlags: Int32 = 0o10000000 | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
    #else
    private static let directoryOpenFlags: Int32 = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
    #endif

    /// Resolves `path` (guest bytes) relative to the host directory `root`.
    ///
    /// - Parameter followFinalSymlink: whether a symlink in the last position is followed
    ///   (WASI's `lookupflags.symlink_follow`); intermediate symlinks always are.
    /// - Throws: `noent` (empty path), `inval` (NUL byte), `ilseq` (not UTF-8),
    ///   `nametoolong`, `notcapable` (absolute, or escaping the preopen), `loop`, or the
    ///   host's error for a missing or non-directory component.
    public static func resolve(_ path: [UInt8], in root: Int32, followFinalSymlink: Bool) throws(WASIErrno) -> ResolvedPath {
        try validate(path)
        let trailingSlash = path.last == UInt8(ascii: "/")
        let follow = followFinalSymlink || trailingSlash
        var pending = components(path).reversed() as [[UInt8]]
        var opened: [Int32] = []  // directories below `root` we descended into, innermost last
        defer { for fd in opened { _ = close(fd) } }
        var symlinks = 0

        func finish(_ name: [UInt8]) -> ResolvedPath {
            guard let last = opened.popLast() else {
                return ResolvedPath(directory: root, owns: false, name: name, requiresDirectory: trailingSlash)
            }
            return ResolvedPath(directory: last, owns: true, name: name, requiresDirectory: trailingSlash)
        }
        func expand(_ target: [UInt8]) throws(WASIErrno) {
            symlinks += 1
            guard symlinks <= maxSymlinks else { throw .loop }
            guard !target.isEmpty else { throw .noent }
            guard target.first != UInt8(ascii: "/") else { throw .notcapable }
            pending.append(contentsOf: components(target).reversed())
        }

        while let component = pending.popLast() {
            let isLast = pending.isEmpty
            let current = opened.last ?? root
            if component == [UInt8(ascii: ".")] {
                if isLast { return finish(component) }
                continue
            }
            if component == [UInt8(ascii: "."), UInt8(ascii: ".")] {
                guard let parent = opened.popLast() else { throw .notcapable }
                _ = close(parent)
                if isLast { return finish([UInt8(ascii: ".")]) }
                continue
            }
            if isLast {
                if follow, let target = readLink(component, in: current) {
                    try expand(target)
                    continue
                }
                return finish(component)
            }
            let fd = withCString(component) { name in openat(current, name, directoryOpenFlags) }
            if fd >= 0 {
                opened.append(fd)
                continue
            }
            let error = errno
            if error == ELOOP || error == ENOTDIR || error == EMLINK, let target = readLink(component, in: current) {
                try expand(target)
                continue
            }
            throw WASIErrno(hostErrno: error)
        }
        // Only a path made of "/" separators ends here (e.g. "./" reduced to nothing).
        return finish([UInt8(ascii: ".")])
    }

    /// Rejects paths no resolution should look at.
    static func validate(_ path: [UInt8]) throws(WASIErrno) {
        guard !path.isEmpty else { throw .noent }
        guard path.count <= maxPathLength else { throw .nametoolong }
        guard !path.contains(0) else { throw .inval }
        guard String(validating: path, as: UTF8.self) != nil else { throw .ilseq }
        guard path.first != UInt8(ascii: "/") else { throw .notcapable }
    }

    /// The non-empty components of a path ("a//b/" -> ["a", "b"]).
    static func components(_ path: [UInt8]) -> [[UInt8]] {
        path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
    }

    /// The target of the symlink `name` in `directory`, or nil when it is not a symlink.
    static func readLink(_ name: [UInt8], in directory: Int32) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: maxPathLength + 1)
        let length = withCString(name) { cName in
            buffer.withUnsafeMutableBufferPointer { b in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { readlinkat(directory, cName, $0, b.count) }
            }
        }
        guard length >= 0, length <= maxPathLength else { return nil }
        return Array(buffer[0..<length])
    }

    static func withCString<R, E: Error>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) throws(E) -> R) throws(E) -> R {
        let cString = bytes.map { CChar(bitPattern: $0) } + [0]
        return try cString.withUnsafeBufferPointer { (b) throws(E) -> R in try body(b.baseAddress!) }
    }
}

extension ResolvedPath {
    /// Runs `body` with the final name as a C string.
    func withName<R>(_ body: (UnsafePointer<CChar>) throws(WASIErrno) -> R) throws(WASIErrno) -> R {
        try cName.withUnsafeBufferPointer { (b) throws(WASIErrno) -> R in try body(b.baseAddress!) }
    }
}

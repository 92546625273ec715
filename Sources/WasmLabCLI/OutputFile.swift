import Platform

/// Where a command writes its output: a path, written in place, or standard output.
///
/// A path is opened, truncated and written: symlinks are followed and special files
/// (`/dev/stdout`, `/dev/null`, a pipe) stay what they are. Nothing is renamed over the
/// path, so a failed write leaves it truncated but never replaced by another file.
enum OutputFile {
    /// `file` with its extension replaced by `suffix` (added when it has none):
    /// `app.wasm` -> `app.cwasm`.
    static func defaultPath(for file: String, extension suffix: String) -> String {
        let name = file.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? file
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return file + "." + suffix }
        return String(file.dropLast(name.distance(from: dot, to: name.endIndex))) + "." + suffix
    }

    /// `-` or nil: standard output.
    static func write(_ bytes: [UInt8], to path: String?) throws {
        guard let path, path != "-" else {
            try write(bytes, toDescriptor: 1, name: "standard output")
            return
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw CLIError("cannot write '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try write(bytes, toDescriptor: fd, name: "'\(path)'")
    }

    private static func write(_ bytes: [UInt8], toDescriptor fd: Int32, name: String) throws {
        let error = bytes.withUnsafeBytes { writeAll($0, to: fd) }
        guard error == 0 else { throw CLIError("cannot write \(name): \(String(cString: strerror(error)))") }
    }
}

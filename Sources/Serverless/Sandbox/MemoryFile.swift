import Platform

@_extern(c, "memfd_create") private func memfd_create(_ name: UnsafePointer<CChar>, _ flags: UInt32) -> Int32

/// An anonymous in-memory file (`memfd_create`) standing in for a sandbox's stdin, stdout
/// or stderr: the guest reads and writes it through WASI like any descriptor, and nothing
/// blocks (a pipe would stall a guest that writes more than the pipe holds while nobody
/// reads). An output file has a size cap: the file is sized to it and sealed against
/// growing, so writes past it fail in the guest instead of filling the host's memory.
final class MemoryFile: Sendable {
    let fd: Int32

    private static let cloexec: UInt32 = 1, allowSealing: UInt32 = 2
    private static let addSeals: Int32 = 1033, sealShrink: Int32 = 2, sealGrow: Int32 = 4

    /// A file holding `contents`, positioned at its start (stdin).
    init?(contents: [UInt8]) {
        fd = "wasmlab-stdin".withCString { memfd_create($0, Self.cloexec) }
        guard fd >= 0 else { return nil }
        var written = 0
        while written < contents.count {
            let n = contents.withUnsafeBytes { write(fd, $0.baseAddress! + written, contents.count - written) }
            guard n > 0 else {
                close(fd)
                return nil
            }
            written += n
        }
        lseek(fd, 0, SEEK_SET)
    }

    /// An empty file that takes at most `capacity` bytes (stdout, stderr).
    init?(capacity: Int) {
        fd = "wasmlab-out".withCString { memfd_create($0, Self.cloexec | Self.allowSealing) }
        guard fd >= 0 else { return nil }
        guard ftruncate(fd, off_t(capacity)) == 0, fcntl(fd, Self.addSeals, Self.sealGrow | Self.sealShrink) == 0 else {
            close(fd)
            return nil
        }
    }

    deinit { close(fd) }

    /// What was written from the start up to the current position (the guest's writes).
    func written() -> [UInt8] {
        let end = Int(lseek(fd, 0, SEEK_CUR))
        guard end > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: end)
        var done = 0
        while done < end {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, end - done, off_t(done)) }
            guard n > 0 else { break }
            done += n
        }
        return Array(bytes.prefix(done))
    }

    /// Whether the guest filled the file to its cap (its output was cut).
    func isFull(capacity: Int) -> Bool { Int(lseek(fd, 0, SEEK_CUR)) >= capacity }
}

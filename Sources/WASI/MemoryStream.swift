import Platform

/// A guest descriptor backed by host memory instead of a host file: a request body read
/// as stdin, a response collected from stdout. No system call per read or write, nothing
/// to create or close per sandbox. It behaves as a regular file (reads, writes, seeks,
/// its size in `fd_filestat_get`); an output stream has a size limit past which writes
/// fail (`EFBIG`) and `isTruncated` is set, so a guest cannot fill the host's memory.
public final class MemoryStream: @unchecked Sendable {
    /// The stream's contents.
    public private(set) var bytes: [UInt8]
    /// Most bytes the stream may hold.
    public let limit: Int
    /// Whether a write went past `limit` (and was cut).
    public private(set) var isTruncated = false
    /// Where the next read or write starts.
    var position = 0

    /// A stream holding `contents`, positioned at its start (stdin).
    public init(contents: [UInt8]) {
        bytes = contents
        limit = contents.count
    }

    /// An empty stream that takes at most `limit` bytes (stdout, stderr).
    public init(limit: Int) {
        bytes = []
        self.limit = max(limit, 0)
    }

    /// The contents, leaving the stream empty with its position at the start (an output
    /// stream used again).
    public func take() -> [UInt8] {
        defer {
            bytes = []
            position = 0
            isTruncated = false
        }
        return bytes
    }

    /// Bytes between the position and the end.
    var remaining: Int { max(bytes.count - position, 0) }

    /// Copies into the buffers from `offset` (the position when nil, which then advances).
    func read(into buffers: [iovec], at offset: Int?) -> Int {
        var at = offset ?? position, done = 0
        for buffer in buffers where at < bytes.count {
            let n = min(buffer.iov_len, bytes.count - at)
            bytes.withUnsafeBytes { source in
                buffer.iov_base?.copyMemory(from: source.baseAddress! + at, byteCount: n)
            }
            at += n
            done += n
        }
        if offset == nil { position = at }
        return done
    }

    /// Copies from the buffers to `offset` (the position when nil, which then advances),
    /// up to the limit; fails with `fbig` when nothing fits.
    func write(from buffers: [iovec], at offset: Int?) throws(WASIErrno) -> Int {
        var at = offset ?? position, done = 0
        let wanted = buffers.reduce(0) { $0 + $1.iov_len }
        guard wanted > 0 else { return 0 }
        guard at < limit else {
            isTruncated = true
            throw .fbig
        }
        if wanted > limit - at { isTruncated = true }
        if at > bytes.count { bytes.append(contentsOf: repeatElement(0, count: at - bytes.count)) }
        for buffer in buffers {
            let n = min(buffer.iov_len, limit - at)
            guard n > 0, let base = buffer.iov_base else { continue }
            let source = UnsafeRawBufferPointer(start: base, count: n)
            let overlap = min(n, bytes.count - at)
            if overlap > 0 { bytes.replaceSubrange(at ..< at + overlap, with: source.prefix(overlap)) }
            if n > overlap { bytes.append(contentsOf: source.dropFirst(overlap)) }
            at += n
            done += n
        }
        if offset == nil { position = at }
        return done
    }

    /// Moves the position (`whence` as lseek's) and returns it.
    func seek(_ offset: Int64, whence: Int32) throws(WASIErrno) -> UInt64 {
        let base: Int64
        switch whence {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = Int64(position)
        default: base = Int64(bytes.count)
        }
        let (target, overflow) = base.addingReportingOverflow(offset)
        guard !overflow, target >= 0, target <= Int64(Int32.max) else { throw .inval }
        position = Int(target)
        return UInt64(target)
    }
}

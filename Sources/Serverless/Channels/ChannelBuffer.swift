import Platform

/// One message on a named channel: its bytes in an in-memory file, so that a receiver can
/// have them mapped into its memory instead of copied (`receive_mapped`).
final class ChannelBuffer: @unchecked Sendable {
    /// The message's length in bytes.
    let count: Int
    /// The file, `mappedSize` bytes: `count` rounded up to the system page (-1: empty).
    let fd: Int32
    let mappedSize: Int

    /// A buffer holding the `count` bytes at `bytes` (copied once, into the file); nil
    /// when the system refuses the file.
    convenience init?(_ bytes: UnsafeRawPointer, count: Int) {
        self.init(count: count)
        var done = 0
        while done < count {
            let n = pwrite(fd, bytes + done, count - done, off_t(done))
            guard n > 0 else { return nil }
            done += n
        }
    }

    /// An empty buffer of `count` bytes for a sender to fill in place (`alloc`); nil when
    /// the system refuses the file.
    init?(count: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        self.count = count
        mappedSize = (count + page - 1) / page * page
        guard count > 0 else {
            fd = -1
            return
        }
        fd = "wasmlab-channel".withCString { memfd_create($0, MFD_CLOEXEC) }
        guard fd >= 0 else { return nil }
        guard ftruncate(fd, off_t(mappedSize)) == 0 else {
            close(fd)
            return nil
        }
    }

    /// The first `count` bytes as a message of their own (the same file).
    private init(sharing other: ChannelBuffer, count: Int) {
        self.count = count
        mappedSize = other.mappedSize
        fd = other.fd >= 0 ? dup(other.fd) : -1
    }

    /// This buffer's first `count` bytes as a message; nil when the system refuses.
    func prefix(_ count: Int) -> ChannelBuffer? {
        let message = ChannelBuffer(sharing: self, count: count)
        return message.fd >= 0 || count == 0 ? message : nil
    }

    /// Copies the message to `destination` (room for `count` bytes).
    func copy(to destination: UnsafeMutableRawPointer) -> Bool {
        var done = 0
        while done < count {
            let n = pread(fd, destination + done, count - done, off_t(done))
            guard n > 0 else { return false }
            done += n
        }
        return true
    }

    deinit { if fd >= 0 { close(fd) } }
}

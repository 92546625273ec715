import Platform

// The CLI talks to the host through libc rather than Foundation's FileHandle/Thread:
// importing Foundation (instead of FoundationEssentials) links Foundation,
// FoundationInternationalization and ICU into the process, and loading and relocating
// them was a large part of `wasmlab run`'s start-up (see "Start-up" in Docs/Design.md).

/// Writes `text` to standard error unbuffered, as `FileHandle.standardError.write` did.
func writeStandardError(_ text: String) { writeUnbuffered(text, to: 2) }

/// Writes `text` to standard output unbuffered: in order with what a guest writes to fd 1.
func writeStandardOutput(_ text: String) { writeUnbuffered(text, to: 1) }

private func writeUnbuffered(_ text: String, to fd: Int32) {
    var text = text
    _ = text.withUTF8 { writeAll(UnsafeRawBufferPointer($0), to: fd) }
}

/// Writes all of `bytes` to `fd`, again after EINTR; returns 0, or the errno that stopped it.
@discardableResult
func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Int32 {
    var offset = 0
    while offset < bytes.count {
        let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if written > 0 {
            offset += written
        } else if written < 0 && errno == EINTR {
            continue
        } else {
            return written < 0 ? errno : EIO
        }
    }
    return 0
}

/// Runs `body` once on a new detached thread (the timeout timer of `wasmlab run`).
func spawnDetachedThread(_ body: @escaping @Sendable () -> Void) {
    final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    #if canImport(Glibc)
    var thread = pthread_t()
    #else
    var thread: pthread_t?
    #endif
    let started = pthread_create(&thread, nil, { raw in
        #if canImport(Glibc)
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        #else
        let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
        #endif
        box.body()
        return nil
    }, context)
    if started == 0 {
        pthread_detach(thread)
    } else {
        Unmanaged<Box>.fromOpaque(context).release()
    }
}

/// Sleeps for `seconds` (fractions allowed), resuming after signals.
func sleepSeconds(_ seconds: Double) {
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}

/// Whether `path` names a directory (following symbolic links); nil when nothing is there.
func isDirectory(atPath path: String) -> Bool? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return (info.st_mode & S_IFMT) == S_IFDIR
}

/// The whole file at `path` ("-": standard input); the error names the path and the OS reason.
func readFile(_ path: String) throws(CLIError) -> [UInt8] {
    let fd = path == "-" ? dup(0) : open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw CLIError("cannot read '\(path)': \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
            bytes.append(contentsOf: chunk[..<count])
        } else if count == 0 {
            return bytes
        } else if errno != EINTR {
            throw CLIError("cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
    }
}

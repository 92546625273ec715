import Platform
import WasmCore
import WasmRuntime

// poll_oneoff and sock_*.
extension WASI {
    static func pollAndSocketFunctions() -> [(String, [ValueType], HostBody)] {
        [
            ("poll_oneoff", [.i32, .i32, .i32, .i32], { wasi, a in
                try wasi.pollOneoff(subscriptions: a.u32(0), events: a.u32(1), count: a.u32(2), eventCount: a.u32(3))
            }),
            ("sock_accept", [.i32, .i32, .i32], { wasi, a in try wasi.socketAccept(a.u32(0), flags: a.u32(1), result: a.u32(2)) }),
            ("sock_recv", [.i32, .i32, .i32, .i32, .i32, .i32], { wasi, a in try wasi.socketReceive(a) }),
            ("sock_send", [.i32, .i32, .i32, .i32, .i32], { wasi, a in try wasi.socketSend(a) }),
            ("sock_shutdown", [.i32, .i32], { wasi, a in
                let entry = try wasi.socket(a.u32(0), need: .sockShutdown)
                let how: Int32
                switch UInt8(truncatingIfNeeded: a.u32(1)) {
                case WASIFlags.shutRead: how = Int32(SHUT_RD)
                case WASIFlags.shutWrite: how = Int32(SHUT_WR)
                case WASIFlags.shutRead | WASIFlags.shutWrite: how = Int32(SHUT_RDWR)
                default: throw WASIErrno.inval
                }
                _ = try sys { shutdown(entry.hostFD, how) }
            }),
        ]
    }

    /// One subscription as read from the guest.
    private struct Subscription {
        var userdata: UInt64
        var type: UInt8
        var fd: UInt32 = 0
        /// Clock deadline in nanoseconds of monotonic time.
        var deadline: UInt64 = 0
    }

    /// Waits until at least one subscription fires; writes one event per ready
    /// subscription. Clocks become a poll timeout; descriptors go to the host `poll`.
    /// Regular files are always ready (as POSIX says). Errors in one subscription (bad
    /// fd, unknown clock) are reported in its event, not as the call's result.
    private func pollOneoff(subscriptions: UInt32, events: UInt32, count: UInt32, eventCount: UInt32) throws {
        guard count > 0 else { throw WASIErrno.inval }
        let memory = try guestMemory()
        guard UInt64(count) * UInt64(WASILayout.subscriptionSize) <= UInt64(memory.size),
              UInt64(count) * UInt64(WASILayout.eventSize) <= UInt64(memory.size) else { throw WASIErrno.fault }
        _ = try memory.bytes(subscriptions, count * UInt32(WASILayout.subscriptionSize))
        _ = try memory.bytes(events, count * UInt32(WASILayout.eventSize))

        var ready: [(userdata: UInt64, error: WASIErrno, type: UInt8, bytes: UInt64, flags: UInt16)] = []
        var clocks: [Subscription] = []
        var waiting: [(Subscription, FileDescriptorEntry)] = []
        let now = try Self.clockNow(1)
        for i in 0..<count {
            let p = subscriptions + i * UInt32(WASILayout.subscriptionSize)
            var s = Subscription(userdata: try memory.load(p), type: try memory.load(p + 8))
            switch s.type {
            case WASIFlags.eventClock:
                let id: UInt32 = try memory.load(p + 16)
                let timeout: UInt64 = try memory.load(p + 24)
                let flags: UInt16 = try memory.load(p + 40)
                do {
                    if flags & WASIFlags.subscriptionClockAbstime != 0 {
                        // Convert an absolute time on clock `id` to monotonic time.
                        let clockNow = try Self.clockNow(id)
                        s.deadline = timeout > clockNow ? now &+ (timeout - clockNow) : now
                    } else {
                        _ = try Self.hostClock(id)
                        s.deadline = now.addingReportingOverflow(timeout).overflow ? UInt64.max : now + timeout
                    }
                    clocks.append(s)
                } catch {
                    ready.append((s.userdata, error, s.type, 0, 0))
                }
            case WASIFlags.eventFdRead, WASIFlags.eventFdWrite:
                s.fd = try memory.load(p + 16)
                do {
                    let entry = try table.get(s.fd)
                    try entry.require(.pollFdReadwrite)
                    if entry.fileType == .regularFile {
                        let left = entry.stream.map { UInt64($0.remaining) } ?? Self.bytesLeft(entry.hostFD)
                        ready.append((s.userdata, .success, s.type, s.type == WASIFlags.eventFdRead ? left : 0, 0))
                    } else {
                        waiting.append((s, entry))
                    }
                } catch {
                    ready.append((s.userdata, error, s.type, 0, 0))
                }
            default:
                throw WASIErrno.inval
            }
        }

        // Wait for descriptors, at most until the earliest clock (not at all if something is ready).
        let earliest = clocks.map(\.deadline).min()
        var timeoutMs: Int32 = -1
        if !ready.isEmpty {
            timeoutMs = 0
        } else if let earliest {
            let remaining = earliest > now ? earliest - now : 0
            timeoutMs = Int32(clamping: (remaining + 999_999) / 1_000_000)
        }
        var fds = waiting.map { s, entry in
            pollfd(fd: entry.hostFD, events: Int16(s.type == WASIFlags.eventFdRead ? POLLIN : POLLOUT), revents: 0)
        }
        if !fds.isEmpty || timeoutMs > 0 {
            // Wait in slices so that Store.interrupt() (--timeout) also ends a guest that sleeps.
            var left = timeoutMs
            while true {
                let slice = left < 0 ? Self.waitSlice : min(left, Self.waitSlice)
                // poll with no descriptors is a plain sleep.
                let wait = configuration.wait
                let result = fds.withUnsafeMutableBufferPointer { buffer in
                    wait.map { $0(buffer, slice) } ?? poll(buffer.baseAddress, nfds_t(buffer.count), slice)
                }
                if result < 0 && errno != EINTR { throw WASIErrno.current }
                if result > 0 { break }
                if let store, store.stack.interruptFlag.pointee & ExecutionStack.interruptBit != 0 { throw TrapReason.interrupted }
                if result == 0 && left >= 0 {
                    left -= slice
                    if left <= 0 { break }
                }
            }
        }
        for (i, (s, entry)) in waiting.enumerated() where fds[i].revents != 0 {
            let revents = Int32(fds[i].revents)
            if revents & Int32(POLLNVAL) != 0 {
                ready.append((s.userdata, .badf, s.type, 0, 0))
            } else {
                let hangup: UInt16 = revents & Int32(POLLHUP) != 0 ? WASIFlags.fdReadwriteHangup : 0
                let bytes: UInt64 = s.type == WASIFlags.eventFdRead ? Self.bytesLeft(entry.hostFD) : 0
                ready.append((s.userdata, .success, s.type, bytes, hangup))
            }
        }
        let after = try Self.clockNow(1)
        for s in clocks where s.deadline <= after || (ready.isEmpty && s.deadline == earliest) {
            ready.append((s.userdata, .success, s.type, 0, 0))
        }

        for (i, event) in ready.enumerated() {
            let p = events + UInt32(i) * UInt32(WASILayout.eventSize)
            _ = try memory.bytes(p, UInt32(WASILayout.eventSize)).initializeMemory(as: UInt8.self, repeating: 0)
            try memory.store(event.userdata, at: p)
            try memory.store(event.error.rawValue, at: p + 8)
            try memory.store(event.type, at: p + 10)
            try memory.store(event.bytes, at: p + 16)
            try memory.store(event.flags, at: p + 24)
        }
        try memory.store(UInt32(ready.count), at: eventCount)
    }

    /// Longest uninterrupted wait in poll_oneoff (milliseconds).
    static let waitSlice: Int32 = 50

    /// Bytes between a regular file's position and its end (0 for anything else).
    private static func bytesLeft(_ fd: Int32) -> UInt64 {
        var st = stat()
        let position = lseek(fd, 0, SEEK_CUR)
        guard fstat(fd, &st) == 0, position >= 0, st.st_mode & S_IFMT == S_IFREG, st.st_size > position else { return 0 }
        return UInt64(st.st_size - position)
    }

    private func socket(_ fd: UInt32, need: WASIRights) throws(WASIErrno) -> FileDescriptorEntry {
        let entry = try table.get(fd)
        guard entry.fileType == .socketStream || entry.fileType == .socketDgram else { throw .notsock }
        try entry.require(need)
        return entry
    }

    private func socketAccept(_ fd: UInt32, flags: UInt32, result: UInt32) throws(WASIErrno) {
        let listener = try socket(fd, need: .sockAccept)
        guard UInt16(truncatingIfNeeded: flags) & ~WASIFlags.nonblock == 0 else { throw .inval }
        let connection = try sys { accept(listener.hostFD, nil, nil) }
        _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
        if UInt16(truncatingIfNeeded: flags) & WASIFlags.nonblock != 0 {
            _ = fcntl(connection, F_SETFL, fcntl(connection, F_GETFL) | O_NONBLOCK)
        }
        let entry = FileDescriptorEntry(hostFD: connection, fileType: .socketStream,
                                        rights: WASIRights.socketBase.subtracting(.sockAccept), inheriting: [])
        let newFD = try table.insert(entry)
        do {
            try guestMemory().store(newFD, at: result)
        } catch {
            _ = try? table.remove(newFD)
            throw error
        }
    }

    /// sock_recv(fd, ri_data, ri_data_len, ri_flags, ro_datalen, ro_flags).
    private func socketReceive(_ a: WASIArguments) throws(WASIErrno) {
        let entry = try socket(a.u32(0), need: .fdRead)
        let memory = try guestMemory()
        var list = try memory.iovecs(a.u32(1), a.u32(2))
        let riFlags = UInt16(truncatingIfNeeded: a.u32(3))
        guard riFlags & ~(WASIFlags.recvPeek | WASIFlags.recvWaitall) == 0 else { throw .inval }
        var hostFlags: Int32 = 0
        if riFlags & WASIFlags.recvPeek != 0 { hostFlags |= Int32(MSG_PEEK) }
        if riFlags & WASIFlags.recvWaitall != 0 { hostFlags |= Int32(MSG_WAITALL) }
        var outFlags: Int32 = 0
        let count = try list.withUnsafeMutableBufferPointer { (b) throws(WASIErrno) -> Int in
            var message = msghdr()
            message.msg_iov = b.baseAddress
            message.msg_iovlen = b.count
            let n = try sys { recvmsg(entry.hostFD, &message, hostFlags) }
            outFlags = message.msg_flags
            return n
        }
        try memory.store(UInt32(truncatingIfNeeded: count), at: a.u32(4))
        try memory.store(outFlags & Int32(MSG_TRUNC) != 0 ? WASIFlags.recvDataTruncated : 0, at: a.u32(5))
    }

    /// sock_send(fd, si_data, si_data_len, si_flags, so_datalen).
    private func socketSend(_ a: WASIArguments) throws(WASIErrno) {
        let entry = try socket(a.u32(0), need: .fdWrite)
        let memory = try guestMemory()
        var list = try memory.iovecs(a.u32(1), a.u32(2))
        guard a.u32(3) == 0 else { throw .inval }
        let count = try list.withUnsafeMutableBufferPointer { (b) throws(WASIErrno) -> Int in
            var message = msghdr()
            message.msg_iov = b.baseAddress
            message.msg_iovlen = b.count
            // No SIGPIPE for the host when the peer is gone: the guest gets EPIPE.
            return try sys { sendmsg(entry.hostFD, &message, Int32(MSG_NOSIGNAL)) }
        }
        try memory.store(UInt32(truncatingIfNeeded: count), at: a.u32(4))
    }
}

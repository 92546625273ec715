import Platform
import WasmCore

// fd_* functions.
extension WASI {
    static func descriptorFunctions() -> [(String, [ValueType], HostBody)] {
        [
            ("fd_advise", [.i32, .i64, .i64, .i32], { wasi, a in try wasi.advise(a) }),
            ("fd_allocate", [.i32, .i64, .i64], { wasi, a in
                let entry = try wasi.table.get(a.u32(0))
                try entry.require(.fdAllocate)
                guard let offset = off_t(exactly: a.u64(1)), let length = off_t(exactly: a.u64(2)) else { throw WASIErrno.inval }
                let result = posix_fallocate(entry.hostFD, offset, length)
                if result != 0 { throw WASIErrno(hostErrno: result) }
            }),
            ("fd_close", [.i32], { wasi, a in _ = try wasi.table.remove(a.u32(0)) }),
            ("fd_datasync", [.i32], { wasi, a in
                let entry = try wasi.table.get(a.u32(0))
                try entry.require(.fdDatasync)
                if entry.stream == nil { _ = try sys { fdatasync(entry.hostFD) } }
            }),
            ("fd_fdstat_get", [.i32, .i32], { wasi, a in try wasi.fdstatGet(a.u32(0), into: a.u32(1)) }),
            ("fd_fdstat_set_flags", [.i32, .i32], { wasi, a in try wasi.fdstatSetFlags(a.u32(0), UInt16(truncatingIfNeeded: a.u32(1))) }),
            ("fd_fdstat_set_rights", [.i32, .i64, .i64], { wasi, a in
                let entry = try wasi.table.get(a.u32(0))
                let base = WASIRights(rawValue: a.u64(1)), inheriting = WASIRights(rawValue: a.u64(2))
                // Rights only shrink.
                guard entry.rights.isSuperset(of: base), entry.inheriting.isSuperset(of: inheriting) else { throw WASIErrno.notcapable }
                entry.rights = base
                entry.inheriting = inheriting
            }),
            ("fd_filestat_get", [.i32, .i32], { wasi, a in
                let entry = try wasi.table.get(a.u32(0))
                try entry.require(.fdFilestatGet)
                var st = stat()
                if let stream = entry.stream {
                    st.st_mode = S_IFREG | 0o600
                    st.st_nlink = 1
                    st.st_size = off_t(stream.bytes.count)
                } else {
                    _ = try sys { fstat(entry.hostFD, &st) }
                }
                try wasi.writeFilestat(st, at: a.u32(1))
            }),
            ("fd_filestat_set_size", [.i32, .i64], { wasi, a in
                let entry = try wasi.table.get(a.u32(0))
                try entry.require(.fdFilestatSetSize)
                guard let size = off_t(exactly: a.u64(1)) else { throw WASIErrno.inval }
                _ = try sys { ftruncate(entry.hostFD, size) }
            }),
            ("fd_filestat_set_times", [.i32, .i64, .i64, .i32], { wasi, a in
                let entry = try wasi.table.get(a.u32(0))
                try entry.require(.fdFilestatSetTimes)
                var times = try Self.timespecs(atim: a.u64(1), mtim: a.u64(2), flags: UInt16(truncatingIfNeeded: a.u32(3)))
                _ = try sys { futimens(entry.hostFD, &times) }
            }),
            ("fd_pread", [.i32, .i32, .i32, .i64, .i32], { wasi, a in
                try wasi.transfer(a.u32(0), iovs: a.u32(1), count: a.u32(2), offset: a.u64(3), result: a.u32(4), write: false)
            }),
            ("fd_prestat_get", [.i32, .i32], { wasi, a in
                guard let name = try wasi.table.get(a.u32(0)).preopenName else { throw WASIErrno.badf }
                let memory = try wasi.guestMemory()
                try memory.store(UInt32(0), at: a.u32(1))  // tag 0 (dir) and padding
                try memory.store(UInt32(name.count), at: a.u32(1) &+ 4)
            }),
            ("fd_prestat_dir_name", [.i32, .i32, .i32], { wasi, a in
                guard let name = try wasi.table.get(a.u32(0)).preopenName else { throw WASIErrno.badf }
                guard a.u32(2) >= name.count else { throw WASIErrno.nametoolong }
                try wasi.guestMemory().write(name, at: a.u32(1))
            }),
            ("fd_pwrite", [.i32, .i32, .i32, .i64, .i32], { wasi, a in
                try wasi.transfer(a.u32(0), iovs: a.u32(1), count: a.u32(2), offset: a.u64(3), result: a.u32(4), write: true)
            }),
            ("fd_read", [.i32, .i32, .i32, .i32], { wasi, a in
                try wasi.transfer(a.u32(0), iovs: a.u32(1), count: a.u32(2), offset: nil, result: a.u32(3), write: false)
            }),
            ("fd_readdir", [.i32, .i32, .i32, .i64, .i32], { wasi, a in
                try wasi.readDirectory(a.u32(0), buffer: a.u32(1), length: a.u32(2), cookie: a.u64(3), used: a.u32(4))
            }),
            ("fd_renumber", [.i32, .i32], { wasi, a in try wasi.table.renumber(a.u32(0), to: a.u32(1)) }),
            ("fd_seek", [.i32, .i64, .i32, .i32], { wasi, a in
                let position = try wasi.seek(a.u32(0), offset: Int64(bitPattern: a.u64(1)), whence: a.u32(2))
                try wasi.guestMemory().store(position, at: a.u32(3))
            }),
            ("fd_sync", [.i32], { wasi, a in
                let entry = try wasi.table.get(a.u32(0))
                try entry.require(.fdSync)
                if entry.stream == nil { _ = try sys { fsync(entry.hostFD) } }
            }),
            ("fd_tell", [.i32, .i32], { wasi, a in
                let position = try wasi.seek(a.u32(0), offset: 0, whence: 1)
                try wasi.guestMemory().store(position, at: a.u32(1))
            }),
            ("fd_write", [.i32, .i32, .i32, .i32], { wasi, a in
                do {
                    try wasi.transfer(a.u32(0), iovs: a.u32(1), count: a.u32(2), offset: nil, result: a.u32(3), write: true)
                } catch let errno as WASIErrno where errno == .pipe {
                    throw wasi.brokenPipe()
                }
            }),
        ]
    }

    private func advise(_ a: WASIArguments) throws(WASIErrno) {
        let entry = try table.get(a.u32(0))
        try entry.require(.fdAdvise)
        let advice: Int32
        switch a.u32(3) {
        case 0: advice = POSIX_FADV_NORMAL
        case 1: advice = POSIX_FADV_SEQUENTIAL
        case 2: advice = POSIX_FADV_RANDOM
        case 3: advice = POSIX_FADV_WILLNEED
        case 4: advice = POSIX_FADV_DONTNEED
        case 5: advice = POSIX_FADV_NOREUSE
        default: throw .inval
        }
        guard let offset = off_t(exactly: a.u64(1)), let length = off_t(exactly: a.u64(2)) else { throw .inval }
        // Advice is a hint: directories and pipes may refuse it, which the guest need not see.
        if entry.fileType == .regularFile {
            let result = posix_fadvise(entry.hostFD, offset, length, advice)
            if result != 0 { throw WASIErrno(hostErrno: result) }
        }
    }

    private func fdstatGet(_ fd: UInt32, into pointer: UInt32) throws(WASIErrno) {
        let entry = try table.get(fd)
        let hostFlags = entry.stream != nil ? 0 : try sys { fcntl(entry.hostFD, F_GETFL) }
        var flags: UInt16 = 0
        if hostFlags & O_APPEND != 0 { flags |= WASIFlags.append }
        if hostFlags & O_NONBLOCK != 0 { flags |= WASIFlags.nonblock }
        if hostFlags & O_SYNC == O_SYNC { flags |= WASIFlags.sync }
        if hostFlags & O_DSYNC != 0 { flags |= WASIFlags.dsync }
        let memory = try guestMemory()
        let out = try memory.bytes(pointer, UInt32(WASILayout.fdstatSize))
        out.initializeMemory(as: UInt8.self, repeating: 0)
        try memory.store(entry.fileType.rawValue, at: pointer)
        try memory.store(flags, at: pointer + 2)
        try memory.store(entry.rights.rawValue, at: pointer + 8)
        try memory.store(entry.inheriting.rawValue, at: pointer + 16)
    }

    private func fdstatSetFlags(_ fd: UInt32, _ flags: UInt16) throws(WASIErrno) {
        let entry = try table.get(fd)
        try entry.require(.fdFdstatSetFlags)
        // Only append and nonblock can change on an open file (as on Linux).
        guard flags & (WASIFlags.dsync | WASIFlags.rsync | WASIFlags.sync) == 0 else { throw .notsup }
        // A memory stream never blocks; appending is not one of its modes.
        if entry.stream != nil {
            guard flags & WASIFlags.append == 0 else { throw .notsup }
            return
        }
        var hostFlags = try sys { fcntl(entry.hostFD, F_GETFL) }
        hostFlags &= ~(O_APPEND | O_NONBLOCK)
        if flags & WASIFlags.append != 0 { hostFlags |= O_APPEND }
        if flags & WASIFlags.nonblock != 0 { hostFlags |= O_NONBLOCK }
        _ = try sys { fcntl(entry.hostFD, F_SETFL, hostFlags) }
    }

    /// fd_read / fd_write / fd_pread / fd_pwrite straight between the descriptor and guest memory.
    private func transfer(_ fd: UInt32, iovs: UInt32, count: UInt32, offset: UInt64?, result: UInt32,
                          write: Bool) throws(WASIErrno) {
        let entry = try table.get(fd)
        var needed: WASIRights = write ? .fdWrite : .fdRead
        if offset != nil { needed.insert(.fdSeek) }
        try entry.require(needed)
        if entry.isDirectory { throw .isdir }
        let memory = try guestMemory()
        let list = try memory.iovecs(iovs, count)
        let hostOffset: off_t?
        if let offset {
            guard let o = off_t(exactly: offset) else { throw .inval }
            hostOffset = o
        } else {
            hostOffset = nil
        }
        if let stream = entry.stream {
            let at = hostOffset.map { Int($0) }
            let done = write ? try stream.write(from: list, at: at) : stream.read(into: list, at: at)
            return try memory.store(UInt32(truncatingIfNeeded: done), at: result)
        }
        let done = try list.withUnsafeBufferPointer { (b) throws(WASIErrno) -> Int in
            let n = Int32(b.count)
            return try sys {
                switch (write, hostOffset) {
                case (false, nil): readv(entry.hostFD, b.baseAddress, n)
                case (true, nil): writev(entry.hostFD, b.baseAddress, n)
                case (false, let o?): preadv(entry.hostFD, b.baseAddress, n, o)
                case (true, let o?): pwritev(entry.hostFD, b.baseAddress, n, o)
                }
            }
        }
        try memory.store(UInt32(truncatingIfNeeded: done), at: result)
    }

    private func seek(_ fd: UInt32, offset: Int64, whence: UInt32) throws(WASIErrno) -> UInt64 {
        let entry = try table.get(fd)
        let hostWhence: Int32
        switch whence {
        case 0: hostWhence = SEEK_SET
        case 1: hostWhence = SEEK_CUR
        case 2: hostWhence = SEEK_END
        default: throw .inval
        }
        // Reading the position needs only fd_tell.
        try entry.require(offset == 0 && hostWhence == SEEK_CUR ? .fdTell : .fdSeek)
        if entry.fileType == .socketStream || entry.fileType == .socketDgram { throw .spipe }
        if let stream = entry.stream { return try stream.seek(offset, whence: hostWhence) }
        return UInt64(try sys { lseek(entry.hostFD, off_t(offset), hostWhence) })
    }

    /// Writes a host `stat` as a WASI filestat.
    func writeFilestat(_ st: stat, at pointer: UInt32) throws(WASIErrno) {
        let memory = try guestMemory()
        _ = try memory.bytes(pointer, UInt32(WASILayout.filestatSize)).initializeMemory(as: UInt8.self, repeating: 0)
        func ns(_ t: timespec) -> UInt64 { UInt64(bitPattern: Int64(t.tv_sec)) &* 1_000_000_000 &+ UInt64(t.tv_nsec) }
        try memory.store(UInt64(st.st_dev), at: pointer)
        try memory.store(UInt64(st.st_ino), at: pointer + 8)
        try memory.store(wasiFileType(mode: st.st_mode).rawValue, at: pointer + 16)
        try memory.store(UInt64(st.st_nlink), at: pointer + 24)
        try memory.store(UInt64(bitPattern: Int64(st.st_size)), at: pointer + 32)
        try memory.store(ns(st.st_atim), at: pointer + 40)
        try memory.store(ns(st.st_mtim), at: pointer + 48)
        try memory.store(ns(st.st_ctim), at: pointer + 56)
    }

    /// The two `timespec`s `futimens` / `utimensat` take for WASI's fstflags.
    static func timespecs(atim: UInt64, mtim: UInt64, flags: UInt16) throws(WASIErrno) -> [timespec] {
        let now = (1 << 30) - 1, omit = (1 << 30) - 2  // UTIME_NOW, UTIME_OMIT
        func one(_ value: UInt64, set: UInt16, setNow: UInt16) throws(WASIErrno) -> timespec {
            switch (flags & set != 0, flags & setNow != 0) {
            case (true, true): throw .inval
            case (true, false): return timespec(tv_sec: Int(value / 1_000_000_000), tv_nsec: Int(value % 1_000_000_000))
            case (false, true): return timespec(tv_sec: 0, tv_nsec: now)
            case (false, false): return timespec(tv_sec: 0, tv_nsec: omit)
            }
        }
        return [try one(atim, set: WASIFlags.atim, setNow: WASIFlags.atimNow),
                try one(mtim, set: WASIFlags.mtim, setNow: WASIFlags.mtimNow)]
    }
}

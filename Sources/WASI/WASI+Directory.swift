import Platform

// fd_readdir.
extension WASI {
    /// Fills `buffer` with dirents starting at `cookie` (an index into a listing taken when
    /// the guest starts over at cookie 0). A full buffer tells the guest to call again;
    /// `used < length` means the end was reached.
    ///
    /// ```
    /// | d_next u64 | d_ino u64 | d_namlen u32 | d_type u8 | pad | name bytes ... | next dirent ...
    /// ```
    func readDirectory(_ fd: UInt32, buffer: UInt32, length: UInt32, cookie: UInt64, used: UInt32) throws(WASIErrno) {
        let entry = try table.get(fd)
        try entry.require(.fdReaddir)
        guard entry.isDirectory else { throw .notdir }
        if cookie == 0 || entry.directoryListing == nil { entry.directoryListing = try Self.list(entry.hostFD) }
        let listing = entry.directoryListing ?? []
        let memory = try guestMemory()
        let out = try memory.bytes(buffer, length)
        var bytes: [UInt8] = []
        var index = cookie
        while index < UInt64(listing.count), bytes.count < out.count {
            let item = listing[Int(index)]
            index += 1
            var header = [UInt8](repeating: 0, count: WASILayout.direntSize)
            Self.put(index, into: &header, at: 0)
            Self.put(item.inode, into: &header, at: 8)
            Self.put(UInt64(item.name.count), into: &header, at: 16, size: 4)
            header[20] = item.type.rawValue
            bytes += header
            bytes += item.name
        }
        // A partial last entry is allowed: the guest sees a full buffer and retries with a larger one.
        let count = min(bytes.count, out.count)
        out.copyBytes(from: bytes[0..<count])
        try memory.store(UInt32(count), at: used)
    }

    private static func put(_ value: UInt64, into bytes: inout [UInt8], at offset: Int, size: Int = 8) {
        for i in 0..<size { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> UInt64(8 * i)) }
    }

    /// All entries of the directory open as `hostFD` (including "." and ".."), read through
    /// a fresh descriptor so the guest's descriptor keeps its own position.
    static func list(_ hostFD: Int32) throws(WASIErrno) -> [DirectoryEntry] {
        let fd = try sys { openat(hostFD, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard let stream = fdopendir(fd) else {
            let error = WASIErrno.current
            _ = close(fd)
            throw error
        }
        defer { _ = closedir(stream) }
        var entries: [DirectoryEntry] = []
        while let item = readdir(stream) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
            var type: WASIFileType
            switch Int32(item.pointee.d_type) {
            case Int32(DT_REG): type = .regularFile
            case Int32(DT_DIR): type = .directory
            case Int32(DT_LNK): type = .symbolicLink
            case Int32(DT_CHR): type = .characterDevice
            case Int32(DT_BLK): type = .blockDevice
            case Int32(DT_SOCK): type = .socketStream
            default: type = .unknown
            }
            if type == .unknown {
                var st = stat()
                let found = PathResolver.withCString(name) { fstatat(fd, $0, &st, AT_SYMLINK_NOFOLLOW) }
                if found == 0 { type = wasiFileType(mode: st.st_mode) }
            }
            entries.append(DirectoryEntry(name: name, inode: UInt64(item.pointee.d_ino), type: type))
        }
        return entries
    }
}

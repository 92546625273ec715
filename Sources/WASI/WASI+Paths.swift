import Platform
import WasmCore

// path_* functions. Every path is resolved by `PathResolver` inside the directory
// descriptor the guest names; the final call is a no-follow `*at` call.
extension WASI {
    static func pathFunctions() -> [(String, [ValueType], HostBody)] {
        [
            ("path_create_directory", [.i32, .i32, .i32], { wasi, a in
                let path = try wasi.resolve(a.u32(0), a.u32(1), a.u32(2), need: .pathCreateDirectory, follow: false)
                _ = try path.withName { name throws(WASIErrno) in try sys { mkdirat(path.directory, name, 0o777) } }
            }),
            ("path_filestat_get", [.i32, .i32, .i32, .i32, .i32], { wasi, a in
                let path = try wasi.resolve(a.u32(0), a.u32(2), a.u32(3), need: .pathFilestatGet, follow: Self.follows(a.u32(1)))
                var st = stat()
                _ = try path.withName { name throws(WASIErrno) in try sys { fstatat(path.directory, name, &st, AT_SYMLINK_NOFOLLOW) } }
                try wasi.writeFilestat(st, at: a.u32(4))
            }),
            ("path_filestat_set_times", [.i32, .i32, .i32, .i32, .i64, .i64, .i32], { wasi, a in
                let path = try wasi.resolve(a.u32(0), a.u32(2), a.u32(3), need: .pathFilestatSetTimes, follow: Self.follows(a.u32(1)))
                var times = try Self.timespecs(atim: a.u64(4), mtim: a.u64(5), flags: UInt16(truncatingIfNeeded: a.u32(6)))
                _ = try path.withName { name throws(WASIErrno) in try sys { utimensat(path.directory, name, &times, AT_SYMLINK_NOFOLLOW) } }
            }),
            ("path_link", [.i32, .i32, .i32, .i32, .i32, .i32, .i32], { wasi, a in
                let old = try wasi.resolve(a.u32(0), a.u32(2), a.u32(3), need: .pathLinkSource, follow: Self.follows(a.u32(1)))
                let new = try wasi.resolve(a.u32(4), a.u32(5), a.u32(6), need: .pathLinkTarget, follow: false)
                _ = try old.withName { oldName throws(WASIErrno) in
                    try new.withName { newName throws(WASIErrno) in try sys { linkat(old.directory, oldName, new.directory, newName, 0) } }
                }
            }),
            ("path_open", [.i32, .i32, .i32, .i32, .i32, .i64, .i64, .i32, .i32], { wasi, a in try wasi.open(a) }),
            ("path_readlink", [.i32, .i32, .i32, .i32, .i32, .i32], { wasi, a in
                let path = try wasi.resolve(a.u32(0), a.u32(1), a.u32(2), need: .pathReadlink, follow: false)
                let memory = try wasi.guestMemory()
                let out = try memory.bytes(a.u32(3), a.u32(4))
                var target = [CChar](repeating: 0, count: PathResolver.maxPathLength + 1)
                let length = try path.withName { name throws(WASIErrno) in
                    try sys { readlinkat(path.directory, name, &target, target.count) }
                }
                // Like readlink(2), a short buffer gets a truncated target.
                let count = min(length, out.count)
                out.copyBytes(from: target[0..<count].map { UInt8(bitPattern: $0) })
                try memory.store(UInt32(count), at: a.u32(5))
            }),
            ("path_remove_directory", [.i32, .i32, .i32], { wasi, a in
                let path = try wasi.resolve(a.u32(0), a.u32(1), a.u32(2), need: .pathRemoveDirectory, follow: false)
                _ = try path.withName { name throws(WASIErrno) in try sys { unlinkat(path.directory, name, AT_REMOVEDIR) } }
            }),
            ("path_rename", [.i32, .i32, .i32, .i32, .i32, .i32], { wasi, a in
                let old = try wasi.resolve(a.u32(0), a.u32(1), a.u32(2), need: .pathRenameSource, follow: false)
                let new = try wasi.resolve(a.u32(3), a.u32(4), a.u32(5), need: .pathRenameTarget, follow: false)
                _ = try old.withName { oldName throws(WASIErrno) in
                    try new.withName { newName throws(WASIErrno) in try sys { renameat(old.directory, oldName, new.directory, newName) } }
                }
            }),
            ("path_symlink", [.i32, .i32, .i32, .i32, .i32], { wasi, a in
                let target = try wasi.guestMemory().read(a.u32(0), a.u32(1))
                try PathResolver.validate(target)  // also refuses absolute targets
                let path = try wasi.resolve(a.u32(2), a.u32(3), a.u32(4), need: .pathSymlink, follow: false)
                _ = try path.withName { name throws(WASIErrno) in
                    try PathResolver.withCString(target) { (cTarget) throws(WASIErrno) in try sys { symlinkat(cTarget, path.directory, name) } }
                }
            }),
            ("path_unlink_file", [.i32, .i32, .i32], { wasi, a in
                let path = try wasi.resolve(a.u32(0), a.u32(1), a.u32(2), need: .pathUnlinkFile, follow: false)
                if path.requiresDirectory { throw WASIErrno.notdir }
                _ = try path.withName { name throws(WASIErrno) in try sys { unlinkat(path.directory, name, 0) } }
            }),
        ]
    }

    static func follows(_ lookupFlags: UInt32) -> Bool { lookupFlags & WASIFlags.symlinkFollow != 0 }

    /// Resolves the guest path at `pointer`/`length` inside directory descriptor `fd`,
    /// which must hold the right `need`.
    func resolve(_ fd: UInt32, _ pointer: UInt32, _ length: UInt32, need: WASIRights, follow: Bool) throws(WASIErrno) -> ResolvedPath {
        let entry = try table.get(fd)
        guard entry.isDirectory else { throw .notdir }
        try entry.require(need)
        guard length <= UInt32(PathResolver.maxPathLength) else { throw .nametoolong }
        let path = try guestMemory().read(pointer, length)
        return try PathResolver.resolve(path, in: entry.hostFD, followFinalSymlink: follow)
    }

    /// path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting, fdflags, opened_fd).
    private func open(_ a: WASIArguments) throws(WASIErrno) {
        let directory = try table.get(a.u32(0))
        let oflags = UInt16(truncatingIfNeeded: a.u32(4))
        let fdflags = UInt16(truncatingIfNeeded: a.u32(7))
        // New descriptors get what was asked for, limited by what the directory passes on.
        let base = WASIRights(rawValue: a.u64(5)).intersection(directory.inheriting)
        let inheriting = WASIRights(rawValue: a.u64(6)).intersection(directory.inheriting)
        var need: WASIRights = .pathOpen
        if oflags & WASIFlags.oCreat != 0 { need.insert(.pathCreateFile) }
        if oflags & WASIFlags.oTrunc != 0 { need.insert(.pathFilestatSetSize) }
        let path = try resolve(a.u32(0), a.u32(2), a.u32(3), need: need, follow: Self.follows(a.u32(1)))

        var flags = O_NOFOLLOW | O_CLOEXEC
        let wantsDirectory = oflags & WASIFlags.oDirectory != 0 || path.requiresDirectory
        let reads = !base.isDisjoint(with: [.fdRead, .fdReaddir])
        let writes = !base.isDisjoint(with: [.fdWrite, .fdAllocate, .fdFilestatSetSize])
        if wantsDirectory {
            flags |= O_RDONLY | O_DIRECTORY
        } else {
            flags |= writes ? (reads ? O_RDWR : O_WRONLY) : O_RDONLY
        }
        if oflags & WASIFlags.oCreat != 0 { flags |= O_CREAT }
        if oflags & WASIFlags.oExcl != 0 { flags |= O_EXCL }
        if oflags & WASIFlags.oTrunc != 0 { flags |= O_TRUNC }
        if fdflags & WASIFlags.append != 0 { flags |= O_APPEND }
        if fdflags & WASIFlags.nonblock != 0 { flags |= O_NONBLOCK }
        if fdflags & WASIFlags.dsync != 0 { flags |= O_DSYNC }
        if fdflags & (WASIFlags.sync | WASIFlags.rsync) != 0 { flags |= O_SYNC }

        let hostFD = try path.withName { name throws(WASIErrno) in try sys { openat(path.directory, name, flags, 0o666) } }
        let type: WASIFileType
        do {
            type = try wasiFileType(hostFD: hostFD)
        } catch {
            _ = close(hostFD)
            throw error
        }
        // A directory keeps directory rights only; a file keeps file rights only.
        let kindRights: WASIRights = type == .directory ? .directoryBase : .fileBase
        let entry = FileDescriptorEntry(
            hostFD: hostFD, fileType: type, rights: base.intersection(kindRights), inheriting: inheriting)
        let fd = try table.insert(entry)
        do {
            try guestMemory().store(fd, at: a.u32(8))
        } catch {
            _ = try? table.remove(fd)
            throw error
        }
    }
}

import Platform

/// One open guest descriptor: an owned host descriptor (or a memory stream) plus WASI's
/// view of it.
final class FileDescriptorEntry {
    /// The host descriptor; closed when the entry goes away. -1 for a memory stream, so
    /// an operation a stream does not take fails with `badf`.
    let hostFD: Int32
    /// The host memory behind the descriptor instead of a host file.
    let stream: MemoryStream?
    /// WASI's type of the descriptor.
    var fileType: WASIFileType {
        if let knownType { return knownType }
        let type = (try? wasiFileType(hostFD: hostFD)) ?? .characterDevice
        knownType = type
        return type
    }
    /// Nil until `fileType` looks it up (a descriptor's type never changes).
    private var knownType: WASIFileType?
    var rights: WASIRights
    var inheriting: WASIRights
    /// The guest-visible name of a preopened directory (reported by `fd_prestat_*`).
    let preopenName: [UInt8]?
    /// Entries of a directory being read with `fd_readdir`, taken when cookie 0 is asked for.
    var directoryListing: [DirectoryEntry]?

    /// An entry owning `hostFD`. A nil `fileType` is looked up on first use (a character
    /// device when `fstat` fails): most programs never ask about most of their stdio.
    init(hostFD: Int32, fileType: WASIFileType?, rights: WASIRights, inheriting: WASIRights,
         preopenName: [UInt8]? = nil) {
        self.hostFD = hostFD
        stream = nil
        self.knownType = fileType
        self.rights = rights
        self.inheriting = inheriting
        self.preopenName = preopenName
    }

    /// A regular-file descriptor on `stream`.
    init(stream: MemoryStream, rights: WASIRights) {
        hostFD = -1
        self.stream = stream
        knownType = .regularFile
        self.rights = rights
        inheriting = []
        preopenName = nil
    }

    deinit { if hostFD >= 0 { _ = close(hostFD) } }

    /// Fails with `notcapable` unless the descriptor has every right in `needed`.
    func require(_ needed: WASIRights) throws(WASIErrno) {
        guard rights.isSuperset(of: needed) else { throw .notcapable }
    }

    var isDirectory: Bool { fileType == .directory }
}

/// A name read from a directory, with what `fd_readdir` reports about it.
struct DirectoryEntry {
    var name: [UInt8]
    var inode: UInt64
    var type: WASIFileType
}

/// The guest's descriptor numbers. Numbers are reused lowest-first, like POSIX, so the
/// preopens sit right after stdio where wasi-libc looks for them.
struct FileDescriptorTable {
    private var entries: [UInt32: FileDescriptorEntry] = [:]
    /// A guest cannot open more than this many descriptors (EMFILE), bounding host usage.
    static let limit = 4096

    func get(_ fd: UInt32) throws(WASIErrno) -> FileDescriptorEntry {
        guard let entry = entries[fd] else { throw .badf }
        return entry
    }

    /// Adds `entry` under the lowest free number.
    mutating func insert(_ entry: FileDescriptorEntry) throws(WASIErrno) -> UInt32 {
        guard entries.count < Self.limit else { throw .mfile }
        var fd: UInt32 = 0
        while entries[fd] != nil { fd += 1 }
        entries[fd] = entry
        return fd
    }

    /// Removes and returns the entry (closing it once the caller lets go).
    mutating func remove(_ fd: UInt32) throws(WASIErrno) -> FileDescriptorEntry {
        guard let entry = entries.removeValue(forKey: fd) else { throw .badf }
        return entry
    }

    /// `fd_renumber`: `from` takes the number `to`, whose old entry is closed.
    mutating func renumber(_ from: UInt32, to: UInt32) throws(WASIErrno) {
        guard entries[to] != nil, let entry = entries[from] else { throw .badf }
        if from == to { return }
        entries[to] = entry
        entries[from] = nil
    }

    var count: Int { entries.count }
}

/// Maps a host `st_mode` to WASI's file type.
func wasiFileType(mode: mode_t) -> WASIFileType {
    switch mode & S_IFMT {
    case S_IFREG: .regularFile
    case S_IFDIR: .directory
    case S_IFLNK: .symbolicLink
    case S_IFCHR: .characterDevice
    case S_IFBLK: .blockDevice
    case S_IFSOCK: .socketStream
    default: .unknown
    }
}

/// The file type of an open host descriptor (sockets refined to datagram or stream).
func wasiFileType(hostFD: Int32) throws(WASIErrno) -> WASIFileType {
    var st = stat()
    _ = try sys { fstat(hostFD, &st) }
    let type = wasiFileType(mode: st.st_mode)
    guard type == .socketStream else { return type }
    var kind: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    if getsockopt(hostFD, SOL_SOCKET, SO_TYPE, &kind, &length) == 0, kind == Int32(SOCK_DGRAM.rawValue) {
        return .socketDgram
    }
    return .socketStream
}

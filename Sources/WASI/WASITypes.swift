/// Constants of the `wasi_snapshot_preview1` ABI (witx), named as there.
public enum WASIFileType: UInt8, Sendable {
    case unknown = 0, blockDevice, characterDevice, directory, regularFile, socketDgram, socketStream, symbolicLink
}

/// `rights`: what a descriptor may be used for. Operations check the right they need and
/// fail with `notcapable` without it; rights can only be dropped, never regained.
public struct WASIRights: OptionSet, Sendable, Hashable {
    /// The preview1 rights bits.
    public let rawValue: UInt64
    /// Rights from their preview1 bits.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The right to call fd_datasync.
    public static let fdDatasync = WASIRights(rawValue: 1 << 0)
    /// The right to call fd_read (and poll_oneoff reads).
    public static let fdRead = WASIRights(rawValue: 1 << 1)
    /// The right to call fd_seek (changes the offset).
    public static let fdSeek = WASIRights(rawValue: 1 << 2)
    /// The right to call fd_fdstat_set_flags.
    public static let fdFdstatSetFlags = WASIRights(rawValue: 1 << 3)
    /// The right to call fd_sync.
    public static let fdSync = WASIRights(rawValue: 1 << 4)
    /// The right to call fd_tell (reads the offset).
    public static let fdTell = WASIRights(rawValue: 1 << 5)
    /// The right to call fd_write (and poll_oneoff writes).
    public static let fdWrite = WASIRights(rawValue: 1 << 6)
    /// The right to call fd_advise.
    public static let fdAdvise = WASIRights(rawValue: 1 << 7)
    /// The right to call fd_allocate.
    public static let fdAllocate = WASIRights(rawValue: 1 << 8)
    /// The right to call path_create_directory.
    public static let pathCreateDirectory = WASIRights(rawValue: 1 << 9)
    /// The right to call path_open with O_CREAT.
    public static let pathCreateFile = WASIRights(rawValue: 1 << 10)
    /// The right to call path_link, as the source directory.
    public static let pathLinkSource = WASIRights(rawValue: 1 << 11)
    /// The right to call path_link, as the target directory.
    public static let pathLinkTarget = WASIRights(rawValue: 1 << 12)
    /// The right to call path_open.
    public static let pathOpen = WASIRights(rawValue: 1 << 13)
    /// The right to call fd_readdir.
    public static let fdReaddir = WASIRights(rawValue: 1 << 14)
    /// The right to call path_readlink.
    public static let pathReadlink = WASIRights(rawValue: 1 << 15)
    /// The right to call path_rename, as the source directory.
    public static let pathRenameSource = WASIRights(rawValue: 1 << 16)
    /// The right to call path_rename, as the target directory.
    public static let pathRenameTarget = WASIRights(rawValue: 1 << 17)
    /// The right to call path_filestat_get.
    public static let pathFilestatGet = WASIRights(rawValue: 1 << 18)
    /// The right to call changing a file's size through a path (path_open with O_TRUNC).
    public static let pathFilestatSetSize = WASIRights(rawValue: 1 << 19)
    /// The right to call path_filestat_set_times.
    public static let pathFilestatSetTimes = WASIRights(rawValue: 1 << 20)
    /// The right to call fd_filestat_get.
    public static let fdFilestatGet = WASIRights(rawValue: 1 << 21)
    /// The right to call fd_filestat_set_size.
    public static let fdFilestatSetSize = WASIRights(rawValue: 1 << 22)
    /// The right to call fd_filestat_set_times.
    public static let fdFilestatSetTimes = WASIRights(rawValue: 1 << 23)
    /// The right to call path_symlink.
    public static let pathSymlink = WASIRights(rawValue: 1 << 24)
    /// The right to call path_remove_directory.
    public static let pathRemoveDirectory = WASIRights(rawValue: 1 << 25)
    /// The right to call path_unlink_file.
    public static let pathUnlinkFile = WASIRights(rawValue: 1 << 26)
    /// The right to call poll_oneoff on the descriptor.
    public static let pollFdReadwrite = WASIRights(rawValue: 1 << 27)
    /// The right to call sock_shutdown.
    public static let sockShutdown = WASIRights(rawValue: 1 << 28)
    /// The right to call sock_accept.
    public static let sockAccept = WASIRights(rawValue: 1 << 29)

    /// Everything a regular file or character device descriptor can do.
    public static let fileBase: WASIRights = [
        .fdDatasync, .fdRead, .fdSeek, .fdFdstatSetFlags, .fdSync, .fdTell, .fdWrite, .fdAdvise,
        .fdAllocate, .fdFilestatGet, .fdFilestatSetSize, .fdFilestatSetTimes, .pollFdReadwrite,
    ]
    /// Everything a directory descriptor can do itself.
    public static let directoryBase: WASIRights = [
        .fdFdstatSetFlags, .fdSync, .fdAdvise, .pathCreateDirectory, .pathCreateFile, .pathLinkSource,
        .pathLinkTarget, .pathOpen, .fdReaddir, .pathReadlink, .pathRenameSource, .pathRenameTarget,
        .pathFilestatGet, .pathFilestatSetSize, .pathFilestatSetTimes, .fdFilestatGet,
        .fdFilestatSetTimes, .pathSymlink, .pathRemoveDirectory, .pathUnlinkFile,
    ]
    /// The rights that change files or directories (what a read-only preopen withholds).
    public static let writing: WASIRights = [
        .fdWrite, .fdAllocate, .fdDatasync, .fdFilestatSetSize, .fdFilestatSetTimes, .pathCreateDirectory,
        .pathCreateFile, .pathLinkSource, .pathLinkTarget, .pathRenameSource, .pathRenameTarget,
        .pathFilestatSetSize, .pathFilestatSetTimes, .pathSymlink, .pathRemoveDirectory, .pathUnlinkFile,
    ]
    /// A socket's rights.
    public static let socketBase: WASIRights = [
        .fdRead, .fdWrite, .fdFdstatSetFlags, .fdFilestatGet, .pollFdReadwrite, .sockShutdown, .sockAccept,
    ]
}

/// Bit sets and enumerations used in arguments.
enum WASIFlags {
    // fdflags (u16)
    static let append: UInt16 = 1, dsync: UInt16 = 2, nonblock: UInt16 = 4, rsync: UInt16 = 8, sync: UInt16 = 16
    // oflags (u16)
    static let oCreat: UInt16 = 1, oDirectory: UInt16 = 2, oExcl: UInt16 = 4, oTrunc: UInt16 = 8
    // lookupflags (u32)
    static let symlinkFollow: UInt32 = 1
    // fstflags (u16)
    static let atim: UInt16 = 1, atimNow: UInt16 = 2, mtim: UInt16 = 4, mtimNow: UInt16 = 8
    // subclockflags (u16)
    static let subscriptionClockAbstime: UInt16 = 1
    // riflags / roflags / sdflags
    static let recvPeek: UInt16 = 1, recvWaitall: UInt16 = 2, recvDataTruncated: UInt16 = 1
    static let shutRead: UInt8 = 1, shutWrite: UInt8 = 2
    // eventtype (u8)
    static let eventClock: UInt8 = 0, eventFdRead: UInt8 = 1, eventFdWrite: UInt8 = 2
    // eventrwflags (u16)
    static let fdReadwriteHangup: UInt16 = 1
}

/// Byte layouts of the structures the guest passes by pointer.
///
/// ```
/// fdstat (24)    : filetype u8 @0 | flags u16 @2 | rights_base u64 @8 | rights_inheriting u64 @16
/// filestat (64)  : dev @0 | ino @8 | filetype u8 @16 | nlink @24 | size @32 | atim @40 | mtim @48 | ctim @56
/// prestat (8)    : tag u8 @0 (0 = dir) | name_len u32 @4
/// dirent (24)    : d_next u64 @0 | d_ino u64 @8 | d_namlen u32 @16 | d_type u8 @20, then the name
/// iovec (8)      : buf u32 @0 | buf_len u32 @4
/// subscription(48): userdata u64 @0 | tag u8 @8 | clock: id u32 @16, timeout u64 @24,
///                   precision u64 @32, flags u16 @40 | fd_readwrite: fd u32 @16
/// event (32)     : userdata u64 @0 | error u16 @8 | type u8 @10 | nbytes u64 @16 | flags u16 @24
/// ```
enum WASILayout {
    static let fdstatSize = 24, filestatSize = 64, direntSize = 24, subscriptionSize = 48, eventSize = 32
}

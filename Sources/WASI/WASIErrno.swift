import Platform

/// A `wasi_snapshot_preview1` error number. Host functions return these to the guest;
/// the numbering is WASI's own, not the host's, so every host `errno` goes through
/// `init(hostErrno:)`.
public enum WASIErrno: UInt16, Error, Sendable, CaseIterable {
    case success = 0, toobig, acces, addrinuse, addrnotavail, afnosupport, again, already, badf, badmsg
    case busy, canceled, child, connaborted, connrefused, connreset, deadlk, destaddrreq, dom, dquot
    case exist, fault, fbig, hostunreach, idrm, ilseq, inprogress, intr, inval, io
    case isconn, isdir, loop, mfile, mlink, msgsize, multihop, nametoolong, netdown, netreset
    case netunreach, nfile, nobufs, nodev, noent, noexec, nolck, nolink, nomem, nomsg
    case noprotoopt, nospc, nosys, notconn, notdir, notempty, notrecoverable, notsock, notsup, notty
    case nxio, overflow, ownerdead, perm, pipe, proto, protonosupport, prototype, range, rofs
    case spipe, srch, stale, timedout, txtbsy, xdev, notcapable

    /// The WASI error for a host `errno` value; unknown values become `io`.
    public init(hostErrno: Int32) {
        self = Self.hostTable[hostErrno] ?? .io
    }

    /// The error for the calling thread's current `errno`.
    static var current: WASIErrno { WASIErrno(hostErrno: errno) }

    private static let hostTable: [Int32: WASIErrno] = {
        let pairs: [(Int32, WASIErrno)] = [
            (E2BIG, .toobig), (EACCES, .acces), (EADDRINUSE, .addrinuse), (EADDRNOTAVAIL, .addrnotavail),
            (EAFNOSUPPORT, .afnosupport), (EAGAIN, .again), (EALREADY, .already), (EBADF, .badf),
            (EBADMSG, .badmsg), (EBUSY, .busy), (ECANCELED, .canceled), (ECHILD, .child),
            (ECONNABORTED, .connaborted), (ECONNREFUSED, .connrefused), (ECONNRESET, .connreset),
            (EDEADLK, .deadlk), (EDESTADDRREQ, .destaddrreq), (EDOM, .dom), (EDQUOT, .dquot),
            (EEXIST, .exist), (EFAULT, .fault), (EFBIG, .fbig), (EHOSTUNREACH, .hostunreach),
            (EIDRM, .idrm), (EILSEQ, .ilseq), (EINPROGRESS, .inprogress), (EINTR, .intr),
            (EINVAL, .inval), (EIO, .io), (EISCONN, .isconn), (EISDIR, .isdir), (ELOOP, .loop),
            (EMFILE, .mfile), (EMLINK, .mlink), (EMSGSIZE, .msgsize), (EMULTIHOP, .multihop),
            (ENAMETOOLONG, .nametoolong), (ENETDOWN, .netdown), (ENETRESET, .netreset),
            (ENETUNREACH, .netunreach), (ENFILE, .nfile), (ENOBUFS, .nobufs), (ENODEV, .nodev),
            (ENOENT, .noent), (ENOEXEC, .noexec), (ENOLCK, .nolck), (ENOLINK, .nolink),
            (ENOMEM, .nomem), (ENOMSG, .nomsg), (ENOPROTOOPT, .noprotoopt), (ENOSPC, .nospc),
            (ENOSYS, .nosys), (ENOTCONN, .notconn), (ENOTDIR, .notdir), (ENOTEMPTY, .notempty),
            (ENOTRECOVERABLE, .notrecoverable), (ENOTSOCK, .notsock), (EOPNOTSUPP, .notsup),
            (ENOTSUP, .notsup), (ENOTTY, .notty), (ENXIO, .nxio), (EOVERFLOW, .overflow),
            (EOWNERDEAD, .ownerdead), (EPERM, .perm), (EPIPE, .pipe), (EPROTO, .proto),
            (EPROTONOSUPPORT, .protonosupport), (EPROTOTYPE, .prototype), (ERANGE, .range),
            (EROFS, .rofs), (ESPIPE, .spipe), (ESRCH, .srch), (ESTALE, .stale),
            (ETIMEDOUT, .timedout), (ETXTBSY, .txtbsy), (EXDEV, .xdev),
        ]
        // EWOULDBLOCK == EAGAIN and ENOTSUP == EOPNOTSUPP on Linux: keep the first mapping.
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }()

    /// The lower-case name WASI's witx gives this error (e.g. "noent").
    public var name: String { "\(self)" }
}

/// Runs a host call that returns -1 and sets `errno` on failure, retrying on EINTR.
@inline(__always)
func sys<T: FixedWidthInteger & SignedInteger>(_ call: () -> T) throws(WASIErrno) -> T {
    while true {
        let result = call()
        if result >= 0 { return result }
        if errno != EINTR { throw WASIErrno.current }
    }
}

// epoll and eventfd, which Glibc's Swift module does not export. `struct epoll_event` is
// packed on x86-64 (12 bytes: a UInt32 of events, then 8 bytes of data), so events are
// read and written as bytes at those offsets.

@_extern(c, "epoll_create1") func epoll_create1(_ flags: Int32) -> Int32
@_extern(c, "epoll_ctl") func epoll_ctl(_ epfd: Int32, _ op: Int32, _ fd: Int32, _ event: UnsafeMutableRawPointer?) -> Int32
@_extern(c, "epoll_wait") func epoll_wait(_ epfd: Int32, _ events: UnsafeMutableRawPointer?, _ max: Int32, _ timeout: Int32) -> Int32
@_extern(c, "eventfd") func eventfd(_ initial: UInt32, _ flags: Int32) -> Int32

/// epoll's constants (Linux `<sys/epoll.h>`, `<sys/eventfd.h>`).
public enum Epoll {
    /// Readable.
    public static let input: UInt32 = 0x001
    /// Writable.
    public static let output: UInt32 = 0x004
    /// Error condition.
    public static let error: UInt32 = 0x008
    /// Hang-up.
    public static let hangUp: UInt32 = 0x010
    static let oneShot: UInt32 = 1 << 30
    static let add: Int32 = 1, delete: Int32 = 2, modify: Int32 = 3
    static let closeOnExec: Int32 = 0o2000000
    static let nonBlocking: Int32 = 0o4000
    /// Bytes of one `struct epoll_event`.
    static let eventSize = 12
}

/// One packed `struct epoll_event`.
struct EpollEvent {
    var bytes: (UInt32, UInt32, UInt32) = (0, 0, 0)

    init(events: UInt32, data: UInt64) {
        withUnsafeMutableBytes(of: &bytes) { raw in
            raw.storeBytes(of: events, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: data, toByteOffset: 4, as: UInt64.self)
        }
    }
}

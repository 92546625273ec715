import GreenThreads
import Platform
import Synchronization

/// One named value of Faasm's state on this node (the local replica): its bytes, sized by
/// the first call that names it with a length, and the list of appended elements. The
/// bytes live in a shared in-memory file, so that `__faasm_read_state_ptr` can map the
/// very same pages into a sandbox's linear memory: writes there are the replica's.
/// Thread-safe: sandboxes on every worker share it.
final class StateValue: @unchecked Sendable {
    /// The value's size in bytes.
    let size: Int
    /// The shared file (-1 for an empty value), `mappedSize` bytes: `size` rounded up to
    /// whole system pages.
    let fd: Int32
    let mappedSize: Int
    /// The host's own mapping of the file.
    private let base: UnsafeMutableRawPointer?

    private struct Contents {
        var appended: [[UInt8]] = []
        var dirty = false
    }

    private let contents = Mutex(Contents())
    /// The guest-visible reader/writer lock (`__faasm_lock_state_*`): readers, or -1 for
    /// a writer; fibers that wait for it.
    private let lock = Mutex<(holders: Int, waiters: [Fiber])>((0, []))

    /// A zero-filled value of `size` bytes; nil when the system refuses the memory.
    init?(size: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        self.size = size
        mappedSize = (size + page - 1) / page * page
        guard size > 0 else {
            fd = -1
            base = nil
            return
        }
        fd = "wasmlab-state".withCString { memfd_create($0, MFD_CLOEXEC) }
        guard fd >= 0 else { return nil }
        guard ftruncate(fd, off_t(mappedSize)) == 0,
              let mapping = mmap(nil, mappedSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
              mapping != UnsafeMutableRawPointer(bitPattern: -1) else {
            close(fd)
            return nil
        }
        base = mapping
    }

    deinit {
        if let base { munmap(base, mappedSize) }
        if fd >= 0 { close(fd) }
    }

    /// Bytes `offset ..< offset + count` (the caller checked the range).
    func read(_ offset: Int, _ count: Int) -> [UInt8] {
        guard let base, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: base + offset, count: count))
    }

    /// Writes `bytes` at `offset` (the caller checked the range) and marks the value dirty.
    func write(_ bytes: [UInt8], at offset: Int) {
        if let base, !bytes.isEmpty { bytes.withUnsafeBytes { (base + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
        markDirty()
    }

    func markDirty() { contents.withLock { $0.dirty = true } }

    func append(_ element: [UInt8]) { contents.withLock { $0.appended.append(element) } }

    /// The first `count` appended elements (fewer when there are fewer).
    func appended(_ count: Int) -> [[UInt8]] { contents.withLock { Array($0.appended.prefix(max(count, 0))) } }

    func clearAppended() { contents.withLock { $0.appended.removeAll() } }

    /// Takes the lock shared (`exclusive` false) or alone; a sandbox that must wait parks
    /// its fiber (the worker runs others), a thread without a fiber yields between tries.
    func acquire(exclusive: Bool) {
        while true {
            let taken = lock.withLock { l -> Bool in
                if exclusive ? l.holders == 0 : l.holders >= 0 {
                    l.holders = exclusive ? -1 : l.holders + 1
                    return true
                }
                if let fiber = Fiber.current { l.waiters.append(fiber) }
                return false
            }
            if taken { return }
            if Fiber.current != nil { Sandbox.park() } else { sched_yield() }
        }
    }

    /// Gives the lock back and wakes the fibers waiting for it (they try again).
    func release(exclusive: Bool) {
        let waiters = lock.withLock { l -> [Fiber] in
            l.holders = exclusive ? 0 : max(l.holders - 1, 0)
            defer { l.waiters = [] }
            return l.waiters
        }
        for fiber in waiters { fiber.unpark() }
    }
}

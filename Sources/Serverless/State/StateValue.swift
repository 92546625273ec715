import GreenThreads
import Platform
import Synchronization

/// One named value of Faasm's state on this node (the local replica): its bytes, sized by
/// the first call that names it with a length, and the list of appended elements. The
/// bytes live in a shared in-memory file, so that `__faasm_read_state_ptr` can map the
/// very same pages into a sandbox's linear memory: writes there are the replica's.
/// With a global tier, the replica is pulled from Redis on first use (or on demand),
/// and pushed whole or by its dirty runs; appended elements live in Redis only.
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
    /// The global tier, and the value's name there (`user/key`); nil: node-local.
    let global: RedisTier?
    let name: String

    private struct Contents {
        var appended: [[UInt8]] = []
        /// Set by writes and `__faasm_flag_state_dirty`; a push sends only a dirty value.
        var dirty = false
        var mask: DirtyMask
        /// The replica holds the global value (or there is no global tier).
        var pulled: Bool
    }

    private let contents: Mutex<Contents>
    /// Serialises this value's pulls and pushes (network I/O happens outside `contents`).
    private let transfer = Mutex(())
    /// The guest-visible reader/writer lock (`__faasm_lock_state_*`): readers, or -1 for
    /// a writer; fibers that wait for it.
    private let lock = Mutex<(holders: Int, waiters: [Fiber])>((0, []))

    /// A zero-filled value of `size` bytes named `name`; nil when the system refuses the
    /// memory.
    init?(size: Int, name: String = "", global: RedisTier? = nil) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        self.size = size
        self.name = name
        self.global = global
        contents = Mutex(Contents(mask: DirtyMask(size: size), pulled: global == nil))
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

    private var buffer: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: base, count: size) }

    /// Bytes `offset ..< offset + count` (the caller checked the range), pulled first.
    func read(_ offset: Int, _ count: Int) throws(RedisError) -> [UInt8] {
        try pullIfNeeded()
        guard let base, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: base + offset, count: count))
    }

    /// Writes `bytes` at `offset` (the caller checked the range) and marks them dirty. A
    /// write of part of the value pulls it first, so a later pull cannot undo it.
    func write(_ bytes: [UInt8], at offset: Int) throws(RedisError) {
        let whole = offset == 0 && bytes.count == size
        if !whole { try pullIfNeeded() }
        // Copied and marked under the lock: a partial push's refresh skips marked bytes.
        contents.withLock {
            if let base, !bytes.isEmpty { bytes.withUnsafeBytes { (base + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
            $0.mask.mark(offset, bytes.count)
            $0.dirty = true
            if whole { $0.pulled = true }
        }
    }

    /// Sets the dirty flag only (writes made through a mapped pointer): a push then sends
    /// the whole value, a partial push only the runs marked by `markDirty(_:_:)`.
    func markDirty() { contents.withLock { $0.dirty = true } }

    /// Marks `offset ..< offset + count` written (the caller checked the range).
    func markDirty(_ offset: Int, _ count: Int) {
        contents.withLock {
            $0.mask.mark(offset, count)
            $0.dirty = true
        }
    }

    /// Pulls the global value into the replica unless it already holds it.
    func pullIfNeeded() throws(RedisError) {
        guard global != nil, !contents.withLock({ $0.pulled }) else { return }
        try transfer.withLock { _ throws(RedisError) in
            guard !contents.withLock({ $0.pulled }) else { return }
            try pullLocked()
        }
    }

    /// Replaces the replica with the global value (a missing one reads as zeros);
    /// unpushed local writes are lost, as in Faasm.
    func pull() throws(RedisError) {
        try transfer.withLock { _ throws(RedisError) in try pullLocked() }
    }

    private func pullLocked() throws(RedisError) {
        if let global { _ = try global.pull(name, into: buffer) }
        contents.withLock {
            $0.pulled = true
            $0.dirty = false
            $0.mask.clear()
        }
    }

    /// Sends the whole value to the global tier if it is dirty.
    func push() throws(RedisError) {
        try transfer.withLock { _ throws(RedisError) in
            guard contents.withLock({ $0.dirty }) else { return }
            if let global { try global.push(name, from: UnsafeRawBufferPointer(buffer), runs: [(0, size)], whole: true) }
            contents.withLock {
                $0.dirty = false
                $0.mask.clear()
            }
        }
    }

    /// Sends only the dirty runs (or the given `runs` instead), then pulls the whole
    /// value again so the replica sees what other nodes pushed meanwhile; bytes written
    /// here after the runs were taken keep their new contents (and stay dirty). Nothing
    /// when the value is not dirty and no runs are given.
    func pushPartial(runs given: [(offset: Int, count: Int)]? = nil) throws(RedisError) {
        try transfer.withLock { _ throws(RedisError) in
            let taken = contents.withLock { c -> [(offset: Int, count: Int)]? in
                let runs = given ?? (c.dirty ? c.mask.runs() : nil)
                if runs != nil, given == nil {
                    c.mask.clear()
                    c.dirty = false
                }
                return runs
            }
            guard let runs = taken, let global else { return }
            do throws(RedisError) {
                try global.push(name, from: UnsafeRawBufferPointer(buffer), runs: runs, whole: false)
                let fresh = try global.pull(name, count: size)
                contents.withLock { c in
                    guard let base else { return }
                    var at = 0
                    for run in c.mask.runs() + [(offset: size, count: 0)] {
                        if run.offset > at { fresh.withUnsafeBytes { (base + at).copyMemory(from: $0.baseAddress! + at, byteCount: run.offset - at) } }
                        at = run.offset + run.count
                    }
                    c.pulled = true
                }
            } catch {
                // Not sent: the runs stay dirty for the next push.
                if given == nil {
                    contents.withLock { c in
                        for run in runs { c.mask.mark(run.offset, run.count) }
                        c.dirty = true
                    }
                }
                throw error
            }
        }
    }

    func append(_ element: [UInt8]) throws(RedisError) {
        if let global { return try global.append(name, element) }
        contents.withLock { $0.appended.append(element) }
    }

    /// The first `count` appended elements (fewer when there are fewer).
    func appended(_ count: Int) throws(RedisError) -> [[UInt8]] {
        if let global { return try global.appended(name, count) }
        return contents.withLock { Array($0.appended.prefix(max(count, 0))) }
    }

    func clearAppended() throws(RedisError) {
        if let global { return try global.clearAppended(name) }
        contents.withLock { $0.appended.removeAll() }
    }

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

import Platform
import WasmCore

// Everything the signal handler reads lives in one block of plain memory behind
// `TrapGuardState`, allocated before the handler is installed and never freed or moved.
// Writers (registration, thread slots) serialise on `lock`; the handler reads without
// locking. An entry is filled in before `high` is raised past it and is cleared (end
// first) before it is reused, so a concurrent reader sees either a whole entry or an
// empty one. Capacities are fixed: the handler cannot follow a reallocation.
//
//   TrapGuardState
//   +------------------------+
//   | previous[4] sigaction  |  SIGSEGV, SIGBUS, SIGFPE, SIGILL before install
//   | trapExit               |  the entry trampoline's trap exit
//   | codes   -> [CodeRange] |  JIT code: [start, end) + trap sites
//   | regions -> [GuardRegion]| guarded reservations: [start, end)
//   | threads -> [ThreadSlot]|  per thread: innermost TrapActivation
//   +------------------------+

/// One place in registered code that may fault on purpose, and the trap it stands for.
public struct TrapSite: Sendable {
    /// Byte offset of the faulting instruction from the start of its code range.
    public var offset: UInt32
    /// `TrapReason.rawValue`.
    public var reason: UInt8

    /// A site at `offset` that traps with `reason` when it faults.
    public init(offset: UInt32, reason: TrapReason) {
        self.offset = offset
        self.reason = reason.rawValue
    }
}

/// A registered range of generated code.
struct CodeRange {
    var start: UInt
    var end: UInt
    /// Sorted by offset; may be nil (then the signal decides the reason).
    var sites: UnsafePointer<TrapSite>?
    var siteCount: Int
    /// Where a trap of this code resumes instead of the trampoline's trap exit (0: there),
    /// on the faulting stack, with the fault PC in the first and `reason + 1` in the
    /// second argument register; the code's own exit then leaves normally (the JIT
    /// captures its backtrace there).
    var resume: UInt = 0
}

/// A registered address range whose faults are out-of-bounds accesses.
struct GuardRegion {
    var start: UInt
    var end: UInt
}

/// One entry into Wasm code through the trampoline. Lives on the native stack of the
/// entering thread for the duration of the entry.
struct TrapActivation {
    /// Stack pointer the trap exit restores; written by the trampoline (must stay first).
    var savedSP: UInt = 0
    /// The activation this one is nested in (host -> Wasm -> host -> Wasm).
    var previous: UnsafeMutablePointer<TrapActivation>?
    /// More than zero while a host function (or another tier) runs on top of it.
    var hostDepth: Int = 0
    /// The interpreter's accesses happen at arbitrary PCs of Swift code: a fault inside a
    /// guard region counts wherever the PC is. JIT entries also require a registered PC.
    var anyPC: Bool
}

/// A thread that entered Wasm code at least once.
struct ThreadSlot {
    var thread: UInt
    var current: UnsafeMutablePointer<TrapActivation>?
}

struct TrapGuardState {
    static let codeCapacity = 4096
    static let regionCapacity = 16384
    static let threadCapacity = 1024

    /// Handlers in place before ours, indexed by `TrapGuardState.slot(for:)`.
    var previous: UnsafeMutablePointer<sigaction>
    var trapExit: UInt = 0
    var codes: UnsafeMutablePointer<CodeRange>
    var codeHigh = 0
    var regions: UnsafeMutablePointer<GuardRegion>
    var regionHigh = 0
    var threads: UnsafeMutablePointer<ThreadSlot>
    var threadHigh = 0
    var lock: UnsafeMutablePointer<pthread_mutex_t>

    /// Index into `previous` of a handled signal, -1 for others.
    @inline(__always)
    static func slot(for signal: Int32) -> Int {
        if signal == SIGSEGV { return 0 }
        if signal == SIGBUS { return 1 }
        if signal == SIGFPE { return 2 }
        if signal == SIGILL { return 3 }
        return -1
    }

    static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGFPE, SIGILL]

    /// Allocates and zeroes the state (once per process).
    static func make() -> UnsafeMutablePointer<TrapGuardState> {
        let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 4)
        previous.initialize(repeating: sigaction(), count: 4)
        let codes = UnsafeMutablePointer<CodeRange>.allocate(capacity: codeCapacity)
        codes.initialize(repeating: CodeRange(start: 0, end: 0, sites: nil, siteCount: 0), count: codeCapacity)
        let regions = UnsafeMutablePointer<GuardRegion>.allocate(capacity: regionCapacity)
        regions.initialize(repeating: GuardRegion(start: 0, end: 0), count: regionCapacity)
        let threads = UnsafeMutablePointer<ThreadSlot>.allocate(capacity: threadCapacity)
        threads.initialize(repeating: ThreadSlot(thread: 0, current: nil), count: threadCapacity)
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        lock.initialize(to: pthread_mutex_t())
        pthread_mutex_init(lock, nil)
        let state = UnsafeMutablePointer<TrapGuardState>.allocate(capacity: 1)
        state.initialize(to: TrapGuardState(previous: previous, codes: codes, regions: regions,
                                            threads: threads, lock: lock))
        return state
    }
}

extension TrapGuard {
    /// A registered guard region; pass it back to `unregister(_:)`.
    public struct RegionHandle: Sendable, Equatable { let index: Int }
    /// A registered code range; pass it back to `unregister(_:)`.
    public struct CodeHandle: Sendable, Equatable { let index: Int }

    private func locked<R>(_ body: (UnsafeMutablePointer<TrapGuardState>) -> R) -> R {
        pthread_mutex_lock(state.pointee.lock)
        defer { pthread_mutex_unlock(state.pointee.lock) }
        return body(state)
    }

    /// Registers `[start, start + byteCount)` as a guarded reservation: a SIGSEGV/SIGBUS
    /// whose fault address lies inside it, raised by Wasm code running under a
    /// `run(_:_:anyPC:)` activation, becomes `outOfBoundsMemoryAccess`.
    /// - Returns: nil when the registry is full.
    public func registerRegion(start: UnsafeMutableRawPointer, byteCount: Int) -> RegionHandle? {
        locked { s in
            let lo = UInt(bitPattern: start), hi = lo &+ UInt(byteCount)
            var i = 0
            while i < TrapGuardState.regionCapacity {
                if s.pointee.regions[i].end == 0 {
                    s.pointee.regions[i].start = lo
                    s.pointee.regions[i].end = hi
                    if i >= s.pointee.regionHigh { s.pointee.regionHigh = i + 1 }
                    return RegionHandle(index: i)
                }
                i += 1
            }
            return nil
        }
    }

    /// Registers generated code. Faults at a PC inside it during an activation become
    /// traps: the reason of the `TrapSite` at that offset when `sites` lists it, else
    /// `outOfBoundsMemoryAccess` for SIGSEGV/SIGBUS inside a guard region,
    /// `integerDivideByZero` for SIGFPE and `unreachable` for SIGILL.
    /// `sites` (sorted by offset) must stay valid until `unregister(_:)`. With `resume`,
    /// a trap continues there on the faulting stack (see `CodeRange.resume`) rather than
    /// in the trampoline's trap exit.
    /// - Returns: nil when the registry is full.
    public func registerCode(start: UnsafeRawPointer, byteCount: Int,
                             sites: UnsafePointer<TrapSite>? = nil, siteCount: Int = 0,
                             resume: UnsafeRawPointer? = nil) -> CodeHandle? {
        locked { s in
            let lo = UInt(bitPattern: start)
            var i = 0
            while i < TrapGuardState.codeCapacity {
                if s.pointee.codes[i].end == 0 {
                    s.pointee.codes[i].start = lo
                    s.pointee.codes[i].sites = sites
                    s.pointee.codes[i].siteCount = siteCount
                    s.pointee.codes[i].resume = resume.map { UInt(bitPattern: $0) } ?? 0
                    s.pointee.codes[i].end = lo &+ UInt(byteCount)
                    if i >= s.pointee.codeHigh { s.pointee.codeHigh = i + 1 }
                    return CodeHandle(index: i)
                }
                i += 1
            }
            return nil
        }
    }

    /// Whether `address` lies in a registered guard region (emulated code's faults are
    /// checked against them outside any signal handler).
    public func guardRegionContains(_ address: UInt) -> Bool {
        locked { s in
            var i = 0
            while i < s.pointee.regionHigh {
                if s.pointee.regions[i].start <= address && address < s.pointee.regions[i].end { return true }
                i += 1
            }
            return false
        }
    }

    /// Forgets a memory region (before it is unmapped).
    public func unregister(_ handle: RegionHandle) {
        locked { s in
            s.pointee.regions[handle.index].end = 0
            s.pointee.regions[handle.index].start = 0
        }
    }

    /// Forgets a code range and its trap sites (before the code is freed).
    public func unregister(_ handle: CodeHandle) {
        locked { s in
            s.pointee.codes[handle.index].end = 0
            s.pointee.codes[handle.index].start = 0
            s.pointee.codes[handle.index].sites = nil
            s.pointee.codes[handle.index].siteCount = 0
            s.pointee.codes[handle.index].resume = 0
        }
    }

    /// The calling thread's slot, claimed on first use and released when the thread exits.
    func threadSlot() -> UnsafeMutablePointer<ThreadSlot>? {
        if let slot = pthread_getspecific(threadKey) {
            return slot.assumingMemoryBound(to: ThreadSlot.self)
        }
        let me = UInt(pthread_self())
        let claimed: UnsafeMutablePointer<ThreadSlot>? = locked { s in
            var i = 0
            while i < TrapGuardState.threadCapacity {
                if s.pointee.threads[i].thread == 0 {
                    s.pointee.threads[i].current = nil
                    s.pointee.threads[i].thread = me
                    if i >= s.pointee.threadHigh { s.pointee.threadHigh = i + 1 }
                    return s.pointee.threads + i
                }
                i += 1
            }
            return nil
        }
        if let claimed { pthread_setspecific(threadKey, claimed) }
        return claimed
    }
}

/// Releases a thread's slot at thread exit (`pthread_key_create` destructor).
let releaseThreadSlot: @convention(c) (UnsafeMutableRawPointer?) -> Void = { raw in
    guard let slot = raw?.assumingMemoryBound(to: ThreadSlot.self) else { return }
    slot.pointee.current = nil
    slot.pointee.thread = 0
}

import Platform
import Synchronization

/// The native stack of one fiber: an `mmap` reservation with `MAP_NORESERVE` (pages are
/// committed as the fiber first touches them) and a `PROT_NONE` guard page at its low end,
/// so an overflow faults instead of running into the next mapping.
///
/// ```
///  mapping                                            mapping + mappingSize
///  | guard page (PROT_NONE) | usable stack (RW, lazily committed) ... <- grows down |
///                           low                                                 high
/// ```
public struct FiberStack: @unchecked Sendable {
    /// Start of the mapping (the guard page).
    let mapping: UnsafeMutableRawPointer
    /// Size of the whole mapping, guard page included.
    let mappingSize: Int
    /// Lowest usable address (just above the guard page).
    public var low: UInt { UInt(bitPattern: mapping) + UInt(FiberStack.pageSize) }
    /// One past the highest usable address; the stack grows down from here.
    public var high: UInt { UInt(bitPattern: mapping) + UInt(mappingSize) }

    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps a stack of `size` usable bytes (rounded up to pages); nil when the kernel
    /// refuses (address space or `vm.max_map_count` exhausted).
    init?(size: Int) {
        let page = Self.pageSize
        let usable = (max(size, page) + page - 1) / page * page
        let total = usable + page
        guard let p = mmap(nil, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              p != MAP_FAILED else { return nil }
        guard mprotect(p, page, PROT_NONE) == 0 else {
            munmap(p, total)
            return nil
        }
        mapping = p
        mappingSize = total
    }

    func unmap() { munmap(mapping, mappingSize) }
}

/// Stacks of one size, reused after their fibers end: a fiber start then costs no system
/// call, and a reused stack's pages are already committed.
public final class FiberStackPool: Sendable {
    /// Usable bytes per stack.
    public let stackSize: Int
    /// At most this many released stacks are kept; the rest are unmapped.
    public let capacity: Int
    private let free = Mutex<[FiberStack]>([])

    /// A pool of stacks of `stackSize` usable bytes keeping up to `capacity` spares.
    public init(stackSize: Int, capacity: Int = 1024) {
        self.stackSize = stackSize
        self.capacity = capacity
    }

    deinit {
        free.withLock { stacks in
            for stack in stacks { stack.unmap() }
            stacks.removeAll()
        }
    }

    /// A spare stack, or a new one; nil when no new mapping can be made.
    public func take() -> FiberStack? {
        if let spare = free.withLock({ $0.popLast() }) { return spare }
        return FiberStack(size: stackSize)
    }

    /// Returns a stack whose fiber has ended.
    public func give(_ stack: FiberStack) {
        let kept = free.withLock { stacks -> Bool in
            guard stacks.count < capacity else { return false }
            stacks.append(stack)
            return true
        }
        if !kept { stack.unmap() }
    }

    /// Spare stacks waiting for reuse.
    public var spareCount: Int { free.withLock { $0.count } }
}

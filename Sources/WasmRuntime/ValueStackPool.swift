import Synchronization

/// A process-wide cache of the memory behind released `ExecutionStack`s.
///
/// Every store gets a value stack of `valueStackSlots` (32 MiB by default) and a frame
/// stack: allocations that large come straight from `mmap`, are unmapped again by `free`,
/// and their first pages fault in afresh each time. An embedder that creates a store per
/// request (or a benchmark that does so per round) paid that for every store. Released
/// stacks of the same size are kept here and handed to the next store instead.
///
/// A recycled stack still holds the values its last store left behind. That is no new
/// exposure: within one store, later calls already run over slots earlier calls wrote.
/// Code cannot read a slot it has not written (validated operand stacks; tiers zero the
/// locals they declare), and the host reads only result slots the callee wrote.
enum ValueStackPool {
    /// The memory of one stack.
    struct Buffers: @unchecked Sendable {
        var slots: UnsafeMutableRawPointer
        var slotBytes: Int
        var frames: UnsafeMutablePointer<CallFrame>
        var frameCapacity: Int
    }

    /// At most this many stacks wait for reuse (the rest are freed).
    static let capacity = 4

    private static let cache = Mutex<[Buffers]>([])

    /// A cached stack of exactly these sizes, if one is free.
    static func take(slotBytes: Int, frameCapacity: Int) -> Buffers? {
        cache.withLock { cached in
            guard let i = cached.lastIndex(where: { $0.slotBytes == slotBytes && $0.frameCapacity == frameCapacity })
            else { return nil }
            return cached.remove(at: i)
        }
    }

    /// Keeps `buffers` for a later store, or frees them when the cache is full.
    static func give(_ buffers: Buffers) {
        let kept = cache.withLock { cached in
            guard cached.count < capacity else { return false }
            cached.append(buffers)
            return true
        }
        if !kept {
            buffers.slots.deallocate()
            buffers.frames.deallocate()
        }
    }
}

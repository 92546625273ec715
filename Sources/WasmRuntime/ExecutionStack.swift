import Atomics
import WasmCore

/// One activation on the explicit call stack shared by all tiers of a store.
public struct CallFrame {
    /// The return address with its low bit as a tag (code words are 4-byte aligned). The
    /// tag is clear only when the caller runs in the callee's instance and tier, so the
    /// interpreter's hot loop may return there by testing one bit instead of loading the
    /// caller's record; an entry from the host (no return address) is the tag alone.
    public private(set) var returnBits: UInt
    /// The caller's frame base.
    public var callerFP: UnsafeMutableRawPointer
    /// The function this frame runs.
    public var function: UnsafeMutablePointer<FunctionRecord>

    /// Where the caller resumes (tier-specific), nil for an entry from the host.
    @inlinable @inline(__always)
    public var returnPC: UnsafeRawPointer? { UnsafeRawPointer(bitPattern: returnBits & ~1) }

    /// True when the caller runs in the same instance and tier as this frame's function
    /// (see `returnBits`).
    @inlinable @inline(__always)
    public var returnsWithinInstance: Bool { returnBits & 1 == 0 }

    /// A frame returning to `returnPC` (nil: back to the host) with the caller's frame base;
    /// `withinInstance` only when the caller runs in `function`'s instance and tier.
    @inline(__always)
    public init(returnPC: UnsafeRawPointer?, callerFP: UnsafeMutableRawPointer,
                function: UnsafeMutablePointer<FunctionRecord>, withinInstance: Bool) {
        self.returnBits = UInt(bitPattern: returnPC) | (withinInstance && returnPC != nil ? 0 : 1)
        self.callerFP = callerFP
        self.function = function
    }

    /// After a tail call replaced `function` by one of another instance: returns take the
    /// checked path.
    public mutating func leaveInstanceOnReturn() { returnBits |= 1 }
}

/// The memory a store's code runs on: a value stack of 64-bit slots and a frame stack
/// bounded by `maxCallDepth`, so runaway recursion traps instead of overflowing the
/// native stack. Not thread-safe: one thread runs a store at a time.
public final class ExecutionStack {
    /// Start of the value stack.
    public let slotBase: UnsafeMutableRawPointer
    /// End of the value stack: a frame that would pass it traps with `callStackExhausted`.
    public let slotEnd: UnsafeMutableRawPointer
    /// First free slot; nested entries (host -> Wasm) start here.
    public var slotTop: UnsafeMutableRawPointer
    /// The frame stack (the interpreter's return addresses and callers).
    public let frames: UnsafeMutablePointer<CallFrame>
    /// Capacity of `frames` (`StoreConfiguration.maxCallDepth`).
    public let maxFrames: Int
    /// Number of frames in use. In the poll words, so that the interpreter's hot loop
    /// can publish it at each call and return through the one pointer it has
    /// (`interruptFlag`) when a fault may abandon its frames.
    public var frameCount: Int {
        get { pollWords.load(fromByteOffset: Self.pollFrameCountOffset, as: Int.self) }
        set { pollWords.storeBytes(of: newValue, toByteOffset: Self.pollFrameCountOffset, as: Int.self) }
    }
    /// Fuel left when fuel metering is on (decremented at loop headers and calls).
    public var fuel: UInt64 {
        get { pollWords.load(as: UInt64.self) }
        set { pollWords.storeBytes(of: newValue, as: UInt64.self) }
    }
    /// Whether fuel is counted down (`Store.setFuel`).
    public var meteringEnabled: Bool
    /// The word running code polls at loop headers and function entries (`pollWords` + 8).
    /// Bit 0 (`interruptBit`, set from any thread by `Store.interrupt`): stop with the
    /// `interrupted` trap. Bit 1 (`yieldBit`, set by a scheduler): call the yield handler,
    /// then go on at the same instruction.
    public let interruptFlag: UnsafeMutablePointer<UInt32>
    /// The words compiled code polls, in one allocation so one base pointer reaches all:
    ///
    /// ```
    ///  offset  0  fuel       UInt64, decremented per back edge and call
    ///          8  poll word  UInt32 (`interruptFlag`): interrupt and yield bits
    ///         12  hot trap   UInt32, the interpreter's: why its hot loop stopped (reason + 1)
    ///         16  yield handler   @convention(c) (context) -> Void, or 0
    ///         24  yield context   its argument
    ///         32  frame count     Int (`frameCount`)
    /// ```
    public let pollWords: UnsafeMutableRawPointer
    /// Byte offset of the fuel counter in `pollWords`.
    public static let pollFuelOffset = 0
    /// Byte offset of the interrupt flag in `pollWords`.
    public static let pollInterruptOffset = 8
    /// Byte offset of the word where the interpreter's hot loop leaves a trap reason.
    public static let pollHotTrapOffset = 12
    static let pollYieldHandlerOffset = 16
    static let pollYieldContextOffset = 24
    /// Byte offset of `frameCount` in `pollWords`.
    public static let pollFrameCountOffset = 32
    /// The poll word's stop request.
    public static let interruptBit: UInt32 = 1
    /// The poll word's yield request.
    public static let yieldBit: UInt32 = 2
    /// What a yield request calls: suspends the running code's fiber and returns when it
    /// is resumed (see `Store.setYieldHandler`).
    public typealias YieldHandler = @convention(c) (UnsafeMutableRawPointer?) -> Void
    /// The full trap behind a `hostError` reason (host functions throw arbitrary errors).
    public var pendingTrap: Trap?
    /// Lowest native stack address compiled code may grow down to; 0: the running
    /// thread's own limit. Set by embedders that run the store on a stack of their own
    /// (a fiber), whose bounds the thread's attributes do not describe.
    public var nativeStackLimit: UInt = 0
    /// Frame index of an interpreter entry frame whose caller (a JIT shim) accepts tail
    /// calls handed back to it (-1: none). A tail call from that frame to a function of
    /// another tier moves its arguments to the frame base, stores the callee in
    /// `tailCallee` and returns, so the caller jumps to it and stack stays bounded.
    public var tailCallRequestFrame = -1
    /// The callee of a tail call handed back by the frame at `tailCallRequestFrame`.
    public var tailCallee: UnsafeMutablePointer<FunctionRecord>?

    init(slots: Int, maxFrames: Int, fuel: UInt64?) {
        let byteCount = max(slots, 1024) * 8
        self.maxFrames = max(maxFrames, 1)
        if let cached = ValueStackPool.take(slotBytes: byteCount, frameCapacity: self.maxFrames) {
            slotBase = cached.slots
            frames = cached.frames
        } else {
            slotBase = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 16)
            frames = .allocate(capacity: self.maxFrames)
        }
        slotEnd = slotBase + byteCount
        slotTop = slotBase
        pollWords = .allocate(byteCount: 48, alignment: 16)
        pollWords.initializeMemory(as: UInt64.self, repeating: 0, count: 6)
        interruptFlag = (pollWords + Self.pollInterruptOffset).assumingMemoryBound(to: UInt32.self)
        meteringEnabled = fuel != nil
        self.fuel = fuel ?? UInt64.max
    }

    deinit {
        ValueStackPool.give(ValueStackPool.Buffers(slots: slotBase, slotBytes: slotEnd - slotBase, frames: frames,
                                         frameCapacity: maxFrames))
        pollWords.deallocate()
    }

    /// What code calls when it finds the poll word nonzero: true to go on (a yield request
    /// was served: the handler ran and returned), false to stop as `interrupted` (the
    /// interrupt bit is cleared). Shared by every tier; the JIT reaches it through a helper.
    @inline(never)
    public static func servicePoll(_ word: UnsafeMutablePointer<UInt32>) -> Bool {
        serveYieldRequest(word)
        let atomic = Self.atomic(word)
        guard atomic.load(ordering: .acquiring) & interruptBit == 0 else {
            _ = atomic.loadThenBitwiseAnd(with: ~interruptBit, ordering: .acquiringAndReleasing)
            return false
        }
        return true
    }

    /// Serves a pending yield request of `word` (clears the bit, calls the yield handler)
    /// and leaves the interrupt bit alone: for code that is not at a safe point, such as
    /// compiled code preempted by a signal, which sees an interrupt at its next poll.
    public static func serveYieldRequest(_ word: UnsafeMutablePointer<UInt32>) {
        let previous = atomic(word).loadThenBitwiseAnd(with: ~yieldBit, ordering: .acquiringAndReleasing)
        guard previous & yieldBit != 0, previous & interruptBit == 0 else { return }
        let base = UnsafeMutableRawPointer(word) - pollInterruptOffset
        let handler = base.load(fromByteOffset: pollYieldHandlerOffset, as: UInt.self)
        guard handler != 0 else { return }
        unsafeBitCast(handler, to: YieldHandler.self)(base.load(fromByteOffset: pollYieldContextOffset,
                                                                 as: UnsafeMutableRawPointer?.self))
    }

    private static func atomic(_ word: UnsafeMutablePointer<UInt32>) -> UnsafeAtomic<UInt32> {
        UnsafeAtomic(at: UnsafeMutableRawPointer(word).assumingMemoryBound(to: UnsafeAtomic<UInt32>.Storage.self))
    }

    /// Sets the interrupt bit; any thread.
    func requestInterrupt() { Self.requestInterrupt(interruptFlag) }

    /// Sets the interrupt bit of a poll word (`Store.pollWord`); any thread, while the
    /// store lives.
    public static func requestInterrupt(_ word: UnsafeMutablePointer<UInt32>) {
        _ = atomic(word).loadThenBitwiseOr(with: interruptBit, ordering: .releasing)
    }

    /// Installs (or with nil removes) the yield handler.
    func setYieldHandler(_ handler: YieldHandler?, context: UnsafeMutableRawPointer?) {
        pollWords.storeBytes(of: handler.map { unsafeBitCast($0, to: UInt.self) } ?? 0,
                             toByteOffset: Self.pollYieldHandlerOffset, as: UInt.self)
        pollWords.storeBytes(of: context, toByteOffset: Self.pollYieldContextOffset, as: UnsafeMutableRawPointer?.self)
    }

    /// Names of the functions on the frame stack from `frameCount - 1` down to `lowest`,
    /// at most `limit` of them (deep recursion would otherwise build huge traces); a final
    /// entry says how many frames were left out.
    public func backtrace(downTo lowest: Int, limit: Int = 100) -> [String] {
        var names: [String] = []
        var i = frameCount - 1
        while i >= lowest && i >= 0 && names.count < limit {
            names.append(frames[i].function.pointee.owner.takeUnretainedValue().debugName)
            i -= 1
        }
        let omitted = i - max(lowest, 0) + 1
        if omitted > 0 { names.append("... \(omitted) more frames") }
        return names
    }
}

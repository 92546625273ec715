import GreenThreads
import WasmRuntime

/// A payload or reply coming in through `RedisRelay`, put together from its parts. One
/// sender publishes them in order on one connection and Redis keeps that order, so a
/// part that does not continue the bytes so far means parts were lost (the listener
/// reconnected): the assembly is then abandoned, and the call fails at its timeout.
struct RelayAssembly {
    let total: Int
    private(set) var bytes: [UInt8]
    /// What was last acknowledged to the sender.
    private var acknowledged = 0
    /// When the last part came (monotonic nanoseconds), to forget an assembly whose
    /// sender went away.
    private(set) var touched: UInt64

    init(total: Int) {
        self.total = total
        bytes = MovedPages.byteArray(capacity: total)
        touched = MonotonicClock.now()
    }

    /// Adds the part at `offset`; false when it does not continue the bytes so far or
    /// runs past the total.
    mutating func add(_ data: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard offset == bytes.count, data.count <= total - offset else { return false }
        bytes.append(contentsOf: data)
        touched = MonotonicClock.now()
        return true
    }

    var isComplete: Bool { bytes.count == total }

    /// The count to acknowledge now, when the sender has waited long enough for one (a
    /// complete message needs none: its sender sent everything).
    mutating func acknowledgement() -> Int? {
        guard !isComplete, bytes.count - acknowledged >= RelayTransfer.acknowledgementBytes else { return nil }
        acknowledged = bytes.count
        return acknowledged
    }
}

import GreenThreads
import Synchronization

/// Calls chained with `__faasm_chain_name`: each runs as its own sandbox on the scheduler;
/// a caller that awaits one parks its fiber (the worker runs other sandboxes meanwhile)
/// until the call ends. Ids are never 0 and never reused.
public final class ChainedCalls: Sendable {
    /// How a chained call ended.
    public struct Result: Sendable {
        /// Its exit status (1 when it trapped, was killed or could not start, as in Faasm).
        public var status: Int32
        /// Its output (`__faasm_write_output`, else its stdout).
        public var output: [UInt8]
    }

    private struct Call {
        var result: Result?
        var waiters: [Fiber] = []
    }

    private let calls = Mutex<(next: UInt32, byID: [UInt32: Call])>((0, [:]))

    /// An empty registry.
    public init() {}

    /// A new call's id (not yet finished).
    func register() -> UInt32 {
        calls.withLock { state in
            state.next = state.next == UInt32.max ? 1 : state.next + 1
            state.byID[state.next] = Call()
            return state.next
        }
    }

    /// Records how call `id` ended and wakes whoever awaits it; `unlessFinished`: only
    /// when it has no result yet (a timeout that may come after the answer).
    func finish(_ id: UInt32, _ result: Result, unlessFinished: Bool = false) {
        let waiters = calls.withLock { state -> [Fiber] in
            if unlessFinished && state.byID[id]?.result != nil { return [] }
            state.byID[id]?.result = result
            defer { state.byID[id]?.waiters = [] }
            return state.byID[id]?.waiters ?? []
        }
        for fiber in waiters { fiber.unpark() }
    }

    /// Waits for call `id` (parking the calling sandbox's fiber) and forgets it; nil for
    /// an unknown id or when the caller is cancelled (killed) while waiting.
    func await(_ id: UInt32) -> Result? {
        while true {
            let state = calls.withLock { state -> (known: Bool, result: Result?) in
                guard var call = state.byID[id] else { return (false, nil) }
                if let result = call.result {
                    state.byID[id] = nil
                    return (true, result)
                }
                if let fiber = Fiber.current { call.waiters.append(fiber) }
                state.byID[id] = call
                return (true, nil)
            }
            guard state.known else { return nil }
            if let result = state.result { return result }
            guard let fiber = Fiber.current, !fiber.isCancelled else { return nil }
            Sandbox.park()
        }
    }
}

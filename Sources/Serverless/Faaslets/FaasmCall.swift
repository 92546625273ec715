import Synchronization

/// What one Faasm-style call sees beyond WASI: its input, the output it sets with
/// `__faasm_write_output`, and the state of its user.
public final class FaasmCall: Sendable {
    /// The call's input (`__faasm_read_input`).
    public let input: [UInt8]
    /// The user (tenant) whose state the call reads and writes.
    public let user: String
    let state: StateStore
    /// Starts a chained call of a function (by name) with an input; returns its id, or
    /// nil when chaining is not available.
    let chain: (@Sendable (String, [UInt8]) -> UInt32?)?
    /// The registry chained calls finish into.
    let calls: ChainedCalls?
    private let outputBytes = Mutex<[UInt8]?>(nil)
    /// Where each state value is mapped in the call's memory (`__faasm_read_state_ptr`).
    let mappedState = Mutex<[String: UInt32]>([:])
    /// State locks the call holds (value, exclusive), released when it ends.
    private let heldLocks = Mutex<[(value: StateValue, exclusive: Bool)]>([])

    /// A call of `user` with `input`, on `state`; `chain` and `calls` make chaining work.
    public init(input: [UInt8], user: String, state: StateStore,
                chain: (@Sendable (String, [UInt8]) -> UInt32?)? = nil, calls: ChainedCalls? = nil) {
        self.input = input
        self.user = user
        self.state = state
        self.chain = chain
        self.calls = calls
    }

    /// What the call set with `__faasm_write_output` (nil: nothing).
    public var output: [UInt8]? { outputBytes.withLock { $0 } }

    func setOutput(_ bytes: [UInt8]) { outputBytes.withLock { $0 = bytes } }

    func lock(_ value: StateValue, exclusive: Bool) {
        value.acquire(exclusive: exclusive)
        heldLocks.withLock { $0.append((value, exclusive)) }
    }

    /// Releases a lock this call holds; false when it holds none of that kind.
    func unlock(_ value: StateValue, exclusive: Bool) -> Bool {
        let held = heldLocks.withLock { locks -> Bool in
            guard let i = locks.lastIndex(where: { $0.value === value && $0.exclusive == exclusive }) else { return false }
            locks.remove(at: i)
            return true
        }
        if held { value.release(exclusive: exclusive) }
        return held
    }

    /// Releases every lock the call still holds (it ended, or was killed, holding them).
    public func releaseLocks() {
        let held = heldLocks.withLock { locks -> [(value: StateValue, exclusive: Bool)] in
            let all = locks
            locks = []
            return all
        }
        for lock in held { lock.value.release(exclusive: lock.exclusive) }
    }
}


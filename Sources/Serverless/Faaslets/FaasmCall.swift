import Synchronization

/// What a chained call runs.
public enum ChainTarget: Sendable, Equatable {
    /// The function of that name, from its main entry (`chain_name`).
    case function(String)
    /// The caller's own function, from this element of its table (`chain_ptr`).
    case pointer(UInt32)
}

/// What one Faasm-style call sees beyond WASI: its input, the output it sets with
/// `__faasm_write_output`, and the state of its user.
public final class FaasmCall: Sendable {
    /// The call's input (`__faasm_read_input`).
    public let input: [UInt8]
    /// The user (tenant) whose state the call reads and writes.
    public let user: String
    let state: StateStore
    /// Starts a chained call of a function with an input and arguments after argv[0];
    /// returns its id, or nil when chaining is not available.
    let chain: (@Sendable (ChainTarget, [UInt8], [String]) -> UInt32?)?
    /// The registry chained calls finish into.
    let calls: ChainedCalls?
    /// The call runs a route's init for its snapshot: it cannot map state (the snapshot
    /// would hold a stale private copy of the node's shared pages).
    let isInit: Bool
    private let outputBytes = Mutex<[UInt8]?>(nil)
    /// Where each state value is mapped in the call's memory (`__faasm_read_state_ptr`).
    let mappedState = Mutex<[String: UInt32]>([:])
    /// State locks the call holds (value, exclusive), released when it ends.
    private let heldLocks = Mutex<[(value: StateValue, exclusive: Bool)]>([])
    /// Global (Redis) locks the call holds, with the token that proves it.
    private let globalLocks = Mutex<[(value: StateValue, token: [UInt8])]>([])
    private let tierFailure = Mutex<RedisError?>(nil)

    /// A call of `user` with `input`, on `state`; `chain` and `calls` make chaining work;
    /// `isInit`: the call is a route's init.
    public init(input: [UInt8], user: String, state: StateStore,
                chain: (@Sendable (ChainTarget, [UInt8], [String]) -> UInt32?)? = nil, calls: ChainedCalls? = nil,
                isInit: Bool = false) {
        self.isInit = isInit
        self.input = input
        self.user = user
        self.state = state
        self.chain = chain
        self.calls = calls
    }

    /// What the call set with `__faasm_write_output` (nil: nothing).
    public var output: [UInt8]? { outputBytes.withLock { $0 } }

    func setOutput(_ bytes: [UInt8]) { outputBytes.withLock { $0 = bytes } }

    /// The global tier's failure that ended the call (the server answers 503), if any.
    public var globalTierFailure: RedisError? { tierFailure.withLock { $0 } }

    func globalTierFailed(_ error: RedisError) { tierFailure.withLock { $0 = error } }

    /// How long a global lock lives unless released: a node that dies holding one stalls
    /// the others at most this long.
    static let globalLockExpiryMs = 10_000

    /// Tries once to take `value`'s global lock.
    func tryLockGlobal(_ value: StateValue) throws(RedisError) -> Bool {
        guard let global = value.global else { return false }
        var token = [UInt8](repeating: 0, count: 16)
        var random = SystemRandomNumberGenerator()
        for i in token.indices { token[i] = random.next() }
        guard try global.tryLock(value.name, token: token, expiryMs: Self.globalLockExpiryMs) else { return false }
        globalLocks.withLock { $0.append((value, token)) }
        return true
    }

    /// Releases `value`'s global lock; false when the call does not hold it (or it expired).
    func unlockGlobal(_ value: StateValue) throws(RedisError) -> Bool {
        guard let global = value.global else { return unlock(value, exclusive: true) }
        let token = globalLocks.withLock { locks -> [UInt8]? in
            guard let i = locks.lastIndex(where: { $0.value === value }) else { return nil }
            return locks.remove(at: i).token
        }
        guard let token else { return false }
        return try global.unlock(value.name, token: token)
    }

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
        let global = globalLocks.withLock { locks -> [(value: StateValue, token: [UInt8])] in
            defer { locks = [] }
            return locks
        }
        // Best effort: a lock that cannot be released now expires.
        for lock in global { _ = try? lock.value.global?.unlock(lock.value.name, token: lock.token) }
    }
}


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
}

import Synchronization

/// What one Faasm-style call sees beyond WASI: its input, the output it sets with
/// `__faasm_write_output`, and the state of its user.
public final class FaasmCall: Sendable {
    /// The call's input (`__faasm_read_input`).
    public let input: [UInt8]
    /// The user (tenant) whose state the call reads and writes.
    public let user: String
    let state: StateStore
    private let outputBytes = Mutex<[UInt8]?>(nil)

    /// A call of `user` with `input`, on `state`.
    public init(input: [UInt8], user: String, state: StateStore) {
        self.input = input
        self.user = user
        self.state = state
    }

    /// What the call set with `__faasm_write_output` (nil: nothing).
    public var output: [UInt8]? { outputBytes.withLock { $0 } }

    func setOutput(_ bytes: [UInt8]) { outputBytes.withLock { $0 = bytes } }
}

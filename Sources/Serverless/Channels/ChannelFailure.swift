/// Why a channel call gave no reply: the negative value `func_connect` returns to the
/// guest (CWASI itself has no error codes: its host panics).
public enum ChannelFailure: Int32, Sendable, Error {
    /// The message is not CWASI's JSON object of strings `source_channel`,
    /// `target_channel` and `payload`.
    case malformedMessage = -1
    /// No function of the tenant is named by `target_channel`, or it exports no
    /// `cwasi_function`.
    case unknownTarget = -2
    /// The callee trapped, exited with a non-zero status, was killed (its timeout) or
    /// could not be reached.
    case calleeFailed = -3
    /// The reply does not fit in the caller's memory from the message's address on.
    case replyTooLarge = -4
    /// The payload is larger than the callee's route takes (its `max-request-bytes`, as
    /// for a request's body).
    case payloadTooLarge = -5
}

import WasmCore

/// Execution stopped abnormally: a Wasm trap, an interruption or a failing host function.
public struct Trap: Error, CustomStringConvertible {
    /// Why execution stopped; its `message` is the spec testsuite's wording.
    public var reason: TrapReason
    /// Names of the functions that were active, innermost first.
    public var backtrace: [String]
    /// Extra detail (a host error's description, an argument mismatch at `invoke`).
    public var detail: String?
    /// The exception that left Wasm uncaught (reason `uncaughtException`).
    public var exception: Exception?

    /// A trap with its reason, the Wasm frames innermost first, an optional detail and, for `uncaughtException`, the exception.
    public init(_ reason: TrapReason, backtrace: [String] = [], detail: String? = nil, exception: Exception? = nil) {
        self.reason = reason
        self.backtrace = backtrace
        self.detail = detail
        self.exception = exception
    }

    /// "integer divide by zero", with the detail and the backtrace when there are any.
    public var description: String {
        var text = reason.message
        if let detail { text += ": \(detail)" }
        // Runs of the same function (recursion) print once with a count.
        var index = 0
        while index < backtrace.count {
            var end = index + 1
            while end < backtrace.count && backtrace[end] == backtrace[index] { end += 1 }
            text += "\n  #\(index) \(backtrace[index])"
            if end - index > 1 { text += " (\(end - index) frames)" }
            index = end
        }
        return text
    }
}

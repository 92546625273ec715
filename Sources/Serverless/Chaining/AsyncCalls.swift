import Synchronization

/// Calls invoked with `POST /f/<user>/<function>?async=1`: each gets an id (never 0,
/// never reused) at once, runs as a sandbox, and then holds what the synchronous call
/// would have answered, for `GET /status/<id>`. Finished calls are kept up to a limit,
/// the oldest forgotten first; running ones are bounded by the server's queue.
final class AsyncCalls: Sendable {
    /// How a call ended.
    struct Result: Sendable {
        /// Whether the function ran to its end (returned, or exited with any status);
        /// false when it trapped, was killed at its timeout or could not start.
        var completed: Bool
        /// Its exit status when it ran to its end.
        var exitStatus: UInt32?
        /// The response the synchronous call would have had.
        var response: ServeResponse

        /// The result of a sandbox that ended with `outcome`, answering `response`.
        init(_ outcome: SandboxOutcome, response: ServeResponse) {
            exitStatus = outcome.exitStatus
            completed = exitStatus != nil
            self.response = response
        }
    }

    /// Where a call is.
    enum Status: Sendable {
        case running
        case finished(Result)
    }

    private struct Call {
        let tenant: Int
        var result: Result?
    }

    private struct State {
        var next: UInt64 = 0
        var calls: [UInt64: Call] = [:]
        /// Finished ids, a ring of `limit` slots; `oldest` is the next to overwrite.
        var finished: [UInt64] = []
        var oldest = 0
    }

    private let limit: Int
    private let state = Mutex(State())

    /// A registry keeping at most `limit` finished calls (at least one).
    init(limit: Int) { self.limit = max(limit, 1) }

    /// A new running call of the tenant at index `tenant`; its id.
    func start(tenant: Int) -> UInt64 {
        state.withLock { state in
            state.next += 1
            state.calls[state.next] = Call(tenant: tenant)
            return state.next
        }
    }

    /// Records how call `id` ended; the oldest finished call goes when `limit` are kept.
    func finish(_ id: UInt64, _ result: Result) {
        state.withLock { state in
            guard let call = state.calls[id], call.result == nil else { return }
            state.calls[id]?.result = result
            if state.finished.count < limit {
                state.finished.append(id)
            } else {
                state.calls[state.finished[state.oldest]] = nil
                state.finished[state.oldest] = id
                state.oldest = (state.oldest + 1) % limit
            }
        }
    }

    /// Forgets call `id`, which never started (the scheduler refused it).
    func cancel(_ id: UInt64) { state.withLock { _ = $0.calls.removeValue(forKey: id) } }

    /// Call `id` as the tenant at index `tenant` sees it: nil when unknown, forgotten or
    /// another tenant's.
    func status(_ id: UInt64, tenant: Int) -> Status? {
        state.withLock { state in
            guard let call = state.calls[id], call.tenant == tenant else { return nil }
            return call.result.map { .finished($0) } ?? .running
        }
    }

    /// Calls held (running and finished).
    var count: Int { state.withLock { $0.calls.count } }
}

import GreenThreads
import Platform
import WasmRuntime

extension ServeServer {
    /// The export a CWASI callee runs.
    static let cwasiEntry = "cwasi_function"

    /// The request header that makes a node run a route's `cwasi_function` (the body its
    /// payload) instead of `_start`: how a channel call reaches another node.
    static let entryHeader = "X-WasmLab-Entry"

    /// CWASI's `func_connect` from a sandbox of `tenant`: runs the function `target`'s
    /// `cwasi_function` with `payload` as its argv[1] (and stdin), awaits it (the
    /// caller's fiber parks) and answers its reply: what it wrote to stdout, or else its
    /// result as a decimal number. The mode is `forced`, or chosen from where the callee
    /// runs: this node (local) before another (network). The payload may be as large as
    /// the callee's route takes a request's body.
    func connect(_ target: String, payload: CWASIPayload, tenant: Int, forced: ChannelMode?,
                 deadline: UInt64) -> Result<[UInt8], ChannelFailure> {
        let start = MonotonicClock.now()
        let local = table(tenant).function(named: target)
        let mode: ChannelMode
        switch forced {
        case .local?, .embedding?:
            mode = .local
        case .network?:
            mode = .network
        case nil:
            mode = local != nil || warmHosts == nil ? .local : .network
        }
        let reply = mode == .local
            ? connectLocal(local, target: target, payload: payload, tenant: tenant, deadline: deadline)
            : connectRemote(target, payload: payload, tenant: tenant, sameNodeToo: forced == .network)
        if case .failure(.unknownTarget) = reply { return reply }
        if case .failure(.payloadTooLarge) = reply { return reply }
        record(mode, target: target, payload: payload.count, reply: reply, ns: MonotonicClock.now() - start)
        return reply
    }

    /// The callee in a new sandbox on this node.
    private func connectLocal(_ route: CompiledRoute?, target: String, payload: CWASIPayload, tenant: Int,
                              deadline: UInt64) -> Result<[UInt8], ChannelFailure> {
        guard let route, route.module.exports.contains(where: { $0.name == Self.cwasiEntry }) else {
            return .failure(.unknownTarget)
        }
        guard payload.count <= route.spec.maxRequestBytes else { return .failure(.payloadTooLarge) }
        let id = calls.register()
        startChained(id, route, payload.copy(), arguments: [], tenant: tenant,
                     deadline: deadline, entry: .export(Self.cwasiEntry)) { outcome, stdout in
            Self.cwasiResult(outcome, stdout: stdout)
        }
        guard let result = calls.await(id) else { return .failure(.calleeFailed) }
        return result.status == 0 ? .success(result.output) : .failure(.calleeFailed)
    }

    /// The callee on another node that serves it (`sameNodeToo`: or this one, over
    /// loopback, when no other does: a forced network mode), over HTTP: `POST /target`
    /// with the payload as the body and `X-WasmLab-Entry: cwasi_function`.
    private func connectRemote(_ target: String, payload: CWASIPayload, tenant: Int,
                               sameNodeToo: Bool) -> Result<[UInt8], ChannelFailure> {
        var nodes = warmHosts?.otherHosts(tenant: tenant, function: target) ?? []
        if nodes.isEmpty && sameNodeToo && table(tenant).function(named: target) != nil && tenant < ownAddresses.count {
            nodes = [ownAddresses[tenant]]
        }
        guard !nodes.isEmpty else { return .failure(.unknownTarget) }
        let node = warmHosts?.pick(nodes) ?? nodes[0]
        return switch payload {
        case .borrowed(let bytes): post(target, payload: bytes, to: node)
        case .decoded(let bytes): post(target, payload: bytes, to: node)
        }
    }

    /// Sends the call to `node` (the payload copied once, into the request) and parks the
    /// caller's fiber until its answer.
    private func post(_ target: String, payload: some Collection<UInt8>, to node: String) -> Result<[UInt8], ChannelFailure> {
        let id = calls.register()
        let calls = self.calls
        forwarder.post(to: node, path: "/" + target, body: payload, headers: [(Self.entryHeader, Self.cwasiEntry)],
                       timeoutMs: Int64(options.defaultTimeoutMs) + 1000) { response in
            // 413: over the callee's max-request-bytes; anything but 200: it failed.
            let status: Int32 = switch response?.status { case 200?: 0; case 413?: 413; default: 1 }
            calls.finish(id, .init(status: status, output: response?.body ?? []))
        }
        guard let result = calls.await(id) else { return .failure(.calleeFailed) }
        switch result.status {
        case 0: return .success(result.output)
        case 413: return .failure(.payloadTooLarge)
        default: return .failure(.calleeFailed)
        }
    }

    /// `func_connect` to a function embedded in the caller's sandbox: its `cwasi_function`
    /// called in place.
    func connectEmbedded(_ callee: EmbeddedCallee, payload: CWASIPayload) throws(Trap) -> Result<[UInt8], ChannelFailure> {
        let start = MonotonicClock.now()
        guard payload.count <= callee.maxPayload else { return .failure(.payloadTooLarge) }
        guard let (outcome, stdout) = try callee.call(payload) else { return .failure(.unknownTarget) }
        let result = Self.cwasiResult(outcome, stdout: stdout)
        let reply: Result<[UInt8], ChannelFailure> = result.status == 0 ? .success(result.output) : .failure(.calleeFailed)
        record(.embedding, target: callee.name, payload: payload.count, reply: reply, ns: MonotonicClock.now() - start)
        return reply
    }

    /// Counts and logs a channel call that reached its callee.
    private func record(_ mode: ChannelMode, target: String, payload: Int, reply: Result<[UInt8], ChannelFailure>, ns: UInt64) {
        metrics.channelCall(mode: mode, failed: (try? reply.get()) == nil)
        logger.info("channel call", metadata: [
            "mode": "\(mode.rawValue)", "target": "\(target)", "bytes": "\(payload)", "us": "\(ns / 1000)",
            "reply": "\((try? reply.get()).map { "\($0.count) bytes" } ?? "\(reply)")",
        ])
    }

    /// A CWASI callee's reply: its stdout, or else its `i32` result in decimal; status 1
    /// when it trapped, was killed or exited with a non-zero status.
    static func cwasiResult(_ outcome: SandboxOutcome, stdout: [UInt8]) -> ChainedCalls.Result {
        switch outcome {
        case .returned(let values):
            if !stdout.isEmpty { return .init(status: 0, output: stdout) }
            let text = switch values.first {
            case .i32(let v)?: String(Int32(bitPattern: v))
            case .i64(let v)?: String(Int64(bitPattern: v))
            default: ""
            }
            return .init(status: 0, output: Array(text.utf8))
        case .exited(0):
            return .init(status: 0, output: stdout)
        default:
            return .init(status: 1, output: [])
        }
    }
}

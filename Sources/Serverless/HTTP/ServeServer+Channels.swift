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
        let local = function(named: target, tenant: tenant)
        var mode: ChannelMode
        switch forced {
        case .local?, .embedding?: mode = .local
        case .network?: mode = .network
        case .networkRedis?: mode = .networkRedis
        case nil: mode = local != nil || warmHosts == nil ? .local : .network
        }
        let reply: Result<[UInt8], ChannelFailure>
        if mode == .local {
            reply = connectLocal(target, payload: payload, tenant: tenant, deadline: deadline)
        } else {
            (reply, mode) = connectRemote(target, payload: payload, tenant: tenant, mode: mode, sameNodeToo: forced != nil)
        }
        if case .failure(.unknownTarget) = reply { return reply }
        if case .failure(.payloadTooLarge) = reply { return reply }
        record(mode, target: target, payload: payload.count, reply: reply, ns: MonotonicClock.now() - start)
        return reply
    }

    /// The callee in a new sandbox on this node.
    private func connectLocal(_ target: String, payload: CWASIPayload, tenant: Int,
                              deadline: UInt64) -> Result<[UInt8], ChannelFailure> {
        guard let route = channelCallee(target, tenant: tenant) else { return .failure(.unknownTarget) }
        guard payload.count <= route.spec.maxRequestBytes else { return .failure(.payloadTooLarge) }
        let id = calls.register()
        startChained(id, route, payload.copy(), arguments: [], tenant: tenant,
                     deadline: deadline, entry: .export(Self.cwasiEntry)) { outcome, stdout in
            Self.cwasiResult(outcome, stdout: stdout)
        }
        guard let result = calls.await(id) else { return .failure(.calleeFailed) }
        return result.status == 0 ? .success(result.output) : .failure(.calleeFailed)
    }

    /// The callee on another node that serves it (`sameNodeToo`: or this one, over its
    /// own port, when no other does: a forced mode), over HTTP: `POST /target` with the
    /// payload as the body and `X-WasmLab-Entry: cwasi_function`; through Redis when that
    /// node cannot be reached or the mode is `networkRedis`. The mode the call took.
    private func connectRemote(_ target: String, payload: CWASIPayload, tenant: Int, mode: ChannelMode,
                               sameNodeToo: Bool) -> (Result<[UInt8], ChannelFailure>, ChannelMode) {
        var nodes = warmHosts?.otherHosts(tenant: tenant, function: target) ?? []
        if nodes.isEmpty && sameNodeToo && function(named: target, tenant: tenant) != nil {
            let own = mode == .networkRedis ? warmHosts?.addresses : ownAddresses
            if let own, tenant < own.count { nodes = [own[tenant]] }
        }
        guard !nodes.isEmpty else { return (.failure(.unknownTarget), mode) }
        let node = warmHosts?.pick(nodes) ?? nodes[0]
        return payload.withBytes { bytes in
            if mode == .network {
                let direct = post(target, payload: bytes, to: node)
                guard direct == nil, relay != nil else { return (direct ?? .failure(.calleeFailed), .network) }
            }
            return (relayed(target, payload: bytes, tenant: tenant, to: node), .networkRedis)
        }
    }

    /// Sends the call to `node` (the payload copied once, into the request) and parks the
    /// caller's fiber until its answer; nil when the node cannot be reached.
    private func post(_ target: String, payload: UnsafeRawBufferPointer, to node: String) -> Result<[UInt8], ChannelFailure>? {
        let id = calls.register()
        let calls = self.calls
        Self.postCall(forwarder, to: node, target: target, payload: payload, timeoutMs: forwardTimeoutMs) { status, reply in
            calls.finish(id, .init(status: status, output: reply))
        }
        let result = calls.await(id)
        return result?.status == -1 ? nil : Self.reply(result)
    }

    /// Relays the call to `node` through Redis and parks the caller's fiber until its
    /// answer, or the route's timeout and a second more. The payload is read until then.
    private func relayed(_ target: String, payload: UnsafeRawBufferPointer, tenant: Int, to node: String) -> Result<[UInt8], ChannelFailure> {
        guard let relay else { return .failure(.calleeFailed) }
        let id = calls.register()
        let calls = self.calls, logger = self.logger
        let transfer = relay.send(id, tenant: tenant, to: node, target: target, payload: payload) { error in
            logger.warning("channel call through Redis failed", metadata: ["target": "\(target)", "error": "\(error)"])
            calls.finish(id, .init(status: 1, output: []), unlessFinished: true)
        }
        group.next().scheduleTask(in: .milliseconds(forwardTimeoutMs)) {
            calls.finish(id, .init(status: 1, output: []), unlessFinished: true)
        }
        let result = calls.await(id)
        transfer.cancel()
        return Self.reply(result)
    }

    /// Posts a channel call to `node` over HTTP: `POST /target` with the payload as the
    /// body and `X-WasmLab-Entry: cwasi_function`; `completion` gets its status
    /// (`callStatus`) and reply.
    static func postCall(_ forwarder: CallForwarder, to node: String, target: String, payload: some Collection<UInt8>,
                         timeoutMs: Int64, completion: @escaping @Sendable (Int32, [UInt8]) -> Void) {
        forwarder.post(to: node, path: "/" + target, body: payload, headers: [(entryHeader, cwasiEntry)],
                       timeoutMs: timeoutMs) { response in
            completion(callStatus(response?.status), response?.body ?? [])
        }
    }

    /// The status a channel call's HTTP answer stands for: 0 replied, 413 payload over the
    /// callee's limit, -1 no answer (the node cannot be reached), 1 anything else.
    static func callStatus(_ status: Int?) -> Int32 {
        switch status {
        case 200?: 0
        case 413?: 413
        case nil: -1
        default: 1
        }
    }

    private static func reply(_ result: ChainedCalls.Result?) -> Result<[UInt8], ChannelFailure> {
        switch result?.status {
        case 0?: .success(result?.output ?? [])
        case 413?: .failure(.payloadTooLarge)
        default: .failure(.calleeFailed)
        }
    }

    /// Relays channel calls through Redis to and from this node's tenants (known to other
    /// nodes as `addresses`): a call that comes in runs here as a sandbox of its own, as
    /// a local one does.
    func startRelay(_ tier: RedisTier, addresses: [String]) -> RedisRelay {
        let calls = self.calls
        let relay = RedisRelay(tier: tier, addresses: addresses, replyLimit: options.maxResponseBytes,
                               timeoutMs: forwardTimeoutMs, limit: { [weak self] tenant, target in
            self?.channelCallee(target, tenant: tenant)?.spec.maxRequestBytes
        }, run: { [weak self] tenant, target, payload, answer in
            guard let self, let route = channelCallee(target, tenant: tenant) else { return answer(1, []) }
            metrics.channelCallServed(mode: .networkRedis)
            let deadline = MonotonicClock.now() + route.spec.relativeDeadlineUs * 1000
            startChained(route, payload, arguments: [], tenant: tenant, deadline: deadline, entry: .export(Self.cwasiEntry),
                         result: { outcome, stdout in Self.cwasiResult(outcome, stdout: stdout) }) { result in
                answer(Int(result.status), result.output)
            }
        }, deliver: { id, status, reply in
            calls.finish(id, .init(status: Int32(clamping: status), output: reply))
        })
        relay.start()
        return relay
    }

    /// The function `name` of `tenant` when it can be a channel's callee (it exports
    /// `cwasi_function`).
    private func channelCallee(_ name: String, tenant: Int) -> CompiledRoute? {
        guard let route = function(named: name, tenant: tenant),
              route.module.exports.contains(where: { $0.name == Self.cwasiEntry }) else { return nil }
        return route
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

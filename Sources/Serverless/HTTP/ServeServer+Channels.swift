import GreenThreads
import Platform
import WasmRuntime

extension ServeServer {
    /// The export a CWASI callee runs.
    static let cwasiEntry = "cwasi_function"

    /// CWASI's `func_connect` from a sandbox of `tenant`: runs the function `target`'s
    /// `cwasi_function` with `payload` as its argv[1] (and stdin), awaits it (the
    /// caller's fiber parks) and answers its reply: what it wrote to stdout, or else its
    /// result as a decimal number. The mode is chosen from where the callee runs. The
    /// payload may be as large as the callee's route takes a request's body.
    func connect(_ target: String, payload: [UInt8], tenant: Int, deadline: UInt64) -> Result<[UInt8], ChannelFailure> {
        let start = MonotonicClock.now()
        guard let route = table(tenant).function(named: target),
              route.module.exports.contains(where: { $0.name == Self.cwasiEntry }) else {
            return .failure(.unknownTarget)
        }
        guard payload.count <= route.spec.maxRequestBytes else { return .failure(.payloadTooLarge) }
        let mode = ChannelMode.local
        let id = calls.register()
        startChained(id, route, payload, arguments: [String(decoding: payload, as: UTF8.self)], tenant: tenant,
                     deadline: deadline, entry: .export(Self.cwasiEntry)) { outcome, stdout in
            Self.cwasiResult(outcome, stdout: stdout)
        }
        let result = calls.await(id)
        let reply: Result<[UInt8], ChannelFailure> = result.map { $0.status == 0 ? .success($0.output) : .failure(.calleeFailed) }
            ?? .failure(.calleeFailed)
        record(mode, target: target, payload: payload.count, reply: reply, ns: MonotonicClock.now() - start)
        return reply
    }

    /// `func_connect` to a function embedded in the caller's sandbox: its `cwasi_function`
    /// called in place.
    func connectEmbedded(_ callee: EmbeddedCallee, payload: [UInt8]) throws(Trap) -> Result<[UInt8], ChannelFailure> {
        let start = MonotonicClock.now()
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

import GreenThreads
import Platform
import WASI
import WasmRuntime

extension ServeServer {
    /// Runs `request` on `route` in a fresh sandbox, for a request admitted with `share`
    /// that arrived at `arrival`: queue accounting, the route's run-time statistics,
    /// metrics and the log line; `completion` gets the response (and how the sandbox
    /// ended) on the sandbox's worker. The share is given back when the sandbox ends, or
    /// here when the scheduler refuses it (it is shutting down: the error is thrown).
    func run(_ request: CGI.Request, route: CompiledRoute, tenant: Int, share: Int, id: UInt64, arrival: UInt64,
             completion: @escaping @Sendable (ServeResponse, SandboxOutcome) -> Void) throws(SchedulerError) {
        let maxOutput = options.maxResponseBytes
        let deadline = arrival + route.spec.relativeDeadlineUs * 1000
        // Another node's channel call runs the route's `cwasi_function` (Docs/Channels.md).
        let channelCall = request.headers.contains {
            $0.name.lowercased() == Self.entryHeader.lowercased() && $0.value == Self.cwasiEntry
        }
        let (made, stdout, stderr, faasm) = sandbox(
            for: route, tenant: tenant, input: request.body,
            arguments: channelCall ? [] : CGI.arguments(request, route: route.spec.route),
            environment: CGI.environment(request, route: route.spec.route, extra: route.spec.environment), deadline: deadline,
            entry: channelCall ? .export(Self.cwasiEntry) : .main)
        var job = made
        let started = SendableBox<UInt64>(0)
        job.onStart = { started.value = MonotonicClock.now() }
        do {
            try startCounted(job) { [self] outcome in
                let finished = MonotonicClock.now()
                faasm?.releaseLocks()
                admission.release(share)
                let runStart = started.value == 0 ? finished : started.value
                route.statistics.record(runUs: (finished - runStart) / 1000)
                let response = channelCall
                    ? Self.channelResponse(outcome, stdout: stdout)
                    : ServeResponse.make(outcome, stdout: stdout, faasmOutput: faasm?.output,
                                         globalTierFailure: faasm?.globalTierFailure, maxOutput: maxOutput,
                                         contentType: route.spec.contentType)
                let missed = finished > deadline
                metrics.request(route: route.spec.route, status: response.status, latencyNs: finished - arrival,
                                missedDeadline: missed)
                log(id: id, route: route.spec.route, response: response, queuedNs: runStart - arrival,
                    runNs: finished - runStart, missed: missed, stderr: stderr.bytes)
                completion(response, outcome)
            }
        } catch {
            admission.release(share)
            throw error
        }
    }
}

extension ServeServer {
    /// The answer to another node's channel call: the reply (200), or 502 when the
    /// callee failed.
    static func channelResponse(_ outcome: SandboxOutcome, stdout: MemoryStream) -> ServeResponse {
        let result = cwasiResult(outcome, stdout: stdout.bytes)
        guard result.status == 0, !stdout.isTruncated else {
            return ServeResponse(status: 502, headers: [("Content-Type", "text/plain")],
                                 body: Array("the callee failed\n".utf8), note: "channel call: \(outcome)")
        }
        return ServeResponse(status: 200, headers: [("Content-Type", "application/octet-stream")], body: result.output,
                             note: nil)
    }
}

import Logging
import WASI
import WasmRuntime

/// The HTTP response for a sandbox's outcome: a function that ran gets its CGI response;
/// a trap is a 500 naming the trap, a kill by the route's timeout a 504, a nonzero exit
/// without output a 500, output past the cap a 500.
struct ServeResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// A line for the log beside the status (the trap with its backtrace, an exit status).
    var note: String?

    static func make(_ outcome: SandboxOutcome, stdout: MemoryStream, faasmOutput: [UInt8]? = nil,
                     globalTierFailure: RedisError? = nil, maxOutput: Int, contentType: String) -> ServeResponse {
        let plain: [(name: String, value: String)] = [("Content-Type", "text/plain")]
        if case .trapped = outcome, let failure = globalTierFailure {
            return ServeResponse(status: 503, headers: plain + [("Retry-After", "1")],
                                 body: Array("the global state tier is unavailable\n".utf8), note: "global state tier: \(failure)")
        }
        switch outcome {
        case .killed:
            return ServeResponse(status: 504, headers: plain, body: Array("the function ran past its timeout\n".utf8),
                                 note: "killed at its timeout")
        case .trapped(let trap):
            return ServeResponse(status: 500, headers: plain, body: Array("wasm trap: \(trap.reason.message)\n".utf8),
                                 note: "trap: \(trap.reason.message)\(trap.detail.map { " (\($0))" } ?? ""); backtrace: \(collapsed(trap.backtrace))")
        case .failed(let message):
            return ServeResponse(status: 500, headers: plain, body: Array("the function could not start\n".utf8),
                                 note: message)
        case .returned, .exited:
            if stdout.isTruncated {
                return ServeResponse(status: 500, headers: plain, body: Array("response over \(maxOutput) bytes\n".utf8),
                                     note: "output cut at \(maxOutput) bytes")
            }
            let output = stdout.bytes
            var code: UInt32 = 0
            if case .exited(let c) = outcome { code = c }
            if code != 0 && (output.isEmpty || faasmOutput != nil) {
                return ServeResponse(status: 500, headers: plain, body: Array("the function exited with \(code)\n".utf8),
                                     note: "exit status \(code)")
            }
            // A Faasm function's output (`__faasm_write_output`) is the body as it is.
            if let faasmOutput {
                return ServeResponse(status: 200, headers: [("Content-Type", contentType)], body: faasmOutput, note: nil)
            }
            let cgi = CGI.response(stdout: output, contentType: contentType)
            return ServeResponse(status: cgi.status, headers: cgi.headers, body: cgi.body,
                                 note: code != 0 ? "exit status \(code)" : nil)
        }
    }
}

/// A backtrace on one line, runs of the same frame (deep recursion) written once with
/// their count: `depth x100 <- main`.
func collapsed(_ frames: [String]) -> String {
    var parts: [String] = []
    var index = frames.startIndex
    while index < frames.endIndex {
        var end = index + 1
        while end < frames.endIndex && frames[end] == frames[index] { end += 1 }
        parts.append(end - index > 1 ? "\(frames[index]) x\(end - index)" : frames[index])
        index = end
    }
    return parts.joined(separator: " <- ")
}

extension ServeServer {
    /// One line per request; the function's stderr follows, line by line, with its id.
    func log(id: UInt64, route: String, response: ServeResponse, queuedNs: UInt64, runNs: UInt64, missed: Bool,
             stderr: [UInt8]) {
        var metadata: Logger.Metadata = [
            "id": "\(id)", "route": "\(route)", "status": "\(response.status)",
            "queued_us": "\(queuedNs / 1000)", "run_us": "\(runNs / 1000)", "deadline": "\(missed ? "missed" : "met")",
        ]
        if let note = response.note { metadata["note"] = "\(note)" }
        logger.info("request", metadata: metadata)
        guard !stderr.isEmpty else { return }
        for line in String(decoding: stderr, as: UTF8.self).split(separator: "\n") {
            logger.info("stderr", metadata: ["id": "\(id)", "line": "\(line)"])
        }
    }
}

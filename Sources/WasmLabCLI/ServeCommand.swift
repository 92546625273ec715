import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GreenThreads
import Logging
import Platform
import Serverless
import Tiers
import WasmRuntime

extension SchedulingPolicy: ExpressibleByArgument {}
extension PreemptionMode: ExpressibleByArgument {}

/// `wasmlab serve SPEC.json`: Wasm functions behind HTTP routes, a fresh sandbox per
/// request on the green-thread scheduler (Docs/Serverless.md).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve Wasm functions (WASI commands, CGI conventions) over HTTP, a sandbox per request.",
        discussion: """
            SIGINT or SIGTERM: stop accepting, answer what was admitted, exit 0. SIGHUP: read the \
            spec again and swap in its routes (modules compiled first; on any error the old \
            routes keep serving; uploaded functions stay). Each tenant's port also serves \
            Faasm's invoke API: PUT/GET/POST /f/<tenant>/<function>, PUT/GET /s/<tenant>/<key>, \
            GET /status/<id>.
            """)

    @Argument(help: "The spec: a JSON array of tenants with their routes (Sledge's format; Docs/Serverless.md).")
    var spec: String

    @Option(help: "Address to listen on (every tenant's port).")
    var listen = "127.0.0.1"

    @Option(help: "Worker threads running sandboxes.")
    var workers = 2

    @Option(help: "Scheduling policy (fifo, rr, edf).")
    var policy: SchedulingPolicy = .edf

    @Option(help: "Quantum in microseconds (rr and edf preempt a sandbox after it).")
    var quantum = 1000

    @Option(help: "How running sandboxes are preempted (poll, signal).")
    var preempt: PreemptionMode = .signal

    @Option(name: .customLong("timeout-ms"), help: "Hard kill of routes without their own timeout-ms, in milliseconds.")
    var timeoutMs = 10_000

    @Option(help: ArgumentHelp("Faasm's global state tier: a Redis server at HOST:PORT (default: node-local state only).",
                               valueName: "host:port"))
    var redis: String?

    @Option(help: ArgumentHelp("With --redis: the host other nodes reach this one at (default: --listen).", valueName: "host"))
    var advertise: String?

    @Option(name: .customLong("max-upload-bytes"),
            help: "Largest module (PUT /f/...) or state value (PUT /s/...) the invoke API accepts, in bytes.")
    var maxUploadBytes = 64 << 20

    @OptionGroup var engine: EngineOptions

    /// The spec file, read and checked.
    private func readSpec() throws -> ServeSpec {
        guard let data = FileManager.default.contents(atPath: spec) else { throw ValidationError("cannot read \(spec)") }
        let folder = spec.contains("/") ? String(spec[..<spec.lastIndex(of: "/")!]) : "."
        return try ServeSpec(json: [UInt8](data), folder: folder)
    }

    func validate() throws {
        guard workers >= 1 && workers <= 256 else { throw ValidationError("--workers must be from 1 to 256") }
        guard quantum >= 50 else { throw ValidationError("--quantum must be at least 50 µs") }
        guard timeoutMs >= 1 else { throw ValidationError("--timeout-ms must be at least 1") }
        if let redis {
            do { _ = try RedisTier(address: redis) } catch { throw ValidationError("--redis: \(error)") }
        }
        guard maxUploadBytes >= 1 && maxUploadBytes <= Int(Int32.max) else {
            throw ValidationError("--max-upload-bytes must be from 1 to \(Int32.max)")
        }
    }

    func run() throws {
        // Before any thread exists: SIGINT and SIGTERM go to the waiting main thread only.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGPIPE, SIG_IGN)
        BuiltinTiers.register()
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "wasmlab.serve")
        logger.logLevel = .info

        let parsed: ServeSpec
        do {
            parsed = try readSpec()
        } catch let error as ServeSpecError {
            writeStandardError("error: \(error)\n")
            throw ExitCode(64)
        }
        var options = ServeOptions()
        options.host = listen
        options.defaultTimeoutMs = UInt64(timeoutMs)
        options.redis = redis
        options.advertise = advertise
        options.maxUploadBytes = maxUploadBytes
        options.scheduler = SchedulerConfiguration(workers: workers, policy: policy, quantum: UInt64(quantum) * 1000,
                                                   preemption: preempt)
        options.engine = EngineConfiguration(tier: engine.tier, bounds: engine.bounds, allowUnsafeStrategies: engine.allowUnsafe)
        try reportingErrors {
            let server = try ServeServer(spec: parsed, options: options, logger: logger)
            for (tenant, port) in try server.start() {
                writeStandardOutput("wasmlab serve: tenant \(tenant) on http://\(listen):\(port)\n")
            }
            var signal: Int32 = 0
            while true {
                guard sigwait(&signals, &signal) == 0 else { continue }
                guard signal == SIGHUP else { break }
                do {
                    try server.reload(try readSpec())
                    logger.info("reloaded", metadata: ["spec": "\(spec)"])
                } catch {
                    logger.error("reload refused, the old routes keep serving", metadata: ["error": "\(error)"])
                }
            }
            logger.info("stopping", metadata: ["signal": "\(signal)"])
            server.shutdown()
        }
    }
}

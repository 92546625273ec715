import GreenThreads
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Platform
import Synchronization
import WasmRuntime

/// How `wasmlab serve` runs, beyond the spec.
public struct ServeOptions: Sendable {
    /// The address every tenant's port is bound on.
    public var host = "127.0.0.1"
    /// The scheduler (workers, policy, quantum, preemption).
    public var scheduler = SchedulerConfiguration(workers: 2, policy: .edf)
    /// Tier, bounds and features of routes that do not set their own.
    public var engine = EngineConfiguration(tier: "jit", bounds: .guard)
    /// Most requests admitted and not yet answered; more get 429.
    public var maxQueued = 4096
    /// Most bytes of a function's stdout (a longer response is a 500) and of its stderr
    /// kept for the log.
    public var maxResponseBytes = 16 << 20
    /// The hard kill of routes without their own `timeout-ms`: no request holds a worker
    /// forever.
    public var defaultTimeoutMs: UInt64 = 10_000

    /// The defaults: loopback, two workers under EDF, JIT with guard pages.
    public init() {}
}

/// A Sledge-style serverless HTTP front: each request runs a fresh sandbox of its route's
/// compiled module on the green-thread scheduler. SwiftNIO's event loops only parse and
/// write; responses are written back on the connection's own event loop. See
/// Docs/Serverless.md.
public final class ServeServer: @unchecked Sendable {
    private let spec: Mutex<ServeSpec>
    let options: ServeOptions
    let logger: Logger
    let runner: SandboxRunner
    let admission: AdmissionControl
    let metrics = ServeMetrics()
    /// Faasm's state, node-local tier, shared by every route (one namespace per tenant).
    let state = StateStore()
    private let group: MultiThreadedEventLoopGroup
    private var channels: [Channel] = []
    private let inFlight = Mutex<(queued: Int, running: Int)>((0, 0))
    private let nextID = Mutex<UInt64>(0)
    private let stopped = Mutex<Bool>(false)

    /// Compiles every route; throws when a module does not compile or the scheduler
    /// cannot start.
    public init(spec: ServeSpec, options: ServeOptions, logger: Logger) throws {
        self.spec = Mutex(spec)
        self.options = options
        self.logger = logger
        runner = SandboxRunner(scheduler: try Scheduler(options.scheduler))
        admission = AdmissionControl(workers: options.scheduler.workers)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        tables = Mutex(try Self.compile(spec, engine: options.engine))
    }

    /// Each tenant's routes, by tenant index; a reload swaps them whole.
    private let tables: Mutex<[RouteTable]>

    /// The routes of the tenant at `index`, as of now.
    func table(_ index: Int) -> RouteTable { tables.withLock { $0[index] } }

    private static func compile(_ spec: ServeSpec, engine: EngineConfiguration) throws -> [RouteTable] {
        try spec.tenants.map { tenant in
            RouteTable(tenant: tenant.name, routes: try tenant.routes.map { try CompiledRoute($0, defaults: engine) })
        }
    }

    /// Replaces every route with those of `newSpec`, each module compiled before anything
    /// changes: a module that does not compile leaves the old routes serving. Requests
    /// already admitted finish on the routes they matched. Tenants and their ports are
    /// fixed at start (a listening socket is not moved): a spec that changes them is
    /// refused.
    public func reload(_ newSpec: ServeSpec) throws {
        let current = spec.withLock { $0 }
        guard newSpec.tenants.map(\.name) == current.tenants.map(\.name),
              newSpec.tenants.map(\.port) == current.tenants.map(\.port) else {
            throw ServeError("a reload cannot add, remove, rename or move tenants (restart the server for that)")
        }
        let compiled = try Self.compile(newSpec, engine: options.engine)
        spec.withLock { $0 = newSpec }
        tables.withLock { $0 = compiled }
    }

    /// Binds every tenant's port and starts accepting; returns the bound ports (a spec
    /// port of 0 gets an ephemeral one).
    @discardableResult
    public func start() throws -> [(tenant: String, port: Int)] {
        var bound: [(tenant: String, port: Int)] = []
        for (index, tenant) in spec.withLock({ $0 }).tenants.enumerated() {
            let bootstrap = ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 512)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                            withPipeliningAssistance: true, withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(HTTPRequestHandler(server: self, tenant: index))
                    }
                }
            let channel: Channel
            do {
                channel = try bootstrap.bind(host: options.host, port: tenant.port).wait()
            } catch {
                throw ServeError("tenant \"\(tenant.name)\": cannot listen on \(options.host):\(tenant.port): \(error)")
            }
            channels.append(channel)
            bound.append((tenant.name, channel.localAddress?.port ?? tenant.port))
        }
        return bound
    }

    /// Stops accepting, answers what was admitted, then stops the scheduler and the
    /// event loops.
    public func shutdown() {
        guard stopped.withLock({ done in defer { done = true }; return !done }) else { return }
        for channel in channels { try? channel.close().wait() }
        channels.removeAll()
        runner.scheduler.shutdown()
        // Responses of the last sandboxes are written on the event loop: let it drain.
        try? group.next().submit {}.wait()
        try? group.syncShutdownGracefully()
    }

    func requestID() -> UInt64 { nextID.withLock { $0 += 1; return $0 } }

    func queueChange(queued: Int = 0, running: Int = 0) {
        let now = inFlight.withLock { s -> (Int, Int) in
            s.queued += queued
            s.running += running
            return (s.queued, s.running)
        }
        metrics.sandboxes(queued: now.0, running: now.1)
    }

    var queuedCount: Int { inFlight.withLock { $0.queued + $0.running } }
}

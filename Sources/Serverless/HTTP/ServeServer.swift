import GreenThreads
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Platform
import Synchronization
import WASI
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
    /// Faasm's global state tier, a Redis server at `HOST:PORT`; nil: node-local state.
    /// With it, nodes find each other through Redis and forward chained calls.
    public var redis: String?
    /// The host other nodes reach this one at (nil: `host`).
    public var advertise: String?
    /// Largest body of an upload (`PUT /f/...`, a module) or of a state value (`PUT /s/...`);
    /// 413 above it.
    public var maxUploadBytes = 64 << 20
    /// The relative deadline of uploaded functions, µs (their other keys are a spec
    /// route's defaults).
    public var uploadedDeadlineUs: UInt64 = 100_000
    /// Most finished asynchronous calls whose results are kept for `GET /status/<id>`;
    /// past it the oldest are forgotten.
    public var maxAsyncResults = 10_000

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
    /// Faasm's state, shared by every route (one namespace per tenant): the node-local
    /// tier, over the global one when `options.redis` names it.
    let state: StateStore
    /// Calls chained by Faasm functions (`__faasm_chain_name`).
    let calls = ChainedCalls()
    /// Calls invoked with `POST /f/<user>/<function>?async=1`.
    let asyncCalls: AsyncCalls
    /// Compiles uploaded modules off the event loop, one at a time.
    let compiler = NIOThreadPool(numberOfThreads: 1)
    let group: MultiThreadedEventLoopGroup
    private var channels: [Channel] = []
    /// This node's address for each tenant (`host:port`), set when it starts listening.
    private(set) var ownAddresses: [String] = []
    /// With a global tier: where the tenants' functions are served (this node's entries
    /// renewed), and the client that sends chained calls to other nodes.
    private(set) var warmHosts: WarmHosts?
    /// With a global tier: channel calls to and from other nodes through Redis, where a
    /// node cannot be reached directly.
    private(set) var relay: RedisRelay?
    let forwarder: CallForwarder
    /// The named channels of WasmLab's channel API on this node.
    let namedChannels = NamedChannels()
    /// Chained calls sent to other nodes and not yet answered.
    private let forwardedInFlight = Mutex(0)
    private let inFlight = Mutex<(queued: Int, running: Int)>((0, 0))
    private let nextID = Mutex<UInt64>(0)
    private let stopped = Mutex<Bool>(false)

    /// Compiles every route; throws when a module does not compile or the scheduler
    /// cannot start.
    public init(spec: ServeSpec, options: ServeOptions, logger: Logger) throws {
        self.spec = Mutex(spec)
        self.options = options
        self.logger = logger
        if let address = options.redis {
            let global = try RedisTier(address: address)
            // Not fatal: calls that need the tier get 503 until Redis answers.
            do {
                try global.ping()
            } catch {
                logger.warning("the global state tier does not answer; calls that need it get 503 until it does",
                               metadata: ["redis": "\(address)", "error": "\(error)"])
            }
            state = StateStore(global: global)
        } else {
            state = StateStore()
        }
        runner = SandboxRunner(scheduler: try Scheduler(options.scheduler))
        admission = AdmissionControl(workers: options.scheduler.workers)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        forwarder = CallForwarder(group: group)
        asyncCalls = AsyncCalls(limit: options.maxAsyncResults)
        tables = Mutex(try Self.compile(spec, engine: options.engine, state: state))
        tenantNames = spec.tenants.map(\.name)
        warnAboutShadowedRoutes(spec)
    }

    /// Each tenant's routes, by tenant index: the spec's (a reload swaps them) and the
    /// uploaded functions (kept across reloads).
    private let tables: Mutex<[RouteTable]>

    /// The routes of the tenant at `index`, as of now.
    func table(_ index: Int) -> RouteTable { tables.withLock { $0[index] } }

    /// The function `name` of the tenant at `index` (see `RouteTable.function(named:)`),
    /// as of now; looked up under the lock, without copying the table out.
    func function(named name: String, tenant index: Int) -> CompiledRoute? {
        tables.withLock { $0[index].function(named: name) }
    }

    /// The tenants' names, by index: fixed at start (a reload cannot rename them).
    let tenantNames: [String]

    /// How long a call sent to another node (or through Redis) may take: the default
    /// timeout of a route there, and a second for the way.
    var forwardTimeoutMs: Int64 { Int64(options.defaultTimeoutMs) + 1000 }

    /// The tenants' routes compiled; a route's init may use the node's `state` (no
    /// chaining: the server does not run yet).
    private static func compile(_ spec: ServeSpec, engine: EngineConfiguration, state: StateStore) throws -> [RouteTable] {
        try spec.tenants.map { tenant in
            let table = RouteTable(tenant: tenant.name, routes: try tenant.routes.map {
                try CompiledRoute($0, defaults: engine, initCall: FaasmCall(input: [], user: tenant.name, state: state, isInit: true))
            })
            for route in table.routes {
                if let problem = table.embeddingProblem(route) { throw ServeError(problem) }
            }
            return table
        }
    }

    /// Replaces every route with those of `newSpec`, each module compiled before anything
    /// changes: a module that does not compile leaves the old routes serving. Requests
    /// already admitted finish on the routes they matched. Tenants and their ports are
    /// fixed at start (a listening socket is not moved): a spec that changes them is
    /// refused. Uploaded functions stay, except one whose route the new spec defines:
    /// the spec's wins and the upload is dropped (logged).
    public func reload(_ newSpec: ServeSpec) throws {
        let current = spec.withLock { $0 }
        guard newSpec.tenants.map(\.name) == current.tenants.map(\.name),
              newSpec.tenants.map(\.port) == current.tenants.map(\.port) else {
            throw ServeError("a reload cannot add, remove, rename or move tenants (restart the server for that)")
        }
        let compiled = try Self.compile(newSpec, engine: options.engine, state: state)
        spec.withLock { $0 = newSpec }
        let dropped = tables.withLock { tables -> [String] in
            var dropped: [String] = []
            for index in compiled.indices {
                var uploaded = tables[index].uploaded
                for name in uploaded.keys.sorted() where compiled[index].specRoute(named: name) != nil {
                    uploaded[name] = nil
                    dropped.append("\(compiled[index].tenant)/\(name)")
                }
                tables[index] = compiled[index].with(uploaded: uploaded)
            }
            return dropped
        }
        for name in dropped {
            logger.warning("uploaded function dropped: the reloaded spec defines its route", metadata: ["function": "\(name)"])
        }
        warnAboutShadowedRoutes(newSpec)
        warmHosts?.update(functions: functionNames)
    }

    /// Per tenant, the functions that chaining can name (and other nodes can be sent):
    /// spec routes of one path segment, without the "/", and uploaded functions.
    private var functionNames: [[String]] {
        tables.withLock { tables in
            tables.map { table in
                table.routes.map { String($0.spec.route.dropFirst()) }.filter { !$0.isEmpty && !$0.contains("/") }
                    + table.uploaded.keys.sorted()
            }
        }
    }

    /// How `install` went.
    enum Installation {
        case created, replaced
        /// The spec defines the function's route: uploads cannot replace it.
        case specRoute
    }

    /// Serves `function` as the route `/name` of the tenant at `index` from now on.
    func install(_ function: UploadedFunction, tenant index: Int) -> Installation {
        let installation = tables.withLock { tables -> Installation in
            let table = tables[index]
            guard table.specRoute(named: function.name) == nil else { return .specRoute }
            var uploaded = table.uploaded
            let replaced = uploaded.updateValue(function, forKey: function.name) != nil
            tables[index] = table.with(uploaded: uploaded)
            return replaced ? .replaced : .created
        }
        if installation != .specRoute { warmHosts?.update(functions: functionNames) }
        return installation
    }

    /// Logs the spec routes that the invoke API's paths (`/f/`, `/s/`, `/status/`) hide in
    /// part: requests below those prefixes go to the API.
    private func warnAboutShadowedRoutes(_ spec: ServeSpec) {
        for tenant in spec.tenants {
            for route in tenant.routes where InvokeAPI.shadows(route.route) {
                logger.warning("the invoke API answers the paths below /f/, /s/ and /status/ of this route",
                               metadata: ["tenant": "\(tenant.name)", "route": "\(route.route)"])
            }
        }
    }

    /// Binds every tenant's port and starts accepting; returns the bound ports (a spec
    /// port of 0 gets an ephemeral one).
    @discardableResult
    public func start() throws -> [(tenant: String, port: Int)] {
        compiler.start()
        var bound: [(tenant: String, port: Int)] = []
        for (index, tenant) in spec.withLock({ $0 }).tenants.enumerated() {
            let bootstrap = ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 512)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                // Reads grow to 1 MiB while a large body streams in (NIO stops at 64 KiB).
                .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 1 << 20))
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
        let reachable = options.advertise ?? (options.host == "0.0.0.0" ? "127.0.0.1" : options.host)
        ownAddresses = bound.map { "\(reachable):\($0.port)" }
        if let global = state.global {
            let host = options.advertise ?? options.host
            let hosts = WarmHosts(tier: global, users: bound.map(\.tenant), addresses: bound.map { "\(host):\($0.port)" },
                                  functions: functionNames)
            hosts.start()
            warmHosts = hosts
            relay = startRelay(global, addresses: hosts.addresses)
        }
        return bound
    }

    /// Stops accepting, answers what was admitted, then stops the scheduler, closes the
    /// idle connections to other nodes and stops the event loops.
    public func shutdown() {
        guard stopped.withLock({ done in defer { done = true }; return !done }) else { return }
        warmHosts?.stop()
        relay?.stop()
        for channel in channels { try? channel.close().wait() }
        channels.removeAll()
        runner.scheduler.shutdown()
        try? compiler.syncShutdownGracefully()
        // No sandbox chains calls any more: the idle connections to other nodes can go.
        forwarder.shutdown()
        // Responses of the last sandboxes and uploads are written on the event loop: let
        // it drain.
        try? group.next().submit {}.wait()
        try? group.syncShutdownGracefully()
    }

    /// What the pool of connections to other nodes did (the forwarded calls' connections).
    var forwarding: ForwardConnectionPool.Statistics { forwarder.pool.statistics }

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

extension ServeServer {
    /// A sandbox of `route` with `input` on stdin (and as Faasm's input), stdout and
    /// stderr captured, running `entry`; for a module that imports Faasm's interface, its
    /// call (chaining reaches the routes of the same tenant), and CWASI's where imported.
    func sandbox(for route: CompiledRoute, tenant: Int, input: [UInt8], arguments: [String], environment: [String],
                 deadline: UInt64, entry: RouteEntry = .main)
        -> (SandboxRequest, stdout: MemoryStream, stderr: MemoryStream, faasm: FaasmCall?) {
        let stdout = MemoryStream(limit: options.maxResponseBytes), stderr = MemoryStream(limit: 64 << 10)
        var wasi = WASIConfiguration(arguments: arguments, environment: environment,
                                     preopens: route.spec.directories.map { .init(hostPath: $0, readOnly: true) })
        (wasi.stdinStream, wasi.stdoutStream, wasi.stderrStream) = (MemoryStream(contents: input), stdout, stderr)
        // CWASI's callee reads its input as argv[1], byte for byte.
        if case .export = entry { wasi.argumentBytes = [Array(route.spec.route.utf8), input] }
        let start: SandboxRequest.Entry = switch entry {
        case .main: .command(wasi)
        // Faasm passes a one-parameter function its input as a decimal integer.
        case .tableFunction(let index):
            .tableFunction(index, argument: String(decoding: input, as: UTF8.self).split(whereSeparator: \.isWhitespace)
                .first.flatMap { Int32($0) } ?? 0, wasi)
        case .export(let name): .exportCommand(name, wasi)
        }
        var request = SandboxRequest(engine: route.engine, module: route.module, entry: start, deadline: deadline,
                                     timeout: (route.spec.timeoutMs ?? options.defaultTimeoutMs) * 1_000_000)
        request.limits.maxMemoryPages = route.spec.memoryLimitPages
        request.snapshot = route.snapshot
        // What the module imports beyond WASI, each linked in turn before instantiation.
        var links: [(Linker) throws -> Void] = []
        var faasm: FaasmCall?
        if route.usesFaasm {
            let call = FaasmCall(input: input, user: tenantNames[tenant], state: state,
                                 chain: { [unowned self] target, input, arguments in
                                     switch target {
                                     case .function(let name):
                                         self.chain(name, input, arguments: arguments, tenant: tenant, deadline: deadline)
                                     case .pointer(let pointer):
                                         self.chain(route, pointer: pointer, input, tenant: tenant, deadline: deadline)
                                     }
                                 },
                                 calls: calls)
            let module = route.module
            links.append { call.define(into: $0, for: module) }
            faasm = call
        }
        if route.usesChannels {
            links.append(ChannelHost(channels: namedChannels, tenant: tenantNames[tenant]).define(into:))
        }
        if route.usesCWASI || !route.embeds.isEmpty {
            let embedded = EmbeddedCallees()
            let forced = route.spec.channelMode
            let cwasi = CWASICall { [unowned self] target, payload throws(Trap) in
                if forced == nil || forced == .embedding {
                    if let callee = embedded.byName[target] { return try self.connectEmbedded(callee, payload: payload) }
                    if forced == .embedding { return .failure(.unknownTarget) }
                }
                return self.connect(target, payload: payload, tenant: tenant, forced: forced, deadline: deadline)
            }
            let embeds = route.embeds, maxOutput = options.maxResponseBytes
            links.append { [unowned self] linker in
                if route.usesCWASI { cwasi.define(into: linker) }
                let table = self.table(tenant)
                if let problem = table.embeddingProblem(route) { throw ServeError(problem) }
                for name in embeds {
                    guard let callee = table.function(named: name) else { continue }
                    let channels = callee.usesChannels ? ChannelHost(channels: self.namedChannels, tenant: self.tenantNames[tenant]) : nil
                    embedded.byName[name] = try EmbeddedCallee(name, route: callee, into: linker, channels: channels,
                                                               stderr: stderr, maxOutput: maxOutput)
                }
            }
        }
        if !links.isEmpty {
            request.link = { linker in
                for link in links { try link(linker) }
            }
        }
        return (request, stdout, stderr, faasm)
    }

    /// Starts the function `name` (the route `/name` of the tenant) as a chained call with
    /// `input` and `arguments` after argv[0]; its id. An unknown function's call ends at
    /// once with status 1, as Faasm's does.
    /// With several nodes, a call goes to another node that serves the function when this
    /// one does not, or when this one is full (as many sandboxes as workers) and has
    /// fewer calls out per other node than its sandboxes beyond that: a burst of calls
    /// spreads evenly over the nodes that serve the function.
    func chain(_ name: String, _ input: [UInt8], arguments: [String] = [], tenant: Int, deadline: UInt64) -> UInt32? {
        let id = calls.register()
        let calls = self.calls
        let local = function(named: name, tenant: tenant)
        let beyond = queuedCount - options.scheduler.workers + 1
        if let warmHosts, local == nil || beyond > 0,
           case let others = warmHosts.otherHosts(tenant: tenant, function: name), !others.isEmpty,
           local == nil || forwardedInFlight.withLock({ $0 }) < beyond * others.count {
            let node = warmHosts.pick(others)
            logger.debug("chained call forwarded", metadata: ["function": "\(name)", "node": "\(node)"])
            metrics.forwarded()
            forwardedInFlight.withLock { $0 += 1 }
            forwarder.post(to: node, path: "/" + name, body: input, timeoutMs: forwardTimeoutMs) { [self] response in
                forwardedInFlight.withLock { $0 -= 1 }
                guard let response else {
                    return calls.finish(id, .init(status: 1, output: Array("node \(node) did not answer\n".utf8)))
                }
                calls.finish(id, .init(status: response.status == 200 ? 0 : 1, output: response.body))
            }
            return id
        }
        guard let route = local else {
            calls.finish(id, .init(status: 1, output: Array("no function \(name)\n".utf8)))
            return id
        }
        startChained(id, route, input, arguments: arguments, tenant: tenant, deadline: deadline)
        return id
    }

    /// Starts `route`'s own table function `pointer` as a chained call with `input`
    /// (`chain_ptr`), on this node; its id. A module whose constructors cannot run first
    /// (Docs/Faaslets.md, "Entry convention") has its call end at once with status 1.
    func chain(_ route: CompiledRoute, pointer: UInt32, _ input: [UInt8], tenant: Int, deadline: UInt64) -> UInt32? {
        let id = calls.register()
        guard route.snapshot != nil || route.module.module.exports.contains(where: { $0.kind == .function && Sandbox.constructorExports.contains($0.name) }) else {
            calls.finish(id, .init(status: 1, output: Array("""
                \(route.spec.route) cannot be chained by pointer: it exports neither _initialize nor __wasm_call_ctors \
                (link it with -Wl,--export=__wasm_call_ctors)

                """.utf8)))
            return id
        }
        startChained(id, route, input, arguments: [], tenant: tenant, deadline: deadline, entry: .tableFunction(pointer))
        return id
    }

    /// Runs the chained call `id` of `route`'s `entry` in a new sandbox on this node;
    /// `result` makes the call's result of how it ended and its stdout (default: the
    /// exit status, and Faasm's output or else stdout).
    func startChained(_ id: UInt32, _ route: CompiledRoute, _ input: [UInt8], arguments: [String], tenant: Int,
                      deadline: UInt64, entry: RouteEntry = .main,
                      result: (@Sendable (SandboxOutcome, _ stdout: [UInt8]) -> ChainedCalls.Result)? = nil) {
        let calls = self.calls
        startChained(route, input, arguments: arguments, tenant: tenant, deadline: deadline, entry: entry, result: result) {
            calls.finish(id, $0)
        }
    }

    /// Runs `route`'s `entry` in a new sandbox on this node as a call whose result goes
    /// to `completion` (on the sandbox's worker, or here when it cannot start).
    func startChained(_ route: CompiledRoute, _ input: [UInt8], arguments: [String], tenant: Int, deadline: UInt64,
                      entry: RouteEntry = .main,
                      result: (@Sendable (SandboxOutcome, _ stdout: [UInt8]) -> ChainedCalls.Result)? = nil,
                      completion: @escaping @Sendable (ChainedCalls.Result) -> Void) {
        let (made, stdout, _, faasm) = sandbox(for: route, tenant: tenant, input: input, arguments: [route.spec.route] + arguments,
                                                environment: route.spec.environment, deadline: deadline, entry: entry)
        do {
            try startCounted(made) { outcome in
                faasm?.releaseLocks()
                if let result { return completion(result(outcome, stdout.bytes)) }
                let status = outcome.exitStatus.map { Int32(bitPattern: $0) } ?? 1
                completion(.init(status: status, output: faasm?.output ?? stdout.bytes))
            }
        } catch {
            completion(.init(status: 1, output: []))
        }
    }

    /// Starts `job` counted in the queued and running sandboxes (the load chaining and
    /// admission see, and the gauges): queued until it starts (when `job.onStart` runs
    /// too), running until it ends. Not counted when the scheduler refuses it.
    func startCounted(_ job: consuming SandboxRequest,
                      completion: @escaping @Sendable (SandboxOutcome) -> Void) throws(SchedulerError) {
        let onStart = job.onStart
        job.onStart = { [self] in
            onStart?()
            queueChange(queued: -1, running: 1)
        }
        queueChange(queued: 1)
        do {
            try runner.start(job) { [self] outcome in
                queueChange(running: -1)
                completion(outcome)
            }
        } catch {
            queueChange(queued: -1)
            throw error
        }
    }
}


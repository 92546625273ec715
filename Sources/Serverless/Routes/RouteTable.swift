#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Platform
import WASI
import WAT
import WasmRuntime

/// A route ready to serve: its spec, its module compiled once for its engine, and the
/// statistics admission control estimates from.
final class CompiledRoute: Sendable {
    let spec: ServeSpec.Route
    let engine: Engine
    let module: CompiledModule
    let statistics: RouteStatistics
    /// The state after the route's `init` export, which every request starts from.
    let snapshot: InstanceSnapshot?
    /// Whether the module imports Faasm's host interface (`env.__faasm_*`).
    let usesFaasm: Bool
    /// Whether the module imports CWASI's interface (`cwasi_export.func_connect`).
    let usesCWASI: Bool
    /// Whether the module imports WasmLab's channel API (`wasmlab_channel`).
    let usesChannels: Bool
    /// The functions of the tenant linked into each sandbox of this route (CWASI's
    /// embedding): the module names it imports from that the server does not provide.
    let embeds: [String]

    /// The route of `spec` with its module read from `spec.path` (.wat: the text format)
    /// and compiled; `initCall` serves Faasm's interface to its init.
    convenience init(_ spec: ServeSpec.Route, defaults: EngineConfiguration, initCall: FaasmCall? = nil) throws {
        guard let bytes = FileManager.default.contents(atPath: spec.path) else {
            throw ServeError("route \(spec.route): cannot read \(spec.path)")
        }
        let engine: Engine, module: CompiledModule
        do {
            engine = try Engine(configuration: Self.configuration(spec, defaults: defaults))
            let binary = spec.path.hasSuffix(".wat")
                ? try WAT.encode(String(decoding: bytes, as: UTF8.self), features: engine.configuration.features)
                : [UInt8](bytes)
            module = try engine.compile(binary)
        } catch {
            throw ServeError("route \(spec.route): \(spec.path): \(error)")
        }
        try self.init(spec, engine: engine, module: module, initCall: initCall)
    }

    /// The route of `spec` serving `module`, compiled by `engine`; runs the route's `init`
    /// export, if any, for the snapshot (with `initCall` as its Faasm call: Faasm's zygote
    /// may read and write state).
    init(_ spec: ServeSpec.Route, engine: Engine, module: CompiledModule, initCall: FaasmCall? = nil) throws {
        self.spec = spec
        self.engine = engine
        self.module = module
        usesFaasm = module.imports.contains { $0.module == "env" && $0.name.hasPrefix("__faasm_") }
        if usesFaasm, let problem = FaasmHost.unsupportedImport(of: module) {
            throw ServeError("route \(spec.route): \(problem)")
        }
        usesChannels = module.imports.contains { $0.module == ChannelHost.moduleName }
        if usesChannels, let problem = ChannelHost.unsupportedImport(of: module) {
            throw ServeError("route \(spec.route): \(problem)")
        }
        usesCWASI = CWASICall.isImported(by: module)
        var embeds: [String] = []
        for entry in module.imports where !EmbeddedCallee.hostModules.contains(entry.module) && !embeds.contains(entry.module) {
            embeds.append(entry.module)
        }
        self.embeds = embeds
        if usesCWASI, let problem = CWASICall.unsupportedImport(of: module) {
            throw ServeError("route \(spec.route): \(problem)")
        }
        if let name = spec.initExport {
            snapshot = try Self.snapshot(after: name, spec, engine, module, faasm: usesFaasm ? initCall : nil)
        } else {
            snapshot = nil
        }
        statistics = RouteStatistics(percentile: spec.admissionsPercentile, relativeDeadlineUs: spec.relativeDeadlineUs,
                                     expectedExecutionUs: spec.expectedExecutionUs)
    }

    /// The engine configuration of `spec`: the server's, with the route's tier and bounds.
    static func configuration(_ spec: ServeSpec.Route, defaults: EngineConfiguration) -> EngineConfiguration {
        var configuration = defaults
        if let tier = spec.tier { configuration.tier = tier }
        if let bounds = spec.bounds { configuration.bounds = bounds }
        return configuration
    }
}

extension CompiledRoute {
    /// Runs `name` once on a fresh instance (WASI with no arguments, stdio discarded;
    /// `faasm` linked when given) and takes the snapshot requests start from.
    static func snapshot(after name: String, _ spec: ServeSpec.Route, _ engine: Engine,
                         _ module: CompiledModule, faasm: FaasmCall? = nil) throws(ServeError) -> InstanceSnapshot {
        let store = Store(engine: engine)
        let linker = Linker(store: store)
        defer { faasm?.releaseLocks() }
        do {
            faasm?.define(into: linker, for: module)
            if module.imports.contains(where: { $0.module == ChannelHost.moduleName }) {
                // Sends go nowhere and receives answer -3 at once: nothing else runs yet.
                ChannelHost(channels: NamedChannels(), tenant: "").define(into: linker)
            }
            if CWASICall.isImported(by: module) {
                CWASICall { _, _ in .failure(.calleeFailed) }.define(into: linker)  // no calls run while loading
            }
            var configuration = WASIConfiguration(arguments: [spec.route])
            let devNull = open("/dev/null", O_RDWR)
            defer { if devNull >= 0 { close(devNull) } }
            (configuration.stdin, configuration.stdout, configuration.stderr) = (devNull, devNull, devNull)
            let wasi = try WASI(configuration: configuration)
            wasi.define(into: linker)
            let instance = try linker.instantiate(module)
            guard let initialize = instance.function(name) else {
                throw ServeError("route \(spec.route): \(spec.path) exports no function \"\(name)\" (its init)")
            }
            wasi.bind(instance)
            _ = try wasi.run { () throws(Trap) in _ = try initialize.invoke([]) }
            if let failure = faasm?.globalTierFailure { throw ServeError("route \(spec.route): init \"\(name)\": \(failure)") }
            let snapshot = try InstanceSnapshot(of: instance)
            guard snapshot.isPortable else {
                throw ServeError("route \(spec.route): after \"\(name)\" the instance holds references of its own (it cannot be a snapshot)")
            }
            return snapshot
        } catch let error as ServeError {
            throw error
        } catch {
            throw ServeError("route \(spec.route): init \"\(name)\": \(error)")
        }
    }
}

/// The routes of one tenant (one port), matched by path: exactly, or as a prefix
/// followed by `/` (the rest is the function's `PATH_INFO`); the longest route wins.
/// The spec's routes and the functions uploaded through the invoke API (each served at
/// `/name`) are kept apart, so that a reload replaces only the former.
struct RouteTable: Sendable {
    let tenant: String
    /// The spec's routes.
    let routes: [CompiledRoute]
    /// Uploaded functions by name; none has the route of a spec route.
    let uploaded: [String: UploadedFunction]
    /// Both, matched together.
    private let all: [CompiledRoute]

    init(tenant: String, routes: [CompiledRoute], uploaded: [String: UploadedFunction] = [:]) {
        self.tenant = tenant
        self.routes = routes
        self.uploaded = uploaded
        all = routes + uploaded.values.map(\.route)
    }

    /// Why a route cannot link the functions it embeds (nil: all can): each must be a
    /// function of the tenant that embeds none itself and exports every name imported.
    func embeddingProblem(_ route: CompiledRoute) -> String? {
        for name in route.embeds {
            guard let callee = function(named: name) else {
                return "route \(route.spec.route) imports from module \"\(name)\", and the tenant has no function \(name) to embed"
            }
            if let problem = EmbeddedCallee.unembeddable(callee) { return "route \(route.spec.route): \(problem)" }
            let exported = Set(callee.module.exports.map(\.name))
            for entry in route.module.imports where entry.module == name && !exported.contains(entry.name) {
                return "route \(route.spec.route) imports \(name).\(entry.name), and \(name) exports no \(entry.name)"
            }
        }
        return nil
    }

    /// The same spec routes with `uploaded` as the uploaded functions.
    func with(uploaded: [String: UploadedFunction]) -> RouteTable {
        RouteTable(tenant: tenant, routes: routes, uploaded: uploaded)
    }

    func match(_ path: String) -> CompiledRoute? {
        var best: CompiledRoute?
        for route in all {
            let r = route.spec.route
            let matches = path == r || (path.hasPrefix(r) && (r.hasSuffix("/") || path.dropFirst(r.count).hasPrefix("/")))
            if matches && r.count > (best?.spec.route.count ?? -1) { best = route }
        }
        return best
    }

    /// The function `name` (chaining, the invoke API): the route `/name` exactly, from the
    /// spec or uploaded.
    func function(named name: String) -> CompiledRoute? {
        specRoute(named: name) ?? uploaded[name]?.route
    }

    /// The spec's route `/name`, if it has one.
    func specRoute(named name: String) -> CompiledRoute? {
        routes.first { $0.spec.route == "/" + name }
    }
}

/// A server that cannot start (a module that does not compile, a port in use).
public struct ServeError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WAT
import WasmRuntime

/// A route ready to serve: its spec, its module compiled once for its engine, and the
/// statistics admission control estimates from.
final class CompiledRoute: Sendable {
    let spec: ServeSpec.Route
    let engine: Engine
    let module: CompiledModule
    let statistics: RouteStatistics

    init(_ spec: ServeSpec.Route, defaults: EngineConfiguration) throws {
        self.spec = spec
        var configuration = defaults
        if let tier = spec.tier { configuration.tier = tier }
        if let bounds = spec.bounds { configuration.bounds = bounds }
        guard let bytes = FileManager.default.contents(atPath: spec.path) else {
            throw ServeError("route \(spec.route): cannot read \(spec.path)")
        }
        do {
            engine = try Engine(configuration: configuration)
            let binary = spec.path.hasSuffix(".wat")
                ? try WAT.encode(String(decoding: bytes, as: UTF8.self), features: configuration.features) : [UInt8](bytes)
            module = try engine.compile(binary)
        } catch {
            throw ServeError("route \(spec.route): \(spec.path): \(error)")
        }
        statistics = RouteStatistics(percentile: spec.admissionsPercentile, relativeDeadlineUs: spec.relativeDeadlineUs,
                                     expectedExecutionUs: spec.expectedExecutionUs)
    }
}

/// The routes of one tenant (one port), matched by path: exactly, or as a prefix
/// followed by `/` (the rest is the function's `PATH_INFO`); the longest route wins.
struct RouteTable: Sendable {
    let tenant: String
    let routes: [CompiledRoute]

    func match(_ path: String) -> CompiledRoute? {
        var best: CompiledRoute?
        for route in routes {
            let r = route.spec.route
            let matches = path == r || (path.hasPrefix(r) && (r.hasSuffix("/") || path.dropFirst(r.count).hasPrefix("/")))
            if matches && r.count > (best?.spec.route.count ?? -1) { best = route }
        }
        return best
    }
}

/// A server that cannot start (a module that does not compile, a port in use).
public struct ServeError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}

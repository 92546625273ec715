#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WasmRuntime

/// What `wasmlab serve` runs: Sledge's JSON spec, field for field (a route's `path` names
/// a .wasm or .wat module where Sledge names an aWsm-compiled .so), plus keys of our own.
/// Docs/Serverless.md documents every key.
public struct ServeSpec: Sendable, Equatable {
    /// A tenant: a name, a port, and the routes served there.
    public struct Tenant: Sendable, Equatable {
        /// The tenant's name (unique in the spec).
        public var name: String
        /// The TCP port its routes are served on (0: any free one).
        public var port: Int
        /// Its routes.
        public var routes: [Route]
    }

    /// One HTTP route and the function behind it.
    public struct Route: Sendable, Equatable {
        /// The URL path (`/fib`).
        public var route: String
        /// The module file (.wasm or .wat), absolute (resolved against the spec's folder).
        public var path: String
        /// Deadline of each request relative to its arrival, µs: its EDF priority and what
        /// deadline misses are counted against.
        public var relativeDeadlineUs: UInt64
        /// Which percentile of recent run times admission control reserves (50-99).
        public var admissionsPercentile: Int
        /// The run-time estimate before any request has run, µs.
        public var expectedExecutionUs: UInt64
        /// The response's `Content-Type` unless the function prints a CGI header.
        public var contentType: String
        /// Execution tier; nil: the server's.
        public var tier: String?
        /// Bounds strategy; nil: the server's.
        public var bounds: BoundsStrategy?
        /// Hard limit on a request's run, ms (killed, 504); nil: the server's default.
        public var timeoutMs: UInt64?
        /// Most 64 KiB pages any memory of the function may grow to; nil: no limit.
        public var memoryLimitPages: UInt64?
        /// Largest request body accepted (413 above it).
        public var maxRequestBytes: Int
        /// `NAME=VALUE` pairs added to every request's environment.
        public var environment: [String]
        /// Host directories preopened read-only, under the same path.
        public var directories: [String]
        /// An export run once when the route is loaded (Faasm's zygote); the instance's
        /// state after it is the snapshot every request starts from. Nil: none.
        public var initExport: String? = nil
        /// The mode every channel call of the function takes (Docs/Channels.md), for
        /// experiments; nil: chosen from where the callee runs.
        public var channelMode: ChannelMode? = nil

        static let defaultAdmissionsPercentile = 70
        static let defaultExpectedExecutionUs: UInt64 = 1000
        static let defaultContentType = "text/plain"
        static let defaultMaxRequestBytes = 1 << 20

        /// A route with every optional key at its default (what a spec that gives only
        /// `route`, `path` and `relative-deadline-us` gets).
        static func defaults(route: String, path: String, relativeDeadlineUs: UInt64) -> Route {
            Route(route: route, path: path, relativeDeadlineUs: relativeDeadlineUs,
                  admissionsPercentile: defaultAdmissionsPercentile, expectedExecutionUs: defaultExpectedExecutionUs,
                  contentType: defaultContentType, tier: nil, bounds: nil, timeoutMs: nil, memoryLimitPages: nil,
                  maxRequestBytes: defaultMaxRequestBytes, environment: [], directories: [])
        }
    }

    /// The tenants, in the spec's order.
    public var tenants: [Tenant]

    /// Reads and checks a spec; relative module and directory paths are resolved against
    /// `folder` (the spec's own).
    public init(json: [UInt8], folder: String) throws(ServeSpecError) {
        let document: JSONValue
        do {
            document = try JSONDecoder().decode(JSONValue.self, from: Data(json))
        } catch {
            throw ServeSpecError(at: [], "not valid JSON: \(error)")
        }
        guard case .array(let tenants) = document else {
            throw ServeSpecError(at: [], "the spec must be a JSON array of tenants, not \(document.kind)")
        }
        self.tenants = []
        for (index, value) in tenants.enumerated() {
            self.tenants.append(try Self.tenant(value, index: index, folder: folder))
        }
        var ports: [Int: String] = [:]
        var names = Set<String>()
        for tenant in self.tenants {
            guard names.insert(tenant.name).inserted else {
                throw ServeSpecError(at: ["tenant \"\(tenant.name)\""], "the name is used by another tenant")
            }
            // The name is the user of Faasm's state and invoke API: a path segment.
            guard !tenant.name.isEmpty, !tenant.name.contains("/") else {
                throw ServeSpecError(at: ["tenant \"\(tenant.name)\"", "field \"name\""], "a tenant's name is not empty and has no \"/\"")
            }
            if let other = ports[tenant.port] {
                throw ServeSpecError(at: ["tenant \"\(tenant.name)\"", "field \"port\""],
                                     "port \(tenant.port) is tenant \"\(other)\"'s too")
            }
            ports[tenant.port] = tenant.name
        }
    }

    private static let tenantKeys: Set<String> = ["name", "port", "routes", "replenishment-period-us", "max-budget-us"]
    private static let routeKeys: Set<String> = [
        "route", "path", "relative-deadline-us", "admissions-percentile", "expected-execution-us",
        "http-resp-content-type", "request-type", "tier", "bounds", "timeout-ms", "memory-limit-pages",
        "max-request-bytes", "env", "dirs", "init", "channel-mode",
    ]

    private static func tenant(_ value: JSONValue, index: Int, folder: String) throws(ServeSpecError) -> Tenant {
        guard case .object(let fields) = value else {
            throw ServeSpecError(at: ["tenant \(index + 1)"], "a tenant must be an object, not \(value.kind)")
        }
        var reader = FieldReader(fields: fields, location: ["tenant \(index + 1)"])
        let name = try reader.string("name")
        reader.location = ["tenant \"\(name)\""]
        try reader.refuseUnknown(tenantKeys)
        let port = try reader.integer("port", in: 0 ... 65535)
        // Sledge's multi-tenant budget (MTDS) is not implemented: only its "off" values.
        for key in ["replenishment-period-us", "max-budget-us"] where reader.has(key) {
            guard try reader.integer(key, in: 0 ... Int.max) == 0 else {
                throw ServeSpecError(at: reader.location + ["field \"\(key)\""],
                                     "tenant budgets are not supported; leave it out or 0")
            }
        }
        guard case .array(let routeValues)? = fields["routes"] else {
            throw ServeSpecError(at: reader.location + ["field \"routes\""],
                                 fields["routes"] == nil ? "missing" : "must be an array of routes")
        }
        var routes: [Route] = []
        var seen = Set<String>()
        for (i, routeValue) in routeValues.enumerated() {
            let route = try Self.route(routeValue, tenant: reader.location, index: i, folder: folder)
            guard seen.insert(route.route).inserted else {
                throw ServeSpecError(at: reader.location + ["route \"\(route.route)\""], "the route is listed twice")
            }
            routes.append(route)
        }
        return Tenant(name: name, port: port, routes: routes)
    }

    private static func route(_ value: JSONValue, tenant: [String], index: Int,
                              folder: String) throws(ServeSpecError) -> Route {
        guard case .object(let fields) = value else {
            throw ServeSpecError(at: tenant + ["route \(index + 1)"], "a route must be an object, not \(value.kind)")
        }
        var reader = FieldReader(fields: fields, location: tenant + ["route \(index + 1)"])
        let path = try reader.string("route")
        reader.location = tenant + ["route \"\(path)\""]
        guard path.hasPrefix("/") else {
            throw ServeSpecError(at: reader.location + ["field \"route\""], "a route is a URL path starting with /")
        }
        guard path != "/metrics" && path != "/healthz" else {
            throw ServeSpecError(at: reader.location + ["field \"route\""], "\(path) is the server's own endpoint")
        }
        try reader.refuseUnknown(routeKeys)
        let module = try reader.string("path")
        guard module.hasSuffix(".wasm") || module.hasSuffix(".wat") else {
            throw ServeSpecError(at: reader.location + ["field \"path\""], "names a .wasm or .wat module, not \"\(module)\"")
        }
        if reader.has("request-type") { _ = try reader.integer("request-type", in: 0 ... Int.max) }
        var bounds: BoundsStrategy?
        if reader.has("bounds") {
            let name = try reader.string("bounds")
            guard let strategy = BoundsStrategy(rawValue: name) else {
                throw ServeSpecError(at: reader.location + ["field \"bounds\""],
                                     "unknown bounds strategy \"\(name)\" (\(BoundsStrategy.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            bounds = strategy
        }
        var route = Route(
            route: path,
            path: resolve(module, in: folder),
            relativeDeadlineUs: UInt64(try reader.integer("relative-deadline-us", in: 1 ... Int.max)),
            admissionsPercentile: try reader.integer("admissions-percentile", in: 50 ... 99,
                                                 default: Route.defaultAdmissionsPercentile),
            expectedExecutionUs: UInt64(try reader.integer("expected-execution-us", in: 1 ... Int.max,
                                                           default: Int(Route.defaultExpectedExecutionUs))),
            contentType: reader.has("http-resp-content-type") ? try reader.string("http-resp-content-type") : Route.defaultContentType,
            tier: reader.has("tier") ? try reader.string("tier") : nil,
            bounds: bounds,
            timeoutMs: reader.has("timeout-ms") ? UInt64(try reader.integer("timeout-ms", in: 1 ... Int.max)) : nil,
            memoryLimitPages: reader.has("memory-limit-pages")
                ? UInt64(try reader.integer("memory-limit-pages", in: 0 ... 65536)) : nil,
            maxRequestBytes: try reader.integer("max-request-bytes", in: 0 ... Int(Int32.max),
                                           default: Route.defaultMaxRequestBytes),
            environment: try reader.environment("env"),
            directories: try reader.strings("dirs").map { resolve($0, in: folder) })
        route.initExport = reader.has("init") ? try reader.string("init") : nil
        if reader.has("channel-mode") {
            let name = try reader.string("channel-mode")
            guard let mode = ChannelMode(rawValue: name) else {
                throw ServeSpecError(at: reader.location + ["field \"channel-mode\""],
                                     "unknown channel mode \"\(name)\" (\(ChannelMode.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            route.channelMode = mode
        }
        return route
    }

    private static func resolve(_ path: String, in folder: String) -> String {
        path.hasPrefix("/") ? path : (folder.isEmpty ? path : folder + "/" + path)
    }
}

/// A spec the server refuses, with where the problem is: tenant, route and field.
public struct ServeSpecError: Error, Equatable, CustomStringConvertible {
    /// Where: `tenant "gwu"`, `route "/fib"`, `field "port"`, outermost first.
    public var location: [String]
    /// What is wrong.
    public var message: String

    init(at location: [String], _ message: String) {
        self.location = location
        self.message = message
    }

    /// `serve spec: tenant "gwu", route "/fib", field "port": MESSAGE`.
    public var description: String {
        "serve spec: " + (location.isEmpty ? "" : location.joined(separator: ", ") + ": ") + message
    }
}

/// Reads the fields of one object with errors that name them.
private struct FieldReader {
    let fields: [String: JSONValue]
    var location: [String]

    func has(_ key: String) -> Bool { fields[key] != nil }

    func refuseUnknown(_ known: Set<String>) throws(ServeSpecError) {
        for key in fields.keys.sorted() where !known.contains(key) {
            throw ServeSpecError(at: location + ["field \"\(key)\""], "unknown key")
        }
    }

    func string(_ key: String) throws(ServeSpecError) -> String {
        guard let value = fields[key] else { throw ServeSpecError(at: location + ["field \"\(key)\""], "missing") }
        guard case .string(let s) = value, !s.isEmpty else {
            throw ServeSpecError(at: location + ["field \"\(key)\""], "must be a non-empty string, not \(value.kind)")
        }
        return s
    }

    func integer(_ key: String, in range: ClosedRange<Int>, default fallback: Int? = nil) throws(ServeSpecError) -> Int {
        guard let value = fields[key] else {
            if let fallback { return fallback }
            throw ServeSpecError(at: location + ["field \"\(key)\""], "missing")
        }
        guard case .number(let n) = value, n == n.rounded(), n >= Double(range.lowerBound),
              n <= Double(range.upperBound), let i = Int(exactly: n) else {
            throw ServeSpecError(at: location + ["field \"\(key)\""],
                                 "must be an integer from \(range.lowerBound) to \(range.upperBound), not \(Self.show(value))")
        }
        return i
    }

    func strings(_ key: String) throws(ServeSpecError) -> [String] {
        guard let value = fields[key] else { return [] }
        guard case .array(let items) = value else {
            throw ServeSpecError(at: location + ["field \"\(key)\""], "must be an array of strings, not \(value.kind)")
        }
        var result: [String] = []
        for item in items {
            guard case .string(let s) = item, !s.isEmpty else {
                throw ServeSpecError(at: location + ["field \"\(key)\""], "must be an array of strings, not of \(item.kind)")
            }
            result.append(s)
        }
        return result
    }

    /// `{"NAME": "VALUE"}` as `NAME=VALUE` strings, in name order.
    func environment(_ key: String) throws(ServeSpecError) -> [String] {
        guard let value = fields[key] else { return [] }
        guard case .object(let pairs) = value else {
            throw ServeSpecError(at: location + ["field \"\(key)\""], "must be an object of NAME: VALUE strings, not \(value.kind)")
        }
        var result: [String] = []
        for name in pairs.keys.sorted() {
            guard case .string(let s)? = pairs[name], !name.isEmpty, !name.contains("=") else {
                throw ServeSpecError(at: location + ["field \"\(key)\""], "\"\(name)\" must be a name without = with a string value")
            }
            result.append("\(name)=\(s)")
        }
        return result
    }

    private static func show(_ value: JSONValue) -> String {
        if case .number(let n) = value { return "\(n)" }
        return value.kind
    }
}

import NIOCore
import NIOHTTP1

/// Faasm's upload and invoke API beside a tenant's routes, on the tenant's own port
/// (Docs/Serverless.md, "The invoke API"): `PUT|GET|POST /f/<user>/<function>`,
/// `PUT|GET /s/<user>/<key>`, `GET /status/<id>`. `<user>` must be the port's tenant:
/// a tenant reaches only its own functions, state and calls.
struct InvokeAPI {
    /// What a request asks for, from its method and path.
    enum Target {
        /// `PUT /f/<user>/<name>`: compile the body and serve it as `/name`.
        case upload(name: String)
        /// `GET /f/<user>/<name>`: the uploaded module's bytes.
        case download(name: String)
        /// `POST /f/<user>/<name>[?async=1]`: run the function with the body as input;
        /// `query` is the request's without `async`.
        case invoke(name: String, async: Bool, query: String)
        /// `PUT /s/<user>/<key>`: set a state value.
        case setState(key: String)
        /// `GET /s/<user>/<key>`: a state value's bytes.
        case getState(key: String)
        /// `GET /status/<id>`: an asynchronous call's status and result.
        case status(id: UInt64)
        /// A request refused whatever its body: a bad path, name or key (400), another
        /// tenant (403), a method the path does not take (405).
        case refused(ServeResponse)
    }

    /// What the request handler does with a request.
    enum Answer {
        /// Write this response.
        case now(ServeResponse)
        /// Write this response when it is ready (an upload compiles off the event loop).
        case later(EventLoopFuture<ServeResponse>)
        /// Admit and run the route as a request of its own would be; an asynchronous call
        /// is answered 202 with its id as soon as it is queued.
        case invoke(CompiledRoute, async: Bool, query: String)
    }

    let server: ServeServer
    /// The index of the port's tenant.
    let tenant: Int

    /// Path prefixes the API answers, before any route.
    static let prefixes = ["/f/", "/s/", "/status/"]

    /// Whether some paths of the spec route `route` belong to the API (a route `/f` also
    /// serves `/f/...`, and `/` serves everything).
    static func shadows(_ route: String) -> Bool {
        route == "/" || prefixes.contains { route + "/" == $0 || route.hasPrefix($0) }
    }

    /// Longest function name and longest state key, in bytes.
    static let maxNameBytes = 128, maxKeyBytes = 255

    /// Whether `name` may name a function: 1 to 128 of `A-Z a-z 0-9 _ . -`, not `.` or `..`.
    static func isFunctionName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1 ... maxNameBytes).contains(bytes.count), name != ".", name != ".." else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A") ... UInt8(ascii: "Z"), UInt8(ascii: "a") ... UInt8(ascii: "z"),
                 UInt8(ascii: "0") ... UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    /// Whether `key` may name a state value over HTTP: 1 to 255 bytes of printable ASCII
    /// without space and `/`.
    static func isStateKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        return (1 ... maxKeyBytes).contains(bytes.count) && bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }
    }

    /// The target of a request; nil when `path` is not the API's.
    func target(method: HTTPMethod, path: String, query: String) -> Target? {
        guard let prefix = Self.prefixes.first(where: { path.hasPrefix($0) }) else { return nil }
        let parts = path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        if prefix == "/status/" {
            guard method == .GET else { return .refused(Self.notAllowed(method, path, allow: "GET")) }
            guard parts.count == 1, parts[0].utf8.allSatisfy({ (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains($0) }),
                  let id = UInt64(parts[0]), id > 0 else {
                return .refused(Self.text(400, "a call id is a positive decimal number: /status/<id>"))
            }
            return .status(id: id)
        }
        let isFunction = prefix == "/f/"
        let shape = isFunction ? "/f/<user>/<function>" : "/s/<user>/<key>"
        guard parts.count == 2, let user = Self.percentDecoded(parts[0]), let name = Self.percentDecoded(parts[1]) else {
            return .refused(Self.text(400, "expected \(shape), with names percent-encoded as UTF-8"))
        }
        let allowed: [HTTPMethod] = isFunction ? [.PUT, .GET, .POST] : [.PUT, .GET]
        guard allowed.contains(method) else {
            return .refused(Self.notAllowed(method, path, allow: allowed.map(\.rawValue).joined(separator: ", ")))
        }
        let owner = server.table(tenant).tenant
        guard user == owner else {
            return .refused(Self.text(403, "this port serves tenant \"\(owner)\": it cannot reach the functions or state of \"\(user)\""))
        }
        if isFunction {
            guard Self.isFunctionName(name) else {
                return .refused(Self.text(400, "bad function name: 1 to \(Self.maxNameBytes) of A-Z a-z 0-9 _ . - (not . or ..)"))
            }
            guard name != "healthz" && name != "metrics" else {
                return .refused(Self.text(400, "/\(name) is the server's own endpoint, not a function name"))
            }
            switch method {
            case .PUT: return .upload(name: name)
            case .GET: return .download(name: name)
            default:
                let (async, rest) = Self.asyncFlag(query)
                return .invoke(name: name, async: async, query: rest)
            }
        }
        guard Self.isStateKey(name) else {
            return .refused(Self.text(400, "bad state key: 1 to \(Self.maxKeyBytes) bytes of printable ASCII, no space or /"))
        }
        return method == .PUT ? .setState(key: name) : .getState(key: name)
    }

    /// The function an invoke runs: the tenant's route `/name`, from the spec or uploaded.
    func route(for target: Target) -> CompiledRoute? {
        guard case .invoke(let name, _, _) = target else { return nil }
        return server.table(tenant).function(named: name)
    }

    /// The largest body `target` takes; more is read and dropped, and answered 413.
    /// Requests refused whatever their body take none.
    func bodyLimit(_ target: Target, route: CompiledRoute?) -> Int {
        switch target {
        case .upload, .setState: server.options.maxUploadBytes
        case .invoke: route?.spec.maxRequestBytes ?? 0
        case .download, .getState, .status, .refused: 0
        }
    }

    /// The answer to `target` with `body` (`tooLarge`: it was over the limit and dropped);
    /// `route` is `route(for: target)`, looked up when the request's head arrived.
    func answer(_ target: Target, route: CompiledRoute?, body: [UInt8], tooLarge: Bool,
                eventLoop: EventLoop) -> Answer {
        let table = server.table(tenant)
        switch target {
        case .refused(let response):
            return .now(response)
        case .upload(let name):
            if tooLarge { return .now(Self.text(413, "module over \(server.options.maxUploadBytes) bytes (the server's upload limit)")) }
            guard !body.isEmpty else { return .now(Self.text(400, "empty body: send the module, binary or text format")) }
            guard table.specRoute(named: name) == nil else { return .now(Self.specRouteConflict(name)) }
            return .later(upload(name, body, eventLoop: eventLoop))
        case .download(let name):
            guard let function = table.uploaded[name] else {
                return .now(Self.text(404, "no uploaded function \"\(name)\" (routes of the spec are not downloadable)"))
            }
            let type = function.isBinary ? "application/wasm" : "text/plain"
            return .now(ServeResponse(status: 200, headers: [("Content-Type", type)], body: function.bytes))
        case .invoke(let name, let async, let query):
            guard let route else { return .now(Self.text(404, "no function \"\(name)\" for tenant \"\(table.tenant)\"")) }
            if tooLarge { return .now(Self.text(413, "request body over \(route.spec.maxRequestBytes) bytes")) }
            return .invoke(route, async: async, query: query)
        case .setState(let key):
            if tooLarge { return .now(Self.text(413, "state value over \(server.options.maxUploadBytes) bytes (the server's upload limit)")) }
            // With a global tier this waits for Redis on the event loop (at most its timeout).
            let result: StateStore.SetResult
            do {
                result = try server.state.set(user: table.tenant, key: key, bytes: body)
            } catch {
                return .now(Self.text(503, "the global state tier is unavailable: \(error)"))
            }
            switch result {
            case .created: return .now(Self.text(201, "created \(key) (\(body.count) bytes)"))
            case .replaced: return .now(Self.text(200, "replaced \(key) (\(body.count) bytes)"))
            case .sizeMismatch(let size):
                return .now(Self.text(409, "state value \(key) has \(size) bytes, not \(body.count): its size is fixed once set"))
            case .noMemory: return .now(Self.text(507, "no memory for a state value of \(body.count) bytes"))
            }
        case .getState(let key):
            let found: [UInt8]?
            do {
                found = try server.state.get(user: table.tenant, key: key)
            } catch {
                return .now(Self.text(503, "the global state tier is unavailable: \(error)"))
            }
            guard let bytes = found else { return .now(Self.text(404, "no state value \(key)")) }
            return .now(ServeResponse(status: 200, headers: [("Content-Type", "application/octet-stream")], body: bytes))
        case .status(let id):
            return .now(Self.statusResponse(id, server.asyncCalls.status(id, tenant: tenant)))
        }
    }

    /// Compiles the upload on the server's compile thread and installs it: 201 for a new
    /// function, 200 for a replaced one, 400 with the error for a module that cannot run.
    private func upload(_ name: String, _ bytes: [UInt8], eventLoop: EventLoop) -> EventLoopFuture<ServeResponse> {
        let server = self.server, tenant = self.tenant
        return server.compiler.runIfActive(eventLoop: eventLoop) { () -> ServeResponse in
            let function: UploadedFunction
            do {
                function = try UploadedFunction(name: name, bytes: bytes, options: server.options)
            } catch {
                return Self.text(400, "\(name): \(error)")
            }
            switch server.install(function, tenant: tenant) {
            case .created: return Self.text(201, "uploaded \(name): POST /f/\(server.table(tenant).tenant)/\(name) or /\(name)")
            case .replaced: return Self.text(200, "replaced \(name)")
            case .specRoute: return Self.specRouteConflict(name)
            }
        }.recover { _ in Self.text(503, "the server is shutting down") }
    }

    /// The 202 of an asynchronous call queued as `id`.
    static func accepted(_ id: UInt64) -> ServeResponse {
        ServeResponse(status: 202, headers: [("Content-Type", "text/plain"), ("Location", "/status/\(id)")],
                      body: Array("\(id)\n".utf8))
    }

    /// `GET /status/<id>`: 404 for an unknown call; otherwise 200 with `X-Call-Status`
    /// (`running`, `done`: the function ran to its end, or `failed`: it trapped, was
    /// killed or could not start). A finished call adds `X-Response-Status`, the status the
    /// synchronous call would have answered, with that response's headers and body, and
    /// a done one `X-Exit-Status`.
    static func statusResponse(_ id: UInt64, _ status: AsyncCalls.Status?) -> ServeResponse {
        switch status {
        case nil:
            return text(404, "no call \(id)")
        case .running:
            return ServeResponse(status: 200, headers: [("X-Call-Status", "running")], body: [])
        case .finished(let result):
            var headers = result.response.headers
            headers.append(("X-Call-Status", result.completed ? "done" : "failed"))
            if let code = result.exitStatus { headers.append(("X-Exit-Status", String(code))) }
            headers.append(("X-Response-Status", String(result.response.status)))
            return ServeResponse(status: 200, headers: headers, body: result.response.body)
        }
    }

    /// A plain-text response of one line.
    static func text(_ status: Int, _ message: String, headers: [(name: String, value: String)] = []) -> ServeResponse {
        ServeResponse(status: status, headers: [("Content-Type", "text/plain")] + headers, body: Array((message + "\n").utf8))
    }

    private static func specRouteConflict(_ name: String) -> ServeResponse {
        text(409, "function \(name) is a route of the server's spec: an upload cannot replace it")
    }

    private static func notAllowed(_ method: HTTPMethod, _ path: String, allow: String) -> ServeResponse {
        text(405, "\(method.rawValue) is not allowed on \(path) (\(allow))", headers: [("Allow", allow)])
    }

    /// Whether the query asks for an asynchronous call (`async`, `async=1` or
    /// `async=true`), and the query without that part.
    static func asyncFlag(_ query: String) -> (Bool, String) {
        var async = false
        let rest = query.split(separator: "&", omittingEmptySubsequences: true).filter { part in
            guard part == "async" || part.hasPrefix("async=") else { return true }
            async = part == "async" || part == "async=1" || part == "async=true"
            return false
        }
        return (async, rest.joined(separator: "&"))
    }

    /// `part` with `%XX` escapes decoded, as UTF-8; nil for a bad escape or bad UTF-8.
    static func percentDecoded(_ part: Substring) -> String? {
        var bytes: [UInt8] = []
        var utf8 = part.utf8[...]
        while let byte = utf8.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = utf8.popFirst().flatMap(hexValue), let low = utf8.popFirst().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a") ... UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A") ... UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

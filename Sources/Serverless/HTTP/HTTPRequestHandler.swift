import GreenThreads
import Logging
import NIOCore
import NIOHTTP1
import WASI
import WasmRuntime

/// One connection's requests: collects a request (head, body up to the route's limit),
/// answers what the server answers itself (404, 413, 429, `/healthz`, `/metrics`, the
/// invoke API below `/f/`, `/s/` and `/status/`) and hands the rest to a sandbox, writing
/// its response back on this event loop. NIO's pipelining handler in front of it holds
/// later requests of the connection until the current one is answered, so every request
/// gets exactly one response, in order.
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: ServeServer
    private let tenant: Int
    private let api: InvokeAPI
    private var head: HTTPRequestHead?
    private var route: CompiledRoute?
    /// The request's target when it is the invoke API's.
    private var target: InvokeAPI.Target?
    private var limit = 0
    private var body: [UInt8] = []
    private var tooLarge = false
    private var arrival: UInt64 = 0

    init(server: ServeServer, tenant: Int) {
        self.server = server
        self.tenant = tenant
        api = InvokeAPI(server: server, tenant: tenant)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            arrival = MonotonicClock.now()
            body = []
            tooLarge = false
            let (path, query) = Self.split(h.uri)
            target = api.target(method: h.method, path: path, query: query)
            if let target {
                route = api.route(for: target)
                limit = api.bodyLimit(target, route: route)
            } else {
                route = server.table(tenant).match(path)
                limit = route?.spec.maxRequestBytes ?? 0
            }
            // One allocation for a body whose length is announced (and allowed), its pages
            // filled in before the body is copied there.
            if let length = h.headers.first(name: "Content-Length").flatMap({ Int($0) }), length > 0, length <= limit {
                body = MovedPages.byteArray(capacity: length)
            }
        case .body(let buffer):
            guard !tooLarge else { return }
            if body.count + buffer.readableBytes > limit {
                // Keep reading (and dropping) the rest: the connection stays usable.
                tooLarge = true
                body = []
            } else {
                body.append(contentsOf: buffer.readableBytesView)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            dispatch(context: context, head: head)
        }
    }

    /// A request that does not parse: NIO's protocol error handler has answered 400; the
    /// rest of the connection's bytes cannot be trusted, so it is closed.
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func dispatch(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let (path, query) = Self.split(head.uri)
        let id = server.requestID()
        if head.method == .GET && path == "/healthz" {
            return write(context, head, status: 200, headers: [("Content-Type", "text/plain")], body: Array("ok\n".utf8))
        }
        if head.method == .GET && path == "/metrics" {
            let text = server.metrics.exposition(scheduler: server.runner.scheduler, load: server.admission.load,
                                                   forwarding: server.forwarding)
            return write(context, head, status: 200, headers: [("Content-Type", "text/plain; version=0.0.4")], body: text)
        }
        if let target {
            self.target = nil
            return dispatchAPI(context: context, head: head, target: target, path: path, id: id)
        }
        guard let route else {
            server.logger.info("request", metadata: ["id": "\(id)", "path": "\(path)", "status": "404"])
            return write(context, head, status: 404, headers: [("Content-Type", "text/plain")],
                         body: Array("no route for \(path)\n".utf8))
        }
        if tooLarge {
            return refuseTooLarge(context, head, route: route, id: id)
        }
        let request = CGI.Request(method: head.method.rawValue, path: path, query: query,
                                  headers: head.headers.map { ($0.name, $0.value) }, body: body)
        body = []
        admitAndRun(context: context, head: head, request: request, route: route, async: false, id: id)
    }

    /// A request of the invoke API: answered now, once its upload has compiled, or by
    /// running its function as its route's requests run.
    private func dispatchAPI(context: ChannelHandlerContext, head: HTTPRequestHead, target: InvokeAPI.Target,
                             path: String, id: UInt64) {
        let request = body
        body = []
        switch api.answer(target, route: route, body: request, tooLarge: tooLarge, eventLoop: context.eventLoop) {
        case .now(let response):
            respond(context, head, response, path: path, id: id)
        case .later(let future):
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            future.whenSuccess { response in
                let (handler, context) = bound.value
                handler.respond(context, head, response, path: path, id: id)
            }
        case .invoke(let route, let async, let query):
            let cgi = CGI.Request(method: head.method.rawValue, path: route.spec.route, query: query,
                                  headers: head.headers.map { ($0.name, $0.value) }, body: request)
            admitAndRun(context: context, head: head, request: cgi, route: route, async: async, id: id)
        }
    }

    /// Writes an API response and logs it.
    private func respond(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ response: ServeResponse,
                         path: String, id: UInt64) {
        server.logger.info("request", metadata: ["id": "\(id)", "method": "\(head.method.rawValue)", "path": "\(path)",
                                                 "status": "\(response.status)"])
        write(context, head, status: response.status, headers: response.headers, body: response.body)
    }

    private func refuseTooLarge(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, route: CompiledRoute, id: UInt64) {
        let name = route.spec.route
        server.logger.info("request", metadata: ["id": "\(id)", "route": "\(name)", "status": "413"])
        server.metrics.request(route: name, status: 413, latencyNs: MonotonicClock.now() - arrival, missedDeadline: false)
        write(context, head, status: 413, headers: [("Content-Type", "text/plain")],
              body: Array("request body over \(route.spec.maxRequestBytes) bytes\n".utf8))
    }

    /// Admission control (429 when refused), then a sandbox of `route` for `request`: its
    /// response is written when it ends, or, for an asynchronous call, 202 with the call's
    /// id at once and the response kept for `GET /status/<id>`.
    private func admitAndRun(context: ChannelHandlerContext, head: HTTPRequestHead, request: CGI.Request,
                             route: CompiledRoute, async: Bool, id: UInt64) {
        let name = route.spec.route
        guard server.queuedCount < server.options.maxQueued, let share = server.admission.admit(route.statistics) else {
            server.metrics.refused(route: name)
            server.logger.info("request", metadata: ["id": "\(id)", "route": "\(name)", "status": "429"])
            return write(context, head, status: 429, headers: [("Content-Type", "text/plain"), ("Retry-After", "1")],
                         body: Array("over capacity, retry later\n".utf8))
        }
        let completion: @Sendable (ServeResponse, SandboxOutcome) -> Void
        var call: UInt64 = 0
        if async {
            let calls = server.asyncCalls
            call = calls.start(tenant: tenant)
            completion = { [call] response, outcome in calls.finish(call, .init(outcome, response: response)) }
        } else {
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            completion = { response, _ in
                loop.execute {
                    let (handler, context) = bound.value
                    handler.write(context, head, status: response.status, headers: response.headers, body: response.body)
                }
            }
        }
        do {
            try server.run(request, route: route, tenant: tenant, share: share, id: id, arrival: arrival,
                           completion: completion)
        } catch {
            if async { server.asyncCalls.cancel(call) }
            return write(context, head, status: 503, headers: [("Content-Type", "text/plain")],
                         body: Array("the server is shutting down\n".utf8))
        }
        if async {
            let response = InvokeAPI.accepted(call)
            server.logger.info("request", metadata: ["id": "\(id)", "route": "\(name)", "status": "202", "call": "\(call)"])
            write(context, head, status: response.status, headers: response.headers, body: response.body)
        }
    }

    private func write(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, status: Int,
                       headers: [(name: String, value: String)], body: [UInt8]) {
        var fields = HTTPHeaders()
        for (name, value) in headers { fields.add(name: name, value: value) }
        fields.replaceOrAdd(name: "Content-Length", value: String(body.count))
        let keepAlive = head.isKeepAlive
        fields.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: status),
                                            headers: fields)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if !body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        if !keepAlive { context.close(promise: nil) }
    }

    /// Path and query of a request target.
    static func split(_ uri: String) -> (path: String, query: String) {
        guard let q = uri.firstIndex(of: "?") else { return (uri, "") }
        return (String(uri[..<q]), String(uri[uri.index(after: q)...]))
    }
}

/// A value written on a fiber and read by its completion on the same fiber.
final class SendableBox<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

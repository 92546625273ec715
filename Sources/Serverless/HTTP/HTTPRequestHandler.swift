import GreenThreads
import Logging
import NIOCore
import NIOHTTP1
import WASI
import WasmRuntime

/// One connection's requests: collects a request (head, body up to the route's limit),
/// answers what the server answers itself (404, 413, 429, `/healthz`, `/metrics`) and
/// hands the rest to a sandbox, writing its response back on this event loop. NIO's
/// pipelining handler in front of it holds later requests of the connection until the
/// current one is answered, so every request gets exactly one response, in order.
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: ServeServer
    private let tenant: Int
    private var head: HTTPRequestHead?
    private var route: CompiledRoute?
    private var body: [UInt8] = []
    private var tooLarge = false
    private var arrival: UInt64 = 0

    init(server: ServeServer, tenant: Int) {
        self.server = server
        self.tenant = tenant
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            arrival = MonotonicClock.now()
            body = []
            tooLarge = false
            route = server.table(tenant).match(Self.split(h.uri).path)
        case .body(var buffer):
            guard !tooLarge else { return }
            let limit = route?.spec.maxRequestBytes ?? 0
            if body.count + buffer.readableBytes > limit {
                // Keep reading (and dropping) the rest: the connection stays usable.
                tooLarge = true
                body = []
            } else if let bytes = buffer.readBytes(length: buffer.readableBytes) {
                body += bytes
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
            let text = server.metrics.exposition(scheduler: server.runner.scheduler, load: server.admission.load)
            return write(context, head, status: 200, headers: [("Content-Type", "text/plain; version=0.0.4")], body: text)
        }
        guard let route else {
            server.logger.info("request", metadata: ["id": "\(id)", "path": "\(path)", "status": "404"])
            return write(context, head, status: 404, headers: [("Content-Type", "text/plain")],
                         body: Array("no route for \(path)\n".utf8))
        }
        let name = route.spec.route
        if tooLarge {
            server.logger.info("request", metadata: ["id": "\(id)", "route": "\(name)", "status": "413"])
            server.metrics.request(route: name, status: 413, latencyNs: MonotonicClock.now() - arrival, missedDeadline: false)
            return write(context, head, status: 413, headers: [("Content-Type", "text/plain")],
                         body: Array("request body over \(route.spec.maxRequestBytes) bytes\n".utf8))
        }
        guard server.queuedCount < server.options.maxQueued, let share = server.admission.admit(route.statistics) else {
            server.metrics.refused(route: name)
            server.logger.info("request", metadata: ["id": "\(id)", "route": "\(name)", "status": "429"])
            return write(context, head, status: 429, headers: [("Content-Type", "text/plain"), ("Retry-After", "1")],
                         body: Array("over capacity, retry later\n".utf8))
        }
        let request = CGI.Request(method: head.method.rawValue, path: path, query: query,
                                  headers: head.headers.map { ($0.name, $0.value) }, body: body)
        body = []
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        do {
            try server.run(request, route: route, tenant: tenant, share: share, id: id, arrival: arrival) { response, _ in
                loop.execute {
                    let (handler, context) = bound.value
                    handler.write(context, head, status: response.status, headers: response.headers, body: response.body)
                }
            }
        } catch {
            write(context, head, status: 503, headers: [("Content-Type", "text/plain")],
                  body: Array("the server is shutting down\n".utf8))
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

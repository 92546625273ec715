import NIOCore
import NIOHTTP1
import NIOPosix

/// Sends a chained call to another node over HTTP: `POST /<function>` on the tenant's
/// port there, the input as the body (that node runs it as a request of its own).
/// One connection per call.
final class CallForwarder: Sendable {
    private let group: any EventLoopGroup
    init(group: any EventLoopGroup) { self.group = group }

    /// Posts `body` to `path` at `address` (`host:port`); `completion` gets the status and
    /// body, or nil when the node cannot be reached or the connection fails.
    func post(to address: String, path: String, body: [UInt8], timeoutMs: Int64,
              completion: @escaping @Sendable ((status: Int, body: [UInt8])?) -> Void) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            return completion(nil)
        }
        let host = String(address[..<colon])
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(min(timeoutMs, 2000)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(completion: completion))
                }
            }
        bootstrap.connect(host: host, port: port).whenComplete { result in
            guard case .success(let channel) = result else { return completion(nil) }
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: address)
            headers.add(name: "Content-Length", value: String(body.count))
            headers.add(name: "Connection", value: "close")
            let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)
            var buffer = channel.allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            channel.write(HTTPClientRequestPart.body(.byteBuffer(buffer)), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            // A node that never answers does not hold the caller forever.
            channel.eventLoop.scheduleTask(in: .milliseconds(timeoutMs)) { channel.close(promise: nil) }
        }
    }
}

/// Collects one response and reports it once (or nil when the connection ends first).
private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let completion: @Sendable ((status: Int, body: [UInt8])?) -> Void
    private var status = 0
    private var body: [UInt8] = []
    private var reported = false

    init(completion: @escaping @Sendable ((status: Int, body: [UInt8])?) -> Void) { self.completion = completion }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body(var buffer): body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            report((status, body))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) { report(nil) }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        report(nil)
        context.close(promise: nil)
    }

    private func report(_ result: (status: Int, body: [UInt8])?) {
        guard !reported else { return }
        reported = true
        completion(result)
    }
}

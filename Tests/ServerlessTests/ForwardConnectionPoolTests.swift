@testable import Serverless
import NIOCore
import NIOHTTP1
import NIOPosix
import Platform
import Synchronization
import Testing

/// A loopback HTTP/1.1 server for the forwarding pool's tests: answers every request with
/// "CONNECTION-NUMBER:BODY" (or, being `silent`, never), and counts the connections it
/// accepted, those that closed and the requests it read.
private final class CountingServer: Sendable {
    enum Behaviour: Sendable {
        /// Answers at once and keeps the connection.
        case keepAlive
        /// Answers after a delay.
        case delay(TimeAmount)
        /// Answers with `Connection: close` and closes.
        case closeAfterAnswer
        /// Answers keep-alive, then closes the connection this long after (an idle timeout
        /// of its own).
        case closeIdleAfter(TimeAmount)
        /// Reads requests and never answers.
        case silent
    }

    struct Counts: Sendable, Equatable {
        var accepted = 0, closed = 0, requests = 0
    }

    let behaviour: Behaviour
    let counts = Mutex(Counts())
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: Mutex<(any Channel)?> = Mutex(nil)

    init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        let bound = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                counts.withLock { $0.accepted += 1 }
                let number = counts.withLock { $0.accepted }
                channel.closeFuture.whenComplete { [self] _ in counts.withLock { $0.closed += 1 } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Answerer(server: self, number: number))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        channel.withLock { $0 = bound }
    }

    var address: String { "127.0.0.1:\(channel.withLock { $0!.localAddress!.port! })" }

    func stop() {
        try? channel.withLock { $0 }?.close().wait()
        try? group.syncShutdownGracefully()
    }

    private final class Answerer: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: CountingServer
        let number: Int
        var body: [UInt8] = []

        init(server: CountingServer, number: Int) { (self.server, self.number) = (server, number) }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head: body = []
            case .body(let buffer): body.append(contentsOf: buffer.readableBytesView)
            case .end:
                server.counts.withLock { $0.requests += 1 }
                let reply = Array("\(number):".utf8) + body
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                switch server.behaviour {
                case .silent: break
                case .delay(let delay):
                    context.eventLoop.scheduleTask(in: delay) {
                        let (handler, context) = bound.value
                        handler.answer(context, reply, close: false)
                    }
                case .keepAlive: answer(context, reply, close: false)
                case .closeAfterAnswer: answer(context, reply, close: true)
                case .closeIdleAfter(let idle):
                    answer(context, reply, close: false)
                    let channel = context.channel
                    context.eventLoop.scheduleTask(in: idle) { channel.close(promise: nil) }
                }
            }
        }

        func answer(_ context: ChannelHandlerContext, _ body: [UInt8], close: Bool) {
            var headers = HTTPHeaders([("Content-Length", String(body.count))])
            if close { headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                          promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if close { channel.close(promise: nil) }
            }
        }
    }
}

/// A forwarder on an event loop of its own; `post` waits for the answer.
private final class Client {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let forwarder: CallForwarder

    init(maxIdle: Int = 8, idleTimeout: TimeAmount = .seconds(5)) {
        forwarder = CallForwarder(group: group, maxIdle: maxIdle, idleTimeout: idleTimeout)
    }

    struct Reply: Equatable {
        var status: Int
        var body: String
    }

    func post(_ address: String, _ body: String, path: String = "/f", timeoutMs: Int64 = 5000) -> Reply? {
        start(address, body, path: path, timeoutMs: timeoutMs).wait()
    }

    /// Sends the call and returns at once; the returned value waits for the answer.
    func start(_ address: String, _ body: String, path: String = "/f", timeoutMs: Int64 = 5000) -> Pending {
        let promise = group.next().makePromise(of: Reply?.self)
        forwarder.post(to: address, path: path, body: Array(body.utf8), timeoutMs: timeoutMs) { response in
            promise.succeed(response.map { Reply(status: $0.status, body: String(decoding: $0.body, as: UTF8.self)) })
        }
        return Pending(future: promise.futureResult)
    }

    struct Pending {
        let future: EventLoopFuture<Reply?>
        func wait() -> Reply? { (try? future.wait()) ?? nil }
    }

    func idle(_ address: String) -> Int { forwarder.pool.idleChannels(to: address).count }

    func stop() {
        forwarder.shutdown()
        try? group.syncShutdownGracefully()
    }
}

/// Polls `condition` for up to `seconds`.
private func eventually(_ seconds: Double = 3, _ condition: () -> Bool) -> Bool {
    let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while !condition() {
        if ContinuousClock.now > end { return false }
        usleep(5_000)
    }
    return true
}

@Suite(.serialized)
struct ForwardConnectionPoolTests {
    @Test func sequentialCallsShareOneConnection() throws {
        let server = try CountingServer(.keepAlive)
        let client = Client()
        defer { client.stop(); server.stop() }
        for i in 0 ..< 5 {
            #expect(client.post(server.address, "call \(i)") == .init(status: 200, body: "1:call \(i)"))
        }
        #expect(server.counts.withLock { $0 } == .init(accepted: 1, closed: 0, requests: 5))
        #expect(client.forwarder.pool.statistics == .init(opened: 1, reused: 4, retried: 0))
        #expect(client.idle(server.address) == 1)
    }

    @Test func aConnectionTheServerClosesIsDroppedAndTheNextCallOpensANewOne() throws {
        let server = try CountingServer(.closeIdleAfter(.milliseconds(50)))
        let client = Client()
        defer { client.stop(); server.stop() }
        #expect(client.post(server.address, "a") == .init(status: 200, body: "1:a"))
        // The server's close reaches the pool, which lets the connection go.
        #expect(eventually { server.counts.withLock { $0.closed } == 1 && client.idle(server.address) == 0 })
        #expect(client.post(server.address, "b") == .init(status: 200, body: "2:b"))
        #expect(server.counts.withLock { $0 }.accepted == 2)
        #expect(client.forwarder.pool.statistics == .init(opened: 2, reused: 0, retried: 0))
    }

    @Test func aConnectionCloseAnswerIsNotKept() throws {
        let server = try CountingServer(.closeAfterAnswer)
        let client = Client()
        defer { client.stop(); server.stop() }
        #expect(client.post(server.address, "a") == .init(status: 200, body: "1:a"))
        #expect(client.idle(server.address) == 0)
        #expect(client.post(server.address, "b") == .init(status: 200, body: "2:b"))
        #expect(client.forwarder.pool.statistics.reused == 0)
    }

    @Test func aPooledConnectionFoundClosedBeforeTheWriteIsRetriedOnANewOne() throws {
        let server = try CountingServer(.keepAlive)
        let client = Client()
        defer { client.stop(); server.stop() }
        #expect(client.post(server.address, "a") == .init(status: 200, body: "1:a"))
        let pooled = try #require(client.forwarder.pool.idleChannels(to: server.address).first)
        // The pooled connection closes on its loop after the next call has taken it and
        // before its request is written there (the loop is held until the call is queued).
        pooled.eventLoop.execute {
            usleep(300_000)
            pooled.close(promise: nil)
        }
        #expect(client.post(server.address, "b") == .init(status: 200, body: "2:b"))
        #expect(client.forwarder.pool.statistics == .init(opened: 2, reused: 1, retried: 1))
        // The closed connection carried nothing: the server read two requests, one per connection.
        #expect(server.counts.withLock { $0 } == .init(accepted: 2, closed: 1, requests: 2))
    }

    @Test func anUnreachableNodeFailsPromptly() throws {
        // A port nothing listens on: bound, then closed.
        let probe = try CountingServer(.keepAlive)
        let address = probe.address
        probe.stop()
        let client = Client()
        defer { client.stop() }
        let start = ContinuousClock.now
        #expect(client.post(address, "a") == nil)
        #expect(client.post("no-port", "a") == nil)
        #expect(ContinuousClock.now - start < .seconds(1))
        #expect(client.forwarder.pool.statistics.opened == 0)
    }

    @Test func aNodeThatNeverAnswersTimesOutAndItsConnectionIsClosed() throws {
        let server = try CountingServer(.silent)
        let client = Client()
        defer { client.stop(); server.stop() }
        let start = ContinuousClock.now
        #expect(client.post(server.address, "a", timeoutMs: 200) == nil)
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(190) && waited < .seconds(2))
        #expect(eventually { server.counts.withLock { $0.closed } == 1 })
        #expect(client.idle(server.address) == 0)
        #expect(client.post(server.address, "b", timeoutMs: 100) == nil)
        #expect(server.counts.withLock { $0 } .accepted == 2)
        #expect(client.forwarder.pool.statistics.reused == 0)
    }

    @Test func idleConnectionsAreBoundedPerAddressAndExpire() throws {
        let server = try CountingServer(.delay(.milliseconds(100)))
        let client = Client(maxIdle: 2, idleTimeout: .seconds(1))
        defer { client.stop(); server.stop() }
        // Four calls at once: a connection each.
        let calls = (0 ..< 4).map { client.start(server.address, "\($0)") }
        let replies = calls.map { $0.wait() }
        #expect(replies.allSatisfy { $0?.status == 200 })
        #expect(Set(replies.compactMap { $0?.body.split(separator: ":").first }).count == 4)
        #expect(server.counts.withLock { $0 }.accepted == 4)
        // Two are kept, two closed at once; the kept ones close when idle too long.
        #expect(client.idle(server.address) == 2)
        #expect(eventually { server.counts.withLock { $0.closed } == 2 })
        #expect(eventually { server.counts.withLock { $0.closed } == 4 && client.idle(server.address) == 0 })
        #expect(client.post(server.address, "again")?.body == "5:again")
    }

    @Test func aShutDownPoolClosesItsIdleConnectionsAndOpensNoMore() throws {
        let server = try CountingServer(.keepAlive)
        let client = Client()
        defer { client.stop(); server.stop() }
        #expect(client.post(server.address, "a")?.status == 200)
        client.forwarder.shutdown()
        #expect(client.idle(server.address) == 0)
        #expect(eventually { server.counts.withLock { $0.closed } == 1 })
        #expect(client.post(server.address, "b") == nil)
        #expect(server.counts.withLock { $0 }.accepted == 1)
    }

    /// The serving side keeps a forwarded call's connection open: `POST /<route>` twice on
    /// one connection of a real server.
    @Test func aServeServerKeepsForwardedConnectionsAlive() throws {
        let server = try TestServer()
        let client = Client()
        defer { client.stop() }
        let address = "127.0.0.1:\(server.port)"
        #expect(client.post(address, "x", path: "/hello") == .init(status: 200, body: "hello\n"))
        #expect(client.post(address, "abc", path: "/echo") == .init(status: 200, body: "abc"))
        #expect(client.post(address, "", path: "/nowhere")?.status == 404)
        #expect(client.forwarder.pool.statistics == .init(opened: 1, reused: 2, retried: 0))
    }
}

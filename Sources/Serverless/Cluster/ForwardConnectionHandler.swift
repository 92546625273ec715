import NIOCore
import NIOHTTP1

/// The last handler of a connection to another node: takes one `Request` at a time (a
/// channel write), sends it as HTTP/1.1 and reports its response, or that none came. Lives
/// on its channel's event loop, like every handler.
final class ForwardConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Request
    typealias OutboundOut = HTTPClientRequestPart

    /// A request to send. The write's promise fails (with `NotSent`, or NIO's error for a
    /// closed channel) when the handler did not take it: then nothing of it was written and
    /// `report` is never called. Once taken, `report` is called exactly once, on the loop.
    struct Request: Sendable {
        var head: HTTPRequestHead
        var body: ByteBuffer
        /// From the write to the end of the response; past it the connection is closed.
        var timeout: TimeAmount
        var report: @Sendable (Outcome) -> Void
    }

    enum Outcome: Sendable {
        /// The whole response; `reusable` when the connection stays open (keep-alive).
        case response(status: Int, body: [UInt8], reusable: Bool)
        /// The connection closed, failed or timed out after the request was written (maybe
        /// in part): the other node may have run it.
        case failed
    }

    /// A request refused before any byte of it was written: the connection was closed, or
    /// busy with another request.
    struct NotSent: Error {}

    // The request in flight. Kept as separate fields so the body grows in place.
    private var report: (@Sendable (Outcome) -> Void)?
    private var timeout: Scheduled<Void>?
    private var status = 0
    private var body: [UInt8] = []
    private var keepAlive = true

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard report == nil, context.channel.isActive else {
            promise?.fail(NotSent())
            return
        }
        report = request.report
        (status, body, keepAlive) = (0, [], true)
        let channel = context.channel
        timeout = context.eventLoop.scheduleTask(in: request.timeout) { channel.close(promise: nil) }
        promise?.succeed(())
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(request.body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { _ in channel.close(promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard report != nil else {
            // A response to no request: what follows on this connection cannot be trusted.
            return context.close(promise: nil)
        }
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            keepAlive = head.isKeepAlive
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            let reusable = keepAlive && context.channel.isActive
            let response = Outcome.response(status: status, body: body, reusable: reusable)
            body = []
            // Reported before the close, whose channelInactive would report a failure.
            finish(response)
            if !reusable { context.close(promise: nil) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Reported as failed when the close makes the channel inactive.
        context.close(promise: nil)
    }

    /// Reports the request in flight, if any, and makes the handler ready for the next.
    private func finish(_ outcome: Outcome) {
        guard let report else { return }
        self.report = nil
        timeout?.cancel()
        timeout = nil
        report(outcome)
    }
}

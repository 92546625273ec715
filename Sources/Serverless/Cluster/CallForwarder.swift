import NIOCore
import NIOHTTP1
import NIOPosix
import WasmRuntime

/// Sends a chained call to another node over HTTP: `POST /<function>` on the tenant's
/// port there, the input as the body (that node runs it as a request of its own), on a
/// keep-alive connection of `pool`.
///
/// A call is sent again, once, on a new connection only when the pooled connection it took
/// was found closed before any byte of the request was written (the other node or the idle
/// timer closed it meanwhile). Once the request is written, a failure is final even if no
/// byte of the response came: a POST runs a function, and the other node may have run it.
final class CallForwarder: Sendable {
    let pool: ForwardConnectionPool

    init(group: any EventLoopGroup, maxIdle: Int = 8, idleTimeout: TimeAmount = .seconds(5)) {
        pool = ForwardConnectionPool(group: group, maxIdle: maxIdle, idleTimeout: idleTimeout)
    }

    /// Posts `body` to `path` at `address` (`host:port`), with `extra` headers; `completion` gets the status and
    /// body, or nil when the node cannot be reached, the connection fails, or no response
    /// came within `timeoutMs` (that connection is then closed).
    func post(to address: String, path: String, body: some Collection<UInt8>, headers extra: [(name: String, value: String)] = [],
              timeoutMs: Int64, completion: @escaping @Sendable ((status: Int, body: [UInt8])?) -> Void) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            return completion(nil)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: address)
        headers.add(name: "Content-Length", value: String(body.count))
        for (name, value) in extra { headers.add(name: name, value: value) }
        // No `Connection` header: HTTP/1.1 keeps the connection open by default.
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)
        let call = Call(address: address, host: String(address[..<colon]), port: port, head: head,
                        body: Self.buffer(holding: body), timeoutMs: timeoutMs, completion: completion)
        send(call, fresh: false)
    }

    /// `body` in a buffer of its own, whose pages are filled in before the copy (a large
    /// payload: `MovedPages.prepareForWrite`).
    private static func buffer(holding body: some Collection<UInt8>) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: body.count)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: body.count) { target in
            _ = MovedPages.prepareForWrite(0 ..< body.count, in: target)
            target.copyBytes(from: body)
            return body.count
        }
        return buffer
    }

    /// Closes the idle connections; later calls fail.
    func shutdown() { pool.shutdown() }

    private struct Call: Sendable {
        let address: String, host: String, port: Int
        let head: HTTPRequestHead
        let body: ByteBuffer
        let timeoutMs: Int64
        let completion: @Sendable ((status: Int, body: [UInt8])?) -> Void
    }

    private func send(_ call: Call, fresh: Bool) {
        let pool = self.pool
        pool.connection(to: call.address, host: call.host, port: call.port,
                        connectTimeout: .milliseconds(min(call.timeoutMs, 2000)), fresh: fresh).whenComplete { [self] result in
            guard case .success(let lease) = result else { return call.completion(nil) }
            let request = ForwardConnectionHandler.Request(head: call.head, body: call.body,
                                                           timeout: .milliseconds(call.timeoutMs)) { outcome in
                switch outcome {
                case .response(let status, let body, let reusable):
                    // Back in the pool before the caller hears of it, so that a call it
                    // chains next can take this connection.
                    if reusable { pool.release(lease) }
                    call.completion((status, body))
                case .failed:
                    call.completion(nil)
                }
            }
            lease.channel.writeAndFlush(request).whenFailure { [self] _ in
                // Not taken, so nothing of it was written (ForwardConnectionHandler.Request).
                lease.channel.close(promise: nil)
                guard lease.reused else { return call.completion(nil) }
                pool.noteRetry()
                send(call, fresh: true)
            }
        }
    }
}

import CHiredis
import Platform

/// One blocking hiredis connection. Not thread-safe: `RedisTier` lends each to one caller
/// at a time. After a failure the connection is broken for good (hiredis's context is
/// unusable once `err` is set) and the tier drops it.
final class RedisConnection {
    private let context: UnsafeMutablePointer<redisContext>

    /// Connects to `host:port`, with `timeout` for the connect and for every reply.
    init(host: String, port: Int, timeout: timeval) throws(RedisError) {
        guard let context = redisConnectWithTimeout(host, Int32(port), timeout) else {
            throw RedisError("cannot allocate a Redis connection")
        }
        guard context.pointee.err == 0 else {
            let message = String(cString: chiredis_error(context))
            redisFree(context)
            throw RedisError("cannot connect to Redis at \(host):\(port): \(message)")
        }
        redisSetTimeout(context, timeout)
        self.context = context
    }

    deinit { redisFree(context) }

    /// Makes reads wait as long as `timeout` (zero: without a limit, for a subscriber).
    func setReadTimeout(_ timeout: timeval) { redisSetTimeout(context, timeout) }

    /// False once an I/O or protocol error broke the connection.
    var isUsable: Bool { context.pointee.err == 0 }

    /// Runs one command and returns its reply.
    func command(_ arguments: [RedisArgument]) throws(RedisError) -> RedisReply {
        try pipeline([arguments])[0]
    }

    /// Sends every command, then reads their replies in order: one round trip.
    func pipeline(_ commands: [[RedisArgument]]) throws(RedisError) -> [RedisReply] {
        for arguments in commands {
            let status = Self.withArgv(arguments) { argc, argv, lengths in
                redisAppendCommandArgv(context, argc, argv, lengths)
            }
            guard status == REDIS_OK else { throw failure() }
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw failure() }
            replies.append(RedisReply(raw.assumingMemoryBound(to: redisReply.self)))
            freeReplyObject(raw)
        }
        return replies
    }

    /// Sends a command without reading its reply (SUBSCRIBE's come as pushed messages).
    func send(_ arguments: [RedisArgument]) throws(RedisError) {
        let status = Self.withArgv(arguments) { argc, argv, lengths in redisAppendCommandArgv(context, argc, argv, lengths) }
        guard status == REDIS_OK else { throw failure() }
    }

    /// The next reply or pushed message, waiting for it (up to the connection's timeout).
    func next() throws(RedisError) -> RedisReply {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw failure() }
        defer { freeReplyObject(raw) }
        return RedisReply(raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Sends one PUBLISH per message, each message given in pieces that go out joined
    /// (a header and bytes borrowed from elsewhere, copied once, into hiredis's output
    /// buffer), then reads how many subscribers got each: one round trip.
    func publish(_ channel: [UInt8], _ messages: [[UnsafeRawBufferPointer]]) throws(RedisError) -> [Int64] {
        for pieces in messages {
            let length = pieces.reduce(0) { $0 + $1.count }
            let head = Array("*3\r\n$7\r\nPUBLISH\r\n$\(channel.count)\r\n".utf8) + channel
                + Array("\r\n$\(length)\r\n".utf8)
            try appendRaw(head)
            for piece in pieces where piece.count > 0 { try appendRaw(piece) }
            try appendRaw(Array("\r\n".utf8))
        }
        var counts: [Int64] = []
        for _ in messages { counts.append(try next().integer()) }
        return counts
    }

    /// Appends bytes of an encoded command to the output buffer (sent at the next read).
    private func appendRaw(_ bytes: UnsafeRawBufferPointer) throws(RedisError) {
        guard let base = bytes.baseAddress,
              redisAppendFormattedCommand(context, base.assumingMemoryBound(to: CChar.self), bytes.count) == REDIS_OK
        else { throw failure() }
    }

    private func appendRaw(_ bytes: [UInt8]) throws(RedisError) {
        guard bytes.withUnsafeBytes({ raw in
            raw.baseAddress.map { redisAppendFormattedCommand(context, $0.assumingMemoryBound(to: CChar.self), raw.count) } ?? REDIS_OK
        }) == REDIS_OK else { throw failure() }
    }

    /// The next message pushed to a subscriber, waiting for it: `body` gets its channel
    /// and its bytes where hiredis holds them (valid during `body` only); false for any
    /// other reply.
    func nextMessage(_ body: (_ channel: UnsafeRawBufferPointer, _ message: UnsafeRawBufferPointer) -> Void) throws(RedisError) -> Bool {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw failure() }
        defer { freeReplyObject(raw) }
        let reply = raw.assumingMemoryBound(to: redisReply.self).pointee
        guard reply.type == REDIS_REPLY_ARRAY, reply.elements == 3,
              let kind = reply.element[0]?.pointee, let channel = reply.element[1]?.pointee,
              let message = reply.element[2]?.pointee,
              kind.type == REDIS_REPLY_STRING, channel.type == REDIS_REPLY_STRING, message.type == REDIS_REPLY_STRING,
              UnsafeRawBufferPointer(start: kind.str, count: kind.len).elementsEqual("message".utf8)
        else { return false }
        body(UnsafeRawBufferPointer(start: channel.str, count: channel.len),
             UnsafeRawBufferPointer(start: message.str, count: message.len))
        return true
    }

    private func failure() -> RedisError {
        RedisError("Redis connection failed: \(String(cString: chiredis_error(context)))")
    }

    /// hiredis's argv form of `arguments`: C pointers and lengths valid during `body`.
    /// Owned arguments are copied into one buffer; borrowed ones are passed as they are.
    private static func withArgv<R>(_ arguments: [RedisArgument],
                                    _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R) -> R {
        var owned: [UInt8] = []
        for case .bytes(let bytes) in arguments { owned += bytes }
        return owned.withUnsafeBytes { storage in
            var pointers: [UnsafePointer<CChar>?] = []
            var lengths: [Int] = []
            var offset = 0
            for argument in arguments {
                switch argument {
                case .bytes(let bytes):
                    pointers.append(storage.baseAddress.map { ($0 + offset).assumingMemoryBound(to: CChar.self) })
                    lengths.append(bytes.count)
                    offset += bytes.count
                case .borrowed(let buffer):
                    pointers.append(buffer.baseAddress?.assumingMemoryBound(to: CChar.self))
                    lengths.append(buffer.count)
                }
            }
            // hiredis reads `lengths[i]` bytes from `argv[i]`: a nil pointer only ever
            // comes with a length of 0.
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { body(Int32(arguments.count), argv.baseAddress!, $0.baseAddress!) }
            }
        }
    }
}

/// One argument of a Redis command: bytes of its own, or bytes borrowed from memory that
/// outlives the call (a state value's pages, pushed without a copy).
enum RedisArgument: ExpressibleByStringLiteral {
    case bytes([UInt8])
    case borrowed(UnsafeRawBufferPointer)

    init(stringLiteral value: String) { self = .bytes(Array(value.utf8)) }

    /// A decimal integer argument.
    static func int(_ n: Int) -> RedisArgument { .bytes(Array(String(n).utf8)) }
}

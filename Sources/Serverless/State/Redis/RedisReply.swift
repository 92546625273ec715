import CHiredis

/// One Redis reply, copied out of hiredis's reply object.
enum RedisReply: Equatable {
    case string([UInt8])
    case integer(Int64)
    case array([RedisReply])
    case status(String)
    case error(String)
    case null

    init(_ reply: UnsafePointer<redisReply>) {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            self = .string(r.len == 0 ? [] : Array(UnsafeRawBufferPointer(start: r.str, count: r.len)))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(r.integer))
        case REDIS_REPLY_ARRAY:
            self = .array((0..<r.elements).map { i in r.element[i].map { RedisReply(UnsafePointer($0)) } ?? .null })
        case REDIS_REPLY_STATUS:
            self = .status(String(decoding: UnsafeRawBufferPointer(start: r.str, count: r.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            self = .error(String(decoding: UnsafeRawBufferPointer(start: r.str, count: r.len), as: UTF8.self))
        default:
            self = .null
        }
    }

    /// The bytes of a string reply; nil (Redis's nil) for a missing key.
    func bytes() throws(RedisError) -> [UInt8]? {
        switch self {
        case .string(let bytes): return bytes
        case .null: return nil
        case .error(let message): throw RedisError(message)
        default: throw RedisError("unexpected reply \(self)")
        }
    }

    func integer() throws(RedisError) -> Int64 {
        switch self {
        case .integer(let n): return n
        case .error(let message): throw RedisError(message)
        default: throw RedisError("unexpected reply \(self)")
        }
    }

    /// The elements of an array reply, each a string.
    func strings() throws(RedisError) -> [[UInt8]] {
        switch self {
        case .array(let elements): return try elements.map { element throws(RedisError) in try element.bytes() ?? [] }
        case .error(let message): throw RedisError(message)
        default: throw RedisError("unexpected reply \(self)")
        }
    }
}

/// The global tier failed: Redis unreachable, a connection lost, or an error reply.
public struct RedisError: Error, CustomStringConvertible {
    /// What failed.
    public let description: String
    init(_ description: String) { self.description = description }
}

/// One message of `RedisRelay` on a node's channel: a line of text, then (for the parts
/// of a payload or reply) the part's bytes after the line's newline.
///
///     call ID FROM TARGET TOTAL OFFSET\n<bytes>    a part of call ID's payload
///     reply ID FROM STATUS TOTAL OFFSET\n<bytes>   a part of call ID's reply
///     ack call|reply ID FROM RECEIVED              FROM holds RECEIVED bytes of the call's
///                                                  payload (or reply) so far
///     stop                                         the listener of this node ends
///
/// FROM is the sender's address (its channel: where acknowledgements and replies go).
/// Addresses and function names hold no spaces.
enum RelayMessage: Equatable {
    case call(id: UInt32, from: String, target: String, part: Part)
    case reply(id: UInt32, from: String, status: Int, part: Part)
    case acknowledge(Direction, id: UInt32, from: String, received: Int)
    case stop

    /// Which way the acknowledged bytes went: a call's payload or its reply.
    enum Direction: String { case call, reply }

    /// Where a part lies in its message: the message's whole length and the part's offset.
    struct Part: Equatable {
        var total: Int
        var offset: Int
    }

    /// The message's line (with its newline when bytes follow).
    var header: [UInt8] {
        let text = switch self {
        case .call(let id, let from, let target, let part): "call \(id) \(from) \(target) \(part.total) \(part.offset)\n"
        case .reply(let id, let from, let status, let part): "reply \(id) \(from) \(status) \(part.total) \(part.offset)\n"
        case .acknowledge(let direction, let id, let from, let received): "ack \(direction.rawValue) \(id) \(from) \(received)"
        case .stop: "stop"
        }
        return Array(text.utf8)
    }

    /// Reads a message's line; the part's bytes are what follows the newline (`dataStart`).
    /// nil for anything else, so that a stray publish on the channel is ignored.
    init?(_ message: UnsafeRawBufferPointer, dataStart: inout Int) {
        let end = message.prefix(512).firstIndex(of: UInt8(ascii: "\n")) ?? message.count
        guard end < 512 else { return nil }
        dataStart = min(end + 1, message.count)
        let fields = String(decoding: message[..<end], as: UTF8.self).split(separator: " ").map(String.init)
        func part(_ total: String, _ offset: String) -> Part? {
            guard let total = Int(total), let offset = Int(offset), total >= 0, offset >= 0, offset <= total else { return nil }
            return Part(total: total, offset: offset)
        }
        switch fields.first {
        case "call" where fields.count == 6:
            guard let id = UInt32(fields[1]), let part = part(fields[4], fields[5]) else { return nil }
            self = .call(id: id, from: fields[2], target: fields[3], part: part)
        case "reply" where fields.count == 6:
            guard let id = UInt32(fields[1]), let status = Int(fields[3]), let part = part(fields[4], fields[5]) else { return nil }
            self = .reply(id: id, from: fields[2], status: status, part: part)
        case "ack" where fields.count == 5:
            guard let direction = Direction(rawValue: fields[1]), let id = UInt32(fields[2]), let received = Int(fields[4]),
                  received >= 0 else { return nil }
            self = .acknowledge(direction, id: id, from: fields[3], received: received)
        case "stop" where fields.count == 1:
            self = .stop
        default:
            return nil
        }
    }
}

@testable import Serverless
import Testing

struct RelayMessageTests {
    static func parse(_ bytes: [UInt8]) -> (RelayMessage, [UInt8])? {
        bytes.withUnsafeBytes { raw in
            var start = 0
            guard let message = RelayMessage(raw, dataStart: &start) else { return nil }
            return (message, Array(raw[start...]))
        }
    }

    @Test func everyMessageReadsBackAsWritten() throws {
        let part = RelayMessage.Part(total: 3 << 20, offset: 1 << 20)
        let messages: [RelayMessage] = [
            .call(id: 7, from: "10.0.0.1:8080", target: "func_b", part: part),
            .call(id: 1, from: "a:1", target: "empty", part: .init(total: 0, offset: 0)),
            .reply(id: UInt32.max, from: "10.0.0.2:9", status: 413, part: part),
            .acknowledge(.call, id: 7, from: "10.0.0.2:9", received: 2 << 20),
            .acknowledge(.reply, id: 8, from: "10.0.0.1:8080", received: 0),
            .stop,
        ]
        for message in messages {
            // Only the parts of a payload or reply carry bytes, which may hold anything.
            let data: [UInt8] = switch message {
            case .call, .reply: [0, 10, 255, 32]
            default: []
            }
            let (read, rest) = try #require(Self.parse(message.header + data))
            #expect(read == message)
            #expect(rest == data)
        }
    }

    @Test func whatIsNoSuchMessageIsIgnored() {
        let texts = [
            "", "call", "call 1 a f 10", "call x a f 10 0\n", "call 1 a f 10 11\n", "call 1 a f -1 0\n",
            "reply 1 a s 10 0\n", "ack both 1 a 5", "ack call 1 a -5", "stop now", "hello world",
            "call 1 a f 10 0" + String(repeating: " ", count: 600) + "\n",
        ]
        for text in texts { #expect(Self.parse(Array(text.utf8)) == nil, "\(text)") }
    }
}

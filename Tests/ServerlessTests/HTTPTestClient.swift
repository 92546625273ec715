import Platform

/// A plain-socket HTTP/1.1 client for the server tests: sends exactly the bytes a test
/// writes (pipelined requests, chunked bodies, garbage) and reads responses one by one.
final class HTTPTestClient {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: String
        var bytes: [UInt8]
    }

    private let fd: Int32
    private var pending: [UInt8] = []

    /// Connects to `port` on 127.0.0.1, or on the loopback address `127.0.0.host`.
    init?(port: Int, host: UInt8 = 1) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = (UInt32(0x7F00_0000) | UInt32(host)).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) { send(bytes: Array(text.utf8)) }

    func send(bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + sent, bytes.count - sent) }
            guard n > 0 else { return }
            sent += n
        }
    }

    /// `GET PATH` (or a request with a body), keep-alive.
    func request(_ path: String, method: String = "GET", body: String = "", headers: [String] = []) -> Response? {
        request(path, method: method, bytes: Array(body.utf8), headers: headers)
    }

    /// A request whose body is any bytes.
    func request(_ path: String, method: String, bytes: [UInt8], headers: [String] = []) -> Response? {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n"
        for h in headers { text += h + "\r\n" }
        if !bytes.isEmpty || method == "POST" || method == "PUT" { text += "Content-Length: \(bytes.count)\r\n" }
        send(bytes: Array((text + "\r\n").utf8) + bytes)
        return read()
    }

    /// The next response (Content-Length framed), nil on EOF or timeout.
    func read() -> Response? {
        while true {
            if let end = find([13, 10, 13, 10]) {
                let head = String(decoding: pending[..<end], as: UTF8.self)
                var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
                let statusLine = lines.removeFirst().split(separator: " ")
                guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
                var headers: [String: String] = [:]
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = String(line[line.index(after: colon)...].drop { $0 == " " })
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                while pending.count < end + 4 + length { guard fill() else { return nil } }
                let bytes = Array(pending[(end + 4) ..< (end + 4 + length)])
                pending.removeFirst(end + 4 + length)
                return Response(status: status, headers: headers, body: String(decoding: bytes, as: UTF8.self), bytes: bytes)
            }
            guard fill() else { return nil }
        }
    }

    /// Whether the server closed the connection: end of file, not a timeout, before any
    /// more bytes.
    func closedByServer() -> Bool {
        guard pending.isEmpty else { return false }
        var byte: UInt8 = 0
        return Platform.read(fd, &byte, 1) == 0
    }

    private func fill() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { Platform.read(fd, $0.baseAddress, 65536) }
        guard n > 0 else { return false }
        pending += buffer[..<n]
        return true
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard pending.count >= needle.count else { return nil }
        for i in 0 ... (pending.count - needle.count) where Array(pending[i ..< i + needle.count]) == needle { return i }
        return nil
    }
}

extension HTTPTestClient {
    /// Repeats a POST until it answers `expected` (at most `attempts` times, 50 ms apart);
    /// the last body. Another node registers its functions in Redis from its own thread,
    /// a moment after it starts.
    func post(_ path: String, body: String, until expected: String, attempts: Int = 40) -> String {
        var answer = ""
        for _ in 0 ..< attempts {
            answer = request(path, method: "POST", body: body)?.body ?? ""
            if answer == expected { break }
            usleep(50_000)
        }
        return answer
    }
}

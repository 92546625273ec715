/// The CGI/WAGI conventions between an HTTP request and a WASI command: what the function
/// sees (environment, argv, stdin) and how its stdout becomes a response.
enum CGI {
    /// A request as the function sees it.
    struct Request {
        var method: String
        /// The request target's path, percent-encoding kept.
        var path: String
        var query: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]
    }

    /// `REQUEST_METHOD`, `SCRIPT_NAME` (the route), `PATH_INFO` (the path below the
    /// route), `QUERY_STRING`, `CONTENT_TYPE`, `CONTENT_LENGTH`, `SERVER_PROTOCOL`,
    /// `HTTP_*` for every header, then the route's own variables.
    static func environment(_ request: Request, route: String, extra: [String]) -> [String] {
        var pathInfo = request.path.hasPrefix(route) ? String(request.path.dropFirst(route.count)) : request.path
        if !pathInfo.isEmpty && !pathInfo.hasPrefix("/") { pathInfo = "/" + pathInfo }
        var env = [
            "REQUEST_METHOD=\(request.method)", "SCRIPT_NAME=\(route)", "PATH_INFO=\(pathInfo)",
            "QUERY_STRING=\(request.query)", "CONTENT_LENGTH=\(request.body.count)", "SERVER_PROTOCOL=HTTP/1.1",
            "GATEWAY_INTERFACE=CGI/1.1",
        ]
        for header in request.headers {
            let name = header.name.uppercased().map { $0 == "-" ? "_" : $0 }
            let key = String(name)
            if key == "CONTENT_TYPE" {
                env.append("CONTENT_TYPE=\(header.value)")
            } else if key != "CONTENT_LENGTH" {
                env.append("HTTP_\(key)=\(header.value)")
            }
        }
        return env + extra
    }

    /// argv: the route, then the query's `&`-separated parts.
    static func arguments(_ request: Request, route: String) -> [String] {
        [route] + request.query.split(separator: "&", omittingEmptySubsequences: true).map(String.init)
    }

    /// A function's response.
    struct Response: Equatable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        static func == (a: Self, b: Self) -> Bool {
            a.status == b.status && a.body == b.body && a.headers.map(\.name) == b.headers.map(\.name)
                && a.headers.map(\.value) == b.headers.map(\.value)
        }
    }

    /// The names that mark stdout as starting with a CGI header block.
    static let headerNames = ["content-type", "status", "location"]

    /// stdout as a response: when it starts with `Content-Type:`, `Status:` or `Location:`,
    /// the lines up to the first blank line are headers (`Status: 404 Not Found` sets the
    /// status; a `Location` without a status is a 302); everything else is the body, with
    /// `contentType` as its type.
    static func response(stdout: [UInt8], contentType: String) -> Response {
        guard let block = headerBlock(stdout) else {
            return Response(status: 200, headers: [("Content-Type", contentType)], body: stdout)
        }
        var status = 200, headers: [(name: String, value: String)] = [], hasType = false, hasLocation = false
        for line in block.lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingSpaces, value = line[line.index(after: colon)...].trimmingSpaces
            switch name.lowercased() {
            case "status":
                if let code = Int(value.prefix { $0 != " " }), (100 ... 599).contains(code) { status = code }
            case "content-type":
                hasType = true
                headers.append((name, value))
            case "location":
                hasLocation = true
                headers.append((name, value))
            default:
                headers.append((name, value))
            }
        }
        if hasLocation && !block.lines.contains(where: { $0.lowercased().hasPrefix("status") }) { status = 302 }
        if !hasType { headers.insert(("Content-Type", contentType), at: 0) }
        return Response(status: status, headers: headers, body: Array(stdout[block.bodyStart...]))
    }

    /// The header lines and where the body starts, if stdout begins with a header block.
    private static func headerBlock(_ bytes: [UInt8]) -> (lines: [String], bodyStart: Int)? {
        let probe = String(decoding: bytes.prefix(16), as: UTF8.self).lowercased()
        guard headerNames.contains(where: { probe.hasPrefix($0 + ":") }) else { return nil }
        var lines: [String] = [], start = 0, i = 0
        while i < bytes.count {
            if bytes[i] == 10 {
                var end = i
                if end > start && bytes[end - 1] == 13 { end -= 1 }
                if end == start { return (lines, i + 1) }
                lines.append(String(decoding: bytes[start ..< end], as: UTF8.self))
                start = i + 1
            }
            i += 1
        }
        // No blank line: all headers, no body.
        if start < bytes.count { lines.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return (lines, bytes.count)
    }
}

private extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}

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

    /// The names that mark stdout as starting with a CGI header block (lowercase ASCII).
    static let headerNames: [[UInt8]] = ["content-type:", "status:", "location:"].map { Array($0.utf8) }

    /// stdout as a response: when it starts with `Content-Type:`, `Status:` or `Location:`,
    /// the lines up to the first blank line are headers (`Status: 404 Not Found` sets the
    /// status; a `Location` without a status is a 302); everything else is the body, with
    /// `contentType` as its type.
    static func response(stdout: [UInt8], contentType: String) -> Response {
        guard headerNames.contains(where: { startsCaseInsensitively(stdout, with: $0) }) else {
            return Response(status: 200, headers: [("Content-Type", contentType)], body: stdout)
        }
        var status = 200, headers: [(name: String, value: String)] = [], hasType = false, hasLocation = false,
            hasStatus = false
        var start = 0, bodyStart = stdout.count
        while start < stdout.count {
            var end = stdout[start...].firstIndex(of: 10) ?? stdout.count
            let next = end + 1
            if end > start && stdout[end - 1] == 13 { end -= 1 }
            if end == start {
                bodyStart = next
                break
            }
            if let colon = stdout[start ..< end].firstIndex(of: 58) {
                let name = String(decoding: trimmed(stdout[start ..< colon]), as: UTF8.self)
                let value = String(decoding: trimmed(stdout[(colon + 1) ..< end]), as: UTF8.self)
                switch name.lowercased() {
                case "status":
                    hasStatus = true
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
            start = next
        }
        if hasLocation && !hasStatus { status = 302 }
        if !hasType { headers.insert(("Content-Type", contentType), at: 0) }
        return Response(status: status, headers: headers,
                        body: bodyStart < stdout.count ? Array(stdout[bodyStart...]) : [])
    }

    /// Whether `bytes` starts with `prefix` (lowercase ASCII), ignoring ASCII case.
    private static func startsCaseInsensitively(_ bytes: [UInt8], with prefix: [UInt8]) -> Bool {
        guard bytes.count >= prefix.count else { return false }
        for (i, p) in prefix.enumerated() where bytes[i] | (bytes[i] >= 65 && bytes[i] <= 90 ? 32 : 0) != p {
            return false
        }
        return true
    }

    /// `bytes` without leading and trailing spaces and tabs.
    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let blank: (UInt8) -> Bool = { $0 == 32 || $0 == 9 }
        guard let first = bytes.firstIndex(where: { !blank($0) }), let last = bytes.lastIndex(where: { !blank($0) }) else {
            return []
        }
        return bytes[first ... last]
    }
}

@testable import Serverless
import Testing

/// The CGI conventions: what a function sees and how its stdout becomes a response.
struct CGITests {
    func response(_ text: String) -> CGI.Response {
        CGI.response(stdout: Array(text.utf8), contentType: "text/plain")
    }

    @Test func plainOutputIsTheBody() {
        let r = response("hello\n")
        #expect(r.status == 200 && r.body == Array("hello\n".utf8))
        #expect(r.headers.map(\.name) == ["Content-Type"] && r.headers[0].value == "text/plain")
        // Only a known header name starts a block: "Hello: x" is body.
        #expect(response("Hello: x\n\nbody").body == Array("Hello: x\n\nbody".utf8))
    }

    @Test func aHeaderBlockEndsAtTheFirstBlankLine() {
        let r = response("content-TYPE:  application/json \nX-Extra:\tyes\n\n{\"a\": 1}\n\nmore")
        #expect(r.status == 200)
        #expect(r.headers.map(\.name) == ["content-TYPE", "X-Extra"])
        #expect(r.headers.map(\.value) == ["application/json", "yes"])
        #expect(r.body == Array("{\"a\": 1}\n\nmore".utf8))
        let crlf = response("Content-Type: text/html\r\n\r\n<p>")
        #expect(crlf.headers[0].value == "text/html" && crlf.body == Array("<p>".utf8))
    }

    @Test func statusAndLocationSetTheStatus() {
        let missing = response("Status: 404 Not Found\n\ngone")
        #expect(missing.status == 404 && missing.body == Array("gone".utf8))
        #expect(missing.headers.map(\.name) == ["Content-Type"])
        let moved = response("Location: /elsewhere\n\n")
        #expect(moved.status == 302 && moved.headers.contains { $0.name == "Location" && $0.value == "/elsewhere" })
        #expect(response("Status: 201\nLocation: /new\n\n").status == 201)
        #expect(response("Status: 999\n\n").status == 200)
        // Headers only, no blank line: no body.
        #expect(response("Status: 204").status == 204 && response("Status: 204").body.isEmpty)
    }

    @Test func theEnvironmentAndArgumentsFollowCGI() {
        let request = CGI.Request(method: "POST", path: "/fib/x", query: "a=1&&b", headers: [
            ("Content-Type", "text/plain"), ("Content-Length", "3"), ("X-Trace-Id", "7"),
        ], body: [1, 2, 3])
        let env = CGI.environment(request, route: "/fib", extra: ["MODE=fast"])
        for expected in ["REQUEST_METHOD=POST", "SCRIPT_NAME=/fib", "PATH_INFO=/x", "QUERY_STRING=a=1&&b",
                         "CONTENT_LENGTH=3", "CONTENT_TYPE=text/plain", "HTTP_X_TRACE_ID=7", "MODE=fast"] {
            #expect(env.contains(expected), "\(expected)")
        }
        #expect(!env.contains { $0.hasPrefix("HTTP_CONTENT_LENGTH") })
        #expect(CGI.arguments(request, route: "/fib") == ["/fib", "a=1", "b"])
    }
}

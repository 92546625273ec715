import Platform
import Serverless
import Testing
import WAT

/// Faasm functions for the invoke API, in the text format.
enum InvokeFunctions {
    /// Answers "hello " followed by its input.
    static let greet = """
        (module
          (import "env" "__faasm_read_input" (func $in (param i32 i32) (result i32)))
          (import "env" "__faasm_write_output" (func $out (param i32 i32)))
          (memory (export "memory") 1)
          (data (i32.const 1018) "hello ")
          (func (export "_start") (local $len i32)
            (local.set $len (call $in (i32.const 1024) (i32.const 1000)))
            (call $out (i32.const 1018) (i32.add (local.get $len) (i32.const 6)))))
        """
    /// Answers "bye".
    static let bye = """
        (module
          (import "env" "__faasm_write_output" (func $out (param i32 i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "bye")
          (func (export "_start") (call $out (i32.const 16) (i32.const 3))))
        """

    /// Chains `name` with its own input and answers the call's output followed by its
    /// status as a digit.
    static func caller(of name: String) -> String {
        """
        (module
          (import "env" "__faasm_read_input" (func $in (param i32 i32) (result i32)))
          (import "env" "__faasm_chain_name" (func $chain (param i32 i32 i32) (result i32)))
          (import "env" "__faasm_await_call_output" (func $await (param i32 i32 i32) (result i32)))
          (import "env" "__faasm_write_output" (func $out (param i32 i32)))
          (memory (export "memory") 1)
          \(ServeFunctions.bumpMalloc)
          (data (i32.const 200) "\(name)\\00")
          (func (export "_start") (local $len i32) (local $status i32)
            (local.set $len (call $in (i32.const 1024) (i32.const 1000)))
            (local.set $status
              (call $await (call $chain (i32.const 200) (i32.const 1024) (local.get $len)) (i32.const 100) (i32.const 104)))
            (local.set $len (i32.load (i32.const 104)))
            (memory.copy (i32.const 4096) (i32.load (i32.const 100)) (local.get $len))
            (i32.store8 (i32.add (i32.const 4096) (local.get $len)) (i32.add (i32.const 48) (local.get $status)))
            (call $out (i32.const 4096) (i32.add (local.get $len) (i32.const 1)))))
        """
    }

    /// Runs until its timeout kills it.
    static let spin = """
        (module (memory (export "memory") 1) (func (export "_start") (loop br 0)))
        """

    static func binary(_ text: String) throws -> [UInt8] { try WAT.encode(text) }
}

struct InvokeAPITests {
    /// Polls `GET /status/<id>` until the call is no longer running (at most 10 s).
    private func finished(_ id: String, _ c: HTTPTestClient) throws -> HTTPTestClient.Response {
        for _ in 0 ..< 1000 {
            let status = try #require(c.request("/status/\(id)"))
            #expect(status.status == 200)
            if status.headers["x-call-status"] != "running" { return status }
            usleep(10_000)
        }
        Issue.record("call \(id) still running after 10 s")
        return try #require(c.request("/status/\(id)"))
    }

    @Test func uploadedFunctionsAreInvokedSyncAsyncAndByRoute() throws {
        let server = try TestServer()
        let c = try server.client()
        let module = try InvokeFunctions.binary(InvokeFunctions.greet)
        let put = try #require(c.request("/f/test/greet", method: "PUT", bytes: module))
        #expect(put.status == 201)
        let sync = try #require(c.request("/f/test/greet", method: "POST", body: "bob"))
        #expect(sync.status == 200 && sync.body == "hello bob")
        // Live as a route of the tenant too.
        #expect(c.request("/greet", method: "POST", body: "carol")?.body == "hello carol")
        let download = try #require(c.request("/f/test/greet"))
        #expect(download.status == 200 && download.bytes == module && download.headers["content-type"] == "application/wasm")

        let accepted = try #require(c.request("/f/test/greet?async=1", method: "POST", body: "alice"))
        #expect(accepted.status == 202)
        let id = accepted.body.trimmingSuffix("\n")
        #expect(Int(id) != nil && accepted.headers["location"] == "/status/\(id)")
        let done = try finished(id, c)
        #expect(done.headers["x-call-status"] == "done" && done.headers["x-exit-status"] == "0")
        #expect(done.headers["x-response-status"] == "200" && done.body == "hello alice")
        // Still there on a second look.
        #expect(c.request("/status/\(id)")?.body == "hello alice")

        // Replacing an upload: 200, and the new module answers.
        let replaced = try #require(c.request("/f/test/greet", method: "PUT", body: InvokeFunctions.bye))
        #expect(replaced.status == 200)
        #expect(c.request("/f/test/greet", method: "POST", body: "x")?.body == "bye")
        // Uploaded as text: given back as text.
        let text = try #require(c.request("/f/test/greet"))
        #expect(text.body == InvokeFunctions.bye && text.headers["content-type"] == "text/plain")
    }

    @Test func asyncCallsThatFailSayHow() throws {
        let server = try TestServer(defaultTimeoutMs: 200)
        let c = try server.client()
        #expect(c.request("/f/test/forever", method: "PUT", body: InvokeFunctions.spin)?.status == 201)
        let accepted = try #require(c.request("/f/test/forever?async=1", method: "POST"))
        #expect(accepted.status == 202)
        let failed = try finished(accepted.body.trimmingSuffix("\n"), c)
        #expect(failed.headers["x-call-status"] == "failed" && failed.headers["x-exit-status"] == nil)
        #expect(failed.headers["x-response-status"] == "504" && failed.body.contains("timeout"))
        // A spec route is invoked the same way.
        let trap = try #require(c.request("/f/test/trap?async", method: "POST"))
        let trapped = try finished(trap.body.trimmingSuffix("\n"), c)
        #expect(trapped.headers["x-call-status"] == "failed" && trapped.body.contains("unreachable"))
        let exit = try #require(c.request("/f/test/exit3?async=true", method: "POST"))
        let exited = try finished(exit.body.trimmingSuffix("\n"), c)
        #expect(exited.headers["x-call-status"] == "done" && exited.headers["x-exit-status"] == "3")
    }

    @Test func uploadedFunctionsChainByName() throws {
        let server = try TestServer()
        let c = try server.client()
        #expect(c.request("/f/test/greet", method: "PUT", body: InvokeFunctions.greet)?.status == 201)
        #expect(c.request("/f/test/caller", method: "PUT", body: InvokeFunctions.caller(of: "greet"))?.status == 201)
        #expect(c.request("/f/test/caller", method: "POST", body: "dan")?.body == "hello dan0")
        // An uploaded function chains the spec's routes too.
        #expect(c.request("/f/test/tofaasm", method: "PUT", body: InvokeFunctions.caller(of: "faasm"))?.status == 201)
        #expect(c.request("/f/test/tofaasm", method: "POST", body: "q")?.body == "q10")
    }

    @Test func stateValuesRoundTripAndKeepTheirSize() throws {
        let server = try TestServer()
        let c = try server.client()
        #expect(c.request("/s/test/k")?.status == 404)
        #expect(c.request("/s/test/k", method: "PUT", body: "abc")?.status == 201)
        let got = try #require(c.request("/s/test/k"))
        #expect(got.status == 200 && got.body == "abc" && got.headers["content-type"] == "application/octet-stream")
        #expect(c.request("/s/test/k", method: "PUT", body: "xyz")?.status == 200)
        #expect(c.request("/s/test/k")?.body == "xyz")
        let mismatch = try #require(c.request("/s/test/k", method: "PUT", body: "longer"))
        #expect(mismatch.status == 409 && mismatch.body.contains("3 bytes"))
        #expect(c.request("/s/test/k")?.body == "xyz")
        // Percent-encoded keys, and the guests' namespace: /faasm adds one to the value "n".
        #expect(c.request("/s/test/a%3Ab", method: "PUT", body: "1")?.status == 201)
        #expect(c.request("/s/test/a:b")?.body == "1")
        #expect(c.request("/s/test/n", method: "PUT", bytes: [5])?.status == 201)
        #expect(c.request("/faasm", method: "POST", body: "a")?.body == "a6")
        #expect(c.request("/s/test/n")?.bytes == [6])
    }

    @Test func tenantsReachOnlyTheirOwnFunctionsStateAndCalls() throws {
        let server = try TestServer(extraTenants: """
            , {"name": "other", "port": \(try freePort()), "routes": []}
            """)
        let mine = try server.client(), theirs = try server.client(port: server.ports[1])
        #expect(mine.request("/f/test/greet", method: "PUT", body: InvokeFunctions.greet)?.status == 201)
        #expect(mine.request("/s/test/secret", method: "PUT", body: "s")?.status == 201)
        let call = try #require(mine.request("/f/test/greet?async=1", method: "POST", body: "x")).body.trimmingSuffix("\n")
        for (path, method) in [("/f/test/greet", "POST"), ("/f/test/greet", "GET"), ("/f/test/greet", "PUT"),
                               ("/s/test/secret", "GET"), ("/s/test/secret", "PUT")] {
            let refused = try #require(theirs.request(path, method: method, body: method == "GET" ? "" : "x"))
            #expect(refused.status == 403 && refused.body.contains("tenant \"other\""), "\(method) \(path)")
        }
        #expect(theirs.request("/f/other/greet", method: "POST")?.status == 404)
        #expect(theirs.request("/s/other/secret")?.status == 404)
        #expect(theirs.request("/status/\(call)")?.status == 404)
        #expect(try finished(call, mine).body == "hello x")
        #expect(mine.request("/f/other/greet", method: "POST")?.status == 403)
    }

    @Test func modulesThatCannotRunAreRefusedWithTheReason() throws {
        let server = try TestServer()
        let c = try server.client()
        let cases: [([UInt8], String)] = [
            ([0, 0x61, 0x73, 0x6D, 9, 0, 0, 0], "malformed"),
            (Array("(module (func (result i32) i64.const 1)".utf8), "text format"),
            ([0xFF, 0xFE, 0x00], "not UTF-8"),
            (try InvokeFunctions.binary("(module (func (export \"_start\") (result i32) i64.const 1))"), "invalid"),
            (try InvokeFunctions.binary("(module (func (result i32) i64.const 1))").prefix(12).map { $0 }, "malformed"),
            (try InvokeFunctions.binary("(module (import \"env\" \"nope\" (func)) (func (export \"_start\")))"),
             "unknown import env.nope"),
            (try InvokeFunctions.binary("(module (import \"env\" \"__faasm_write_output\" (func (param i32))) (func (export \"_start\")))"),
             "incompatible import type"),
            (try InvokeFunctions.binary("(module (func (export \"main\")))"), "_start"),
            ([], "empty body"),
        ]
        for (module, reason) in cases {
            let response = try #require(c.request("/f/test/bad", method: "PUT", bytes: module))
            #expect(response.status == 400 && response.body.contains(reason), "\(reason): \(response.body)")
        }
        // Nothing was installed.
        #expect(c.request("/f/test/bad")?.status == 404)
        #expect(c.request("/f/test/bad", method: "POST")?.status == 404)
        #expect(c.request("/bad")?.status == 404)
    }

    @Test func badPathsNamesAndMethods() throws {
        let server = try TestServer()
        let c = try server.client()
        let long = String(repeating: "a", count: 129)
        for path in ["/f/test/bad%20name", "/f/test/", "/f/test/a/b", "/f/test/\(long)", "/f/test/..", "/f/test/na%ZZ",
                     "/f/test/%C3%A9", "/f/test/healthz", "/f/test", "/s/test/a%20b", "/s/test/\(String(repeating: "k", count: 256))",
                     "/status/abc", "/status/0", "/status/+1", "/status/"] {
            #expect(c.request(path, method: path.hasPrefix("/status") ? "GET" : "PUT", body: "x")?.status == 400, "\(path)")
        }
        #expect(c.request("/f/test/\(String(repeating: "a", count: 128))", method: "PUT", body: InvokeFunctions.bye)?.status == 201)
        let delete = try #require(c.request("/f/test/greet", method: "DELETE"))
        #expect(delete.status == 405 && delete.headers["allow"] == "PUT, GET, POST")
        #expect(c.request("/s/test/k", method: "POST", body: "x")?.status == 405)
        #expect(c.request("/status/1", method: "POST")?.status == 405)
        let unknown = try #require(c.request("/status/12345"))
        #expect(unknown.status == 404 && unknown.body == "no call 12345\n")
        // The server's own endpoints are untouched.
        #expect(c.request("/healthz")?.body == "ok\n")
        #expect(c.request("/f")?.status == 404)
    }

    @Test func uploadsOverTheLimitGet413AndTheConnectionStays() throws {
        let server = try TestServer { $0.maxUploadBytes = 1000 }
        let c = try server.client()
        let big = try #require(c.request("/f/test/big", method: "PUT", bytes: [UInt8](repeating: 0x20, count: 5000)))
        #expect(big.status == 413 && big.body.contains("1000"))
        #expect(c.request("/s/test/big", method: "PUT", bytes: [UInt8](repeating: 1, count: 1001))?.status == 413)
        #expect(c.request("/s/test/big")?.status == 404)
        #expect(c.request("/f/test/tiny", method: "PUT", body: InvokeFunctions.bye)?.status == 201)
        // An invocation's body is bounded by the route's max-request-bytes (uploads: 1 MiB),
        // not by the upload limit.
        #expect(c.request("/f/test/tiny", method: "POST", body: String(repeating: "x", count: 5000))?.body == "bye")
        #expect(c.request("/f/test/tiny", method: "POST", body: String(repeating: "x", count: 2 << 20))?.status == 413)
        #expect(c.request("/f/test/small", method: "POST", body: String(repeating: "x", count: 11))?.status == 413)
    }

    @Test func specRoutesCannotBeReplacedAndUploadsSurviveReloads() throws {
        let server = try TestServer()
        let c = try server.client()
        let conflict = try #require(c.request("/f/test/hello", method: "PUT", body: InvokeFunctions.bye))
        #expect(conflict.status == 409 && conflict.body.contains("spec"))
        #expect(c.request("/hello")?.body == "hello\n")
        #expect(c.request("/f/test/greet", method: "PUT", body: InvokeFunctions.greet)?.status == 201)
        #expect(c.request("/f/test/bye", method: "PUT", body: InvokeFunctions.bye)?.status == 201)

        let reloaded = """
            [{"name": "test", "port": 0, "routes": [
              {"route": "/new", "path": "hello.wat", "relative-deadline-us": 50000},
              {"route": "/bye", "path": "hello.wat", "relative-deadline-us": 50000}]}]
            """
        try server.server.reload(try ServeSpec(json: Array(reloaded.utf8), folder: server.folder))
        #expect(c.request("/hello")?.status == 404)
        #expect(c.request("/new")?.body == "hello\n")
        #expect(c.request("/f/test/greet", method: "POST", body: "eve")?.body == "hello eve")
        #expect(c.request("/greet", method: "POST", body: "eve")?.body == "hello eve")
        // The spec now defines /bye: it wins, and the upload is gone.
        #expect(c.request("/bye")?.body == "hello\n")
        #expect(c.request("/f/test/bye")?.status == 404)
        #expect(c.request("/f/test/bye", method: "PUT", body: InvokeFunctions.bye)?.status == 409)
    }

    @Test func finishedAsyncResultsAreBounded() throws {
        let server = try TestServer { $0.maxAsyncResults = 2 }
        let c = try server.client()
        #expect(c.request("/f/test/greet", method: "PUT", body: InvokeFunctions.greet)?.status == 201)
        var ids: [String] = []
        for input in ["a", "b", "c"] {
            let id = try #require(c.request("/f/test/greet?async=1", method: "POST", body: input)).body.trimmingSuffix("\n")
            #expect(try finished(id, c).body == "hello \(input)")
            ids.append(id)
        }
        #expect(c.request("/status/\(ids[0])")?.status == 404)
        #expect(c.request("/status/\(ids[1])")?.body == "hello b")
        #expect(c.request("/status/\(ids[2])")?.body == "hello c")
    }
}

/// A TCP port nothing listens on now (the spec takes port 0 for one tenant only).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    try #require(bound)
    return Int(UInt16(bigEndian: address.sin_port))
}

extension String {
    /// The string without one trailing `suffix`, if it has one.
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}

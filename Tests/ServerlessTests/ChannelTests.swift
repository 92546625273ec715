import Platform
import Serverless
import TestSupport
import Synchronization
import Testing

/// CWASI's interface: callers and callees in the text format.
enum ChannelFunctions {
    /// Reads all of stdin to 4096 on, its length in $len (the function declares $len and
    /// $n).
    static let readStdin = """
        (loop $read
              (i32.store (i32.const 16) (i32.add (i32.const 4096) (local.get $len)))
              (i32.store (i32.const 20) (i32.const 100000))
              (drop (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
              (local.set $n (i32.load (i32.const 24)))
              (local.set $len (i32.add (local.get $len) (local.get $n)))
              (br_if $read (local.get $n)))
        """
    /// Sends its stdin (the request's body) as CWASI's message and answers "reply:" and
    /// the reply, or "code:" and the failure code's digit.
    static let caller = """
        (module
          (import "cwasi_export" "func_connect" (func $connect (param i32 i32) (result i32)))
          \(ServeFunctions.wasi)
          (data (i32.const 100) "reply:code:")
          (func (export "_start") (local $len i32) (local $n i32) (local $r i32)
            \(ChannelFunctions.readStdin)
            (local.set $r (call $connect (i32.const 4096) (local.get $len)))
            (if (i32.lt_s (local.get $r) (i32.const 0))
              (then
                (i32.store8 (i32.const 120) (i32.sub (i32.const 48) (local.get $r)))
                (call $print (i32.const 106) (i32.const 5))
                (call $print (i32.const 120) (i32.const 1)))
              (else
                (call $print (i32.const 100) (i32.const 6))
                (call $print (i32.const 4096) (local.get $r))))))
        """
    /// CWASI's callee: writes "B got: " and its argv[1] to stdout, returns 7.
    static let echoCallee = echo(more: "")
    /// `echoCallee` with `more` definitions.
    static func echo(more: String) -> String { """
        (module
          (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "args_get" (func $args (param i32 i32) (result i32)))
          \(ServeFunctions.wasi)
          (data (i32.const 200) "B got: ")
          (func (export "_start"))
          (func (export "cwasi_function") (result i32) (local $start i32)
            (drop (call $sizes (i32.const 300) (i32.const 304)))
            (drop (call $args (i32.const 400) (i32.const 1024)))
            (local.set $start (i32.load (i32.const 404)))
            (call $print (i32.const 200) (i32.const 7))
            (call $print (local.get $start)
              (i32.sub (i32.sub (i32.add (i32.const 1024) (i32.load (i32.const 304))) (local.get $start)) (i32.const 1)))
            (i32.const 7))
          \(more))
        """ }
    /// CWASI's callee with more exports, for embedding: `add`, and `bump` (a counter kept
    /// in the instance).
    static let library = echo(more: """
        (global $count (mut i32) (i32.const 0))
          (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
          (func (export "bump") (result i32) (global.set $count (i32.add (global.get $count) (i32.const 1))) (global.get $count))
        """)
    /// Embeds `library` (imports its functions as module "library"): answers the reply of
    /// its message sent with `func_connect`, then digits of `add(2, 3)` and of two `bump`s.
    static let embedder = """
        (module
          (import "cwasi_export" "func_connect" (func $connect (param i32 i32) (result i32)))
          (import "library" "add" (func $add (param i32 i32) (result i32)))
          (import "library" "bump" (func $bump (result i32)))
          \(ServeFunctions.wasi)
          (func (export "_start") (local $len i32) (local $n i32) (local $r i32)
            \(ChannelFunctions.readStdin)
            (local.set $r (call $connect (i32.const 4096) (local.get $len)))
            (if (i32.ge_s (local.get $r) (i32.const 0)) (then (call $print (i32.const 4096) (local.get $r))))
            (i32.store8 (i32.const 200) (i32.add (i32.const 48) (call $add (i32.const 2) (i32.const 3))))
            (i32.store8 (i32.const 201) (i32.add (i32.const 48) (call $bump)))
            (i32.store8 (i32.const 202) (i32.add (i32.const 48) (call $bump)))
            (call $print (i32.const 200) (i32.const 3))))
        """
    /// Imports `library`'s memory as its first memory and answers the 7 bytes at 200
    /// there ("B got: "), copied memory to memory.
    static let memoryEmbedder = """
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
          (import "library" "memory" (memory $library 2))
          (memory $own (export "memory") 1)
          (func (export "_start")
            (memory.copy $own $library (i32.const 100) (i32.const 200) (i32.const 7))
            (i32.store $own (i32.const 0) (i32.const 100)) (i32.store $own (i32.const 4) (i32.const 7))
            (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
        """
    /// Imports from a module that is no function of the tenant.
    static let embedsNothing = """
        (module (import "nolibrary" "f" (func)) (memory (export "memory") 1) (func (export "_start")))
        """
    /// Imports a name `library` does not export.
    static let embedsMissing = """
        (module (import "library" "missing" (func)) (memory (export "memory") 1) (func (export "_start")))
        """
    /// A callee that writes nothing: its reply is its result.
    static let numberCallee = """
        (module (memory (export "memory") 1) (func (export "_start")) (func (export "cwasi_function") (result i32) (i32.const -42)))
        """
    static let trapCallee = """
        (module (memory (export "memory") 1) (func (export "_start")) (func (export "cwasi_function") (result i32) unreachable))
        """
    static let spinCallee = """
        (module (memory (export "memory") 1) (func (export "_start")) (func (export "cwasi_function") (result i32) (loop (br 0)) (i32.const 0)))
        """
    /// Imports a CWASI function that does not exist.
    static let wrongImport = """
        (module (import "cwasi_export" "func_send" (func (param i32 i32) (result i32))) (memory (export "memory") 1) (func (export "_start")))
        """
}

struct ChannelTests {
    static let routes = [("caller", ChannelFunctions.caller, ""), ("echo_b", ChannelFunctions.echoCallee, ""),
                         ("number_b", ChannelFunctions.numberCallee, ""), ("trap_b", ChannelFunctions.trapCallee, ""),
                         ("spin_b", ChannelFunctions.spinCallee, #", "timeout-ms": 300"#),
                         ("small_b", ChannelFunctions.echoCallee, #", "max-request-bytes": 100"#),
                         ("library", ChannelFunctions.library, ""), ("embedder", ChannelFunctions.embedder, ""),
                         ("memory_embedder", ChannelFunctions.memoryEmbedder, "")]
    static let badEmbedders = [("nolib", ChannelFunctions.embedsNothing), ("missing", ChannelFunctions.embedsMissing)]

    func server(workers: Int = 2) throws -> TestServer {
        try TestServer(workers: workers, extraRoutes: Self.routes.map { name, _, extra in
            #", {"route": "/\#(name)", "path": "\#(name).wat", "relative-deadline-us": 50000\#(extra)}"#
        }.joined(), extraFiles: Self.routes.map { ($0.0, $0.1) } + Self.badEmbedders)
    }

    static func message(_ target: String, _ payload: String, source: String = "caller.wasm") -> String {
        #"{"source_channel": "\#(source)", "target_channel": "\#(target)", "payload": "\#(payload)"}"#
    }

    @Test(arguments: [1, 2])
    func aCallerGetsItsCalleesReplyInPlace(workers: Int) throws {
        // One worker: the caller's fiber parks while the callee runs.
        let server = try server(workers: workers)
        let c = try server.client()
        #expect(c.request("/caller", method: "POST", body: Self.message("echo_b.wasm", "hello"))?.body == "reply:B got: hello")
        // A path before the name and JSON escapes are CWASI's too.
        #expect(c.request("/caller", method: "POST", body: Self.message("/echo_b.wasm", #"a \"q\" \\ \u00e9"#))?.body
                == "reply:B got: a \"q\" \\ é")
        #expect(c.request("/caller", method: "POST", body: Self.message("echo_b.wasm", ""))?.body == "reply:B got: ")
        // Nothing on stdout: the reply is the result.
        #expect(c.request("/caller", method: "POST", body: Self.message("number_b.wasm", "x"))?.body == "reply:-42")
        // Extra keys (later CWASI versions send "start") are ignored.
        let withStart = #"{"source_channel": "a", "target_channel": "echo_b", "payload": "p", "start": "1"}"#
        #expect(c.request("/caller", method: "POST", body: withStart)?.body == "reply:B got: p")
    }

    @Test func failuresAreCodesNeverHangsOrCrashes() throws {
        let server = try server()
        let c = try server.client()
        for bad in ["not json", "{}", #"{"source_channel": "a", "target_channel": "echo_b"}"#,
                    #"{"source_channel": "a", "target_channel": "echo_b", "payload": 5}"#, "[1, 2]", ""] {
            #expect(c.request("/caller", method: "POST", body: bad)?.body == "code:1", "\(bad)")
        }
        #expect(c.request("/caller", method: "POST", body: Self.message("nowhere.wasm", "x"))?.body == "code:2")
        // A function that is no CWASI callee (no cwasi_function).
        #expect(c.request("/caller", method: "POST", body: Self.message("hello.wasm", "x"))?.body == "code:2")
        #expect(c.request("/caller", method: "POST", body: Self.message("trap_b.wasm", "x"))?.body == "code:3")
        let started = ContinuousClock.now
        #expect(c.request("/caller", method: "POST", body: Self.message("spin_b.wasm", "x"))?.body == "code:3")
        #expect(ContinuousClock.now - started < .seconds(5))
        // The largest payload the callee's route takes, and one byte more.
        let largest = String(repeating: "z", count: 100)
        #expect(c.request("/caller", method: "POST", body: Self.message("small_b.wasm", largest))?.body == "reply:B got: " + largest)
        #expect(c.request("/caller", method: "POST", body: Self.message("small_b.wasm", largest + "z"))?.body == "code:5")
        // Each call that reached a callee is counted with its mode (the trap and the timeout
        // failed, the largest payload was answered).
        let metrics = try #require(c.request("/metrics")).body
        #expect(metrics.contains(#"wasmlab_channel_calls_total{mode="local",result="replied"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"wasmlab_channel_calls_total{mode="local",result="failed"} 2"#))
    }

    @Test(arguments: [1, 2])
    func anEmbeddedCalleeIsCalledInPlaceWithinOneSandbox(workers: Int) throws {
        let server = try server(workers: workers)
        let c = try server.client()
        // func_connect to the embedded function, then direct calls of its exports; its
        // state lives as long as the caller's sandbox (a fresh one per request).
        #expect(c.request("/embedder", method: "POST", body: Self.message("library.wasm", "hi"))?.body == "B got: hi512")
        #expect(c.request("/embedder", method: "POST", body: Self.message("library", "again"))?.body == "B got: again512")
        // A function it does not embed is still reached, in another sandbox.
        #expect(c.request("/embedder", method: "POST", body: Self.message("echo_b", "x"))?.body == "B got: x512")
        // The embedded function's memory, imported as a second memory.
        #expect(c.request("/memory_embedder")?.body == "B got: ")
        let metrics = try #require(c.request("/metrics")).body
        #expect(metrics.contains(#"wasmlab_channel_calls_total{mode="embedding",result="replied"} 2"#), "\(metrics)")
        #expect(metrics.contains(#"wasmlab_channel_calls_total{mode="local",result="replied"} 1"#))
    }

    @Test func embeddingWhatCannotBeEmbeddedIsRefusedWhenLoaded() throws {
        func route(_ path: String, _ file: String) -> String {
            #", {"route": "\#(path)", "path": "\#(file).wat", "relative-deadline-us": 50000}"#
        }
        let cases = [(route("/nolib", "nolib"), "the tenant has no function nolibrary to embed"),
                     (route("/library", "library") + route("/missing", "missing"),
                      "imports library.missing, and library exports no missing"),
                     // A "library" that itself imports CWASI's interface.
                     (route("/library", "caller") + route("/e", "embedder"),
                      "the embedded function library imports cwasi_export.func_connect")]
        for (routes, message) in cases {
            #expect {
                _ = try TestServer(extraRoutes: routes, extraFiles: Self.routes.map { ($0.0, $0.1) } + Self.badEmbedders)
            } throws: { error in
                "\(error)".contains(message)
            }
        }
    }

    @Test func aRouteMayForceItsMode() throws {
        let forced = [("/net_caller", "caller", "network"), ("/local_embedder", "embedder", "local"),
                      ("/embedding_caller", "caller", "embedding")].map { route, file, mode in
            #", {"route": "\#(route)", "path": "\#(file).wat", "relative-deadline-us": 50000, "channel-mode": "\#(mode)"}"#
        }.joined()
        let server = try TestServer(extraRoutes: Self.routes.map { name, _, extra in
            #", {"route": "/\#(name)", "path": "\#(name).wat", "relative-deadline-us": 50000\#(extra)}"#
        }.joined() + forced, extraFiles: Self.routes.map { ($0.0, $0.1) })
        let c = try server.client()
        // Network on one node: over loopback HTTP to this node's own port.
        #expect(c.request("/net_caller", method: "POST", body: Self.message("echo_b.wasm", "far"))?.body == "reply:B got: far")
        #expect(c.request("/net_caller", method: "POST", body: Self.message("number_b", ""))?.body == "reply:-42")
        #expect(c.request("/net_caller", method: "POST", body: Self.message("trap_b", ""))?.body == "code:3")
        let largest = String(repeating: "z", count: 100)
        #expect(c.request("/net_caller", method: "POST", body: Self.message("small_b", largest))?.body == "reply:B got: " + largest)
        #expect(c.request("/net_caller", method: "POST", body: Self.message("small_b", largest + "z"))?.body == "code:5")
        #expect(c.request("/net_caller", method: "POST", body: Self.message("nowhere", ""))?.body == "code:2")
        // Local although the callee is embedded: another sandbox; the direct calls remain.
        #expect(c.request("/local_embedder", method: "POST", body: Self.message("library", "hi"))?.body == "B got: hi512")
        // Embedding when the callee is not embedded: no such callee.
        #expect(c.request("/embedding_caller", method: "POST", body: Self.message("echo_b", "x"))?.body == "code:2")
        let metrics = try #require(c.request("/metrics")).body
        #expect(metrics.contains(#"wasmlab_channel_calls_total{mode="network",result="replied"} 3"#), "\(metrics)")
        #expect(metrics.contains(#"wasmlab_channel_calls_total{mode="network",result="failed"} 1"#))
        #expect(metrics.contains(#"wasmlab_channel_calls_total{mode="local",result="replied"} 1"#))
        #expect(!metrics.contains(#"mode="embedding""#))
        #expect {
            _ = try TestServer(extraRoutes: #", {"route": "/x", "path": "hello.wat", "relative-deadline-us": 50000, "channel-mode": "pigeon"}"#)
        } throws: { error in
            "\(error)".contains("unknown channel mode \"pigeon\"")
        }
    }

    @Test func aCWASIImportThatIsNotProvidedIsRefusedWhenLoaded() throws {
        #expect {
            _ = try TestServer(extraRoutes: #", {"route": "/w", "path": "wrong.wat", "relative-deadline-us": 50000}"#,
                               extraFiles: [("wrong", ChannelFunctions.wrongImport)])
        } throws: { error in
            "\(error)".contains("cwasi_export.func_send is not provided")
        }
    }
}

@Suite(.enabled(if: TestRedis.address != nil, "WASMLAB_TEST_REDIS names no Redis server"))
struct TwoNodeChannelTests {
    @Test func theModeFollowsTheCalleeWhenItMovesToAnotherNode() throws {
        let tenant = TestRedis.user()
        let files = ChannelTests.routes.map { ($0.0, $0.1) }
        func route(_ name: String) -> String { #", {"route": "/\#(name)", "path": "\#(name).wat", "relative-deadline-us": 50000}"# }
        let one = try TestServer(extraRoutes: route("caller") + route("echo_b"), redis: TestRedis.address, tenant: tenant,
                                 extraFiles: files)
        let two = try TestServer(extraRoutes: route("echo_b"), redis: TestRedis.address, tenant: tenant, extraFiles: files)
        let c1 = try one.client()
        #expect(c1.request("/caller", method: "POST", body: ChannelTests.message("echo_b", "a"))?.body == "reply:B got: a")
        // The callee leaves node one: the next calls go to node two over the network.
        let without = """
            [{"name": "\(tenant)", "port": 0, "routes": [{"route": "/caller", "path": "caller.wat", "relative-deadline-us": 50000}]}]
            """
        try one.server.reload(try ServeSpec(json: Array(without.utf8), folder: one.folder))
        #expect(c1.post("/caller", body: ChannelTests.message("echo_b", "b"), until: "reply:B got: b") == "reply:B got: b")
        let metrics = try #require(c1.request("/metrics")).body
        #expect(metrics.contains(#"wasmlab_channel_calls_total{mode="local",result="replied"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"wasmlab_channel_calls_total{mode="network",result="replied"} 1"#))
        // Node two ran it.
        let served = try #require(two.client().request("/metrics")).body
        #expect(served.contains(#"wasmlab_requests_total{route="/echo_b",status="200"} 1"#), "\(served)")
        _ = two
    }
}

extension TwoNodeChannelTests {
    @Test func aRouteMayForceTheRedisPath() throws {
        let tenant = TestRedis.user()
        let files = ChannelTests.routes.map { ($0.0, $0.1) }
        let routes = #", {"route": "/caller", "path": "caller.wat", "relative-deadline-us": 50000, "channel-mode": "network-redis"}"#
            + #", {"route": "/echo_b", "path": "echo_b.wat", "relative-deadline-us": 50000}"#
            + #", {"route": "/small_b", "path": "echo_b.wat", "relative-deadline-us": 50000, "max-request-bytes": 100}"#
            + #", {"route": "/trap_b", "path": "trap_b.wat", "relative-deadline-us": 50000}"#
        let node = try TestServer(extraRoutes: routes, redis: TestRedis.address, tenant: tenant, extraFiles: files)
        let c = try node.client()
        // Through Redis to the callee on this same node (no other serves it).
        #expect(c.request("/caller", method: "POST", body: ChannelTests.message("echo_b", "via redis"))?.body
                == "reply:B got: via redis")
        #expect(c.request("/caller", method: "POST", body: ChannelTests.message("echo_b", ""))?.body == "reply:B got: ")
        #expect(c.request("/caller", method: "POST", body: ChannelTests.message("trap_b", "x"))?.body == "code:3")
        let largest = String(repeating: "z", count: 100)
        #expect(c.request("/caller", method: "POST", body: ChannelTests.message("small_b", largest))?.body == "reply:B got: " + largest)
        #expect(c.request("/caller", method: "POST", body: ChannelTests.message("small_b", largest + "z"))?.body == "code:5")
        let metrics = try #require(c.request("/metrics")).body
        #expect(metrics.contains(#"wasmlab_channel_calls_total{mode="network-redis",result="replied"} 3"#), "\(metrics)")
        #expect(metrics.contains(#"wasmlab_channel_calls_total{mode="network-redis",result="failed"} 1"#))
    }

    @Test func aNodeThatCannotBeReachedDirectlyIsReachedThroughRedis() throws {
        let tenant = TestRedis.user()
        let files = ChannelTests.routes.map { ($0.0, $0.1) }
        func route(_ name: String) -> String { #", {"route": "/\#(name)", "path": "\#(name).wat", "relative-deadline-us": 50000}"# }
        let one = try TestServer(extraRoutes: route("caller"), redis: TestRedis.address, tenant: tenant, extraFiles: files)
        // Node two listens on 127.0.0.2 but is known as 127.0.0.3, where nothing listens.
        let two = try TestServer(extraRoutes: route("echo_b"), redis: TestRedis.address, tenant: tenant, extraFiles: files) {
            $0.host = "127.0.0.2"
            $0.advertise = "127.0.0.3"
        }
        let c1 = try one.client()
        #expect(c1.post("/caller", body: ChannelTests.message("echo_b", "around"), until: "reply:B got: around")
                == "reply:B got: around")
        let metrics = try #require(c1.request("/metrics")).body
        #expect(metrics.contains(#"wasmlab_channel_calls_total{mode="network-redis",result="replied"} 1"#), "\(metrics)")
        #expect(!metrics.contains(#"mode="network",result="replied""#))
        let served = try #require(HTTPTestClient(port: two.port, host: 2)?.request("/metrics")).body
        #expect(served.contains(#"wasmlab_channel_calls_served_total{mode="network-redis"} 1"#), "\(served)")
    }

    /// 12 MiB each way: more than the window, so both transfers go in parts that wait
    /// for the receiver's acknowledgements.
    @Test func aLargePayloadAndReplyStreamThroughRedisInParts() throws {
        let tenant = TestRedis.user()
        func large(_ text: String) -> String { text.replacing(#"(memory (export "memory") 2)"#, with: #"(memory (export "memory") 400)"#) }
        let files = [("caller", large(ChannelFunctions.caller)), ("echo_b", large(ChannelFunctions.echoCallee))]
        let limits = #", "relative-deadline-us": 5000000, "max-request-bytes": 20000000"#
        let routes = #", {"route": "/caller", "path": "caller.wat", "channel-mode": "network-redis"\#(limits)}"#
            + #", {"route": "/echo_b", "path": "echo_b.wat"\#(limits)}"#
        let node = try TestServer(extraRoutes: routes, redis: TestRedis.address, tenant: tenant, extraFiles: files) {
            $0.maxResponseBytes = 16 << 20
        }
        let payload = String(decoding: (0 ..< 12 << 20).map { UInt8(ascii: "a") + UInt8($0 % 26) }, as: UTF8.self)
        let reply = try #require(try node.client().request("/caller", method: "POST", body: ChannelTests.message("echo_b", payload)))
        #expect(reply.body.count == "reply:B got: ".count + payload.count)
        #expect(reply.body == "reply:B got: " + payload)
        let metrics = try #require(try node.client().request("/metrics")).body
        #expect(metrics.contains(#"wasmlab_channel_calls_total{mode="network-redis",result="replied"} 1"#), "\(metrics)")
    }
}

/// WasmLab's own channel API in the text format.
enum NamedChannelFunctions {
    static let imports = """
        (import "wasmlab_channel" "send" (func $send (param i32 i32 i32 i32) (result i32)))
        (import "wasmlab_channel" "receive" (func $receive (param i32 i32 i32 i32) (result i32)))
        (import "wasmlab_channel" "receive_mapped" (func $receiveMapped (param i32 i32 i32 i32) (result i32)))
        """
    /// Sends its stdin on channel "c"; answers "sent" and the result's digit.
    static let sender = """
        (module \(imports) \(ServeFunctions.wasi)
          (data (i32.const 64) "csent")
          (func (export "_start") (local $len i32) (local $n i32)
            \(ChannelFunctions.readStdin)
            (i32.store8 (i32.const 69) (i32.sub (i32.const 48) (call $send (i32.const 64) (i32.const 1) (i32.const 4096) (local.get $len))))
            (call $print (i32.const 65) (i32.const 5))))
        """
    /// Receives from channel "c" into a buffer of `room` bytes; answers "got:" and the
    /// message, or "code:" and the failure code's digit.
    static func receiver(room: Int) -> String { """
        (module \(imports) \(ServeFunctions.wasi)
          (data (i32.const 64) "cgot:code:")
          (func (export "_start") (local $r i32)
            (local.set $r (call $receive (i32.const 64) (i32.const 1) (i32.const 4096) (i32.const \(room))))
            (if (i32.lt_s (local.get $r) (i32.const 0))
              (then
                (i32.store8 (i32.const 80) (i32.sub (i32.const 48) (local.get $r)))
                (call $print (i32.const 69) (i32.const 5))
                (call $print (i32.const 80) (i32.const 1)))
              (else
                (call $print (i32.const 65) (i32.const 4))
                (call $print (i32.const 4096) (local.get $r))))))
        """ }
    /// The zero-copy half of the API.
    static let bufferImports = """
        (import "wasmlab_channel" "alloc" (func $alloc (param i32 i32) (result i32)))
        (import "wasmlab_channel" "send_buffer" (func $sendBuffer (param i32 i32 i32 i32) (result i32)))
        """
    /// Fills a buffer from `alloc` with "zero-copy" and sends it on "c" without a copy;
    /// answers "sent", the result's digit, the digit of the buffer's first byte after the
    /// send (it left this memory: 0) and the digit of a send of a non-buffer (-1).
    static let zeroCopySender = """
        (module
          \(bufferImports) \(ServeFunctions.wasi)
          (data (i32.const 64) "csent")
          (data (i32.const 128) "zero-copy")
          (data (i32.const 140) "secret")
          (func (export "_start") (local $at i32)
            (drop (call $alloc (i32.const 100) (i32.const 80)))
            (local.set $at (i32.load (i32.const 80)))
            (memory.copy (local.get $at) (i32.const 128) (i32.const 9))
            ;; Past the 9 bytes sent: must not reach the receiver.
            (memory.copy (i32.add (local.get $at) (i32.const 9)) (i32.const 140) (i32.const 6))
            (i32.store8 (i32.const 69) (i32.sub (i32.const 48) (call $sendBuffer (i32.const 64) (i32.const 1) (local.get $at) (i32.const 9))))
            (i32.store8 (i32.const 70) (i32.add (i32.const 48) (i32.load8_u (local.get $at))))
            (i32.store8 (i32.const 71) (i32.sub (i32.const 48) (call $sendBuffer (i32.const 64) (i32.const 1) (i32.const 128) (i32.const 9))))
            (call $print (i32.const 65) (i32.const 7))))
        """
    /// Fills 3 MiB and 5 bytes from `alloc` ("abc", "x"s, "xyz") and sends them on "big"
    /// without a copy (pages of 2 MiB, where the system has them).
    static let bigZeroCopySender = """
        (module
          \(bufferImports) \(ServeFunctions.wasi)
          (data (i32.const 64) "big")
          (func (export "_start") (local $at i32)
            (drop (call $alloc (i32.const 3145733) (i32.const 80)))
            (local.set $at (i32.load (i32.const 80)))
            (memory.fill (local.get $at) (i32.const 120) (i32.const 3145733))
            (i32.store16 (local.get $at) (i32.const 0x6261)) (i32.store8 offset=2 (local.get $at) (i32.const 0x63))
            (i32.store16 offset=3145731 (local.get $at) (i32.const 0x7a79)) (i32.store8 offset=3145730 (local.get $at) (i32.const 0x78))
            (drop (call $sendBuffer (i32.const 64) (i32.const 3) (local.get $at) (i32.const 3145733)))))
        """
    /// An embeddable function: `take` receives from "e" mapped into its own memory and
    /// returns the message's first byte, plus one when its length is 3 MiB and 5 bytes and
    /// the byte after it is zero.
    static let embeddedTaker = """
        (module \(imports) \(ServeFunctions.wasi)
          (data (i32.const 64) "e")
          (func (export "_start"))
          (func (export "take") (result i32) (local $at i32) (local $len i32)
            (drop (call $receiveMapped (i32.const 64) (i32.const 1) (i32.const 80) (i32.const 84)))
            (local.set $at (i32.load (i32.const 80)))
            (local.set $len (i32.load (i32.const 84)))
            (i32.add (i32.load8_u (local.get $at))
                     (i32.and (i32.eq (local.get $len) (i32.const 3145733))
                              (i32.eqz (i32.load8_u (i32.add (local.get $at) (local.get $len))))))))
        """
    /// Embeds `ch_lib` (`embeddedTaker`): sends 3 MiB and 5 bytes ("a", then "x"s) from a
    /// buffer on "e", calls its `take` directly and answers what it returned, as a
    /// character, and the digit of its buffer's first byte after the send (0: moved out).
    static let embeddingSender = """
        (module
          \(bufferImports)
          (import "ch_lib" "take" (func $take (result i32)))
          \(ServeFunctions.wasi)
          (data (i32.const 64) "e")
          (func (export "_start") (local $at i32)
            (drop (call $alloc (i32.const 3145733) (i32.const 80)))
            (local.set $at (i32.load (i32.const 80)))
            (memory.fill (local.get $at) (i32.const 120) (i32.const 3145733))
            (i32.store8 (local.get $at) (i32.const 97))
            (drop (call $sendBuffer (i32.const 64) (i32.const 1) (local.get $at) (i32.const 3145733)))
            (i32.store8 (i32.const 90) (call $take))
            (i32.store8 (i32.const 91) (i32.add (i32.const 48) (i32.load8_u (local.get $at))))
            (call $print (i32.const 90) (i32.const 2))))
        """
    /// Receives from `channel` mapped into its memory, the message's address in $at and
    /// its length in $len, then runs `answer`.
    static func receivingMapped(_ channel: String, answer: String) -> String { """
        (module \(imports) \(ServeFunctions.wasi)
          (data (i32.const 64) "\(channel)")
          (func (export "_start") (local $at i32) (local $len i32)
            (drop (call $receiveMapped (i32.const 64) (i32.const \(channel.utf8.count)) (i32.const 80) (i32.const 84)))
            (local.set $at (i32.load (i32.const 80)))
            (local.set $len (i32.load (i32.const 84)))
            \(answer)))
        """ }
    /// Receives from "c" mapped into its memory; answers the message and the digit of the
    /// byte after it (0: nothing else of the sender came along).
    static let mappedReceiver = receivingMapped("c", answer: """
        (call $print (local.get $at) (local.get $len))
            (i32.store8 (i32.const 90) (i32.add (i32.const 48) (i32.load8_u (i32.add (local.get $at) (local.get $len)))))
            (call $print (i32.const 90) (i32.const 1))
        """)
    /// Sends 10 MiB on channel "big": "abc", then "x"s, then "xyz".
    static let bigSender = """
        (module \(imports) \(ServeFunctions.wasi)
          (data (i32.const 64) "big")
          (func (export "_start")
            (drop (memory.grow (i32.const 161)))
            (memory.fill (i32.const 65536) (i32.const 120) (i32.const 10485760))
            (i32.store16 (i32.const 65536) (i32.const 0x6261)) (i32.store8 (i32.const 65538) (i32.const 0x63))
            (i32.store8 (i32.const 10551294) (i32.const 0x79)) (i32.store8 (i32.const 10551295) (i32.const 0x7a))
            (drop (call $send (i32.const 64) (i32.const 3) (i32.const 65536) (i32.const 10485760)))))
        """
    /// Receives from "big" mapped into its memory; answers the first and last three bytes
    /// and "1" when the length is `length`.
    static func bigReceiver(length: Int) -> String {
        receivingMapped("big", answer: """
            (call $print (local.get $at) (i32.const 3))
                (call $print (i32.sub (i32.add (local.get $at) (local.get $len)) (i32.const 3)) (i32.const 3))
                (i32.store8 (i32.const 90) (i32.add (i32.const 48) (i32.eq (local.get $len) (i32.const \(length)))))
                (call $print (i32.const 90) (i32.const 1))
            """)
    }
}

/// An answer another thread sets.
final class Answer: Sendable {
    let text = Mutex("")
}

struct NamedChannelTests {
    static let files = [("ch_send", NamedChannelFunctions.sender), ("ch_recv", NamedChannelFunctions.receiver(room: 100_000)),
                        ("ch_small", NamedChannelFunctions.receiver(room: 4)), ("ch_big_send", NamedChannelFunctions.bigSender),
                        ("ch_big_recv", NamedChannelFunctions.bigReceiver(length: 10_485_760)),
                        ("ch_zero", NamedChannelFunctions.zeroCopySender), ("ch_mapped_recv", NamedChannelFunctions.mappedReceiver),
                        ("ch_big_zero", NamedChannelFunctions.bigZeroCopySender),
                        ("ch_big_zero_recv", NamedChannelFunctions.bigReceiver(length: 3_145_733)),
                        ("ch_lib", NamedChannelFunctions.embeddedTaker), ("ch_embedder", NamedChannelFunctions.embeddingSender)]

    func server(workers: Int) throws -> TestServer {
        let routes = Self.files.map { name, _ in
            #", {"route": "/\#(name)", "path": "\#(name).wat", "relative-deadline-us": 50000, "timeout-ms": 2000}"#
        }.joined() + #", {"route": "/ch_wait", "path": "ch_recv.wat", "relative-deadline-us": 50000, "timeout-ms": 300}"#
        return try TestServer(workers: workers, extraRoutes: routes, extraFiles: Self.files)
    }

    @Test(arguments: [1, 2])
    func messagesGoFromSenderToReceiverInOrder(workers: Int) throws {
        let server = try server(workers: workers)
        let c = try server.client()
        #expect(c.request("/ch_send", method: "POST", body: "first")?.body == "sent0")
        #expect(c.request("/ch_send", method: "POST", body: "")?.body == "sent0")
        #expect(c.request("/ch_send", method: "POST", body: "third")?.body == "sent0")
        #expect(c.request("/ch_recv")?.body == "got:first")
        #expect(c.request("/ch_recv")?.body == "got:")
        // Too small a buffer: -4, and the message stays for a larger one.
        #expect(c.request("/ch_small")?.body == "code:4")
        #expect(c.request("/ch_recv")?.body == "got:third")
    }

    @Test(arguments: [1, 2])
    func aReceiverWaitsWithoutHoldingItsWorker(workers: Int) throws {
        let server = try server(workers: workers)
        let port = server.port
        let received = Answer()
        let waiting = TestThread {
            let answer = HTTPTestClient(port: port)?.request("/ch_recv")?.body ?? "-"
            received.text.withLock { $0 = answer }
        }
        usleep(200_000)
        // With one worker the parked receiver leaves it to the sender.
        #expect(try server.client().request("/ch_send", method: "POST", body: "late")?.body == "sent0")
        waiting.join()
        #expect(received.text.withLock { $0 } == "got:late")
        // Nobody sends: the receiver ends at its route's timeout.
        let started = ContinuousClock.now
        #expect(try server.client().request("/ch_wait")?.status == 504)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aBufferIsSentWithoutACopyAndLeavesTheSender() throws {
        let server = try server(workers: 2)
        let c = try server.client()
        #expect(c.request("/ch_zero")?.body == "sent001")
        #expect(c.request("/ch_recv")?.body == "got:zero-copy")
        // Received mapped: the bytes after the message on its last page are zero.
        #expect(c.request("/ch_zero")?.body == "sent001")
        #expect(c.request("/ch_mapped_recv")?.body == "zero-copy0")
        // Megabytes move as whole pages, from a buffer to the receiver's memory.
        #expect(c.request("/ch_big_zero")?.status == 200)
        #expect(c.request("/ch_big_zero_recv")?.body == "abcxyz1")
    }

    @Test func anEmbeddedFunctionReceivesMappedInADirectCall() throws {
        let server = try server(workers: 1)
        let c = try server.client()
        // Twice: each request links a fresh instance of the function into its sandbox.
        #expect(c.request("/ch_embedder")?.body == "b0")
        #expect(c.request("/ch_embedder")?.body == "b0")
    }

    @Test func aLargeMessageIsMappedIntoTheReceiversMemory() throws {
        let server = try server(workers: 2)
        let c = try server.client()
        #expect(c.request("/ch_big_send")?.status == 200)
        #expect(c.request("/ch_big_recv")?.body == "abcxyz1")
    }
}

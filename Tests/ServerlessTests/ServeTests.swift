#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GreenThreads
import Logging
import Platform
import Serverless
import TestSupport
import Testing
import Tiers
import WasmRuntime

/// The text of `name` in Tests/Functions (functions the CLI tests use too).
func testFunction(_ name: String) -> String {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    let path = folder.appendingPathComponent("Functions").appendingPathComponent(name).path
    return FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? "missing \(path)"
}

/// Functions in the text format (the tests need no C toolchain).
enum ServeFunctions {
    static let wasi = """
        (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 2)
        (func $print (param $at i32) (param $len i32)
          (i32.store (i32.const 0) (local.get $at)) (i32.store (i32.const 4) (local.get $len))
          (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
        """
    /// A `malloc` export that never frees (for `__faasm_await_call_output`): a bump
    /// pointer from 8192 on.
    static let bumpMalloc = """
        (global $heap (mut i32) (i32.const 8192))
          (func (export "malloc") (param $n i32) (result i32) (local $p i32)
            (local.set $p (global.get $heap)) (global.set $heap (i32.add (global.get $heap) (local.get $n))) (local.get $p))
        """
    static let hello = "(module \(wasi) (data (i32.const 64) \"Content-Type: text/plain\\n\\nhello\\n\") (func (export \"_start\") (call $print (i32.const 64) (i32.const 32))))"
    static let notFound = "(module \(wasi) (data (i32.const 64) \"Status: 404 Not Found\\n\\ngone\") (func (export \"_start\") (call $print (i32.const 64) (i32.const 27))))"
    /// Copies stdin to stdout.
    static let echo = """
        (module \(wasi)
          (func (export "_start") (local $n i32)
            (loop $l
              (i32.store (i32.const 16) (i32.const 1024)) (i32.store (i32.const 20) (i32.const 60000))
              (drop (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
              (local.set $n (i32.load (i32.const 24)))
              (if (i32.gt_u (local.get $n) (i32.const 0))
                (then (call $print (i32.const 1024) (local.get $n)) (br $l))))))
        """
    /// Prints how many times it ran in this instance: always 1 when requests are isolated.
    static let counter = """
        (module \(wasi) (global $g (mut i32) (i32.const 0))
          (func (export "_start")
            (global.set $g (i32.add (global.get $g) (i32.const 1)))
            (i32.store8 (i32.const 64) (i32.add (i32.const 48) (global.get $g)))
            (call $print (i32.const 64) (i32.const 1))))
        """
    /// `init` (the route's zygote) sets a global to 5 and a byte in memory to 'A'; each
    /// request adds one to both and prints them: "6B" every time when each request starts
    /// from the snapshot and nothing of one reaches the next.
    static let zygote = """
        (module \(wasi) (global $g (mut i32) (i32.const 0))
          (func (export "init") (global.set $g (i32.const 5)) (i32.store8 (i32.const 65) (i32.const 65)))
          (func (export "_start")
            (global.set $g (i32.add (global.get $g) (i32.const 1)))
            (i32.store8 (i32.const 64) (i32.add (i32.const 48) (global.get $g)))
            (i32.store8 (i32.const 65) (i32.add (i32.load8_u (i32.const 65)) (i32.const 1)))
            (call $print (i32.const 64) (i32.const 2))))
        """
    /// Faasm's interface: adds one to the state value "n" and answers the input followed
    /// by the new count (as one byte: '1', '2', ...). The state is the node's, shared by
    /// the requests on purpose; the sandbox is still fresh every time.
    static let faasmCount = """
        (module
          (import "env" "__faasm_read_input" (func $in (param i32 i32) (result i32)))
          (import "env" "__faasm_write_output" (func $out (param i32 i32)))
          (import "env" "__faasm_read_state" (func $get (param i32 i32 i32) (result i32)))
          (import "env" "__faasm_write_state" (func $set (param i32 i32 i32)))
          \(wasi)
          (data (i32.const 32) "n\\00")
          (func (export "_start") (local $len i32)
            (local.set $len (call $in (i32.const 1024) (i32.const 100)))
            (drop (call $get (i32.const 32) (i32.const 40) (i32.const 1)))
            (i32.store8 (i32.const 40) (i32.add (i32.load8_u (i32.const 40)) (i32.const 1)))
            (call $set (i32.const 32) (i32.const 40) (i32.const 1))
            (i32.store8 (i32.add (i32.const 1024) (local.get $len)) (i32.add (i32.const 48) (i32.load8_u (i32.const 40))))
            (call $out (i32.const 1024) (i32.add (local.get $len) (i32.const 1)))))
        """
    /// Chains `faasm` (above) with "hi", awaits its output, and answers it followed by
    /// the call's status and the status of a call to a function that does not exist.
    static let faasmChain = """
        (module
          (import "env" "__faasm_chain_name" (func $chain (param i32 i32 i32) (result i32)))
          (import "env" "__faasm_await_call_output" (func $await (param i32 i32 i32) (result i32)))
          (import "env" "__faasm_await_call" (func $awaitCall (param i32) (result i32)))
          (import "env" "__faasm_write_output" (func $out (param i32 i32)))
          \(wasi)
          \(ServeFunctions.bumpMalloc)
          (data (i32.const 32) "faasm\\00")
          (data (i32.const 48) "hi")
          (data (i32.const 56) "nowhere\\00")
          (func (export "_start") (local $status i32) (local $len i32)
            (local.set $status (call $await (call $chain (i32.const 32) (i32.const 48) (i32.const 2)) (i32.const 100) (i32.const 104)))
            (local.set $len (i32.load (i32.const 104)))
            (memory.copy (i32.const 300) (i32.load (i32.const 100)) (local.get $len))
            (i32.store8 (i32.add (i32.const 300) (local.get $len)) (i32.add (i32.const 48) (local.get $status)))
            (i32.store8 (i32.add (i32.const 301) (local.get $len))
              (i32.add (i32.const 48) (call $awaitCall (call $chain (i32.const 56) (i32.const 48) (i32.const 0)))))
            (call $out (i32.const 300) (i32.add (local.get $len) (i32.const 2)))))
        """
    /// The newer 4-argument `__faasm_chain_name` (with a command line): chains `faasm`
    /// and answers its status as a digit.
    static let faasmChainWithCommandLine = """
        (module
          (import "env" "__faasm_chain_name" (func $chain (param i32 i32 i32 i32) (result i32)))
          (import "env" "__faasm_await_call" (func $await (param i32) (result i32)))
          (import "env" "__faasm_write_output" (func $out (param i32 i32)))
          (memory (export "memory") 1)
          (data (i32.const 32) "faasm\\00")
          (data (i32.const 40) "a b\\00")
          (func (export "_start")
            (i32.store8 (i32.const 300)
              (i32.add (i32.const 48) (call $await (call $chain (i32.const 32) (i32.const 40) (i32.const 48) (i32.const 2)))))
            (call $out (i32.const 300) (i32.const 1))))
        """
    /// Chains the function its input names with "hi" and answers that call's output.
    static let relay = """
        (module
          (import "env" "__faasm_read_input" (func $in (param i32 i32) (result i32)))
          (import "env" "__faasm_chain_name" (func $chain (param i32 i32 i32) (result i32)))
          (import "env" "__faasm_await_call_output" (func $await (param i32 i32 i32) (result i32)))
          (import "env" "__faasm_write_output" (func $out (param i32 i32)))
          (memory (export "memory") 1)
          \(ServeFunctions.bumpMalloc)
          (data (i32.const 48) "hi")
          (func (export "_start")
            (drop (call $in (i32.const 64) (i32.const 63)))
            (drop (call $await (call $chain (i32.const 64) (i32.const 48) (i32.const 2)) (i32.const 16) (i32.const 20)))
            (call $out (i32.load (i32.const 16)) (i32.load (i32.const 20)))))
        """
    /// Chains its own table functions by pointer (`chain_ptr`) and answers: the output of
    /// element 1 (its input and how often the constructors ran, as a digit), then the
    /// statuses of element 2 with "42" (its argument minus 40), of element 3 (wrong
    /// type), 4 (null) and 99 (outside the table), as digits.
    static let chainPointer = """
        (module
          (import "env" "__faasm_read_input" (func $in (param i32 i32) (result i32)))
          (import "env" "__faasm_chain_ptr" (func $chain (param i32 i32 i32) (result i32)))
          (import "env" "__faasm_await_call" (func $await (param i32) (result i32)))
          (import "env" "__faasm_await_call_output" (func $awaitOutput (param i32 i32 i32) (result i32)))
          (import "env" "__faasm_write_output" (func $out (param i32 i32)))
          (memory (export "memory") 1)
          (global $constructed (mut i32) (i32.const 0))
          (table 5 funcref)
          (elem (i32.const 1) $echo $status $wrong)
          \(ServeFunctions.bumpMalloc)
          (func (export "__wasm_call_ctors") (global.set $constructed (i32.add (global.get $constructed) (i32.const 1))))
          (func $echo (result i32) (local $len i32)
            (local.set $len (call $in (i32.const 1024) (i32.const 100)))
            (i32.store8 (i32.add (i32.const 1024) (local.get $len)) (i32.add (i32.const 48) (global.get $constructed)))
            (call $out (i32.const 1024) (i32.add (local.get $len) (i32.const 1)))
            (i32.const 0))
          (func $status (param i32) (result i32) (i32.sub (local.get 0) (i32.const 40)))
          (func $wrong (param i64) (result i32) (i32.const 0))
          (data (i32.const 48) "hi42")
          (func $digit (param $at i32) (param $element i32)
            (i32.store8 (local.get $at)
              (i32.add (i32.const 48) (call $await (call $chain (local.get $element) (i32.const 50) (i32.const 2))))))
          (func (export "_start") (local $end i32)
            (drop (call $awaitOutput (call $chain (i32.const 1) (i32.const 48) (i32.const 2)) (i32.const 100) (i32.const 104)))
            (memory.copy (i32.const 300) (i32.load (i32.const 100)) (i32.load (i32.const 104)))
            (local.set $end (i32.add (i32.const 300) (i32.load (i32.const 104))))
            (call $digit (local.get $end) (i32.const 2))
            (call $digit (i32.add (local.get $end) (i32.const 1)) (i32.const 3))
            (call $digit (i32.add (local.get $end) (i32.const 2)) (i32.const 4))
            (call $digit (i32.add (local.get $end) (i32.const 3)) (i32.const 99))
            (call $out (i32.const 300) (i32.sub (i32.add (local.get $end) (i32.const 4)) (i32.const 300)))))
        """
    /// Chains its table function by pointer without exporting its constructors: answers
    /// the call's status as a digit, then its output.
    static let chainPointerWithoutConstructors = """
        (module
          (import "env" "__faasm_chain_ptr" (func $chain (param i32 i32 i32) (result i32)))
          (import "env" "__faasm_await_call_output" (func $awaitOutput (param i32 i32 i32) (result i32)))
          (import "env" "__faasm_write_output" (func $out (param i32 i32)))
          (memory (export "memory") 1)
          (table 2 funcref)
          (elem (i32.const 1) $zero)
          (func $zero (result i32) (i32.const 0))
          \(ServeFunctions.bumpMalloc)
          (func (export "_start")
            (i32.store8 (i32.const 299)
              (i32.add (i32.const 48) (call $awaitOutput (call $chain (i32.const 1) (i32.const 0) (i32.const 0)) (i32.const 100) (i32.const 104))))
            (memory.copy (i32.const 300) (i32.load (i32.const 100)) (i32.load (i32.const 104)))
            (call $out (i32.const 299) (i32.add (i32.load (i32.const 104)) (i32.const 1)))))
        """
    /// Faasm's zygote: its init writes the state value "z" ("seeded"), each call answers it.
    static let faasmZygote = """
        (module
          (import "env" "__faasm_read_state" (func $get (param i32 i32 i32) (result i32)))
          (import "env" "__faasm_write_state" (func $set (param i32 i32 i32)))
          (import "env" "__faasm_write_output" (func $out (param i32 i32)))
          (memory (export "memory") 1)
          (data (i32.const 0) "z\\00")
          (data (i32.const 16) "seeded")
          (func (export "init") (call $set (i32.const 0) (i32.const 16) (i32.const 6)))
          (func (export "_start")
            (drop (call $get (i32.const 0) (i32.const 64) (i32.const 6)))
            (call $out (i32.const 64) (i32.const 6))))
        """
    /// An init that maps state into memory (refused: the snapshot would hold a stale copy).
    static let faasmZygoteMapping = """
        (module
          (import "env" "__faasm_read_state_ptr" (func $map (param i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 0) "z\\00")
          (func (export "init") (drop (call $map (i32.const 0) (i32.const 6))))
          (func (export "_start")))
        """
    /// Imports a Faasm call WasmLab leaves out: refused when the route is loaded.
    static let faasmUnsupported = """
        (module (import "env" "__faasm_migrate_point" (func (param i32 i32))) (func (export "_start")))
        """
    /// Faasm's global tier: under the global lock of "n", pulls it, adds one, pushes it and
    /// answers the new count as a digit (Tests/Functions, shared with the CLI tests).
    static let globalCount = testFunction("gcount.wat")
    static let trap = "(module \(wasi) (func (export \"_start\") unreachable))"
    static let exit3 = "(module \(wasi) (func (export \"_start\") (call $exit (i32.const 3))))"
    static let spin = "(module \(wasi) (func (export \"_start\") (loop br 0)))"
}

/// A server on an ephemeral loopback port with one route per function.
final class TestServer: @unchecked Sendable {
    let server: ServeServer
    let port: Int
    /// Every tenant's port, in the spec's order (`port` is the first's).
    let ports: [Int]
    let folder: String

    /// `extraTenants` follows the tenant "test" in the spec (`, {...}`); `extraFiles` are
    /// more functions (name, text) in the folder; `configure` changes the options.
    init(preemption: PreemptionMode = .signal, workers: Int = 2, defaultTimeoutMs: UInt64 = 10_000,
         extraRoutes: String = "", extraTenants: String = "", redis: String? = nil, tenant: String = "test",
         extraFiles: [(String, String)] = [], configure: (inout ServeOptions) -> Void = { _ in }) throws {
        BuiltinTiers.register()
        var template = Array("/tmp/wasmlab-serve-XXXXXX".utf8CString)
        folder = String(cString: mkdtemp(&template))
        let files: [(String, String)] = [("hello", ServeFunctions.hello), ("echo", ServeFunctions.echo),
                                         ("counter", ServeFunctions.counter), ("trap", ServeFunctions.trap),
                                         ("exit3", ServeFunctions.exit3), ("spin", ServeFunctions.spin),
                                         ("notfound", ServeFunctions.notFound), ("zygote", ServeFunctions.zygote),
                                         ("faasm", ServeFunctions.faasmCount), ("chain", ServeFunctions.faasmChain),
                                         ("gcount", ServeFunctions.globalCount),
                                         ("chain4", ServeFunctions.faasmChainWithCommandLine), ("relay", ServeFunctions.relay),
                                         ("unsupported", ServeFunctions.faasmUnsupported),
                                         ("chainptr", ServeFunctions.chainPointer),
                                         ("chainptr_bare", ServeFunctions.chainPointerWithoutConstructors),
                                         ("faasmzygote", ServeFunctions.faasmZygote),
                                         ("zygotemap", ServeFunctions.faasmZygoteMapping)]
        for (name, text) in files + extraFiles {
            let path = folder + "/" + name + ".wat"
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            _ = text.utf8CString.withUnsafeBytes { write(fd, $0.baseAddress, $0.count - 1) }
            close(fd)
        }
        let spec = """
            [{"name": "\(tenant)", "port": 0, "routes": [
              {"route": "/hello", "path": "hello.wat", "relative-deadline-us": 50000},
              {"route": "/echo", "path": "echo.wat", "relative-deadline-us": 50000, "max-request-bytes": 100000},
              {"route": "/small", "path": "echo.wat", "relative-deadline-us": 50000, "max-request-bytes": 10},
              {"route": "/counter", "path": "counter.wat", "relative-deadline-us": 50000},
              {"route": "/trap", "path": "trap.wat", "relative-deadline-us": 50000},
              {"route": "/exit3", "path": "exit3.wat", "relative-deadline-us": 50000},
              {"route": "/gone", "path": "notfound.wat", "relative-deadline-us": 50000},
              {"route": "/spin", "path": "spin.wat", "relative-deadline-us": 50000, "timeout-ms": 300},
              {"route": "/zygote", "path": "zygote.wat", "relative-deadline-us": 50000, "init": "init"},
              {"route": "/nozygote", "path": "zygote.wat", "relative-deadline-us": 50000},
              {"route": "/faasm", "path": "faasm.wat", "relative-deadline-us": 50000},
              {"route": "/chain", "path": "chain.wat", "relative-deadline-us": 50000},
              {"route": "/gcount", "path": "gcount.wat", "relative-deadline-us": 50000},
              {"route": "/chain4", "path": "chain4.wat", "relative-deadline-us": 50000},
              {"route": "/relay", "path": "relay.wat", "relative-deadline-us": 50000},
              {"route": "/chainptr", "path": "chainptr.wat", "relative-deadline-us": 50000},
              {"route": "/chainptr_zygote", "path": "chainptr.wat", "relative-deadline-us": 50000, "init": "__wasm_call_ctors"},
              {"route": "/chainptr_bare", "path": "chainptr_bare.wat", "relative-deadline-us": 50000}\(extraRoutes)
            ]}\(extraTenants)]
            """
        var options = ServeOptions()
        options.scheduler = SchedulerConfiguration(workers: workers, policy: .edf, preemption: preemption)
        options.defaultTimeoutMs = defaultTimeoutMs
        options.redis = redis
        configure(&options)
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        server = try ServeServer(spec: try ServeSpec(json: Array(spec.utf8), folder: folder), options: options, logger: logger)
        ports = try server.start().map(\.port)
        port = ports[0]
    }

    func client(port: Int? = nil) throws -> HTTPTestClient { try #require(HTTPTestClient(port: port ?? self.port)) }

    deinit { server.shutdown() }
}

struct ServeTests {
    @Test func statusCodes() throws {
        let server = try TestServer()
        let c = try server.client()
        let hello = try #require(c.request("/hello"))
        #expect(hello.status == 200 && hello.body == "hello\n" && hello.headers["content-type"] == "text/plain")
        let trap = try #require(c.request("/trap"))
        #expect(trap.status == 500 && trap.body.contains("unreachable"))
        let exit = try #require(c.request("/exit3"))
        #expect(exit.status == 500 && exit.body.contains("exited with 3"))
        #expect(c.request("/gone")?.status == 404)
        #expect(c.request("/nowhere")?.status == 404)
        #expect(c.request("/small", method: "POST", body: String(repeating: "x", count: 100))?.status == 413)
        #expect(c.request("/healthz")?.body == "ok\n")
        // Still the same connection: keep-alive held through every status.
        #expect(c.request("/hello")?.status == 200)
    }

    @Test(arguments: PreemptionMode.allCases)
    func timeoutKillsTheSandbox(mode: PreemptionMode) throws {
        let server = try TestServer(preemption: mode)
        let c = try server.client()
        let start = MonotonicClock.now()
        let response = try #require(c.request("/spin"))
        #expect(response.status == 504)
        #expect(MonotonicClock.now() - start < 2_000_000_000)
        #expect(c.request("/hello")?.status == 200)
    }

    @Test func routesWithoutATimeoutGetTheServersDefault() throws {
        let server = try TestServer(defaultTimeoutMs: 200, extraRoutes: """
            ,
            {"route": "/forever", "path": "spin.wat", "relative-deadline-us": 50000}
            """)
        let c = try server.client()
        let start = MonotonicClock.now()
        #expect(c.request("/forever")?.status == 504)
        #expect(MonotonicClock.now() - start < 2_000_000_000)
    }

    @Test func reloadSwapsRoutesAndRefusesTenantChanges() throws {
        let server = try TestServer()
        let c = try server.client()
        #expect(c.request("/hello")?.status == 200)
        let swapped = """
            [{"name": "test", "port": 0, "routes": [
              {"route": "/hello", "path": "notfound.wat", "relative-deadline-us": 50000},
              {"route": "/new", "path": "hello.wat", "relative-deadline-us": 50000}]}]
            """
        try server.server.reload(try ServeSpec(json: Array(swapped.utf8), folder: server.folder))
        #expect(c.request("/hello")?.status == 404)
        #expect(c.request("/new")?.body == "hello\n")
        #expect(c.request("/trap")?.status == 404)
        let moved = swapped.replacing("\"port\": 0", with: "\"port\": 1")
        #expect(throws: ServeError.self) { try server.server.reload(try ServeSpec(json: Array(moved.utf8), folder: server.folder)) }
        let broken = swapped.replacing("hello.wat", with: "missing.wat")
        #expect(throws: ServeError.self) { try server.server.reload(try ServeSpec(json: Array(broken.utf8), folder: server.folder)) }
        #expect(c.request("/new")?.status == 200)
    }

    @Test func pipelinedRequestsAnswerInOrder() throws {
        let server = try TestServer()
        let c = try server.client()
        c.send("GET /counter HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /counter HTTP/1.1\r\nHost: x\r\n\r\n")
        let answers = (0 ..< 3).compactMap { _ in c.read() }
        #expect(answers.map(\.body) == ["1", "hello\n", "1"])
    }

    @Test func consecutiveRequestsAreIsolated() throws {
        let server = try TestServer()
        let c = try server.client()
        for _ in 0 ..< 5 { #expect(c.request("/counter")?.body == "1") }
    }

    @Test func requestsStartFromTheInitSnapshot() throws {
        let server = try TestServer()
        let c = try server.client()
        for _ in 0 ..< 3 { #expect(c.request("/zygote")?.body == "6B") }
        #expect(c.request("/nozygote")?.body == "1\u{1}")
        #expect(throws: ServeError.self) {
            try server.server.reload(try ServeSpec(json: Array("""
                [{"name": "test", "port": 0, "routes": [
                  {"route": "/z", "path": "zygote.wat", "relative-deadline-us": 50000, "init": "missing"}]}]
                """.utf8), folder: server.folder))
        }
    }

    @Test func faasmFunctionsGetInputOutputAndNodeState() throws {
        let server = try TestServer()
        let c = try server.client()
        #expect(c.request("/faasm", method: "POST", body: "ab")?.body == "ab1")
        #expect(c.request("/faasm", method: "POST", body: "xyz")?.body == "xyz2")
        #expect(c.request("/faasm")?.body == "3")
    }

    @Test(arguments: [1, 2])
    func chainedCallsRunAsSandboxesAndAwaitWithoutHoldingAWorker(workers: Int) throws {
        // With one worker, the parent's await must park its fiber so the child can run.
        let server = try TestServer(workers: workers)
        let c = try server.client()
        #expect(c.request("/chain")?.body == "hi101")
        #expect(c.request("/chain")?.body == "hi201")
    }

    @Test func theNewerChainNameWithACommandLineLinks() throws {
        let server = try TestServer()
        #expect(try server.client().request("/chain4")?.body == "0")
    }

    @Test(arguments: [1, 2])
    func chainPointerRunsTheCallersTableFunctionAfterItsConstructors(workers: Int) throws {
        let server = try TestServer(workers: workers)
        let c = try server.client()
        // Wrong type, null element and outside the table fail the child, not the parent.
        #expect(c.request("/chainptr")?.body == "hi12111")
        // From the init snapshot the constructors already ran: not again.
        #expect(c.request("/chainptr_zygote")?.body == "hi12111")
        let bare = try #require(c.request("/chainptr_bare"))
        #expect(bare.status == 200 && bare.body.hasPrefix("1/chainptr_bare cannot be chained by pointer"), "\(bare.body)")
    }

    @Test func aFaasmInitReachesTheNodesStateButCannotMapIt() throws {
        let route = #", {"route": "/fz", "path": "faasmzygote.wat", "relative-deadline-us": 50000, "init": "init"}"#
        let server = try TestServer(extraRoutes: route)
        #expect(try server.client().request("/fz")?.body == "seeded")
        #expect {
            _ = try TestServer(extraRoutes: #", {"route": "/zm", "path": "zygotemap.wat", "relative-deadline-us": 50000, "init": "init"}"#)
        } throws: { error in
            "\(error)".contains("read_state_ptr of z in a route's init")
        }
    }

    @Test func aFaasmImportThatIsNotProvidedIsRefusedWhenLoaded() throws {
        #expect {
            _ = try TestServer(extraRoutes: #", {"route": "/u", "path": "unsupported.wat", "relative-deadline-us": 50000}"#)
        } throws: { error in
            "\(error)".contains("env.__faasm_migrate_point is not provided")
        }
    }

    @Test func chunkedBodiesReachStdin() throws {
        let server = try TestServer()
        let c = try server.client()
        c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
        let response = try #require(c.read())
        #expect(response.status == 200 && response.body == "hello world")
        let big = String(repeating: "abcdefghij", count: 5000)
        #expect(c.request("/echo", method: "POST", body: big)?.body == big)
    }

    @Test func malformedRequestsGet400AndAClose() throws {
        let server = try TestServer()
        let c = try server.client()
        c.send("THIS IS NOT HTTP\r\n\r\n")
        #expect(c.read()?.status == 400)
        #expect(c.closedByServer())
    }

    @Test func admissionRefusesWorkBeyondCapacity() throws {
        // Each request of /heavy needs a whole worker (estimate >= deadline): with one
        // worker, a second one while the first runs is refused.
        let server = try TestServer(workers: 1, extraRoutes: """
            ,
            {"route": "/heavy", "path": "spin.wat", "relative-deadline-us": 1000, "expected-execution-us": 5000, "timeout-ms": 400}
            """)
        let first = try server.client(), second = try server.client()
        first.send("GET /heavy HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(100_000)
        let refused = try #require(second.request("/heavy"))
        #expect(refused.status == 429 && refused.headers["retry-after"] == "1")
        #expect(first.read()?.status == 504)
        let metrics = try #require(second.request("/metrics"))
        #expect(metrics.body.contains("wasmlab_admission_refusals_total"))
        #expect(metrics.body.contains("wasmlab_requests_total{route=\"/heavy\",status=\"504\"}"))
    }

    @Test func shutdownAnswersWhatWasAdmitted() throws {
        let server = try TestServer()
        let c = try server.client()
        c.send("GET /spin HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(50_000)
        let stopper = TestThread { server.server.shutdown() }
        #expect(c.read()?.status == 504)
        stopper.join()
        #expect(HTTPTestClient(port: server.port) == nil)
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
@testable import Serverless
import Testing
import Tiers
import WASI
import WasmRuntime

/// Examples/serve.json with its committed C functions: each answers as its comment says.
struct ExampleFunctionTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples")

    @Test func everyExampleAnswersWithItsStatus() throws {
        BuiltinTiers.register()
        let json = try [UInt8](Data(contentsOf: Self.examples.appendingPathComponent("serve.json")))
        var spec = try ServeSpec(json: json, folder: Self.examples.path)
        spec.tenants[0].port = 0
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let server = try ServeServer(spec: spec, options: ServeOptions(), logger: logger)
        defer { server.shutdown() }
        let c = try #require(HTTPTestClient(port: try server.start()[0].port))

        #expect(c.request("/hello")?.body == "hello, world\n")
        #expect(c.request("/fib?20")?.body == "6765\n")
        #expect(c.request("/echo", method: "POST", body: "round trip")?.body == "round trip")
        let kernel = try #require(c.request("/kernel"))
        #expect(kernel.status == 200 && !kernel.body.isEmpty)
        #expect(c.request("/transform", method: "POST", body: "abc")?.status == 200)
        let expected: [(String, Int, String)] = [
            ("/loop", 504, "timeout"), ("/oob", 500, "out of bounds memory access"), ("/grow", 500, "exited with 2"),
            ("/recurse", 500, "call stack exhausted"), ("/huge", 500, "response over"),
        ]
        for (path, status, text) in expected {
            let response = try #require(c.request(path))
            #expect(response.status == status && response.body.contains(text), "\(path): \(response.status) \(response.body)")
        }
        #expect(c.request("/hello")?.status == 200)
        // Faasm workloads: fan-out/fan-in over chained calls and state, and data-parallel
        // training on a shared weight vector; both deterministic.
        #expect(c.request("/fanout", method: "POST", body: "4 100000")?.body == "pi ~= 3.14076 (4 workers, 400000 samples)\n")
        #expect(c.request("/fanout", method: "POST", body: "8 100000")?.body == "pi ~= 3.14187 (8 workers, 800000 samples)\n")
        #expect(c.request("/sgd", method: "POST", body: "20 4")?.body == "epochs 20 workers 4 loss 1.571059e-10\n")
        #expect(c.request("/sgd", method: "POST", body: "0 4")?.status == 500)
        // Chained calls of its own function by pointer.
        let text = "the quick brown fox\njumps over\tthe lazy dog  and keeps   running"
        #expect(c.request("/wordcount", method: "POST", body: text)?.body == "12 words (4 calls)\n")
        #expect(c.request("/wordcount", method: "POST", body: "one")?.body == "1 words (1 calls)\n")
        // A workflow over channels: sequential (one part) and fan-out/fan-in.
        #expect(c.request("/histogram", method: "POST", body: "2 1")?.body
                == "2097152 bytes in 1 part: o 9.1%, e 6.8%, u 4.5%, h 4.5%, r 4.5%\n")
        #expect(c.request("/histogram", method: "POST", body: "10 4")?.body
                == "10485760 bytes in 4 parts: o 9.1%, e 6.8%, r 4.5%, t 4.5%, u 4.5%\n")
        #expect(c.request("/histogram", method: "POST", body: "2 17")?.status == 500)
    }

    @Test func aTrapsDetailReachesTheLogNotTheResponse() {
        let response = ServeResponse.make(.trapped(Trap(.hostError, detail: "state value k has 4 bytes")),
                                          stdout: MemoryStream(limit: 16), maxOutput: 16, contentType: "text/plain")
        #expect(response.status == 500 && String(decoding: response.body, as: UTF8.self) == "wasm trap: host error\n")
        #expect(response.note?.hasPrefix("trap: host error (state value k has 4 bytes); backtrace: ") == true)
    }

    @Test func deepBacktracesAreCollapsedInTheLog() {
        #expect(collapsed(["depth", "depth", "depth", "main", "_start"]) == "depth x3 <- main <- _start")
        #expect(collapsed(["f"]) == "f")
        #expect(collapsed([]) == "")
    }
}

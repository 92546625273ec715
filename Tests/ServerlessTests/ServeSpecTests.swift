import Serverless
import Testing

/// The spec reader: Sledge's keys and ours, defaults, and errors naming where they are.
struct ServeSpecTests {
    func parse(_ text: String) throws(ServeSpecError) -> ServeSpec {
        try ServeSpec(json: Array(text.utf8), folder: "/srv")
    }

    func error(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func readsSledgeKeysAndOurs() throws {
        let spec = try parse("""
            [{"name": "gwu", "port": 10000, "replenishment-period-us": 0, "max-budget-us": 0, "routes": [
              {"route": "/fib", "request-type": 1, "path": "fib.wasm", "admissions-percentile": 70,
               "expected-execution-us": 4000, "relative-deadline-us": 16000, "http-resp-content-type": "text/plain",
               "tier": "interp", "bounds": "software", "timeout-ms": 100, "memory-limit-pages": 16,
               "max-request-bytes": 4096, "env": {"B": "2", "A": "1"}, "dirs": ["data", "/abs"]}]}]
            """)
        let route = spec.tenants[0].routes[0]
        #expect(spec.tenants[0].name == "gwu" && spec.tenants[0].port == 10000)
        #expect(route.path == "/srv/fib.wasm" && route.relativeDeadlineUs == 16000 && route.admissionsPercentile == 70)
        #expect(route.expectedExecutionUs == 4000 && route.tier == "interp" && route.bounds == .software)
        #expect(route.timeoutMs == 100 && route.memoryLimitPages == 16 && route.maxRequestBytes == 4096)
        #expect(route.environment == ["A=1", "B=2"] && route.directories == ["/srv/data", "/abs"])
    }

    @Test func defaults() throws {
        let route = try parse("""
            [{"name": "t", "port": 0, "routes": [{"route": "/a", "path": "a.wat", "relative-deadline-us": 5}]}]
            """).tenants[0].routes[0]
        #expect(route.admissionsPercentile == 70 && route.contentType == "text/plain" && route.maxRequestBytes == 1 << 20)
        #expect(route.tier == nil && route.bounds == nil && route.timeoutMs == nil && route.environment.isEmpty)
    }

    @Test func errorsNameTenantRouteAndField() {
        let route = #"{"route": "/a", "path": "a.wasm", "relative-deadline-us": 5"#
        #expect(error("{}") == "serve spec: the spec must be a JSON array of tenants, not an object")
        #expect(error("[{\"name\": \"t\", \"port\": 1, \"routes\": [\(route), \"colour\": 1}]}]")
            == #"serve spec: tenant "t", route "/a", field "colour": unknown key"#)
        #expect(error("[{\"name\": \"t\", \"port\": 1, \"routes\": [\(route), \"admissions-percentile\": 100}]}]")
            == #"serve spec: tenant "t", route "/a", field "admissions-percentile": must be an integer from 50 to 99, not 100.0"#)
        #expect(error("[{\"name\": \"t\", \"port\": 1, \"routes\": [\(route), \"bounds\": \"fast\"}]}]")
            .hasPrefix(#"serve spec: tenant "t", route "/a", field "bounds": unknown bounds strategy "fast""#))
        #expect(error(#"[{"name": "t", "port": 70000, "routes": []}]"#)
            == #"serve spec: tenant "t", field "port": must be an integer from 0 to 65535, not 70000.0"#)
        #expect(error(#"[{"name": "t", "port": 1, "routes": [{"route": "/a", "path": "a.so", "relative-deadline-us": 5}]}]"#)
            == #"serve spec: tenant "t", route "/a", field "path": names a .wasm or .wat module, not "a.so""#)
        #expect(error(#"[{"name": "t", "port": 1, "routes": [{"route": "/a", "path": "a.wat"}]}]"#)
            == #"serve spec: tenant "t", route "/a", field "relative-deadline-us": missing"#)
        #expect(error(#"[{"name": "t", "port": 1, "max-budget-us": 5, "routes": []}]"#)
            == #"serve spec: tenant "t", field "max-budget-us": tenant budgets are not supported; leave it out or 0"#)
        #expect(error(#"[{"name": "t", "port": 1, "routes": []}, {"name": "u", "port": 1, "routes": []}]"#)
            == #"serve spec: tenant "u", field "port": port 1 is tenant "t"'s too"#)
        #expect(error(#"[{"name": "t", "port": 1, "routes": [{"route": "/metrics", "path": "a.wat", "relative-deadline-us": 5}]}]"#)
            == #"serve spec: tenant "t", route "/metrics", field "route": /metrics is the server's own endpoint"#)
    }
}

import Testing
@testable import wasmlab

/// `RunFastPath` must either agree with ArgumentParser's parse of `wasmlab run` or step
/// aside (nil), so that every message and exit status stays ArgumentParser's.
@Suite struct RunFastPathTests {
    static let plain: [[String]] = [
        ["m.wasm"],
        ["m.wasm", "a", "--b", "-c"],
        ["--tier", "jit", "m.wasm"],
        ["--tier=jit", "--bounds=guard", "m.wasm", "x"],
        ["--bounds", "unchecked", "--allow-unsafe", "m.wasm"],
        ["--features", "wasm-2.0", "--invoke", "f", "m.wasm", "1", "2"],
        ["m.wasm", "--invoke", "f", "7"],
        ["--dir", "/tmp", "--dir", "/a::/b", "--env", "A=1", "--env=B=2", "m.wasm"],
        ["--fuel", "1000", "m.wasm"],
        ["--timeout", "500ms", "m.wasm", "--tier", "jit"],
    ]

    @Test(arguments: plain)
    func agreesWithArgumentParser(_ arguments: [String]) throws {
        let fast = try #require(RunFastPath.parse(arguments[...]))
        let parsed = try RunCommand.parse(arguments)
        #expect(fast == parsed.invocation)
    }

    static let unusual: [[String]] = [
        [], ["--help"], ["-h"], ["--tier"], ["--tier", "nope", "m.wasm"], ["--bounds", "unchecked", "m.wasm"],
        ["--bounds", "bogus", "m.wasm"], ["--fuel", "-1", "m.wasm"], ["--fuel", "x", "m.wasm"],
        ["--fuel", "1", "--timeout", "1s", "m.wasm"], ["--timeout", "soon", "m.wasm"], ["--env", "X", "m.wasm"],
        ["--tier", "jit", "--tier", "interp", "m.wasm"], ["--allow-unsafe", "--allow-unsafe", "m.wasm"],
        ["--allow-unsafe=yes", "m.wasm"], ["--unknown", "m.wasm"], ["--", "m.wasm"], ["m.wasm", "--", "x"],
        ["-", "m.wasm"], ["--invoke", "-f", "m.wasm"], [""],
    ]

    @Test(arguments: unusual)
    func leavesUnusualLinesToArgumentParser(_ arguments: [String]) {
        #expect(RunFastPath.parse(arguments[...]) == nil)
    }
}

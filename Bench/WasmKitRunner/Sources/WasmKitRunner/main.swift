// Usage: WasmKitRunner FILE.wasm [ARGS...]
// Runs the module's `_start` with WASI (stdio inherited, no preopened directories) and exits
// with the guest's exit code. Prints `bench-time: TOTAL parse=P run=R` (seconds) to stderr;
// the harness itself times the whole process.
//
//        WasmKitRunner --engine-bench MODULE.wasm EXPORT ROUNDS [I32-ARGS...]
// In-process engine costs (EngineBench.swift), the counterpart of `wasmlab bench-engine --call`.
import Foundation
import WasmKit
import WasmKitWASI

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: WasmKitRunner FILE.wasm [ARGS...]\n".utf8))
    exit(2)
}
if arguments[1] == "--engine-bench" {
    exit(runEngineBench(Array(arguments.dropFirst(2))))
}
let path = arguments[1]

func seconds(_ d: Duration) -> String {
    let (s, atto) = d.components
    return String(format: "%.6f", Double(s) + Double(atto) / 1e18)
}

do {
    let clock = ContinuousClock()
    let t0 = clock.now
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
        exit(2)
    }
    let module = try parseWasm(bytes: [UInt8](data))
    let t1 = clock.now
    let wasi = try WASIBridgeToHost(args: [(path as NSString).lastPathComponent] + arguments.dropFirst(2))
    let engine = Engine()
    let store = Store(engine: engine)
    var imports = Imports()
    wasi.link(to: &imports, store: store)
    let instance = try module.instantiate(store: store, imports: imports)
    let code = try wasi.start(instance)
    let t2 = clock.now
    FileHandle.standardError.write(Data("bench-time: \(seconds(t2 - t0)) parse=\(seconds(t1 - t0)) run=\(seconds(t2 - t1))\n".utf8))
    exit(Int32(bitPattern: code))
} catch {
    FileHandle.standardError.write(Data("trap: \(error)\n".utf8))
    exit(134)
}

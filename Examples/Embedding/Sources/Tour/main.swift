// The embedding API step by step, each result checked (exit status 1 on the first wrong
// one): compile once, instantiate per store, host functions that read guest memory, traps,
// fuel and timeouts, precompiled modules, and a WASI command with its output captured.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmLab

nonisolated(unsafe) var failures = 0
func check(_ condition: Bool, _ what: String) {
    print((condition ? "ok   " : "FAIL ") + what)
    if !condition { failures += 1 }
}

let text = """
    (module
      (import "env" "say" (func $say (param i32 i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "hello from wasm")
      (global $calls (mut i32) (i32.const 0))
      (func (export "greet") (result i32)
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        (call $say (i32.const 16) (i32.const 15))
        (global.get $calls))
      (func (export "divide") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
      (func (export "spin") (loop (br 0))))
    """

// 1. One engine compiles once; every store instantiates without compiling.
let engine = try Engine(EngineConfiguration(tier: "jit", bounds: .guard, countsFuel: true))
let module = try engine.compile(wat: text)
nonisolated(unsafe) var heard: [String] = []
func request(limits: StoreConfiguration = StoreConfiguration()) throws -> (Linker, Instance) {
    let linker = Linker(store: Store(engine: engine, limits: limits))
    // 2. A host function that reads the caller's memory, in place (no allocation per call).
    linker.define(module: "env", name: "say", .function(.host(FunctionType(parameters: [.i32, .i32]), name: "say") { call in
        guard let memory = call.memory else { throw Trap(.hostError, detail: "the caller exports no memory") }
        let bytes = try memory.read(at: UInt64(call.i32(0)), count: Int(call.i32(1)))
        heard.append(String(decoding: bytes, as: UTF8.self))
    }))
    return (linker, try linker.instantiate(module))
}
let (first, instance) = try request()
check(try instance.function("greet")!.invoke([]) == [.i32(1)], "an export is called")
check(try instance.function("greet")!.invoke([]) == [.i32(2)], "state persists within a store")
check(heard == ["hello from wasm", "hello from wasm"], "the host function read guest memory")
let (second, fresh) = try request()
check(try fresh.function("greet")!.invoke([]) == [.i32(1)], "a new store starts afresh")
withExtendedLifetime((first, second)) {}

// 3. Memory from the host side.
check(try instance.exportedMemory?.read(at: 16, count: 5) == Array("hello".utf8), "the host reads memory")

// 4. Traps are values, with a reason and a backtrace.
do {
    _ = try instance.function("divide")!.invoke([.i32(1), .i32(0)])
    check(false, "division by zero traps")
} catch {
    check(error.reason == .integerDivideByZero && error.backtrace.first == "divide", "division by zero traps: \(error)")
}

// 5. Fuel and timeouts stop runaway code.
var limited = StoreConfiguration()
limited.fuel = 1_000_000
let (fuelLinker, metered) = try request(limits: limited)
do {
    _ = try metered.function("spin")!.invoke([])
    check(false, "fuel runs out")
} catch {
    check(error.reason == .interrupted, "fuel runs out")
}
withExtendedLifetime(fuelLinker) {}
let (timerLinker, timed) = try request()
let thread = interrupt(timerLinker.store, afterMicroseconds: 100_000)
do {
    _ = try timed.function("spin")!.invoke([])
    check(false, "another thread interrupts")
} catch {
    check(error.reason == .interrupted, "another thread interrupts")
}
pthread_join(thread, nil)

// 6. Precompiled: the code as bytes, loaded without compiling.
let archive = try engine.precompile(WAT.encode(text), producer: "tour")
let loaded = try engine.load(precompiled: archive, producer: "tour")
let loadedLinker = Linker(store: Store(engine: engine))
loadedLinker.define(module: "env", name: "say", .function(.host(FunctionType(parameters: [.i32, .i32])) { _ in }))
check(try loadedLinker.instantiate(loaded).function("divide")!.invoke([.i32(9), .i32(3)]) == [.i32(3)],
      "a precompiled module runs")

// 7. A WASI command with its standard output captured in a file.
let hello = """
    (module
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "hi from WASI\\n")
      (func (export "_start")
        (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 13))
        (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
    """
var template = Array("/tmp/wasmlab-tour-XXXXXX".utf8CString)
let output = mkstemp(&template)
let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
defer { unlink(path) }
var wasiConfiguration = WASIConfiguration(arguments: ["hello"])
wasiConfiguration.stdout = output
let wasi = try WASI(configuration: wasiConfiguration)
let wasiLinker = Linker(store: Store(engine: engine))
wasi.define(into: wasiLinker)
let status = try wasi.start(try wasiLinker.instantiate(engine.compile(wat: hello)))
var captured = [UInt8](repeating: 0, count: 64)
let count = pread(output, &captured, captured.count, 0)
close(output)
check(status == 0 && count == 13 && String(decoding: captured.prefix(13), as: UTF8.self) == "hi from WASI\n",
      "a WASI command's output is captured")

print(failures == 0 ? "tour: all checks passed" : "tour: \(failures) checks failed")
exit(failures == 0 ? 0 : 1)

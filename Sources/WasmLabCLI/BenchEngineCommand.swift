import ArgumentParser
import SpecRunner
import Tiers
import WAT
import WasmCore
import WasmDecoder
import WasmRuntime
import WasmValidator

/// Engine micro-benchmarks: the fixed costs around running Wasm (decoding, validating,
/// translating, instantiating, calling, trapping), each as the median over rounds of
/// the mean time per operation. Prints one `name median-ns` line per measurement.
struct BenchEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-engine",
        abstract: "Micro-benchmarks of the engine: decode, validate, instantiate, call and trap costs (median ns per op).")

    @OptionGroup var engine: EngineOptions

    @Option(help: "Rounds per measurement (the median is reported).")
    var rounds = 9

    @Option(help: "Operations per round for the cheap measurements (calls, traps).")
    var iterations = 20_000

    @Argument(help: "Module to decode/validate/instantiate (default: a small built-in module).")
    var file: String?

    @Option(help: "Measure instantiating the module in a fresh store and calling this export once (tools/bench-instantiate).")
    var call: String?

    @Option(help: "An i32 argument of the --call export (repeat for several).")
    var arg: [Int32] = []

    @Option(help: "With --call: calls per round for the warm-call figure (0 leaves it out, e.g. for profiling).")
    var warmCalls = 1000

    @Flag(help: "Measure snapshots instead: instantiating from a snapshot against instantiating afresh, resetting an instance, and resident memory per idle restored instance.")
    var snapshot = false

    @Option(help: "With --snapshot: an export run before the snapshot is taken (Faasm's zygote).")
    var initExport: String?

    @Option(help: "With --snapshot: idle instances made from the snapshot for the resident-memory figure.")
    var idle = 1000

    @Flag(help: "Measure the garbage collector instead: rounds of a fresh instance running --call with --arg, reporting allocation rate and collection pauses (tools/bench-gc).")
    var gc = false

    /// Small but typical: a memory with data, a table, a global, a few functions; exports
    /// `add` (i32, i32) -> i32 and `trap`.
    static let builtin = """
        (module
          (memory (export "memory") 1)
          (data (i32.const 16) "hello, wasm")
          (global $g (mut i32) (i32.const 7))
          (table 2 funcref)
          (elem (i32.const 0) $add $sq)
          (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
          (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
          (func (export "sum") (param i32) (result i32) (local i32)
            (block $done (loop $l
              (br_if $done (i32.eqz (local.get 0)))
              (local.set 1 (i32.add (local.get 1) (i32.load8_u offset=16 (i32.and (local.get 0) (i32.const 7)))))
              (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
              (br $l)))
            (i32.add (local.get 1) (global.get $g)))
          (func (export "trap") (unreachable)))
        """

    func run() throws {
        try reportingErrors {
            let bytes = try file.map { try ModuleFile.read($0, features: .wasm3) } ?? WAT.encode(Self.builtin)
            BuiltinTiers.register()
            if snapshot {
                try measureSnapshots(bytes)
                return
            }
            if gc {
                try measureCollector(bytes)
                return
            }
            if let call {
                try instantiateAndCall(bytes, export: call)
                return
            }
            var configuration = StoreConfiguration()
            configuration.tier = engine.tier
            configuration.bounds = engine.bounds
            configuration.allowUnsafeStrategies = engine.allowUnsafe
            let features = configuration.features
            print("# bench-engine: tier \(engine.tier), bounds \(engine.bounds.rawValue), module \(file ?? "built-in") "
                  + "(\(bytes.count) bytes), median of \(rounds) rounds, ns per operation")
            let heavy = max(1, min(iterations, 2_000_000 / max(bytes.count, 1)))

            measure("decode", heavy) { _ = try decodeModule(bytes, features: features) }
            let module = try decodeModule(bytes, features: features)
            measure("validate", heavy) { try validateModule(module, features: features) }
            let store = Store(configuration: configuration)
            measure("compile", heavy) { _ = try CompiledModule(bytes: bytes, store: store) }
            guard module.imports.isEmpty else {
                print("instantiate: skipped (the module has imports)")
                return
            }
            // A store keeps its instances (and their memory reservations) until it goes:
            // each round instantiates into a fresh store, outside the timed part.
            let instances = min(heavy, 200)
            measureRounds("instantiate", instances, setup: {
                let store = Store(configuration: configuration)
                let compiled = try CompiledModule(bytes: bytes, store: store)
                let linker = Linker(store: store)
                return { _ = try linker.instantiate(compiled) }
            })
            guard file == nil else { return }
            let compiled = try CompiledModule(bytes: bytes, store: store)
            let linker = Linker(store: store)
            // The side-by-side figure: a fresh store, the module compiled and instantiated,
            // one export called (what an embedder pays to run a small function once).
            measure("store+compile+instantiate+call", instances) {
                let store = Store(configuration: configuration)
                let instance = try Linker(store: store).instantiate(CompiledModule(bytes: bytes, store: store))
                guard let add = instance.function("add"), try add.invoke([.i32(1), .i32(2)]) == [.i32(3)] else {
                    throw WasmError(.invalid, "add returned a wrong result")
                }
            }
            let instance = try linker.instantiate(compiled)
            guard let add = instance.function("add"), let sum = instance.function("sum"),
                  let trap = instance.function("trap") else { throw WasmError(.invalid, "built-in exports missing") }
            measure("call add(1, 2)", iterations) { _ = try add.invoke([.i32(1), .i32(2)]) }
            measure("call sum(100) (~700 ops)", max(1, iterations / 50)) { _ = try sum.invoke([.i32(100)]) }
            measure("trap (unreachable, caught)", iterations) {
                do {
                    _ = try trap.invoke([])
                } catch {
                    return
                }
                throw WasmError(.invalid, "trap did not trap")
            }
        }
    }

    /// Runs `body` `count` times per round and prints the median time per call.
    func measure(_ name: String, _ count: Int, _ body: @escaping () throws -> Void) {
        measureRounds(name, count, setup: { body })
    }

    /// Per round: `setup` (not timed) makes the body, which then runs `count` times.
    func measureRounds(_ name: String, _ count: Int, setup: () throws -> () throws -> Void) {
        let clock = ContinuousClock()
        var perOp: [Double] = []
        do {
            for _ in 0..<rounds {
                let body = try setup()
                let start = clock.now
                for _ in 0..<count { try body() }
                let elapsed = clock.now - start
                let (seconds, attoseconds) = elapsed.components
                perOp.append((Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(count))
            }
        } catch {
            print("\(name): failed: \(error)")
            return
        }
        perOp.sort()
        let median = perOp[perOp.count / 2]
        let padded = name + String(repeating: " ", count: max(1, 34 - name.count))
        print("\(padded)\(Int(median.rounded())) ns")
    }
}

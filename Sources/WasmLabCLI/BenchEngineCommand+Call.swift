#if canImport(Glibc)
import Glibc
#endif
import WASI
import WasmCore
import WasmDecoder
import WasmRuntime

/// `bench-engine --call EXPORT`: what an embedder pays to run one export of a small module
/// once, the same measurement as `WasmKitRunner --engine-bench` (Bench/WasmKitRunner), for
/// `tools/bench-instantiate`. Each round uses a fresh store:
///
///     instantiate       decode + validate + compile (the store's tier) + instantiate
///     call              the first call of EXPORT on that instance
///     instantiate+call  the sum of both
///     warm-call         later calls on the same instance (mean of --warm-calls per round)
///     module-instantiate       a fresh store + instantiate of a module compiled once by
///                              an `Engine` before the rounds (no validation, no compilation)
///     module-instantiate+call  that and the first call
///
/// A module that imports WASI gets it in every store, stdio on /dev/null, and the export
/// runs as a command (`proc_exit` ends it): `module-instantiate+call` of `_start` is then
/// what `tools/bench-serve` subtracts from a served request's latency.
///
/// Prints `name median-ns` lines.
extension BenchEngineCommand {
    func instantiateAndCall(_ bytes: [UInt8], export: String) throws {
        var configuration = StoreConfiguration()
        configuration.tier = engine.tier
        configuration.bounds = engine.bounds
        configuration.allowUnsafeStrategies = engine.allowUnsafe
        let args = arg.map { Value.i32(UInt32(bitPattern: $0)) }
        let clock = ContinuousClock()
        var result: [Value] = []
        let usesWASI = try decodeModule(bytes).imports.contains { $0.module == WASI.moduleName }
        let devNull = usesWASI ? open("/dev/null", O_RDWR) : -1
        defer { if devNull >= 0 { close(devNull) } }
        var wasiOfStore: [ObjectIdentifier: WASI] = [:]
        /// A linker for `store`, with WASI when the module imports it.
        func linker(_ store: Store) throws -> Linker {
            let linker = Linker(store: store)
            guard usesWASI else { return linker }
            var configuration = WASIConfiguration(arguments: ["bench"])
            (configuration.stdin, configuration.stdout, configuration.stderr) = (devNull, devNull, devNull)
            let wasi = try WASI(configuration: configuration)
            wasi.define(into: linker)
            wasiOfStore = [ObjectIdentifier(store): wasi]
            return linker
        }
        /// Calls the export, as a WASI command when the store has WASI.
        func invoke(_ function: Function, _ store: Store) throws -> [Value] {
            guard let wasi = wasiOfStore[ObjectIdentifier(store)] else { return try function.invoke(args) }
            var values: [Value] = []
            _ = try wasi.run { () throws(Trap) in values = try function.invoke(args) }
            return values
        }
        /// One round: `makeInstance` timed, then the first call, then `warmCalls` more.
        func round(warmCalls: Int, _ makeInstance: () throws -> (Store, Instance)) throws
            -> (instantiate: Double, call: Double, warm: Double) {
            let t0 = clock.now
            let (store, instance) = try makeInstance()
            let t1 = clock.now
            guard let function = instance.function(export) else { throw CLIError("no exported function \(export)") }
            let t2 = clock.now
            result = try invoke(function, store)
            let t3 = clock.now
            for _ in 0..<warmCalls { _ = try invoke(function, store) }
            let warm = Self.nanoseconds(clock.now - t3) / Double(max(warmCalls, 1))
            withExtendedLifetime(store) {}
            return (Self.nanoseconds(t1 - t0), Self.nanoseconds(t3 - t2), warm)
        }
        var instantiate: [Double] = [], call: [Double] = [], both: [Double] = [], warm: [Double] = []
        for _ in 0..<max(rounds, 1) {
            let r = try round(warmCalls: warmCalls) {
                let store = Store(configuration: configuration)
                return (store, try linker(store).instantiate(CompiledModule(bytes: bytes, store: store)))
            }
            instantiate.append(r.instantiate)
            call.append(r.call)
            both.append(r.instantiate + r.call)
            warm.append(r.warm)
        }
        // The compile-once path: what a server pays per request.
        let sharedEngine = try Engine(configuration: configuration.engine)
        let compiled = try sharedEngine.compile(bytes)
        var moduleInstantiate: [Double] = [], moduleBoth: [Double] = []
        for _ in 0..<max(rounds, 1) {
            let r = try round(warmCalls: 0) {
                let store = Store(engine: sharedEngine)
                return (store, try linker(store).instantiate(compiled))
            }
            moduleInstantiate.append(r.instantiate)
            moduleBoth.append(r.instantiate + r.call)
        }
        func median(_ v: [Double]) -> Int { Int(v.sorted()[v.count / 2].rounded()) }
        print("# WasmLab engine-bench: tier \(engine.tier), bounds \(engine.bounds.rawValue), \(file ?? "built-in") "
              + "\(export)(\(arg.map(String.init).joined(separator: ", "))) = \(result), median of \(max(rounds, 1)) rounds, ns")
        print("instantiate \(median(instantiate))")
        print("call \(median(call))")
        print("instantiate+call \(median(both))")
        print("warm-call \(median(warm))")
        print("module-instantiate \(median(moduleInstantiate))")
        print("module-instantiate+call \(median(moduleBoth))")
    }

    static func nanoseconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) * 1e9 + Double(atto) / 1e9
    }
}

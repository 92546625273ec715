// `--engine-bench MODULE.wasm EXPORT ROUNDS [I32-ARGS...]`: what an embedder pays to run
// one export of a small module once, measured in-process. Each round uses a fresh engine
// and store (like `wasmlab bench-engine --call`, which uses a fresh store per round):
//
//   instantiate       parse (decode) + instantiate: bytes -> Module -> Instance
//   call              the first call of EXPORT on that instance (WasmKit's default lazy
//                     compilation validates and translates the function here)
//   instantiate+call  both, one timer
//   warm call         later calls on the same instance (mean of 1000 per round)
//   module-instantiate       a fresh store (of one shared engine) + instantiate of a module
//                            parsed once before the rounds
//   module-instantiate+call  that and the first call
//
// Prints `name median-ns` lines in the same format as wasmlab.
import Foundation
import WasmKit

func runEngineBench(_ args: [String]) -> Int32 {
    guard args.count >= 3, let rounds = Int(args[2]), rounds > 0 else {
        FileHandle.standardError.write(Data("usage: WasmKitRunner --engine-bench MODULE.wasm EXPORT ROUNDS [I32-ARGS...]\n".utf8))
        return 2
    }
    guard let data = FileManager.default.contents(atPath: args[0]) else {
        FileHandle.standardError.write(Data("cannot read \(args[0])\n".utf8))
        return 2
    }
    let bytes = [UInt8](data)
    let name = args[1]
    let callArgs: [Value] = args.dropFirst(3).map { .i32(UInt32(bitPattern: Int32($0) ?? 0)) }
    let clock = ContinuousClock()
    func ns(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) * 1e9 + Double(atto) / 1e9
    }
    var instantiate: [Double] = [], call: [Double] = [], both: [Double] = [], warm: [Double] = []
    var checksum: [Value] = []
    do {
        for _ in 0..<rounds {
            let t0 = clock.now
            let module = try parseWasm(bytes: bytes)
            let store = Store(engine: Engine())
            let instance = try module.instantiate(store: store)
            let t1 = clock.now
            guard let function = instance.exports[function: name] else {
                FileHandle.standardError.write(Data("no exported function \(name)\n".utf8))
                return 2
            }
            let t2 = clock.now
            checksum = try function(callArgs)
            let t3 = clock.now
            instantiate.append(ns(t1 - t0))
            call.append(ns(t3 - t2))
            both.append(ns(t1 - t0) + ns(t3 - t2))
            let warmCalls = 1000
            let t4 = clock.now
            for _ in 0..<warmCalls { _ = try function(callArgs) }
            warm.append(ns(clock.now - t4) / Double(warmCalls))
        }
    } catch {
        FileHandle.standardError.write(Data("failed: \(error)\n".utf8))
        return 1
    }
    var moduleInstantiate: [Double] = [], moduleBoth: [Double] = []
    do {
        let module = try parseWasm(bytes: bytes)
        let engine = Engine()
        for _ in 0..<rounds {
            let t0 = clock.now
            let store = Store(engine: engine)
            let instance = try module.instantiate(store: store)
            let t1 = clock.now
            guard let function = instance.exports[function: name] else { return 2 }
            let t2 = clock.now
            checksum = try function(callArgs)
            let t3 = clock.now
            moduleInstantiate.append(ns(t1 - t0))
            moduleBoth.append(ns(t1 - t0) + ns(t3 - t2))
        }
    } catch {
        FileHandle.standardError.write(Data("failed: \(error)\n".utf8))
        return 1
    }
    func median(_ v: [Double]) -> Int { Int(v.sorted()[v.count / 2].rounded()) }
    print("# WasmKit 0.4.2 engine-bench: \(args[0]) \(name)(\(callArgs)) = \(checksum), median of \(rounds) rounds, ns")
    print("instantiate \(median(instantiate))")
    print("call \(median(call))")
    print("instantiate+call \(median(both))")
    print("warm-call \(median(warm))")
    print("module-instantiate \(median(moduleInstantiate))")
    print("module-instantiate+call \(median(moduleBoth))")
    return 0
}

import Glibc
import Synchronization
import Testing
import TestSupport
import WAT
import WasmCore
import Interpreter
import JIT
import WasmRuntime

/// One compiled module, many stores: `Engine` compiles once, stores instantiate without
/// validating or compiling, concurrently, and see nothing of each other.
@Suite struct EngineTests {
    static let configurations = TierMatrix.configurations

    /// `peek` reads what an earlier store of the same module would have left in memory and
    /// in the global; `run` leaves something in both.
    static let text = """
        (module
          (memory 1)
          (global $count (mut i32) (i32.const 0))
          (func (export "peek") (result i32)
            (i32.add (i32.load (i32.const 16)) (global.get $count)))
          (func (export "run") (param i32) (result i32)
            (i32.store (i32.const 16) (local.get 0))
            (global.set $count (i32.add (global.get $count) (i32.const 1)))
            (i32.add (i32.load (i32.const 16)) (global.get $count))))
        """

    static func engine(_ configuration: EngineConfiguration) throws -> Engine {
        InterpreterTier.register()
        JITTier.register()
        return try Engine(configuration: configuration)
    }

    /// Runs one request in a fresh store; returns what it saw before and computed.
    static func request(_ module: CompiledModule, _ engine: Engine, _ n: UInt32) throws -> (seen: UInt32, result: UInt32) {
        let store = Store(engine: engine)
        let instance = try Linker(store: store).instantiate(module)
        guard case .i32(let seen)? = try instance.function("peek")?.invoke([]).first,
              case .i32(let result)? = try instance.function("run")?.invoke([.i32(n)]).first else { return (.max, .max) }
        return (seen, result)
    }

    /// Resident set size in bytes (Linux: the second field of /proc/self/statm, in pages).
    static func residentBytes() -> Int {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var line = [UInt8](repeating: 0, count: 128)
        guard line.withUnsafeMutableBufferPointer({ b in
            b.withMemoryRebound(to: CChar.self) { fgets($0.baseAddress, Int32($0.count), file) != nil }
        }) else { return 0 }
        let fields = String(decoding: line.prefix { $0 != 0 }, as: UTF8.self).split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    @Test(arguments: configurations)
    func oneModuleServesManyStoresOnTwoThreads(configuration: EngineConfiguration) throws {
        let engine = try Self.engine(configuration)
        let module = try engine.compile(WAT.encode(Self.text))
        // Warm the pools (stacks, reservations) so that what follows measures steady state.
        for i in 0..<500 { _ = try Self.request(module, engine, UInt32(i)) }
        // Rounds of 20,000 stores on two threads. A leak of 1 KiB per store adds 20 MiB
        // every round; the other tests, which run in this process at the same time, can
        // grow it too, but not in every round: up to eight rounds run until one stays
        // under the margin.
        let margin = 12 << 20
        let failures = Atomic<Int>(0)
        var growth: [Int] = []
        for round in 0 ..< 8 where growth.last.map({ $0 >= margin }) ?? true {
            let before = Self.residentBytes()
            let perThread = 10_000
            let threads = (0..<2).map { t in
                TestThread {
                    for i in 0..<perThread {
                        let n = UInt32((round * 2 + t) * perThread + i)
                        let outcome = try? Self.request(module, engine, n)
                        // A fresh store sees zeroed memory and the initial global; run gives n + 1.
                        if outcome?.seen != 0 || outcome?.result != n &+ 1 { failures.add(1, ordering: .relaxed) }
                    }
                }
            }
            threads.forEach { $0.join() }
            growth.append(Self.residentBytes() - before)
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(growth.min()! < margin, "resident memory grew by \(growth.map { $0 >> 20 }) MiB per round")
    }

    @Test func storesOfAnotherConfigurationRefuseTheModule() throws {
        let engine = try Self.engine(.init(tier: "jit", bounds: .guard))
        let module = try engine.compile(WAT.encode(Self.text))
        var other = StoreConfiguration()
        other.tier = "jit"
        other.bounds = .software
        #expect(throws: WasmError.self) { try Linker(store: Store(configuration: other)).instantiate(module) }
        other.tier = "interp"
        other.bounds = .guard
        #expect(throws: WasmError.self) { try Linker(store: Store(configuration: other)).instantiate(module) }
        // Fuel cannot be metered by code compiled without the counting.
        var metered = StoreConfiguration()
        metered.fuel = 1000
        let store = Store(engine: engine, limits: metered)
        do {
            _ = try Linker(store: store).instantiate(module)
            Issue.record("a store that meters fuel instantiated code that does not count it")
        } catch let error as WasmError {
            #expect(error.message.contains("no fuel counting"))
        }
    }

    @Test func theEngineRefusesUnknownTiersAndUnsafeStrategies() {
        InterpreterTier.register()
        #expect(throws: WasmError.self) { try Engine(configuration: .init(tier: "nope")) }
        #expect(throws: WasmError.self) { try Engine(configuration: .init(tier: "interp", bounds: .unchecked)) }
        #expect(throws: Never.self) {
            try Engine(configuration: .init(tier: "interp", bounds: .unchecked, allowUnsafeStrategies: true))
        }
    }
}

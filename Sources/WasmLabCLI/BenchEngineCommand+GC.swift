import WasmRuntime

/// `bench-engine --gc --call EXPORT [--arg N ...] FILE`: the collector under an
/// allocating program, for `tools/bench-gc`. Each round runs the export once in a fresh
/// store and reports, one `name value` line each (medians over the rounds):
///
///     seconds             wall time of the call
///     objects-per-second  objects allocated per second of the call
///     mib-per-second      MiB allocated per second of the call
///     collections         collections in the call
///     pause-p50-us, pause-p99-us, pause-max-us   collection pauses (all rounds pooled)
///     peak-heap-mib       the most the GC heap held
///
/// and before them one `round SECONDS OBJECTS BYTES COLLECTIONS PEAK-BYTES` line per round.
extension BenchEngineCommand {
    func measureCollector(_ bytes: [UInt8]) throws {
        guard let call else { throw CLIError("--gc needs --call EXPORT") }
        let engineConfiguration = EngineConfiguration(tier: engine.tier, bounds: engine.bounds,
                                                      allowUnsafeStrategies: engine.allowUnsafe)
        let shared = try Engine(configuration: engineConfiguration)
        let module = try shared.compile(bytes)
        let clock = ContinuousClock()
        var seconds: [Double] = [], objectRates: [Double] = [], byteRates: [Double] = []
        var collections: [Double] = [], peaks: [Double] = [], pauses: [UInt64] = []
        var result = ""
        var lines: [String] = []
        for _ in 0 ..< max(rounds, 1) {
            let store = Store(engine: shared)
            let instance = try Linker(store: store).instantiate(module)
            guard let f = instance.function(call) else { throw CLIError("no exported function \(call)") }
            let t = clock.now
            let values = try f.invoke(arg.map { .i32(UInt32(bitPattern: $0)) })
            let elapsed = Double(Self.nanoseconds(clock.now - t)) / 1e9
            let statistics = store.gcHeap.statistics
            result = values.map(\.description).joined(separator: " ")
            seconds.append(elapsed)
            objectRates.append(Double(statistics.allocatedObjects) / elapsed)
            byteRates.append(Double(statistics.allocatedBytes) / elapsed / 1_048_576)
            collections.append(Double(statistics.collections))
            peaks.append(Double(statistics.peakHeapBytes) / 1_048_576)
            pauses += statistics.pauses
            lines.append("round \(elapsed) \(statistics.allocatedObjects) \(statistics.allocatedBytes) "
                         + "\(statistics.collections) \(statistics.peakHeapBytes)")
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        func percentile(_ p: Double) -> Double {
            guard !pauses.isEmpty else { return 0 }
            let sorted = pauses.sorted()
            return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]) / 1000
        }
        print("# WasmLab GC bench: tier \(engine.tier), bounds \(engine.bounds.rawValue), \(file ?? "?"), "
              + "call \(call)(\(arg.map(String.init).joined(separator: ", "))) = \(result), median of \(max(rounds, 1)) rounds")
        for line in lines { print(line) }
        print("seconds \(median(seconds))")
        print("objects-per-second \(median(objectRates))")
        print("mib-per-second \(median(byteRates))")
        print("collections \(median(collections))")
        print("pause-p50-us \(percentile(0.5))")
        print("pause-p99-us \(percentile(0.99))")
        print("pause-max-us \(percentile(1))")
        print("peak-heap-mib \(median(peaks))")
    }
}

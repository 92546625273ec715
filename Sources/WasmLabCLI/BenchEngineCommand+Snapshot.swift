import Platform
import WasmRuntime

/// `bench-engine --snapshot [--init-export NAME] [--call EXPORT] FILE`: what starting from
/// a snapshot costs (Faasm's proto-sandbox), for `tools/bench-snapshot`. Rounds of each,
/// one figure after the other:
///
///     instantiate             a fresh store + instantiate of a module compiled once
///                             (segments copied, start run)
///     instantiate-from-snapshot  a fresh store + `Linker.instantiate(_:from:)`
///                             (memories mapped copy-on-write, no segments, no start),
///                             then --call, then the store released (as a request does)
///     reset                   `InstanceSnapshot.restore(into:)` of an instance after
///                             --call dirtied it (nothing dirtied without --call)
///
/// and `idle-resident-bytes`: resident memory per instance of --idle instances made from
/// the snapshot, each with its first page touched, kept alive together.
extension BenchEngineCommand {
    func measureSnapshots(_ bytes: [UInt8]) throws {
        let engineConfiguration = EngineConfiguration(tier: engine.tier, bounds: engine.bounds,
                                                      allowUnsafeStrategies: engine.allowUnsafe)
        let shared = try Engine(configuration: engineConfiguration)
        let module = try shared.compile(bytes)
        let sourceStore = Store(engine: shared)
        let source = try Linker(store: sourceStore).instantiate(module)
        if let initExport {
            guard let f = source.function(initExport) else { throw CLIError("no exported function \(initExport)") }
            _ = try f.invoke([])
        }
        let snapshot = try InstanceSnapshot(of: source)
        guard snapshot.isPortable else { throw CLIError("the snapshot holds references of its own instance") }
        let clock = ContinuousClock()
        // Each figure in a loop of its own: a fresh instantiation copies 16 MiB, which
        // would leave the caches cold for whatever ran next in a shared loop.
        var fresh: [Double] = [], fromSnapshot: [Double] = [], reset: [Double] = []
        for _ in 0 ..< max(rounds, 1) {
            let store = Store(engine: shared)
            let t = clock.now
            let instance = try Linker(store: store).instantiate(module)
            fresh.append(Self.nanoseconds(clock.now - t))
            withExtendedLifetime((store, instance)) {}
        }
        let touch = { (instance: Instance) throws in
            if let call, let f = instance.function(call) { _ = try f.invoke(arg.map { .i32(UInt32(bitPattern: $0)) }) }
        }
        for _ in 0 ..< max(rounds, 1) {
            let store = Store(engine: shared)
            let t = clock.now
            let instance = try Linker(store: store).instantiate(module, from: snapshot)
            fromSnapshot.append(Self.nanoseconds(clock.now - t))
            try touch(instance)
            withExtendedLifetime(store) {}
        }
        let resetStore = Store(engine: shared)
        let restored = try Linker(store: resetStore).instantiate(module, from: snapshot)
        for _ in 0 ..< max(rounds, 1) {
            try touch(restored)
            let t = clock.now
            try snapshot.restore(into: restored)
            reset.append(Self.nanoseconds(clock.now - t))
        }
        // Resident memory of idle instances restored from the snapshot.
        let before = Self.residentBytes()
        var kept: [(Store, Instance)] = []
        for _ in 0 ..< max(idle, 1) {
            let store = Store(engine: shared)
            let instance = try Linker(store: store).instantiate(module, from: snapshot)
            if let memory = instance.memories.first?.linear, memory.byteCount > 0 {
                memory.base.storeBytes(of: memory.base.load(as: UInt8.self), as: UInt8.self)
            }
            kept.append((store, instance))
        }
        let perInstance = (Self.residentBytes() - before) / max(idle, 1)
        withExtendedLifetime((kept, sourceStore)) {}
        func median(_ v: [Double]) -> Int { Int(v.sorted()[v.count / 2].rounded()) }
        let pages = snapshot.memories.first.map { "\($0.pageCount) pages" } ?? "no memory"
        print("# WasmLab snapshot bench: tier \(engine.tier), bounds \(engine.bounds.rawValue), \(file ?? "built-in"), "
              + "memory \(pages), init \(initExport ?? "-"), call \(call ?? "-"), median of \(max(rounds, 1)) rounds, ns")
        print("instantiate \(median(fresh))")
        print("instantiate-from-snapshot \(median(fromSnapshot))")
        print("reset \(median(reset))")
        print("idle-resident-bytes \(perInstance)")
    }

    /// The process's resident set (Linux /proc/self/statm: size, then resident pages).
    static func residentBytes() -> Int {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return 0 }
        let fields = String(decoding: buffer[..<n], as: UTF8.self).split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

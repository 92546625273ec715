import Platform
import WasmDecoder

/// How many threads compile one module (Docs/JIT.md, "Parallel compilation").
///
/// A module whose function bodies hold at least `minimumCodeBytes` bytes is split into
/// contiguous runs of functions of about equal code size, one per worker, each validated
/// and compiled by its own thread; smaller modules compile on the calling thread alone,
/// where starting a thread would cost more than it saves.
public struct JITParallelism: Sendable, Equatable {
    /// At most this many threads (the calling thread included) compile one module.
    public var workers: Int
    /// Modules with less Wasm code than this compile on the calling thread only.
    public var minimumCodeBytes: Int

    /// The default cap on workers: compiling is short, more threads mostly add start-up.
    public static let maximumDefaultWorkers = 8
    /// Below this much code a second thread does not pay: starting and joining it and the
    /// worker's copies cost ~0.1 ms, which it wins back only when a core is free and the
    /// compile takes ~0.2 ms or more (Docs/JIT.md, "Parallel compilation").
    public static let defaultMinimumCodeBytes = 16 << 10

    /// Up to `workers` threads for modules of at least `minimumCodeBytes` of function bodies.
    public init(workers: Int, minimumCodeBytes: Int = JITParallelism.defaultMinimumCodeBytes) {
        self.workers = max(workers, 1)
        self.minimumCodeBytes = max(minimumCodeBytes, 0)
    }

    /// One thread for everything.
    public static let serial = JITParallelism(workers: 1)

    /// Processors online (at least 1).
    public static let onlineCores = max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)

    /// The process default: the online cores (capped) above the default threshold, unless
    /// the environment sets `WASMLAB_JIT_WORKERS` (a worker count) or
    /// `WASMLAB_JIT_PARALLEL_BYTES` (the threshold), for measurements and tests.
    public static let environment: JITParallelism = {
        var policy = JITParallelism(workers: min(onlineCores, maximumDefaultWorkers))
        if let n = integer("WASMLAB_JIT_WORKERS") { policy.workers = max(n, 1) }
        if let n = integer("WASMLAB_JIT_PARALLEL_BYTES") { policy.minimumCodeBytes = max(n, 0) }
        return policy
    }()

    /// Overrides the process default for compiles started in this task (tests).
    @TaskLocal public static var override: JITParallelism?

    /// The policy of a compile that names none.
    static var current: JITParallelism { override ?? environment }

    private static func integer(_ name: String) -> Int? {
        guard let raw = getenv(name) else { return nil }
        return Int(String(cString: raw))
    }

    /// The defined functions of `module` as contiguous runs of about equal code bytes, one
    /// per worker, in function order (a single run when the module is below the threshold).
    func chunks(of module: Module) -> [Range<Int>] {
        let count = module.functions.count
        // The whole module's size bounds its code: small modules skip the sum.
        guard workers > 1, count > 1, module.bytes.count >= minimumCodeBytes else { return [0 ..< count] }
        var total = 0
        for i in 0 ..< count { total += module.codes[i].code.count }
        guard total >= minimumCodeBytes else { return [0 ..< count] }
        return Self.split(sizes: (0 ..< count).map { module.codes[$0].code.count }, into: min(workers, count))
    }

    /// Splits `sizes` into at most `parts` non-empty contiguous ranges of about equal sums:
    /// each cut is placed at the function boundary nearest to the next `k/parts` share.
    static func split(sizes: [Int], into parts: Int) -> [Range<Int>] {
        guard parts > 1, sizes.count > 1 else { return [0 ..< sizes.count] }
        let total = max(sizes.reduce(0, +), 1)
        var ranges: [Range<Int>] = []
        var start = 0, before = 0
        for (i, size) in sizes.enumerated() {
            let after = before + size
            // Shares scaled by `parts`, so the arithmetic stays in integers.
            let share = total * (ranges.count + 1)
            if ranges.count < parts - 1, after * parts >= share {
                if share - before * parts < after * parts - share, i > start {
                    ranges.append(start ..< i)  // the boundary before this function is nearer
                    start = i
                } else if i + 1 < sizes.count {
                    ranges.append(start ..< i + 1)
                    start = i + 1
                }
            }
            before = after
        }
        ranges.append(start ..< sizes.count)
        return ranges
    }
}

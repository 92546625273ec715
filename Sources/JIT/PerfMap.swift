import Synchronization
import Platform
import WasmRuntime

/// `/tmp/perf-PID.map` for `perf`: one line per compiled function (`START SIZE NAME`, hex)
/// so that samples in JIT code are reported under the Wasm function's name, as for
/// wasmtime's `--profile perfmap`. Off unless `enable()` is called (`wasmlab run --profile
/// perfmap`); then every module compiled or loaded afterwards is appended.
public enum PerfMap {
    private static let enabled = Atomic<Bool>(false)
    private static let writing = Mutex<Void>(())

    /// Starts writing the map for the modules compiled from now on.
    public static func enable() { enabled.store(true, ordering: .releasing) }

    /// Whether modules compiled now are written to the map.
    public static var isEnabled: Bool { enabled.load(ordering: .acquiring) }

    /// The map file of this process.
    public static var path: String { "/tmp/perf-\(getpid()).map" }

    /// Appends `code`'s functions and stubs (no effect unless enabled).
    static func record(_ code: JITCode) {
        guard isEnabled else { return }
        let base = UInt(bitPattern: code.buffer.base)
        var text = ""
        for (definedIndex, range) in code.compiledRanges() {
            let name = Instance.functionName(code.module, UInt32(code.importCount + definedIndex))
            text += "\(String(base + UInt(range.lowerBound), radix: 16)) \(String(range.count, radix: 16)) wasm::\(name)\n"
        }
        let stubs = code.buffer.codeSize - code.moduleStubsOffset
        if stubs > 0 {
            text += "\(String(base + UInt(code.moduleStubsOffset), radix: 16)) \(String(stubs, radix: 16)) wasm::<module stubs>\n"
        }
        writing.withLock { _ in
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { return }
            defer { close(fd) }
            var remaining = Array(text.utf8)[...]
            while !remaining.isEmpty {
                let written = remaining.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if written <= 0 { break }
                remaining = remaining.dropFirst(written)
            }
        }
    }
}

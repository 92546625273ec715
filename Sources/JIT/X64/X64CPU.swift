#if canImport(Glibc)
import Glibc
#endif

/// The x86-64 features compiled code may use beyond the baseline (SSE2), read once at
/// start-up from the kernel's view of the CPU (the first `flags` line of /proc/cpuinfo).
/// Instructions that need a feature the CPU lacks are not emitted: the operation runs in
/// a runtime helper instead. AVX/AVX2 are not used: Wasm's vectors are 128 bits, which SSE
/// covers, and VEX forms would only save register copies.
enum X64CPU {
    static let flags: Set<String> = {
        guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 1 << 14)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix("flags"), let colon = text.firstIndex(of: ":") else { continue }
            return Set(text[text.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        }
        return []
    }()

    /// pmulld, pminsd and the other 0F 38 operations, packusdw, roundss/roundsd. The
    /// environment variable `WASMLAB_JIT_SSE2_ONLY=1` compiles as for a CPU without it
    /// (tools/test runs the spec so, to test the helper paths on any machine).
    static let hasSSE41 = flags.contains("sse4_1") && getenv("WASMLAB_JIT_SSE2_ONLY") == nil
}

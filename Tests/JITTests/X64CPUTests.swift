import Testing
@testable import JIT

/// The CPU features compiled code may use are read from /proc/cpuinfo.
struct X64CPUTests {
    @Test(.enabled(if: JITTier.isSupported)) func featuresComeFromTheKernel() {
        // Every x86-64 CPU has SSE2; SSE4.1 is there on anything made since 2008.
        #expect(X64CPU.flags.contains("sse2"))
        #expect(X64CPU.hasSSE41 == X64CPU.flags.contains("sse4_1"))
    }
}

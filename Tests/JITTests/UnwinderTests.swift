import CLibunwind
import Synchronization
import Testing
@testable import JIT
import WAT
import WasmCore
import WasmRuntime

/// An unwinder in the process (libunwind, which the tests link) walks from a host call
/// through the compiled frames, the entry trampoline and `TrapGuard`'s entry stub into the
/// Swift frames that called them (`UnwinderRegistration`).
@Suite(.enabled(if: JITTier.isSupported && TrapGuard.isSupported)) struct UnwinderTests {
    static let wat = """
        (module
          (import "env" "capture" (func $capture))
          (func $inner (call $capture))
          (func $middle (call $inner) (nop))
          (func $outer (export "outer") (call $middle) (nop)))
        """

    @Test func unwBacktraceFromAHostCallSeesTheWasmFrames() throws {
        #expect(UnwinderRegistration.isAvailable, "libunwind is in the process")
        let captured = Mutex<[UInt]>([])
        let linker = jitLinker()
        linker.define(module: "env", name: "capture", .function(Function.host(FunctionType(parameters: [], results: []), name: "capture") { _ in
            var frames = [UnsafeMutableRawPointer?](repeating: nil, count: 128)
            let count = Int(unw_backtrace(&frames, Int32(frames.count)))
            captured.withLock { $0 = frames[0 ..< max(count, 0)].map { UInt(bitPattern: $0) } }
        }))
        let instance = try linker.instantiate(bytes: WAT.encode(Self.wat, debugNames: true))
        _ = try #require(instance.function("outer")).invoke([])
        let pcs = captured.withLock { $0 }
        // Each PC named: a Wasm function of this module by the JIT's registry, else "host".
        let names = pcs.map { pc -> String in
            // A return address points after its call: look up the call itself.
            guard let (code, index) = JITCodeRegistry.shared.function(containing: pc - 1) else { return "host" }
            return Instance.functionName(code.module, UInt32(code.importCount + index))
        }
        let wasm = names.filter { $0 != "host" }
        #expect(wasm == ["inner", "middle", "outer"], "\(names)")
        // Frames beyond the compiled ones: the unwinder came back out into Swift.
        if let last = names.lastIndex(of: "outer") {
            #expect(names.count > last + 3, "frames after the Wasm ones: \(names.count - last - 1)")
        }
    }
}

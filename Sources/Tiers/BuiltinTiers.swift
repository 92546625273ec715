import Interpreter
import JIT
import WasmRuntime

/// The execution tiers this build links in. Call `register()` before creating a Store
/// (the runtime cannot import its tiers, so the layer above wires them up).
public enum BuiltinTiers {
    /// Registers the interpreter, on x86-64 the JIT, and the AArch64 JIT (idempotent; it
    /// runs under emulation, and its compiles say so when the emulator is missing).
    public static func register() {
        InterpreterTier.register()
        if JITTier.isSupported { JITTier.register() }
        JITTier.registerARM64()
    }

    /// Names a configuration may select, in registration order.
    public static var names: [String] {
        register()
        return ExecutionTiers.names
    }

    /// The names of the tiers whose code can run on this host: jit-arm64 only where the
    /// emulator loads (asking loads it, a few milliseconds: for tests and comparisons, not
    /// for every start).
    public static var runnableNames: [String] {
        names.filter { $0 != JITTier.arm64.name || JITTier.isARM64Supported }
    }
}

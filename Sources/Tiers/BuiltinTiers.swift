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
}

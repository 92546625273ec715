import Assembler
import WasmRuntime

/// The AArch64 backend (`JITBackend`): `ARM64MacroAssembler`, frames and trampoline in
/// `ARM64Frames`. Its code runs under emulation on this host (`JITTier.arm64`), where no
/// debugger or unwinder of the host can see it.
enum ARM64Backend: JITBackend {
    static let isa = "arm64"

    static func macroAssembler(bounds: BoundsStrategy, capacity: Int, countsFuel: Bool) -> ARM64MacroAssembler {
        ARM64MacroAssembler(addressing: bounds.addressing(is64: false), capacity: capacity, countsFuel: countsFuel)
    }

    /// Zero words: `udf #0`.
    static func fillPadding(_ padding: UnsafeMutableRawBufferPointer) {
        padding.initializeMemory(as: UInt8.self, repeating: 0)
    }

    static func registration(for code: JITCode) -> CodeRegistration? { nil }

    static func trampoline() -> (code: [UInt8], changes: [(offset: Int, rule: CallFrameInfo.Rule)]) {
        var a = ARM64Assembler()
        ARM64Frames.emitTrampoline(&a)
        a.finish()
        return (a.bytes, [])
    }

    static func trampolineRegistration(base: UnsafeRawPointer, size: Int,
                                       changes: [(offset: Int, rule: CallFrameInfo.Rule)]) -> CodeRegistration? {
        nil
    }

    static func walk(pc: UInt, sp: UInt, entrySP: UInt) -> (frames: [(pc: UInt, count: Int)], omitted: Int) {
        NativeFrames.walk(pc: pc, sp: sp, entrySP: entrySP, frameBytes: UInt(ARM64ABI.frameBytes), returnAddressOffset: 8)
    }
}

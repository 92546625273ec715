import Assembler
import WasmRuntime

/// The x86-64 backend (`JITBackend`): `X64MacroAssembler`, frames and trampoline in
/// `X64Frames`, what debuggers and unwinders are told in `X64Frames+Unwind`.
enum X64Backend: JITBackend {
    static let isa = "x86-64"

    static func macroAssembler(bounds: BoundsStrategy, capacity: Int, countsFuel: Bool) -> X64MacroAssembler {
        X64MacroAssembler(addressing: bounds.addressing(is64: false), capacity: capacity, countsFuel: countsFuel)
    }

    /// `int3` bytes.
    static func fillPadding(_ padding: UnsafeMutableRawBufferPointer) {
        padding.initializeMemory(as: UInt8.self, repeating: 0xCC)
    }

    static func registration(for code: JITCode) -> CodeRegistration? { X64Frames.registration(for: code) }

    static func trampoline() -> (code: [UInt8], changes: [(offset: Int, rule: CallFrameInfo.Rule)]) {
        var a = X64Assembler()
        let changes = X64Frames.emitTrampoline(&a)
        a.finish()
        return (a.bytes, changes)
    }

    static func trampolineRegistration(base: UnsafeRawPointer, size: Int,
                                       changes: [(offset: Int, rule: CallFrameInfo.Rule)]) -> CodeRegistration? {
        X64Frames.trampolineRegistration(base: base, size: size, changes: changes)
    }

    static func walk(pc: UInt, sp: UInt, entrySP: UInt) -> (frames: [(pc: UInt, count: Int)], omitted: Int) {
        X64Frames.walk(pc: pc, sp: sp, entrySP: entrySP)
    }
}

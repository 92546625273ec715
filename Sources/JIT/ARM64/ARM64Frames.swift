import Assembler
import WasmRuntime

/// Native frames of compiled AArch64 code and its entry trampoline.
///
/// ```
///  native stack (grows down)
///  +--------------------------+
///  | caller of the trampoline |
///  | x29 x30                  |  entry trampoline (emitTrampoline): an AAPCS64 frame
///  | x19 ... x28              |  callee-saved registers of its caller
///  +--------------------------+  <- JITContext.entrySP (16-byte aligned)
///  | return address (x30)     |  [sp + 8]   \  frame of the outermost Wasm
///  | saved x22 (instance)     |  [sp]       /  function (16 bytes)
///  | return address           |             \  frame of its callee
///  | saved x22                |  <- sp in the callee's body
///  +--------------------------+  >= JITContext.stackLimit, else callStackExhausted
/// ```
///
/// The same layout as x86-64's (`X64Frames`): every Wasm frame is 16 bytes with the
/// return address at sp + 8, and bodies never move sp, so one walk (`NativeFrames`) and
/// one unwinder serve both. A trap branches to its function's stub, which `bl`s the
/// module's stub for the reason: the link register then names the trapping function.
enum ARM64Frames {
    /// Callee-saved registers the trampoline keeps for its caller (in pairs).
    static let savedPairs: [(ARM64Register, ARM64Register)] = [(.x19, .x20), (.x21, .x22), (.x23, .x24),
                                                                (.x25, .x26), (.x27, .x28)]
    /// Bytes of the trampoline's frame: x29/x30 and the saved pairs.
    static let trampolineFrameBytes = 16 * (savedPairs.count + 1)

    /// `entry(context x0, instance x1, fp x2, code x3) -> trap code (0 = returned)`.
    static func emitTrampoline(_ a: inout ARM64Assembler) {
        a.storePair(.x29, .x30, .preIndex(.sp, -trampolineFrameBytes))
        a.add(.x29, .sp, imm12: 0)
        for (i, pair) in savedPairs.enumerated() { a.storePair(pair.0, pair.1, .offset(.sp, 16 * (i + 1))) }
        a.mov(ARM64Regs.vm, .x0)
        a.mov(ARM64Regs.instance, .x1)
        a.mov(ARM64Regs.fp, .x2)
        a.add(ARM64Regs.scratch, .sp, imm12: 0)
        a.store(ARM64Regs.scratch, .vm(JITContext.entrySPOffset))
        a.blr(.x3)
        a.mov(.x0, .zr)
        emitReturnToSwift(&a)
    }

    /// The common tail of the trampoline and the trap exit (sp == entrySP).
    static func emitReturnToSwift(_ a: inout ARM64Assembler) {
        for (i, pair) in savedPairs.enumerated() { a.loadPair(pair.0, pair.1, .offset(.sp, 16 * (i + 1))) }
        a.loadPair(.x29, .x30, .postIndex(.sp, trampolineFrameBytes))
        a.ret()
    }
}

import Assembler

/// The calling conventions compiled AArch64 code uses.
///
/// Wasm -> Wasm: as on x86-64 (Docs/JIT.md "Calls"): the caller stores the arguments in
/// its operand homes, points x23 at the first argument, sets x22 to the callee's
/// instance when it may differ, and `bl`s the entry. The callee's prologue pushes x22
/// and the link register (`stp x22, x30, [sp, #-16]!`), so every frame is 16 bytes:
/// the saved instance at [sp], the return address at [sp + 8], the same layout the
/// x86-64 frames have and the unwinder and the trap walk read.
///
/// Wasm -> runtime helpers: AAPCS64 (`x0 ... x7`, results in x0); every allocatable
/// register is caller-saved there, so the compiler spills all values to their homes
/// before any call.
enum ARM64ABI {
    static let arguments: [ARM64Register] = [.x0, .x1, .x2, .x3, .x4, .x5, .x6, .x7]
    /// Bytes of a function's frame: the saved instance and the return address.
    static let frameBytes = 16
}

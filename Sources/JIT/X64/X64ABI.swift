import Assembler

/// The calling conventions compiled x86-64 code uses.
///
/// Wasm -> Wasm (JIT to JIT): the caller stores the arguments in its operand homes,
/// points r15 at the first argument (`callee fp`), sets r14 to the callee's instance when
/// it may differ, and `call`s the entry. The callee returns its results in slots 0... of
/// its frame (the caller's argument homes) and preserves rbx, r15, r14 at return.
/// r12/r13 are reloaded by the caller after every call (the callee may grow memory).
///
/// Wasm -> runtime helpers: System V (`rdi rsi rdx rcx r8 r9`, 16-byte aligned `rsp`);
/// every allocatable register is caller-saved there, so the compiler spills all values
/// to their homes before any call.
enum X64ABI {
    static let arguments: [X64Register] = [.rdi, .rsi, .rdx, .rcx, .r8, .r9]
    /// Bytes a function pushes below its return address (the saved r14), keeping `rsp`
    /// 16-byte aligned in the body.
    static let frameBytes = 8
}

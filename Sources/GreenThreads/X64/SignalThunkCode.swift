import Assembler

/// Emits the x86-64 thunk through which the kernel enters a Swift signal handler with
/// its state: `(signal, info, context)` arrive in rdi, rsi, rdx; the thunk adds the state
/// pointer as the fourth argument, so the handler reads no global.
///
/// ```
///     mov rcx, state
///     mov rax, handler
///     jmp rax
/// ```
enum SignalThunkCode {
    static func emit(state: UnsafeMutableRawPointer, handler: UInt) -> [UInt8]? {
        #if arch(x86_64)
        var a = X64Assembler()
        a.mov(.rcx, imm: UInt64(UInt(bitPattern: state)))
        a.mov(.rax, imm: UInt64(handler))
        a.jmp(.rax)
        a.finish()
        return a.bytes
        #else
        return nil
        #endif
    }
}

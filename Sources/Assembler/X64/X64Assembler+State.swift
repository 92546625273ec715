// Saving and restoring the floating-point control state (context switches).

extension X64Assembler {
    /// `stmxcsr [m]`: stores the SSE control/status register (rounding, exception masks).
    public mutating func stmxcsr(_ m: X64Memory) { op(0xAE, reg: 3, m, w: false, twoByte: true) }

    /// `ldmxcsr [m]`.
    public mutating func ldmxcsr(_ m: X64Memory) { op(0xAE, reg: 2, m, w: false, twoByte: true) }

    /// `fnstcw [m]`: stores the x87 control word (16 bits) without waiting for pending
    /// exceptions.
    public mutating func fnstcw(_ m: X64Memory) { op(0xD9, reg: 7, m, w: false) }

    /// `fldcw [m]`.
    public mutating func fldcw(_ m: X64Memory) { op(0xD9, reg: 5, m, w: false) }
}

extension X64Assembler {
    /// `pushfq`: saves the flags (code interrupted between a compare and its branch).
    public mutating func pushFlags() { emit(0x9C) }

    /// `popfq`.
    public mutating func popFlags() { emit(0x9D) }

    /// `ret imm16`: returns, then releases `bytes` more of the stack.
    public mutating func ret(releasing bytes: UInt16) {
        emit(0xC2)
        emit(UInt8(bytes & 0xFF), UInt8(bytes >> 8))
    }
}

extension X64Assembler {
    /// The entry through which the kernel enters a signal handler with its state: the
    /// handler's `(signal, info, context)` arrive in rdi, rsi, rdx; this adds `state` as
    /// the fourth argument, so the handler reads no global.
    ///
    /// ```
    ///     mov rcx, state
    ///     mov rax, handler
    ///     jmp rax
    /// ```
    public mutating func signalThunk(state: UnsafeMutableRawPointer, handler: UInt) {
        mov(.rcx, imm: UInt64(UInt(bitPattern: state)))
        mov(.rax, imm: UInt64(handler))
        jmp(.rax)
    }
}

import Assembler

/// Emits the x86-64 context switch and fiber start stub (the layout is drawn on
/// `ContextSwitch`).
///
/// ```
///  transfer(save: rdi, target: rsi)
///     push rbp, rbx, r12, r13, r14, r15
///     sub  rsp, 8
///     stmxcsr [rsp]          ; SSE rounding mode and exception masks
///     fnstcw  [rsp + 4]      ; x87 control word
///     mov  [rdi], rsp
///     mov  rsp, rsi
///     ldmxcsr [rsp]
///     fldcw   [rsp + 4]
///     add  rsp, 8
///     pop  r15, r14, r13, r12, rbx, rbp
///     ret
///  start:                    ; a new fiber's first "return" lands here, rsp 16-aligned
///     mov  rdi, r13
///     call r12               ; entry(argument): ends by switching away, never returns
///     ud2
/// ```
enum ContextSwitchCode {
    /// Bytes of a saved context (see `ContextSwitch`).
    static let frameSize = 64

    static func emit() -> (bytes: [UInt8], transferOffset: Int, startOffset: Int)? {
        #if arch(x86_64)
        var a = X64Assembler()
        let saved: [X64Register] = [.rbp, .rbx, .r12, .r13, .r14, .r15]
        for r in saved { a.push(r) }
        a.sub(.rsp, imm: 8)
        a.stmxcsr(mem(.rsp))
        a.fnstcw(mem(.rsp, 4))
        a.store(mem(.rdi), .rsp)
        a.mov(.rsp, .rsi)
        a.ldmxcsr(mem(.rsp))
        a.fldcw(mem(.rsp, 4))
        a.add(.rsp, imm: 8)
        for r in saved.reversed() { a.pop(r) }
        a.ret()
        a.align(16)
        let start = a.offset
        a.mov(.rdi, .r13)
        a.call(.r12)
        a.ud2()
        a.finish()
        return (a.bytes, 0, start)
        #else
        return nil
        #endif
    }
}

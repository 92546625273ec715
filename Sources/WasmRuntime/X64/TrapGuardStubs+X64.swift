import Assembler

#if arch(x86_64)
/// `TrapGuard`'s stubs on x86-64:
///
/// ```
///  enter(activation: rdi, body: rsi, argument: rdx) -> eax        (System V)
///     push rbp, rbx, r12, r13, r14, r15    ; everything the caller expects preserved
///     sub  rsp, 8                          ; 16-byte alignment for the call
///     mov  [rdi + savedSP], rsp            ; where a trap resumes
///     mov  rax, rsi
///     mov  rdi, rdx
///     call rax                             ; body(argument)
///  done:
///     add  rsp, 8
///     pop  r15, r14, r13, r12, rbx, rbp
///     ret
///  trapExit:                               ; handler set rsp = savedSP, rsi = reason + 1
///     mov  eax, esi
///     jmp  done
///
///  signalThunk(signal: rdi, info: rsi, context: rdx)
///     mov  rcx, state                      ; fourth argument: the one state pointer
///     mov  rax, TrapGuardHandler.entry
///     jmp  rax
/// ```
/// The thunk passes the guard's state as the handler's fourth argument.
extension TrapGuardStubs {
    static func emit(state: UnsafeMutableRawPointer, handler: UInt) -> Code? {
        var a = X64Assembler()
        let done = a.newLabel(), trapExit = a.newLabel()
        let saved: [X64Register] = [.rbp, .rbx, .r12, .r13, .r14, .r15]
        let unwind = a.pushFrame(saving: saved, padding: 8)
        a.store(mem(.rdi, Int32(MemoryLayout<TrapActivation>.offset(of: \.savedSP)!)), .rsp)
        a.mov(.rax, .rsi)
        a.mov(.rdi, .rdx)
        a.call(.rax)
        a.bind(done)
        a.add(.rsp, imm: 8)
        for r in saved.reversed() { a.pop(r) }
        a.ret()
        a.bind(trapExit)
        a.mov(.rax, .rsi, .b32)
        a.jmp(done)
        a.align(16)
        let thunkOffset = a.offset
        a.signalThunk(state: state, handler: handler)
        a.finish()
        guard let exitOffset = a.offset(of: trapExit) else { return nil }
        let bytes = a.bytes, enterSize = thunkOffset
        return Code(bytes: bytes, trapExitOffset: exitOffset, thunkOffset: thunkOffset) { start in
            CodeRegistration(
                machine: CallFrameInfo.x64ELFMachine, base: start, size: bytes.count, unwound: enterSize,
                symbols: [.init("wasm::", name: "<trap guard entry>", offset: 0, size: enterSize),
                          .init("wasm::", name: "<signal thunk>", offset: thunkOffset, size: bytes.count - thunkOffset)]) { format in
                var frames = CallFrameInfo.x64(format)
                frames.addRange(address: start, length: enterSize, changes: unwind)
                return frames
            }
        }
    }
}
#endif

import Platform
import Assembler

/// The two pieces of machine code `TrapGuard` needs, emitted once at run time with the
/// project's assembler into one page that is written, then made read+execute (W^X: it is
/// never writable and executable at the same time).
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
/// The thunk is how the Swift handler gets its state without touching a global.
struct TrapGuardStubs {
    typealias Enter = @convention(c) (UnsafeMutableRawPointer, TrapGuard.Body, UnsafeMutableRawPointer?) -> UInt32

    let page: UnsafeMutableRawPointer
    let pageSize: Int
    let codeSize: Int
    let enter: Enter
    let trapExit: UInt
    let signalThunk: UnsafeRawPointer
    /// The stubs as debuggers and unwinders see them (they live as long as the process).
    private(set) var registration: CodeRegistration?

    init?(state: UnsafeMutableRawPointer, handler: UInt) {
        #if arch(x86_64)
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
        let code = a.bytes
        guard let exitOffset = a.offset(of: trapExit) else { return nil }
        let enterSize = thunkOffset
        #else
        return nil
        #endif

        guard let executable = ExecutablePage(code) else { return nil }
        let mapping = executable.base
        page = mapping
        pageSize = executable.size
        codeSize = code.count
        enter = unsafeBitCast(mapping, to: Enter.self)
        self.trapExit = UInt(bitPattern: mapping + exitOffset)
        signalThunk = UnsafeRawPointer(mapping + thunkOffset)
        #if arch(x86_64)
        let start = UInt(bitPattern: mapping)
        registration = CodeRegistration(
            machine: CallFrameInfo.x64ELFMachine, base: start, size: code.count, unwound: enterSize,
            symbols: [.init("wasm::", name: "<trap guard entry>", offset: 0, size: enterSize),
                      .init("wasm::", name: "<signal thunk>", offset: thunkOffset, size: code.count - thunkOffset)]) { format in
            var frames = CallFrameInfo.x64(format)
            frames.addRange(address: start, length: enterSize, changes: unwind)
            return frames
        }
        #endif
    }
}

import Assembler
import Platform

// Preempting JIT code at any instruction (Sledge's approach): a scheduler's timer signal
// that lands in registered compiled code moves the thread to an emitted stub, which saves
// every register the code may hold a value in, calls a yield function (which switches
// fibers and returns when the fiber is resumed), restores them and returns to the
// interrupted instruction. Code anywhere else (Swift, host calls, the interpreter) is left
// to yield at its next safe point.
//
//   interrupted stack               after the redirect
//   rsp -> ...                      rsp - 128 ... rsp - 1   red zone, left alone
//                                   rsp - 136  interrupted PC   <- new rsp, PC = stub
//
//   stub:  pushfq; push rax rcx rdx rsi rdi r8 r9 r10 r11     (callee-saved: kept by the callee)
//          push rbp; mov rbp, rsp; and rsp, -16; sub rsp, 256
//          movdqu [rsp + 16 i], xmm_i   (i = 0 ... 15)
//          mov rax, &yield; call [rax]
//          movdqu xmm_i, [rsp + 16 i]; mov rsp, rbp; pop rbp
//          pop r11 ... rax; popfq
//          ret 128                      ; to the interrupted PC, rsp as it was

/// What the redirect handler reads: the guard's state, the stub, the yield function.
struct PreemptionRedirect {
    var state: UnsafeMutablePointer<TrapGuardState>
    var stub: UInt
    var yield: UInt
}

extension TrapGuard {
    /// The signal-context function and its context for a scheduler's preemption signal
    /// (`Scheduler.setPreemptionRedirect`): it redirects a thread interrupted in
    /// registered compiled code to a stub that calls `yield` with every register saved
    /// (the caller checks that the thread runs a preemptible sandbox). nil when the stub
    /// cannot be emitted.
    public func preemptionRedirect(yield: @convention(c) () -> Void)
        -> (handler: @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer?) -> Bool,
            context: UnsafeMutableRawPointer)? {
        let context = UnsafeMutablePointer<PreemptionRedirect>.allocate(capacity: 1)
        context.initialize(to: PreemptionRedirect(state: state, stub: 0, yield: unsafeBitCast(yield, to: UInt.self)))
        let yieldAddress = UnsafeMutableRawPointer(context) + MemoryLayout<PreemptionRedirect>.offset(of: \.yield)!
        guard let code = Self.preemptionStub(yieldSlot: UInt(bitPattern: yieldAddress)),
              let page = ExecutablePage(code) else {
            context.deallocate()
            return nil
        }
        context.pointee.stub = UInt(bitPattern: page.base)
        return (redirectHandler, UnsafeMutableRawPointer(context))
    }

    private static func preemptionStub(yieldSlot: UInt) -> [UInt8]? {
        #if arch(x86_64)
        var a = X64Assembler()
        let saved: [X64Register] = [.rax, .rcx, .rdx, .rsi, .rdi, .r8, .r9, .r10, .r11]
        a.pushFlags()
        for r in saved { a.push(r) }
        a.push(.rbp)
        a.mov(.rbp, .rsp)
        a.alu(.and, .rsp, imm: -16, .b64)
        a.sub(.rsp, imm: 256)
        for i in 0 ..< 16 { a.storeVector(mem(.rsp, Int32(i * 16)), XMMRegister(UInt8(i))) }
        a.mov(.rax, imm: UInt64(yieldSlot))
        a.call(mem(.rax))
        for i in 0 ..< 16 { a.loadVector(XMMRegister(UInt8(i)), mem(.rsp, Int32(i * 16))) }
        a.mov(.rsp, .rbp)
        a.pop(.rbp)
        for r in saved.reversed() { a.pop(r) }
        a.popFlags()
        a.ret(releasing: 128)
        a.finish()
        return a.bytes
        #else
        return nil
        #endif
    }
}

/// Runs in signal context (the rules of TrapGuard+Handler.swift): typed pointer reads,
/// `pthread_self`, no Swift runtime.
private let redirectHandler: @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer?) -> Bool = { context, raw in
    guard let raw else { return false }
    let redirect = raw.assumingMemoryBound(to: PreemptionRedirect.self)
    let s = redirect.pointee.state
    let registers = context.assumingMemoryBound(to: UInt.self)
    let pc = registers[MachineContext.pc]
    // Only registered compiled code (never Swift, host calls or the interpreter): its
    // state is all in registers, flags and the stack, which the stub keeps.
    var i = 0
    var inCode = false
    while i < s.pointee.codeHigh {
        let range = s.pointee.codes + i
        if range.pointee.start <= pc && pc < range.pointee.end {
            inCode = true
            break
        }
        i &+= 1
    }
    guard inCode else { return false }
    let sp = registers[MachineContext.sp] &- 136
    guard let slot = UnsafeMutablePointer<UInt>(bitPattern: sp) else { return false }
    slot.pointee = pc
    registers[MachineContext.sp] = sp
    registers[MachineContext.pc] = redirect.pointee.stub
    return true
}

import Assembler

#if arch(x86_64)
// The stack below an interrupted x86-64 thread's rsp (the System V red zone) may hold
// live data of leaf code, so the redirect leaves it alone:
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

extension TrapGuard {
    /// How far below the interrupted rsp the redirect puts the interrupted PC: past the
    /// 128-byte red zone.
    @inline(__always) static var preemptionStackDrop: UInt { 136 }

    static func preemptionStub(yieldSlot: UInt) -> [UInt8]? {
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
    }
}
#endif

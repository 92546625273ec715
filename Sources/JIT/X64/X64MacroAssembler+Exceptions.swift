import Assembler
import WasmCore

// Tail calls and exceptions (Docs/JIT.md, "Tail calls" and "Exceptions").
//
// A tail call replaces the running function's native frame: the arguments are already in
// slots 0... of its value frame, `add rsp, 8` drops its saved r14, so the return address
// on top is its caller's, and the callee is entered with `jmp`:
//
//   before (body of f)               after the jump (g's prologue pushes its r14)
//   | return address into caller |   | return address into caller |
//   | saved r14 (f's instance)   |   | saved r14 (g's instance)   |  <- rsp in g's body
//
// Callees that are not compiled code of this tier are called normally from a shared stub
// that then returns from the frame: bounded, since they cannot tail-call back natively
// (an interpreted function hands such a tail call back to its shim instead).
extension X64MacroAssembler {
    mutating func tailCallDirect(_ label: Label) {
        a.add(.rsp, imm: 8)
        a.jmp(label)
    }

    /// Tail-calls the function of `record` (arguments in slots 0...).
    mutating func tailCallRecord(_ record: GPR, tierID: Int) {
        let other = a.newLabel()
        a.load(X64Regs.scratch2, mem(record, RuntimeLayout.recordKind), .b8)
        a.test(X64Regs.scratch2, X64Regs.scratch2, .b32)
        a.j(.notEqual, other)
        a.load(X64Regs.scratch2, mem(record, RuntimeLayout.recordTierID))
        a.cmp(X64Regs.scratch2, X64Address.vm(JITContext.tierIDOffset))
        a.j(.notEqual, other)
        a.add(.rsp, imm: 8)
        a.load(X64Regs.instance, mem(record, RuntimeLayout.recordContext))
        a.jmp(mem(record, RuntimeLayout.recordCode))
        a.bind(other)
        if record != .rsi { a.mov(.rsi, record) }
        if tailCallOtherLabel == nil { tailCallOtherLabel = a.newLabel() }
        a.jmp(tailCallOtherLabel!)
    }

    /// Traps with `reason` when `r` is zero (null references).
    mutating func trapIfZero(_ r: GPR, _ reason: TrapReason) {
        a.test(r, r)
        trapIf(.equal, reason)
    }

    // MARK: exceptions

    /// `throw tag` with the payload in the slots from `argumentsSlot`.
    mutating func throwException(tag: Int, argumentsSlot: Int32) {
        a.mov(.rdi, X64Regs.vm)
        a.mov(.rsi, X64Regs.instance)
        a.mov(.rdx, imm: UInt64(tag))
        a.lea(.rcx, X64Address.slot(argumentsSlot))
        callHelper(.throwException)
        callUnwind()
    }

    /// `throw_ref` of the exnref in `ref` (null traps).
    mutating func throwRef(_ ref: GPR) {
        if ref != .rsi { a.mov(.rsi, ref) }
        a.mov(.rdi, X64Regs.vm)
        callHelper(.rethrow)
        callUnwind()
    }

    /// After a helper that may report an exception (calls into other tiers and host
    /// functions): any trap enters the unwind stub, which leaves for traps that are not
    /// exceptions and for exceptions no compiled frame of this entry catches.
    mutating func checkException() {
        let done = a.newLabel()
        a.load(X64Regs.scratch2, X64Address.vm(JITContext.trapOffset))
        a.test(X64Regs.scratch2, X64Regs.scratch2)
        a.j(.equal, done)
        callUnwind()
        a.bind(done)
    }

    /// `call` into the unwind stub: its return address tells the unwinder where the
    /// exception was raised (it never returns there).
    mutating func callUnwind() {
        if unwindLabel == nil { unwindLabel = a.newLabel() }
        a.call(unwindLabel!)
    }

    /// Where the unwinder resumes a frame whose try_table caught: rsp, r15 and r14 are
    /// restored by the stub; memory registers are reloaded here. Returns its code offset.
    mutating func landingPad(usesMemory: Bool) -> Int {
        let at = a.offset
        if usesMemory { reloadMemoryView() }
        return at
    }

    /// The module's unwind and tail-call stubs (after all functions).
    ///
    ///     unwind:   (entered by `call`; [rsp] = position, rsp + 8 = the frame's rsp)
    ///               rax = RuntimeHelpers.unwind(vm, position, rsp + 8, r15)
    ///               rax == 0: leave through the trap exit (JITContext.trap says why;
    ///               the position stays on top as the trap PC)
    ///               else rsp = handlerSP, r15 = handlerFP, r14 = [rsp]; jmp rax
    ///     tailCallOther: (rsi = record, in the frame's body) callOther(vm, rsi, r15);
    ///               exceptions unwind from here (outside every try_table); return.
    mutating func emitExceptionStubs() {
        if let label = tailCallOtherLabel {
            a.bind(label)
            mark("tail call to a host function or another tier")
            a.mov(.rdi, X64Regs.vm)
            a.mov(.rdx, X64Regs.fp)
            a.mov(.rcx, X64Regs.instance)
            callHelper(.callOther)
            checkException()
            epilogue()
        }
        if let label = unwindLabel {
            if modulePendingLabel == nil { modulePendingLabel = a.newLabel() }
            a.bind(label)
            mark("exception unwind")
            a.mov(.rdi, X64Regs.vm)
            a.load(.rsi, mem(.rsp))
            a.lea(.rdx, mem(.rsp, 8))
            a.mov(.rcx, X64Regs.fp)
            a.sub(.rsp, imm: 8)
            callHelper(.unwind)
            // No handler: the trap exit expects the raising position on top, as pushed
            // by a function's trap stub.
            a.add(.rsp, imm: 8)
            a.test(.rax, .rax)
            a.j(.equal, modulePendingLabel!)
            a.load(.rsp, X64Address.vm(JITContext.handlerSPOffset))
            a.load(X64Regs.fp, X64Address.vm(JITContext.handlerFPOffset))
            a.load(X64Regs.instance, X64Address.savedInstance)
            a.jmp(.rax)
        }
    }
}

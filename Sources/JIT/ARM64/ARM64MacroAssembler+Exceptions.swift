import Assembler
import WasmCore

// Tail calls and exceptions (Docs/JIT.md, "Tail calls" and "Exceptions"), as on x86-64.
//
// A tail call replaces the running function's frame: the arguments are already in slots
// 0... of its value frame; the link register is reloaded from the frame (its caller's
// return address), the frame is dropped, and the callee is entered with `b`/`br`, so its
// prologue stores that return address again. x22 keeps the running instance for a direct
// callee (the same instance).
extension ARM64MacroAssembler {
    /// Drops the running function's frame, keeping its return address in x30.
    private mutating func dropFrame() {
        a.load(.x30, .offset(.sp, 8))
        a.add(.sp, .sp, imm12: ARM64ABI.frameBytes)
    }

    mutating func tailCallDirect(_ label: Label) {
        dropFrame()
        a.b(label)
    }

    /// Tail-calls the function of `record` (arguments in slots 0...).
    mutating func tailCallRecord(_ record: GPR, tierID: Int) {
        let other = a.newLabel()
        let t = ARM64Regs.scratch2, u = ARM64Regs.scratch3
        a.load(t, .offset(record, Int(RuntimeLayout.recordKind)), .ldrb)
        a.cbnz(t, other, .b32)
        a.load(t, .offset(record, Int(RuntimeLayout.recordTierID)))
        a.load(u, .vm(JITContext.tierIDOffset))
        a.cmp(t, u)
        a.b(.ne, other)
        dropFrame()
        a.load(ARM64Regs.instance, .offset(record, Int(RuntimeLayout.recordContext)))
        a.load(t, .offset(record, Int(RuntimeLayout.recordCode)))
        a.br(t)
        a.bind(other)
        if record != .x1 { a.mov(.x1, record) }
        if tailCallOtherLabel == nil { tailCallOtherLabel = a.newLabel() }
        a.b(tailCallOtherLabel!)
    }

    // MARK: exceptions

    /// `throw tag` with the payload in the slots from `argumentsSlot`.
    mutating func throwException(tag: Int, argumentsSlot: Int32) {
        a.mov(.x0, ARM64Regs.vm)
        a.mov(.x1, ARM64Regs.instance)
        a.mov(.x2, imm: UInt64(tag))
        a.add(.x3, ARM64Regs.fp, imm: Int64(argumentsSlot), scratch: ARM64Regs.scratch3)
        callHelper(.throwException)
        callUnwind()
    }

    /// `throw_ref` of the exnref in `ref` (null traps).
    mutating func throwRef(_ ref: GPR) {
        if ref != .x1 { a.mov(.x1, ref) }
        a.mov(.x0, ARM64Regs.vm)
        callHelper(.rethrow)
        callUnwind()
    }

    /// After a helper that may report an exception: any trap enters the unwind stub.
    mutating func checkException() {
        let done = a.newLabel()
        a.load(ARM64Regs.scratch2, .vm(JITContext.trapOffset))
        a.cbz(ARM64Regs.scratch2, done)
        callUnwind()
        a.bind(done)
    }

    /// `bl` into the unwind stub: the link register tells the unwinder where the
    /// exception was raised (it never returns there).
    mutating func callUnwind() {
        if unwindLabel == nil { unwindLabel = a.newLabel() }
        a.bl(unwindLabel!)
    }

    /// Where the unwinder resumes a frame whose try_table caught: sp, x23 and x22 are
    /// restored by the stub; memory registers are reloaded here. Returns its code offset.
    mutating func landingPad(usesMemory: Bool) -> Int {
        let at = a.offset
        if usesMemory { reloadMemoryView() }
        return at
    }

    /// The module's unwind and tail-call stubs (after all functions).
    ///
    ///     unwind:   (entered by `bl`: x30 = position, sp = the frame's sp)
    ///               x0 = RuntimeHelpers.unwind(vm, position, sp, x23)
    ///               x0 == 0: leave through the trap exit with x30 = position
    ///               else sp = handlerSP, x23 = handlerFP, x22 = [sp]; br x0
    ///     tailCallOther: (x1 = record, in the frame's body) callOther(vm, x1, x23, x22);
    ///               exceptions unwind from here; return.
    mutating func emitExceptionStubs() {
        if let label = tailCallOtherLabel {
            a.bind(label)
            mark("tail call to a host function or another tier")
            a.mov(.x0, ARM64Regs.vm)
            a.mov(.x2, ARM64Regs.fp)
            a.mov(.x3, ARM64Regs.instance)
            callHelper(.callOther)
            checkException()
            epilogue()
        }
        if let label = unwindLabel {
            if modulePendingLabel == nil { modulePendingLabel = a.newLabel() }
            a.bind(label)
            mark("exception unwind")
            a.mov(.x0, ARM64Regs.vm)
            a.mov(.x1, .x30)
            a.add(.x2, .sp, imm12: 0)
            a.mov(.x3, ARM64Regs.fp)
            // The position outlives the helper call on the stack (16 bytes: sp stays aligned).
            a.store(.x30, .preIndex(.sp, -16))
            callHelper(.unwind)
            a.load(.x30, .postIndex(.sp, 16))
            a.cbz(.x0, modulePendingLabel!)
            a.load(ARM64Regs.scratch, .vm(JITContext.handlerSPOffset))
            a.mov(.sp, ARM64Regs.scratch)
            a.load(ARM64Regs.fp, .vm(JITContext.handlerFPOffset))
            a.load(ARM64Regs.instance, .savedInstance)
            a.br(.x0)
        }
    }
}

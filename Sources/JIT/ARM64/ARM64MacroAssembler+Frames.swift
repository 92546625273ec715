import Assembler
import WasmCore
import WasmRuntime

// Polls, trap stubs, prologues and calls (the frame layout is drawn on `ARM64Frames`).
extension ARM64MacroAssembler {
    /// `ldr x16, [vm.poll]; ldr w17, [x16 + interrupt]; cbnz w17, slow` then, metering
    /// fuel, `ldr x17, [x16 + fuel]; subs x17, x17, #1; str x17, [x16 + fuel]; b.lo
    /// fuelOut`: as on x86-64, the fuel counter wraps to -1 when it was 0, which `fuelOut`
    /// puts back to 0 before leaving as `interrupted`.
    mutating func poll() {
        let poll = ARM64Regs.scratch, word = ARM64Regs.scratch2
        a.load(poll, .vm(JITContext.pollOffset))
        a.load(word, .offset(poll, Int(JITContext.pollInterrupt)), .ldrW)
        let slow = a.newLabel(), resume = a.newLabel()
        a.cbnz(word, slow, .b32)
        a.bind(resume)
        pollSlowPaths.append((slow, resume))
        guard countsFuel else { return }
        a.load(word, .offset(poll, Int(JITContext.pollFuel)))
        a.subs(word, word, imm12: 1)
        a.store(word, .offset(poll, Int(JITContext.pollFuel)))
        if fuelOutLabel == nil { fuelOutLabel = a.newLabel() }
        a.b(.lo, fuelOutLabel!)
    }

    /// Leaves through the trap exit when a helper reported a trap.
    mutating func checkHelperTrap() {
        if pendingTrapLabel == nil { pendingTrapLabel = a.newLabel() }
        a.load(ARM64Regs.scratch2, .vm(JITContext.trapOffset))
        a.cbnz(ARM64Regs.scratch2, pendingTrapLabel!)
    }

    /// Emits the stubs the current function's trap checks branch to: each `bl`s the
    /// module's stub for its reason, so the link register names a PC inside this function
    /// (the innermost frame of the backtrace). Then the function's float constants.
    mutating func emitFunctionTrapStubs() {
        for path in pollSlowPaths {
            a.bind(path.entry)
            if pollServiceLabel == nil { pollServiceLabel = a.newLabel() }
            a.bl(pollServiceLabel!)
            a.cbnz(.x0, trapLabel(.interrupted), .b32)
            a.load(ARM64Regs.scratch, .vm(JITContext.pollOffset))
            a.b(path.resume)
        }
        pollSlowPaths.removeAll()
        if let fuelOut = fuelOutLabel {
            a.bind(fuelOut)
            a.store(.zr, .offset(ARM64Regs.scratch, Int(JITContext.pollFuel)))
            a.b(trapLabel(.interrupted))
            fuelOutLabel = nil
        }
        emitTrapStubCalls()
        emitFloatConstants()
    }

    /// Caller-saved registers compiled code may hold values in at a poll: the poll
    /// service keeps them across its helper call, which may switch fibers.
    static let pollSavedGPRs: [ARM64Register] = [.x9, .x10, .x11, .x12, .x13, .x14, .x15, .x30]
    static let pollSavedFPRs: [ARM64FPRegister] = (16...31).map { ARM64FPRegister(UInt8($0)) }

    /// The module's poll service, called (`bl`) from a poll site whose word was nonzero;
    /// keeps every register a value may live in and answers w0 = 0 to go on, nonzero to
    /// stop as `interrupted`.
    mutating func emitPollService(_ label: Label) {
        a.bind(label)
        mark("poll service (yield or interrupt)")
        let gprs = Self.pollSavedGPRs, fprs = Self.pollSavedFPRs
        let frame = 16 + gprs.count * 8 + fprs.count * 8
        a.storePair(.x29, .x30, .preIndex(.sp, -frame))
        a.add(.x29, .sp, imm12: 0)
        for i in stride(from: 0, to: gprs.count, by: 2) { a.storePair(gprs[i], gprs[i + 1], .offset(.sp, 16 + i * 8)) }
        let fprBase = 16 + gprs.count * 8
        for i in stride(from: 0, to: fprs.count, by: 2) {
            a.storePair(fprs[i], fprs[i + 1], .offset(.sp, fprBase + i * 8), .d)
        }
        a.mov(.x0, ARM64Regs.vm)
        callHelper(.servicePoll)
        for i in stride(from: 0, to: fprs.count, by: 2) {
            a.loadPair(fprs[i], fprs[i + 1], .offset(.sp, fprBase + i * 8), .d)
        }
        for i in stride(from: 0, to: gprs.count, by: 2) { a.loadPair(gprs[i], gprs[i + 1], .offset(.sp, 16 + i * 8)) }
        a.loadPair(.x29, .x30, .postIndex(.sp, frame))
        a.ret()
    }

    /// Calls a runtime helper through the context's table (no address in the code; under
    /// emulation the table holds bridge entries).
    mutating func callHelper(_ slot: RuntimeHelpers.Slot) {
        a.load(ARM64Regs.scratch, .vm(JITContext.helpersOffset))
        note(UInt64(slot.rawValue * 8), slot.name)
        a.load(ARM64Regs.scratch, .offset(ARM64Regs.scratch, slot.rawValue * 8))
        a.blr(ARM64Regs.scratch)
    }

    // MARK: functions

    /// Stores the instance and the link register (the 16-byte frame), checks the native
    /// stack and the value stack (`frameBytes` patched in later by `patchFrameSize`), zeroes
    /// the locals. Returns the patch position.
    mutating func prologue(localsStart: Int32, localsEnd: Int32, usesMemory: Bool) -> Int {
        a.storePair(ARM64Regs.instance, .x30, .preIndex(.sp, -ARM64ABI.frameBytes))
        checkNativeStack()
        let patch = a.movPatchable32(ARM64Regs.scratch)
        a.add(ARM64Regs.scratch, ARM64Regs.fp, ARM64Regs.scratch)
        a.load(ARM64Regs.scratch2, .vm(JITContext.slotEndOffset))
        a.cmp(ARM64Regs.scratch, ARM64Regs.scratch2)
        trapIf(.hi, .callStackExhausted)
        let count = Int((localsEnd - localsStart) / 8)
        if count <= 8 {
            for i in 0 ..< count { storeSlot(localsStart + Int32(i * 8), register: .zr) }
        } else {
            a.add(ARM64Regs.scratch, ARM64Regs.fp, imm: Int64(localsStart), scratch: ARM64Regs.scratch3)
            a.mov(ARM64Regs.scratch2, imm: UInt64(count))
            let loop = a.newLabel()
            a.bind(loop)
            a.store(.zr, .postIndex(ARM64Regs.scratch, 8))
            a.subs(ARM64Regs.scratch2, ARM64Regs.scratch2, imm12: 1)
            a.b(.ne, loop)
        }
        if usesMemory { reloadMemoryView() }
        return patch
    }

    /// `sp < stackLimit` traps as call stack exhausted.
    private mutating func checkNativeStack() {
        a.load(ARM64Regs.scratch, .vm(JITContext.stackLimitOffset))
        a.cmp(.sp, ARM64Regs.scratch)
        trapIf(.lo, .callStackExhausted)
    }

    /// Rewrites the prologue's constant with the frame's size.
    mutating func patchFrameSize(at: Int, frameBytes: Int32) { a.patchConstant32(at: at, UInt32(bitPattern: frameBytes)) }

    mutating func epilogue() {
        a.loadPair(ARM64Regs.instance, .x30, .postIndex(.sp, ARM64ABI.frameBytes))
        a.ret()
    }

    /// Loads memory 0's view and base of the running instance (prologues, and after calls).
    mutating func reloadMemoryView() {
        loadView(0, into: ARM64Regs.memoryView)
        reloadMemory()
    }

    /// Moves the frame base by `delta` bytes (a callee's frame starts at an operand home).
    private mutating func moveFrameBase(by delta: Int32) {
        guard delta != 0 else { return }
        a.add(ARM64Regs.fp, ARM64Regs.fp, imm: Int64(delta), scratch: ARM64Regs.scratch3)
    }

    mutating func callDirect(_ label: Label, frameOffset: Int32, sameInstance: Bool) {
        moveFrameBase(by: frameOffset)
        a.bl(label)
        handlerTable.addCallSite(returnOffset: a.offset, frameOffset: frameOffset)
        // The callee may have tail-called a function of another instance, which returns
        // with its own instance in x22. Reloaded even for `sameInstance`: with the reload
        // skipped, 2 of 9 runs of the wasm-3.0 set under emulation faulted in array.wast
        // (none of 12 with it); not yet understood (Docs/Journal.md).
        a.load(ARM64Regs.instance, .savedInstance)
        moveFrameBase(by: -frameOffset)
    }

    mutating func callRecord(_ record: GPR, frameOffset: Int32, tierID: Int) {
        let slow = a.newLabel(), done = a.newLabel()
        let r = ARM64Regs.scratch, t = ARM64Regs.scratch2, u = ARM64Regs.scratch3
        a.mov(r, record)
        moveFrameBase(by: frameOffset)
        a.load(t, .offset(r, Int(RuntimeLayout.recordKind)), .ldrb)
        a.cbnz(t, slow, .b32)
        a.load(t, .offset(r, Int(RuntimeLayout.recordTierID)))
        a.load(u, .vm(JITContext.tierIDOffset))
        a.cmp(t, u)
        a.b(.ne, slow)
        a.load(ARM64Regs.instance, .offset(r, Int(RuntimeLayout.recordContext)))
        a.load(t, .offset(r, Int(RuntimeLayout.recordCode)))
        a.blr(t)
        handlerTable.addCallSite(returnOffset: a.offset, frameOffset: frameOffset)
        a.load(ARM64Regs.instance, .savedInstance)
        a.b(done)
        a.bind(slow)
        a.mov(.x0, ARM64Regs.vm)
        a.mov(.x1, r)
        a.mov(.x2, ARM64Regs.fp)
        a.mov(.x3, ARM64Regs.instance)
        callHelper(.callOther)
        if frameOffset != 0 {
            // The unwinder needs this frame's own base.
            moveFrameBase(by: -frameOffset)
            checkException()
            let after = a.newLabel()
            a.b(after)
            a.bind(done)
            moveFrameBase(by: -frameOffset)
            a.bind(after)
        } else {
            checkException()
            a.bind(done)
        }
    }

    /// The record `call_indirect` calls, checked inline as on x86-64: the index against the
    /// table's count, a null element, the callee's canonical type id (when `checksType`).
    /// `dst` may be `index`.
    mutating func callIndirectResolve(_ dst: GPR, table: Int, index: GPR, typeIndex: Int, checksType: Bool) {
        let storage = ARM64Regs.scratch, other = ARM64Regs.scratch2
        a.load(storage, .offset(ARM64Regs.instance, Int(RuntimeLayout.contextTables)))
        a.load(storage, base: storage, offset: Int64(table * 8), scratch: other)
        a.load(other, .offset(storage, Int(RuntimeLayout.tableCount)))
        a.cmp(index, other)
        trapIf(.hs, .undefinedElement)
        a.load(other, .offset(storage, Int(RuntimeLayout.tableElements)))
        a.load(dst, .indexed(other, index, .lsl, scaled: true))
        trapIfZero(dst, .uninitializedElement)
        guard checksType else { return }
        a.load(other, .offset(ARM64Regs.instance, Int(RuntimeLayout.contextTypeIDs)))
        a.load(other, base: other, offset: Int64(typeIndex * 8), scratch: storage)
        a.load(storage, .offset(dst, Int(RuntimeLayout.recordTypeID)))
        a.cmp(other, storage)
        trapIf(.ne, .indirectCallTypeMismatch)
    }

    mutating func callGeneric(_ op: Opcode, operandsSlot: Int32, imm1: UInt64, imm2: UInt64) {
        a.mov(.x0, ARM64Regs.vm)
        a.mov(.x1, ARM64Regs.instance)
        a.add(.x2, ARM64Regs.fp, imm: Int64(operandsSlot), scratch: ARM64Regs.scratch3)
        a.mov(.x3, imm: UInt64(op.rawValue))
        a.mov(.x4, imm: imm1)
        a.mov(.x5, imm: imm2)
        callHelper(.generic)
        checkHelperTrap()
    }

    mutating func interpreterShim(definedIndex: Int, importCount: Int, interpretedIndex: Int, tierID: Int) {
        a.storePair(ARM64Regs.instance, .x30, .preIndex(.sp, -ARM64ABI.frameBytes))
        // Interpreter runs reached through shims recurse natively: bound them like frames.
        checkNativeStack()
        a.mov(.x0, ARM64Regs.vm)
        a.load(.x1, .offset(ARM64Regs.instance, Int(RuntimeLayout.contextFunctions)))
        a.load(.x1, base: .x1, offset: Int64((importCount + definedIndex) * 8), scratch: ARM64Regs.scratch)
        a.mov(.x2, ARM64Regs.fp)
        a.mov(.x3, imm: UInt64(interpretedIndex))
        callHelper(.callInterpreted)
        checkException()
        // The interpreter handed back a tail call to a function of another tier: make it
        // in place of this frame (arguments are at slot 0 already).
        let done = a.newLabel()
        a.cbz(.x0, done)
        a.mov(.x1, .x0)
        tailCallRecord(.x1, tierID: tierID)
        a.bind(done)
        epilogue()
        emitFunctionTrapStubs()
    }

    /// Emits the module's trap stubs, the fault resume point and the trap exit (after all
    /// functions).
    mutating func emitTrapStubs() {
        moduleStubsOffset = a.offset
        let exit = a.newLabel()
        for reason in moduleTrapLabels.sortedReasons() {
            a.bind(moduleTrapLabels[reason]!)
            mark("trap stub: \(reason.message)")
            a.mov(.x0, imm: UInt64(reason.rawValue) + 1)
            a.b(exit)
        }
        emitExceptionStubs()
        if let service = pollServiceLabel { emitPollService(service) }
        if let pending = modulePendingLabel {
            a.bind(pending)
            mark("trap reported by a helper or callee")
            a.load(.x0, .vm(JITContext.trapOffset))
            a.b(exit)
        }
        // A fault at a trap site resumes here (guard, masked): sp is the faulting body's,
        // x0 the fault PC, x1 the reason + 1.
        faultResumeOffset = a.offset
        mark("fault resume")
        a.mov(.x30, .x0)
        a.mov(.x0, .x1)
        a.bind(exit)
        mark("trap exit")
        // x0 = reason + 1, x30 = a PC in the trapping function, sp its body's.
        a.store(.x30, .vm(JITContext.trapPCOffset))
        a.add(ARM64Regs.scratch, .sp, imm12: 0)
        a.store(ARM64Regs.scratch, .vm(JITContext.trapSPOffset))
        a.store(.x0, .vm(JITContext.trapOffset))
        // The frames below are still intact: capture them before leaving.
        a.mov(.x0, ARM64Regs.vm)
        callHelper(.captureBacktrace)
        a.load(.x0, .vm(JITContext.trapOffset))
        a.load(ARM64Regs.scratch, .vm(JITContext.entrySPOffset))
        a.mov(.sp, ARM64Regs.scratch)
        ARM64Frames.emitReturnToSwift(&a)
        exitLabel = exit
    }
}

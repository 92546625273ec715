import Assembler
import WasmRuntime
import WasmCore

/// Native frames of compiled x86-64 code, the entry trampoline and the trap exits.
///
/// ```
///  native stack (grows down)
///  +--------------------------+
///  | Swift caller             |
///  | return address           |  entry trampoline (X64Frames.emitTrampoline)
///  | rbx rbp r12 r13 r14 r15  |  callee-saved registers of the Swift caller
///  | padding (8)              |  <- JITContext.entrySP (16-byte aligned)
///  | return address           |  into the trampoline        \  frame of the outermost
///  | saved r14 (instance)     |  <- rsp in its body         /  Wasm function (16 bytes)
///  | return address           |  into the caller's body     \  frame of its callee
///  | saved r14                |  <- rsp in the callee body  /
///  | trap PC                  |  pushed by a trap stub's `call` (or by the fault resume)
///  +--------------------------+  >= JITContext.stackLimit, else callStackExhausted
/// ```
///
/// Every Wasm function's frame is exactly `frameBytes` (16) bytes and its body never
/// moves rsp, so a trap's frames are walked without frame pointers: from the body rsp of
/// the trapping function, each frame's return address names the caller's PC, up to
/// `entrySP`. This is the one layout the backtrace walker (`walk`) relies on.
///
/// A trap jumps to a stub at the end of its own function, which `call`s the module's stub
/// for the reason (so the trapping function's PC is on the stack); that stub loads
/// `reason + 1` into eax and goes to the trap exit, which records the trap PC and frame,
/// captures the backtrace (a Swift helper, in normal context), resets rsp to `entrySP`
/// and returns from the trampoline: no Swift frame is ever unwound (helpers report traps
/// by return, never by unwinding through compiled code).
enum X64Frames {
    static let savedRegisters: [X64Register] = [.rbx, .rbp, .r12, .r13, .r14, .r15]

    /// Size of a Wasm function's native frame: the saved instance and the return address.
    static let frameBytes = UInt(X64ABI.frameBytes + 8)
    /// Where a frame keeps its return address, from the body's rsp.
    static let returnAddressOffset = UInt(X64ABI.frameBytes)

    /// The PCs of the frames of a trap (`NativeFrames.walk` over this layout).
    static func walk(pc: UInt, sp: UInt, entrySP: UInt) -> (frames: [(pc: UInt, count: Int)], omitted: Int) {
        NativeFrames.walk(pc: pc, sp: sp, entrySP: entrySP, frameBytes: frameBytes, returnAddressOffset: returnAddressOffset)
    }

    /// `entry(context rdi, instance rsi, fp rdx, code rcx) -> trap code (0 = returned)`.
    /// Returns its call-frame rule changes (offset from its start, rule).
    static func emitTrampoline(_ a: inout X64Assembler) -> [(offset: Int, rule: CallFrameInfo.Rule)] {
        let changes = a.pushFrame(saving: savedRegisters, padding: 8)
        a.mov(X64Regs.vm, .rdi)
        a.mov(X64Regs.instance, .rsi)
        a.mov(X64Regs.fp, .rdx)
        a.store(X64Address.vm(JITContext.entrySPOffset), .rsp)
        a.call(.rcx)
        a.xor(.rax, .rax, .b32)
        emitReturnToSwift(&a)
        return changes
    }

    /// The common tail of the trampoline and the trap exit (rsp == entrySP).
    static func emitReturnToSwift(_ a: inout X64Assembler) {
        a.add(.rsp, imm: 8)
        for r in savedRegisters.reversed() { a.pop(r) }
        a.ret()
    }
}

extension X64MacroAssembler {
    mutating func trap(_ reason: TrapReason) { a.jmp(trapLabel(reason)) }
    mutating func trapIf(_ cond: Condition, _ reason: TrapReason) { a.j(cond, trapLabel(reason)) }
    mutating func jump(_ label: Label) { a.jmp(label) }
    mutating func branch(_ cond: Condition, _ label: Label) { a.j(cond, label) }

    mutating func jumpTable(index: GPR, targets: [Label], defaultTarget: Label) {
        a.cmp(index, imm: Int32(truncatingIfNeeded: targets.count), .b32)
        a.j(.aboveOrEqual, defaultTarget)
        let table = a.newLabel()
        a.lea(X64Regs.scratch, X64Memory(label: table))
        a.loadSigned(X64Regs.scratch2, mem(X64Regs.scratch, index, scale: 4), .b32, to64: true)
        a.add(X64Regs.scratch, X64Regs.scratch2)
        a.jmp(X64Regs.scratch)
        a.align(4)
        a.bind(table)
        for t in targets { a.emitLabelDifference(t, from: table) }
    }

    /// `mov rax, [vm.poll]; cmp dword [rax + 8], 0; jne slow; sub qword [rax], 1;
    /// jb fuelOut`: two predicted branches and no call on the fast path. The poll word is
    /// only read here (other threads and the scheduler write it); the fuel word is only
    /// written by the thread running the store. `fuelOut` puts the counter back to 0 (the
    /// subtraction wrapped it) before leaving as `interrupted`, as the interpreter does.
    /// The out-of-line `slow` path (see `emitFunctionTrapStubs`) serves a yield request
    /// and comes back, or leaves as `interrupted`.
    mutating func poll() {
        a.load(X64Regs.scratch, X64Address.vm(JITContext.pollOffset))
        a.alu(.cmp, mem(X64Regs.scratch, JITContext.pollInterrupt), imm: 0, .b32)
        let slow = a.newLabel(), resume = a.newLabel()
        a.j(.notEqual, slow)
        a.bind(resume)
        pollSlowPaths.append((slow, resume))
        guard countsFuel else { return }
        a.alu(.sub, mem(X64Regs.scratch, JITContext.pollFuel), imm: 1)
        if fuelOutLabel == nil { fuelOutLabel = a.newLabel() }
        a.j(.below, fuelOutLabel!)
    }

    /// Leaves through the trap exit when a helper reported a trap.
    mutating func checkHelperTrap() {
        if pendingTrapLabel == nil { pendingTrapLabel = a.newLabel() }
        a.load(X64Regs.scratch2, X64Address.vm(JITContext.trapOffset))
        a.test(X64Regs.scratch2, X64Regs.scratch2)
        a.j(.notEqual, pendingTrapLabel!)
    }

    /// Emits the stubs the current function's trap checks jump to: each `call`s the
    /// module's stub for its reason, so the return address it pushes is a PC inside this
    /// function (the innermost frame of the backtrace).
    mutating func emitFunctionTrapStubs() {
        // Poll word set: `call` the module's poll service (the return address names this
        // function in a backtrace), which keeps every register but rax and answers in eax.
        for path in pollSlowPaths {
            a.bind(path.entry)
            if pollServiceLabel == nil { pollServiceLabel = a.newLabel() }
            a.call(pollServiceLabel!)
            a.test(.rax, .rax, .b32)
            trapIf(.notEqual, .interrupted)
            a.load(X64Regs.scratch, X64Address.vm(JITContext.pollOffset))
            a.jmp(path.resume)
        }
        pollSlowPaths.removeAll()
        if let fuelOut = fuelOutLabel {
            // Fuel ran out (`poll`'s subtraction borrowed): rax still points at the poll
            // words; leave fuel at 0, not -1, and stop as interrupted.
            a.bind(fuelOut)
            a.store(mem(X64Regs.scratch, JITContext.pollFuel), imm: 0)
            a.jmp(trapLabel(.interrupted))
            fuelOutLabel = nil
        }
        emitTrapStubCalls()
        if !floatConstants.isEmpty {
            // 8 bytes each (f32 constants use the low 4), aligned for the loads.
            a.align(8)
            for c in floatConstants.sortedByBits() {
                a.bind(c.label)
                a.emit64(c.bits)
            }
            floatConstants.removeAll()
        }
    }

    /// The module's poll service, called from a poll site whose word was nonzero. Values
    /// may live in any allocatable register there (locals, loop parameters), and the
    /// helper may switch fibers, so every caller-saved register but rax is kept:
    ///
    /// ```
    ///  rbp+8   return into the function      rsp (16-aligned):
    ///  rbp     saved rbp                        +0   rcx rdx rsi rdi r8 r9 r10 r11
    ///                                           +64  xmm1 ... xmm15 (16 bytes each)
    /// ```
    /// Returns eax = 0 to go on, nonzero to stop as `interrupted`.
    mutating func emitPollService(_ label: Label) {
        a.bind(label)
        mark("poll service (yield or interrupt)")
        let gprs: [X64Register] = [.rcx, .rdx, .rsi, .rdi, .r8, .r9, .r10, .r11]
        let saveBytes = Int32(gprs.count * 8 + 15 * 16)
        a.push(.rbp)
        a.mov(.rbp, .rsp)
        a.sub(.rsp, imm: saveBytes)
        a.alu(.and, .rsp, imm: -16, .b64)
        for (i, r) in gprs.enumerated() { a.store(mem(.rsp, Int32(i * 8)), r) }
        for i in 1...15 { a.storeVector(mem(.rsp, Int32(gprs.count * 8 + (i - 1) * 16)), XMMRegister(UInt8(i))) }
        a.mov(.rdi, X64Regs.vm)
        callHelper(.servicePoll)
        for i in 1...15 { a.loadVector(XMMRegister(UInt8(i)), mem(.rsp, Int32(gprs.count * 8 + (i - 1) * 16))) }
        for (i, r) in gprs.enumerated() { a.load(r, mem(.rsp, Int32(i * 8))) }
        a.mov(.rsp, .rbp)
        a.pop(.rbp)
        a.ret()
    }

    /// Calls a runtime helper through the context's table (no address in the code).
    mutating func callHelper(_ slot: RuntimeHelpers.Slot) {
        a.load(X64Regs.scratch, X64Address.vm(JITContext.helpersOffset))
        note(UInt64(slot.rawValue * 8), slot.name)
        a.call(mem(X64Regs.scratch, Int32(slot.rawValue * 8)))
    }

    // MARK: functions

    mutating func prologue(localsStart: Int32, localsEnd: Int32, usesMemory: Bool) -> Int {
        a.push(X64Regs.instance)
        a.cmp(.rsp, X64Address.vm(JITContext.stackLimitOffset))
        trapIf(.below, .callStackExhausted)
        a.lea(X64Regs.scratch, mem(X64Regs.fp, 0x10000))
        let patch = a.offset - 4
        a.cmp(X64Regs.scratch, X64Address.vm(JITContext.slotEndOffset))
        trapIf(.above, .callStackExhausted)
        let count = Int((localsEnd - localsStart) / 8)
        if count <= 8 {
            for i in 0..<count { a.store(X64Address.slot(localsStart + Int32(i * 8)), imm: 0) }
        } else {
            a.lea(X64Regs.scratch, X64Address.slot(localsStart))
            a.mov(X64Regs.scratch2, imm: UInt64(count))
            let loop = a.newLabel()
            a.bind(loop)
            a.store(mem(X64Regs.scratch), imm: 0)
            a.add(X64Regs.scratch, imm: 8)
            a.sub(X64Regs.scratch2, imm: 1)
            a.j(.notEqual, loop)
        }
        if usesMemory { reloadMemoryView() }
        return patch
    }

    mutating func patchFrameSize(at: Int, frameBytes: Int32) { a.patch32(at: at, frameBytes) }

    mutating func epilogue() {
        a.pop(X64Regs.instance)
        a.ret()
    }

    /// Loads memory 0's view and base of the running instance (prologues, and after calls:
    /// a callee in another instance, or one that tail-called into one, leaves its own).
    mutating func reloadMemoryView() {
        if keepsMemoryView { _ = loadView(0, into: X64Regs.memoryView) }
        reloadMemory()
    }

    mutating func callDirect(_ label: Label, frameOffset: Int32, sameInstance: Bool) {
        if frameOffset != 0 { a.lea(X64Regs.fp, X64Address.slot(frameOffset)) }
        a.call(label)
        handlerTable.addCallSite(returnOffset: a.offset, frameOffset: frameOffset)
        // Unless the module has none, the callee may have tail-called a function of another
        // instance, which returns with its own instance in r14.
        if !sameInstance { a.load(X64Regs.instance, X64Address.savedInstance) }
        if frameOffset != 0 { a.lea(X64Regs.fp, X64Address.slot(-frameOffset)) }
    }

    mutating func callRecord(_ record: GPR, frameOffset: Int32, tierID: Int) {
        let slow = a.newLabel(), done = a.newLabel()
        a.mov(X64Regs.scratch, record)
        if frameOffset != 0 { a.lea(X64Regs.fp, X64Address.slot(frameOffset)) }
        a.load(X64Regs.scratch2, mem(X64Regs.scratch, RuntimeLayout.recordKind), .b8)
        a.test(X64Regs.scratch2, X64Regs.scratch2, .b32)
        a.j(.notEqual, slow)
        a.load(X64Regs.scratch2, mem(X64Regs.scratch, RuntimeLayout.recordTierID))
        a.cmp(X64Regs.scratch2, X64Address.vm(JITContext.tierIDOffset))
        a.j(.notEqual, slow)
        a.load(X64Regs.instance, mem(X64Regs.scratch, RuntimeLayout.recordContext))
        a.call(mem(X64Regs.scratch, RuntimeLayout.recordCode))
        handlerTable.addCallSite(returnOffset: a.offset, frameOffset: frameOffset)
        a.load(X64Regs.instance, X64Address.savedInstance)
        a.jmp(done)
        a.bind(slow)
        a.mov(.rdi, X64Regs.vm)
        a.mov(.rsi, X64Regs.scratch)
        a.mov(.rdx, X64Regs.fp)
        a.mov(.rcx, X64Regs.instance)
        callHelper(.callOther)
        if frameOffset != 0 {
            // The unwinder needs this frame's own base.
            a.lea(X64Regs.fp, X64Address.slot(-frameOffset))
            checkException()
            let after = a.newLabel()
            a.jmp(after)
            a.bind(done)
            a.lea(X64Regs.fp, X64Address.slot(-frameOffset))
            a.bind(after)
        } else {
            checkException()
            a.bind(done)
        }
    }

    /// The record `call_indirect` calls, checked inline: the index against the table's
    /// count (as a u64, so table64 indices need nothing more), a null element, the
    /// callee's canonical type id against the one of `typeIndex` (when `checksType`); each
    /// failure a trap. `dst` may be `index`.
    mutating func callIndirectResolve(_ dst: GPR, table: Int, index: GPR, typeIndex: Int, checksType: Bool) {
        let storage = X64Regs.scratch, other = X64Regs.scratch2
        a.load(storage, mem(X64Regs.instance, RuntimeLayout.contextTables))
        a.load(storage, mem(storage, Int32(table * 8)))
        a.cmp(index, mem(storage, RuntimeLayout.tableCount))
        trapIf(.aboveOrEqual, .undefinedElement)
        a.load(other, mem(storage, RuntimeLayout.tableElements))
        a.load(dst, mem(other, index, scale: 8))
        a.test(dst, dst)
        trapIf(.equal, .uninitializedElement)
        guard checksType else { return }
        a.load(other, mem(X64Regs.instance, RuntimeLayout.contextTypeIDs))
        a.load(other, mem(other, Int32(typeIndex * 8)))
        a.cmp(other, mem(dst, RuntimeLayout.recordTypeID))
        trapIf(.notEqual, .indirectCallTypeMismatch)
    }

    mutating func callGeneric(_ op: Opcode, operandsSlot: Int32, imm1: UInt64, imm2: UInt64) {
        a.mov(.rdi, X64Regs.vm)
        a.mov(.rsi, X64Regs.instance)
        a.lea(.rdx, X64Address.slot(operandsSlot))
        a.mov(.rcx, imm: UInt64(op.rawValue))
        a.mov(.r8, imm: imm1)
        a.mov(.r9, imm: imm2)
        callHelper(.generic)
        checkHelperTrap()
    }

    mutating func interpreterShim(definedIndex: Int, importCount: Int, interpretedIndex: Int, tierID: Int) {
        a.push(X64Regs.instance)
        // Interpreter runs reached through shims recurse natively: bound them like frames.
        a.cmp(.rsp, X64Address.vm(JITContext.stackLimitOffset))
        trapIf(.below, .callStackExhausted)
        a.mov(.rdi, X64Regs.vm)
        a.load(.rsi, mem(X64Regs.instance, RuntimeLayout.contextFunctions))
        a.load(.rsi, mem(.rsi, Int32((importCount + definedIndex) * 8)))
        a.mov(.rdx, X64Regs.fp)
        a.mov(.rcx, imm: UInt64(interpretedIndex))
        callHelper(.callInterpreted)
        checkException()
        // The interpreter handed back a tail call to a function of another tier: make it
        // in place of this frame (arguments are at slot 0 already).
        let done = a.newLabel()
        a.test(.rax, .rax)
        a.j(.equal, done)
        a.mov(.rsi, .rax)
        tailCallRecord(.rsi, tierID: tierID)
        a.bind(done)
        epilogue()
        emitFunctionTrapStubs()
    }

    /// Emits the module's trap stubs, the fault resume point and the trap exit (after
    /// all functions).
    mutating func emitTrapStubs() {
        moduleStubsOffset = a.offset
        let exit = a.newLabel()
        for reason in moduleTrapLabels.sortedReasons() {
            a.bind(moduleTrapLabels[reason]!)
            mark("trap stub: \(reason.message)")
            a.mov(.rax, imm: UInt64(reason.rawValue) + 1)
            a.jmp(exit)
        }
        emitExceptionStubs()
        if let service = pollServiceLabel { emitPollService(service) }
        if let pending = modulePendingLabel {
            a.bind(pending)
            mark("trap reported by a helper or callee")
            a.load(.rax, X64Address.vm(JITContext.trapOffset))
            a.jmp(exit)
        }
        // TrapGuard resumes a fault at a trap site here (guard, masked): rsp is the
        // faulting body's, rdi the fault PC, rsi the reason + 1.
        faultResumeOffset = a.offset
        mark("fault resume (TrapGuard)")
        a.mov(.rax, .rsi)
        a.push(.rdi)
        a.bind(exit)
        mark("trap exit")
        a.pop(X64Regs.scratch2)
        a.store(X64Address.vm(JITContext.trapPCOffset), X64Regs.scratch2)
        a.store(X64Address.vm(JITContext.trapSPOffset), .rsp)
        a.store(X64Address.vm(JITContext.trapOffset), .rax)
        // The frames below are still intact: capture them before leaving.
        a.alu(.and, .rsp, imm: -16, .b64)
        a.mov(.rdi, X64Regs.vm)
        callHelper(.captureBacktrace)
        a.load(.rax, X64Address.vm(JITContext.trapOffset))
        a.load(.rsp, X64Address.vm(JITContext.entrySPOffset))
        X64Frames.emitReturnToSwift(&a)
        exitLabel = exit
    }
}

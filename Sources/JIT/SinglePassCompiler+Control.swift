import WasmCore
import WasmDecoder
import WasmValidator

// Blocks, branches, calls and returns. Every label is reached with all values in their
// home slots (spilled), so a branch only copies the carried values to the target heights.
extension SinglePassCompiler {
    /// Copies the top `arity` values (already home) to the heights of `target`: upwards
    /// from its base, whose values below are the same as here (sources lie at or above
    /// their destinations, so ascending copies never overwrite one not yet read).
    mutating func moveBranchValues(to target: Target) {
        let from = stack.count - target.branchArity
        guard from != target.baseHeight else { return }
        copyValues(from: from, count: target.branchArity, to: home(target.baseHeight))
    }

    /// Copies the `count` values from height `from` (all home) to consecutive slots from
    /// `dst` up, each by its width. The destinations lie at or below the sources, so
    /// ascending copies never overwrite one not yet read.
    mutating func copyValues(from: Int, count: Int, to dst: Int32) {
        var dst = dst
        for i in 0..<count {
            let v = stack[from + i]
            copyValue(v.kind, to: dst, from: v.slot)
            dst += Self.width(v.kind)
        }
    }

    /// Copies a value between homes, locals or result slots (a v128 as two slots, lowest
    /// first).
    mutating func copyValue(_ kind: Kind, to dst: Int32, from src: Int32) {
        if kind == .v128 { masm.copyVectorSlot(dst, from: src) } else { masm.copySlot(dst, from: src) }
    }

    /// Whether a branch to `target` needs code before its jump: value copies, or the moves
    /// out of a re-pinned loop.
    @inline(__always)
    func needsMoves(_ target: Target) -> Bool {
        target.leavesLoop || movesValues(target)
    }

    /// Whether a branch to `target` copies the values it carries.
    @inline(__always)
    func movesValues(_ target: Target) -> Bool {
        target.branchArity > 0 && stack.count - target.branchArity != target.baseHeight
    }

    /// What a branch needs of its target (copying the whole `Control` would retain its lists).
    struct Target {
        var label: M.Label
        var baseHeight: Int
        var branchArity: Int
        /// The label is outside the re-pinned loop (SinglePassCompiler+LoopPins).
        var leavesLoop = false
    }

    mutating func target(_ depth: UInt32) -> Target {
        let index = controls.count - 1 - Int(depth)
        if index == 0 { functionLabelUsed = true }
        return Target(label: controls[index].label, baseHeight: controls[index].baseHeight,
                      branchArity: controls[index].branchArity,
                      leavesLoop: repinnedLoop.map { index < $0 } ?? false)
    }

    /// The code a branch runs before jumping to `target`: copies of the carried values and
    /// the moves out of a re-pinned loop.
    mutating func prepareBranch(to target: Target) {
        moveBranchValues(to: target)
        if target.leavesLoop { emitSwapMoves(leaving: true) }
    }

    /// Pops a branch condition; returns the machine condition under which it is true.
    mutating func popCondition() -> M.Condition {
        let v = stack.last!
        if case .cond(let c) = v.location {
            stack.removeLast()
            return c
        }
        let (r, owned) = popGPRForRead()
        let zero = masm.testZero(r, is64: false)
        if owned { freeGPRs.append(r) }
        return masm.invert(zero)
    }

    /// Pushes the parameter and result kinds of a block type on `controlKinds` (for the
    /// control about to be opened; no arrays per block).
    mutating func pushBlockKinds(_ type: FunctionType) -> BlockKinds {
        let start = controlKinds.count
        for t in type.parameters { controlKinds.append(Self.kind(t)) }
        for t in type.results { controlKinds.append(Self.kind(t)) }
        return BlockKinds(start: start, params: type.parameters.count, results: type.results.count)
    }

    /// Pops a closed control's kinds.
    mutating func popBlockKinds(_ kinds: BlockKinds) {
        while controlKinds.count > kinds.start { controlKinds.removeLast() }
    }

    /// Pushes a control's results, in their homes.
    mutating func pushResults(_ c: Control) {
        let first = c.kinds.start + c.kinds.params
        for i in 0..<c.kinds.results { push(.home, controlKinds[first + i]) }
    }

    /// A block, loop, if or try_table met in unreachable code: no code, only a control entry
    /// so that its `end` (and `else`) pair up; nothing branches to its label.
    mutating func openDeadControl(_ kind: LabelInfo.Kind, kinds: BlockKinds) {
        controls.append(Control(kind: kind, label: masm.newLabel(), elseLabel: nil, baseHeight: 0,
                                branchArity: 0, kinds: kinds, dead: true))
    }

    mutating func compileControl(_ instruction: Instruction, context: Facts) throws(Unsupported) {
        switch instruction.opcode {
        case .tryTable:
            try compileTryTable(instruction, context: context)
        case .block, .loop:
            if instruction.opcode == .loop { loopsSeen += 1 }
            let type = context.resolve(instruction.blockType)
            let kinds = pushBlockKinds(type)
            if context.isUnreachable {
                openDeadControl(.block, kinds: kinds)
                return
            }
            spillAll()
            let label = masm.newLabel()
            let isLoop = instruction.opcode == .loop
            if isLoop {
                enterLoopPins()
                // Polling at the header covers every back edge (and the entry).
                masm.bind(label)
                masm.poll()
            }
            controls.append(Control(kind: isLoop ? .loop : .block, label: label, elseLabel: nil,
                                    baseHeight: stack.count - kinds.params,
                                    branchArity: isLoop ? kinds.params : kinds.results, kinds: kinds, dead: false))
        case .if:
            let type = context.resolve(instruction.blockType)
            let kinds = pushBlockKinds(type)
            if context.isUnreachable {
                openDeadControl(.if, kinds: kinds)
                return
            }
            let cond = popCondition()
            spillAll()
            // The then branch consumes the parameters in their homes: the else branch
            // gets copies kept in save slots above the operand homes.
            let base = stack.count - kinds.params
            let firstSaved: Int? = kinds.params > 0 ? saveSlotCount : nil
            for i in 0..<kinds.params {
                let v = stack[base + i]
                var half: Int32 = 0
                while half < Self.width(v.kind) {
                    savePatches.append((masm.saveSlot(from: v.slot + half), saveSlotCount))
                    saveSlotCount += 1
                    half += 8
                }
            }
            let elseLabel = masm.newLabel()
            masm.branch(masm.invert(cond), elseLabel)
            controls.append(Control(kind: .if, label: masm.newLabel(), elseLabel: elseLabel, baseHeight: base,
                                    branchArity: kinds.results, kinds: kinds, dead: false, firstSaved: firstSaved))
        case .else:
            var c = controls.removeLast()
            if c.dead {
                controls.append(c)
                return
            }
            if !context.isUnreachable {
                spillAll()
                masm.jump(c.label)
            }
            releaseAbove(c.baseHeight)
            if let e = c.elseLabel { masm.bind(e) }
            restoreParameters(c)
            c.elseLabel = nil
            c.kind = .else
            controls.append(c)
        case .end:
            let c = controls.removeLast()
            if c.dead {
                popBlockKinds(c.kinds)
                return
            }
            if let region = c.region { masm.handlerTable.close(region, end: masm.offset) }
            if c.kind == .function {
                // Falling off the end returns straight from registers; branches to the
                // function's label arrive with the results home and return from there.
                if !context.isUnreachable { emitReturn() }
                releaseAbove(0)
                masm.bind(c.label)
                if functionLabelUsed {
                    pushResults(c)
                    emitReturn()
                }
                popBlockKinds(c.kinds)
                return
            }
            if !context.isUnreachable { spillAll() }
            releaseAbove(c.baseHeight)
            if repinnedLoop == controls.count { leaveLoopPins(reachable: !context.isUnreachable) }
            if let e = c.elseLabel {
                if c.firstSaved != nil {
                    // No else: the parameters flow through as results on the false path.
                    if !context.isUnreachable { masm.jump(c.label) }
                    masm.bind(e)
                    restoreParameters(c)
                    releaseAbove(c.baseHeight)
                } else {
                    masm.bind(e)
                }
            }
            if c.kind != .loop { masm.bind(c.label) }
            pushResults(c)
            popBlockKinds(c.kinds)
        case .br:
            spillAll()
            let t = target(instruction.index)
            prepareBranch(to: t)
            masm.jump(t.label)
        case .brIf:
            let cond = popCondition()
            spillAll()
            branch(on: cond, to: target(instruction.index))
        case .brTable:
            let index = popGPR()
            spillAll()
            var labels: [M.Label] = []
            var stubs: [(M.Label, Target)] = []
            for depth in instruction.labels {
                let t = target(depth)
                if needsMoves(t) {
                    let stub = masm.newLabel()
                    stubs.append((stub, t))
                    labels.append(stub)
                } else {
                    labels.append(t.label)
                }
            }
            let defaultTarget = labels.removeLast()
            masm.jumpTable(index: index, targets: labels, defaultTarget: defaultTarget)
            freeGPRs.append(index)
            for (stub, t) in stubs {
                masm.bind(stub)
                prepareBranch(to: t)
                masm.jump(t.label)
            }
        case .return:
            emitReturn()
        case .call:
            let index = Int(instruction.index)
            let type = functionType(index)
            spillAll()
            savePinnedLocals()
            let frameOffset = home(stack.count - type.parameters.count)
            let sameInstance = index >= importCount && tailCallsKeepInstance
            if index < importCount {
                let r = allocGPR()
                masm.loadFunctionRecord(r, index: index)
                masm.callRecord(r, frameOffset: frameOffset, tierID: tierID)
                freeGPRs.append(r)
            } else {
                masm.callDirect(entryLabels[index - importCount], frameOffset: frameOffset, sameInstance: sameInstance)
            }
            finishCall(type, sameInstance: sameInstance)
        case .callIndirect:
            let typeIndex = Int(instruction.index)
            let type = types[typeIndex]
            let index = popGPR()
            spillAll()
            savePinnedLocals()
            let frameOffset = home(stack.count - type.parameters.count)
            resolveIndirectCallee(index, table: Int(instruction.index2), typeIndex: typeIndex)
            masm.callRecord(index, frameOffset: frameOffset, tierID: tierID)
            freeGPRs.append(index)
            finishCall(type)
        default:
            throw Unsupported(what: instruction.opcode.name)
        }
    }

    /// Copies an `if`'s saved parameters back to their homes (else branch).
    mutating func restoreParameters(_ c: Control) {
        guard var saved = c.firstSaved else { return }
        for i in 0..<c.kinds.params {
            let kind = controlKinds[c.kinds.start + i]
            push(.home, kind)
            var half: Int32 = 0
            while half < Self.width(kind) {
                savePatches.append((masm.restoreSlot(to: stack[stack.count - 1].slot + half), saved))
                saved += 1
                half += 8
            }
        }
    }

    /// After a call: the memory registers are reloaded unless the callee is of this instance
    /// (`sameInstance`) and memory 0 cannot have moved; the pinned locals are.
    mutating func finishCall(_ type: FunctionType, sameInstance: Bool = false) {
        if hasMemory && !(sameInstance && masm.memoryBaseIsFixed) { masm.reloadMemoryView() }
        restorePinnedLocals()
        stack.removeLast(type.parameters.count)
        for t in type.results { push(.home, Self.kind(t)) }
    }

    /// Forgets the values above `height` (their registers become free); the stack below
    /// is all home at merges.
    mutating func releaseAbove(_ height: Int) {
        while stack.count > height { release(stack.removeLast()) }
    }

    /// Moves the results to slots 0... (straight from registers and constants) and returns.
    mutating func emitReturn() {
        let n = resultKinds.count
        let from = stack.count - n
        // The results go to slots 0... over the locals: a later result still reading a
        // local below the results' end would see it overwritten, so such results go home
        // first. (Homes lie above their destinations: ascending copies are safe.)
        var resultsEnd: Int32 = 0
        for i in 0..<n { resultsEnd += Self.width(stack[from + i].kind) }
        var hazard = false
        var dst: Int32 = 0
        for i in 0..<n {
            if case .local(let x) = stack[from + i].location, !isPinned(x), localSlot(x) < resultsEnd,
               localSlot(x) != dst {
                hazard = true
            }
            dst += Self.width(stack[from + i].kind)
        }
        if hazard { spillAll() }
        dst = 0
        for i in 0..<n {
            let v = stack[from + i]
            defer { dst += Self.width(v.kind) }
            switch v.location {
            case .home: if v.slot != dst { copyValue(v.kind, to: dst, from: v.slot) }
            case .local(let x):
                if isPinned(x) {
                    storePinned(Int(x), to: dst)
                } else if localSlot(x) != dst {
                    masm.copySlot(dst, from: localSlot(x))
                }
            case .const(let bits): masm.storeSlot(dst, .imm(Int64(bitPattern: bits)))
            case .gpr(let r): masm.storeSlot(dst, .reg(r))
            case .fpr(let f): storeFPR(f, kind: v.kind, to: dst)
            case .cond(let c):
                let r = allocGPR()
                masm.setCondition(r, c)
                masm.storeSlot(dst, .reg(r))
                freeGPRs.append(r)
            }
        }
        mark(.epilogue)
        masm.epilogue()
    }
}

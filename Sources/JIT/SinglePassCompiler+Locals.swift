import WasmCore
import WasmDecoder

// Locals kept in registers. Before compiling a function, one pass over its raw bytes
// weighs each local by its uses (x4 per enclosing loop) and each call the same way; the
// heaviest locals get the macro assembler's `localGPRs`/`localFPRs` for the whole
// function. A pinned local's register is its only up-to-date home, at every label, so
// merges need no moves. Every allocatable register is caller-saved, so around calls
// (Wasm, helpers, host) the written pinned locals are stored to their slots and all
// pinned locals are reloaded afterwards; a local is pinned only when its weighted uses
// are more than twice that cost.
//
//   slot of local i      register (pinned)       who reads it
//   [fp + localSlot(i)]  localGPR[i] / FPR[i]    compiled code: the register only;
//                                                 the slot is current only across calls
extension SinglePassCompiler {
    /// Counts uses in one pass over the body's raw bytes (`LocalUseScanner`) into
    /// `localUse`; false when the body cannot be followed (nothing is pinned then and the
    /// entry polls; the validator reports the error).
    mutating func scanLocals(code: Range<Int>) -> Bool {
        if !isKnownUniquelyReferenced(&localUse) { localUse = LocalUseTable() }
        let use = localUse
        use.reset(count: localCount)
        guard let calls = LocalUseScanner.scan(moduleBytes, code, weight: use.weights, written: use.writtenFlags,
                                               loops: use.loops, innermost: use.innermost,
                                               inlinedSIMD: inlinedSIMD) else {
            use.callsOutsideLoops = true
            return false
        }
        use.callWeight = calls.callWeight
        use.callsOutsideLoops = calls.callsOutsideLoops
        return true
    }

    /// Whether `pinLocals` keeps locals in registers (a switch for comparing code).
    static var pinsLocals: Bool { true }

    /// Forgets the previous function's pinned locals. `localGPR`/`localFPR` only grow: they
    /// are nil everywhere but at the pinned locals, so clearing those resets them.
    mutating func unpinLocals() {
        for i in pinnedAll {
            localGPR[i] = nil
            localFPR[i] = nil
        }
        pinnedAll.removeAll(keepingCapacity: true)
        pinnedWritten.removeAll(keepingCapacity: true)
        pinsOverflowed = false
        functionRepinnedLoops = 0
        nextInnermost = 0
        loopsSeen = 0
        repinnedLoop = nil
        loopSwaps.removeAll(keepingCapacity: true)
        loopExitStubs.removeAll(keepingCapacity: true)
    }

    /// Picks the pinned locals and loads them (after the prologue zeroed declared locals);
    /// `scanned` is `scanLocals`' result.
    mutating func pinLocals(scanned: Bool) {
        if localGPR.count < localCount {
            localGPR.append(contentsOf: repeatElement(nil, count: localCount - localGPR.count))
            localFPR.append(contentsOf: repeatElement(nil, count: localCount - localFPR.count))
        }
        guard Self.pinsLocals, scanned, localCount > 0 else { return }
        let use = localUse
        let callWeight = use.callWeight
        // Heaviest first; the walk below stops at the first local too light for its cost
        // (at least 2 and more than one reload per call), and every local after it is no
        // heavier, so only the locals above that bound need ordering.
        let candidates = use.orderCandidates(minimum: max(2, callWeight + 1))
        var nextGPR = 0, nextFPR = 0
        for k in 0 ..< candidates {
            let i = use.order[k]
            // A use in a register saves about one instruction (a load, a store or a copy),
            // a call costs one reload (and one store when the local is written).
            let cost = callWeight * (use.written[i] ? 2 : 1)
            guard use.weight[i] >= 2, use.weight[i] > cost else { break }
            if localKinds[i] == .v128 { continue }  // a v128 lives in its slots only
            let isFloat = localKinds[i] == .f32 || localKinds[i] == .f64
            if isFloat {
                guard nextFPR < M.localFPRs.count else {
                    pinsOverflowed = true
                    continue
                }
                let f = M.localFPRs[nextFPR]
                nextFPR += 1
                localFPR[i] = f
                masm.loadFloat(f, slot: localSlot(UInt32(i)), isF64: localKinds[i] == .f64)
                freeFPRs.removeAll { $0 == f }
            } else {
                guard nextGPR < masm.localGPRs.count else {
                    pinsOverflowed = true
                    continue
                }
                let r = masm.localGPRs[nextGPR]
                nextGPR += 1
                localGPR[i] = r
                masm.move(r, .slot(localSlot(UInt32(i))), is64: localKinds[i] == .i64)
                freeGPRs.removeAll { $0 == r }
            }
            pinnedAll.append(i)
            if use.written[i] { pinnedWritten.append(i) }
        }
    }

    /// Stores the pinned locals that may have changed to their slots (before a call).
    mutating func savePinnedLocals() {
        for i in pinnedWritten { storePinned(i, to: localSlot(UInt32(i))) }
    }

    /// Reloads every pinned local from its slot (after a call clobbered the registers).
    mutating func restorePinnedLocals() {
        for i in pinnedAll { loadLocal(i, gpr: localGPR[i], fpr: localFPR[i]) }
    }

    /// Stores pinned local `i` into `slot` (its own slot, a home, a result slot).
    mutating func storePinned(_ i: Int, to slot: Int32) {
        storeLocal(i, gpr: localGPR[i], fpr: localFPR[i], to: slot)
    }

    /// Loads local `i` from its slot into the register that holds it pinned (`gpr` or
    /// `fpr`; a loop's swap names its register before the local is mapped to it).
    mutating func loadLocal(_ i: Int, gpr: M.GPR?, fpr: M.FPR?) {
        if let r = gpr {
            masm.move(r, .slot(localSlot(UInt32(i))), is64: localKinds[i] == .i64)
        } else if let f = fpr {
            masm.loadFloat(f, slot: localSlot(UInt32(i)), isF64: localKinds[i] == .f64)
        }
    }

    /// Stores local `i` from the register that holds it pinned into `slot`.
    mutating func storeLocal(_ i: Int, gpr: M.GPR?, fpr: M.FPR?, to slot: Int32) {
        if let r = gpr {
            masm.storeSlot(slot, .reg(r))
        } else if let f = fpr {
            masm.storeFloat(slot, f, isF64: localKinds[i] == .f64)
        }
    }

    /// Listing events recorded inside code that `rewind` dropped (the `local.set` that
    /// redid the operation) move to the end of the code emitted again.
    mutating func relistRewound(after start: Int) {
        guard recording else { return }
        for k in events.indices.reversed() {
            guard events[k].codeOffset > start else { break }
            events[k].codeOffset = masm.offset
        }
    }

    /// Operations without branches or trap sites, which `rewind` may drop and redo.
    static func redoable(_ op: IntBinaryOp) -> Bool {
        switch op {
        case .add, .sub, .mul, .and, .or, .xor, .shl, .shrS, .shrU, .rotl, .rotr: true
        case .divS, .divU, .remS, .remU: false
        }
    }

    @inline(__always) func isPinned(_ x: UInt32) -> Bool {
        localGPR[Int(x)] != nil || localFPR[Int(x)] != nil
    }

    /// Pops the top value into a register for reading only: a pinned local's own register
    /// (`owned` false, must not be written or freed) or a register the caller owns.
    mutating func popGPRForRead() -> (M.GPR, owned: Bool) {
        if case .local(let x) = stack.last!.location, let r = localGPR[Int(x)] {
            stack.removeLast()
            return (r, false)
        }
        return (popGPR(), true)
    }

    /// `popGPRForRead` for float registers.
    mutating func popFPRForRead() -> (M.FPR, owned: Bool) {
        if case .local(let x) = stack.last!.location, let f = localFPR[Int(x)] {
            stack.removeLast()
            return (f, false)
        }
        return (popFPR(), true)
    }

    /// `local.set`/`local.tee` of a pinned local: the value goes into its register.
    mutating func setPinnedLocal(_ index: UInt32, tee: Bool) {
        let i = Int(index)
        let v = stack.last!
        if let p = localGPR[i] {
            if let last = lastIntOp, last.end == masm.offset, case .gpr(let r) = v.location, r == last.result {
                // `local.set x (op (local.get y) rhs)` right after the operation: redo it
                // with the local's register as destination instead of copying through r.
                stack.removeLast()
                masm.rewind(to: last.start)
                masm.intBinary(last.op, is64: last.is64, dst: p, lhs: last.lhs, rhs: last.rhs)
                relistRewound(after: last.start)
                freeGPRs.append(r)
                lastIntOp = nil
            } else if case .local(let y) = v.location, let q = localGPR[Int(y)] {
                stack.removeLast()
                masm.move(p, .reg(q), is64: true)
            } else if case .const(let bits) = v.location {
                stack.removeLast()
                masm.move(p, .imm(Int64(bitPattern: bits)), is64: true)
            } else {
                let r = popGPR()
                masm.move(p, .reg(r), is64: true)
                freeGPRs.append(r)
            }
        } else if let p = localFPR[i] {
            if let last = lastFloatOp, last.end == masm.offset, case .fpr(let f) = v.location, f == last.result {
                // As for integers: redo the operation into the local's register.
                stack.removeLast()
                masm.rewind(to: last.start)
                masm.floatBinary(last.op, isF64: last.isF64, dst: p, lhs: last.lhs, rhs: last.rhs)
                relistRewound(after: last.start)
                freeFPRs.append(f)
                lastFloatOp = nil
            } else if case .local(let y) = v.location, let q = localFPR[Int(y)] {
                stack.removeLast()
                masm.moveFloat(p, q)
            } else {
                let f = popFPR()
                masm.moveFloat(p, f)
                freeFPRs.append(f)
            }
        }
        if tee { push(.local(index), v.kind) }
    }
}

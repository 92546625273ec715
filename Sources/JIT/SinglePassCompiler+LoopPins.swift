// Innermost loops may change which locals the pinned registers hold. Function-wide
// pinning (SinglePassCompiler+Locals) gives the registers to the heaviest locals of the
// whole body; when that left candidates without a register, an innermost loop may use
// some of them more than the pinned locals it barely touches. Then, for that loop, such a
// register changes local: on entry it stores its function-wide local (when the function
// writes it) and loads the loop's; every way out (falling through the loop's `end`, a
// branch to a label outside the loop, a landing pad whose label is outside) does the
// reverse (a `br_if` out jumps to a stub after the loop that does it, so the loop's own
// path is unchanged). A swap keeps its register, so the free registers stay as they are;
// labels inside the loop see the loop's assignment, labels outside the function-wide one.
//
// Only innermost loops: they hold most of the time, they never nest, and their byte
// ranges (recorded by the function's scan) are disjoint, so scanning each once more
// costs at most one more pass over the body.
extension SinglePassCompiler {
    /// One register's locals: `out` outside the loop, `into` inside it.
    struct LoopSwap {
        var gpr: M.GPR?
        var fpr: M.FPR?
        var out: Int
        var into: Int
        /// The loop writes `into` (else its slot stays current: no store on the way out).
        var intoWritten: Bool
    }

    /// Weight (reads per iteration x4) a loop's local must have above the local whose
    /// register it takes: one read more per iteration pays for the moves at entry and exit,
    /// two in a loop that can leave early (a search, whose trip is often short: sort's
    /// insertion and strsearch's match loops lost instructions with one).
    static func loopSwapGain(exitsEarly: Bool) -> Int { exitsEarly ? 8 : 4 }

    /// At a live `loop` (counted in `loopsSeen`), its operands spilled and before its
    /// header: re-pins when it is an innermost loop worth it and emits the entry moves.
    mutating func enterLoopPins() {
        guard pinsOverflowed, repinnedLoop == nil else { return }
        let inner = localUse.innermost, ordinal = loopsSeen - 1
        while nextInnermost + 2 < inner.count && inner[nextInnermost] < ordinal { nextInnermost += 3 }
        guard nextInnermost + 2 < inner.count, inner[nextInnermost] == ordinal else { return }
        let range = inner[nextInnermost + 1] ..< inner[nextInnermost + 2]
        nextInnermost += 3
        planLoopSwaps(range)
        guard !loopSwaps.isEmpty else { return }
        emitSwapMoves(leaving: false)
        repinnedLoop = controls.count
        functionRepinnedLoops += 1
    }

    /// Chooses `loopSwaps` from the loop's own weights and applies them to the pinned state.
    mutating func planLoopSwaps(_ range: Range<Int>) {
        if !isKnownUniquelyReferenced(&loopUse) { loopUse = LocalUseTable() }
        let use = loopUse
        use.reset(count: localCount, separateWrites: true)
        loopSwaps.removeAll(keepingCapacity: true)
        // Reads only: a write costs a store to a slot or a move to a register alike.
        guard let calls = LocalUseScanner.scan(moduleBytes, range, weight: use.weights, written: use.writtenFlags,
                                               loops: use.loops, setWeight: use.setWeights,
                                               inlinedSIMD: inlinedSIMD) else { return }
        let written = localUse.written
        var exitsEarly: Bool?  // walked for the first candidate only
        let candidates = use.orderCandidates(minimum: max(2, calls.callWeight + 1))
        for k in 0 ..< candidates {
            let i = use.order[k]
            // The cost rule of `pinLocals`, with the calls of the loop.
            guard use.weight[i] > calls.callWeight * (written[i] ? 2 : 1) else { break }
            if localKinds[i] == .v128 || localGPR[i] != nil || localFPR[i] != nil { continue }
            let isFloat = localKinds[i] == .f32 || localKinds[i] == .f64
            // The pinned local of the same register class that the loop uses least.
            var victim = -1
            for j in pinnedAll where (isFloat ? localFPR[j] != nil : localGPR[j] != nil) {
                if victim < 0 || use.weight[j] < use.weight[victim] { victim = j }
            }
            guard victim >= 0 else { continue }
            let gain = use.weight[i] - use.weight[victim]
            guard gain >= Self.loopSwapGain(exitsEarly: false) else { continue }
            if exitsEarly == nil { exitsEarly = LocalUseScanner.loopExitsEarly(moduleBytes, range) }
            guard gain >= Self.loopSwapGain(exitsEarly: exitsEarly!) else { continue }
            let swap = LoopSwap(gpr: localGPR[victim], fpr: localFPR[victim], out: victim, into: i,
                                intoWritten: use.written[i])
            loopSwaps.append(swap)
            applySwap(swap, leaving: false)
        }
        if !loopSwaps.isEmpty { refreshPinnedWritten(inLoop: true) }
    }

    /// Moves the swapped registers' locals through their slots: on entry (`leaving` false)
    /// from the function-wide locals to the loop's, on the way out the reverse. Emits code
    /// only; the pinned state is the caller's business.
    mutating func emitSwapMoves(leaving: Bool) {
        let written = localUse.written
        for s in loopSwaps {
            let (old, new) = leaving ? (s.into, s.out) : (s.out, s.into)
            if leaving ? s.intoWritten : written[s.out] {
                storeLocal(old, gpr: s.gpr, fpr: s.fpr, to: localSlot(UInt32(old)))
            }
            loadLocal(new, gpr: s.gpr, fpr: s.fpr)
        }
    }

    /// Falls out of the re-pinned loop at its `end` (code only when reachable): back to the
    /// function-wide assignment.
    mutating func leaveLoopPins(reachable: Bool) {
        if reachable { emitSwapMoves(leaving: true) }
        if !loopExitStubs.isEmpty {
            let after = masm.newLabel()
            if reachable { masm.jump(after) }
            for (stub, label) in loopExitStubs {
                masm.bind(stub)
                emitSwapMoves(leaving: true)
                masm.jump(label)
            }
            loopExitStubs.removeAll(keepingCapacity: true)
            masm.bind(after)
        }
        for s in loopSwaps { applySwap(s, leaving: true) }
        refreshPinnedWritten(inLoop: false)
        loopSwaps.removeAll(keepingCapacity: true)
        repinnedLoop = nil
    }

    /// A landing pad whose label is outside the re-pinned loop: the slots are current (the
    /// throw saved the pinned locals), so the swapped registers take their outside locals.
    mutating func reloadOutsideLocals() {
        for s in loopSwaps { loadLocal(s.out, gpr: s.gpr, fpr: s.fpr) }
    }

    private mutating func applySwap(_ s: LoopSwap, leaving: Bool) {
        let (old, new) = leaving ? (s.into, s.out) : (s.out, s.into)
        localGPR[old] = nil
        localFPR[old] = nil
        localGPR[new] = s.gpr
        localFPR[new] = s.fpr
        if let k = pinnedAll.firstIndex(of: old) { pinnedAll[k] = new }
    }

    /// The pinned locals a call must store first: those the function writes, and in the
    /// loop, of its own locals only those the loop writes.
    private mutating func refreshPinnedWritten(inLoop: Bool) {
        let written = localUse.written
        pinnedWritten.removeAll(keepingCapacity: true)
        for i in pinnedAll {
            let w = inLoop ? loopSwaps.first { $0.into == i }.map(\.intoWritten) ?? written[i] : written[i]
            if w { pinnedWritten.append(i) }
        }
    }
}

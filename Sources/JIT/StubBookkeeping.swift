import Assembler
import WasmCore

/// The per-function and per-module bookkeeping both backends' macro assemblers keep, and
/// what is done with it that does not depend on the instruction set: trap stub labels,
/// listing notes, dropping code, the calls of a function's trap stubs.
protocol StubBookkeeping: ModuleMacroAssembler {
    /// The current function's trap stubs, and its stub for traps a helper reported.
    var trapLabels: TrapLabelTable { get set }
    var pendingTrapLabel: Label? { get set }
    /// The current function's out-of-line poll paths and float constants.
    var pollSlowPaths: [(entry: Label, resume: Label)] { get set }
    var floatConstants: FloatConstantTable { get set }
    var trapTable: TrapTable { get set }
    var notes: [JITListing.Note] { get set }
    var isolation: [JITListing.IsolationSite] { get set }
    var moduleMarks: [JITListing.Event] { get set }
    /// Drops the machine code (and its label uses and bindings) from `offset` on.
    mutating func truncateMachineCode(to offset: Int)
    /// Emits a call of `label` that leaves a PC of this code where the stub finds it (on
    /// the stack or in the link register): the trapping function's frame.
    mutating func callStub(_ label: Label)
}

extension StubBookkeeping {
    /// The current function's stub for `reason` (emitted by `emitTrapStubCalls`).
    mutating func trapLabel(_ reason: TrapReason) -> Label {
        if let l = trapLabels[reason] { return l }
        let l = newLabel()
        trapLabels[reason] = l
        return l
    }

    mutating func truncateCode(to offset: Int) {
        truncateMachineCode(to: offset)
        trapTable.truncate(to: offset)
        handlerTable.truncate(to: offset)
        trapLabels.removeAll()
        pendingTrapLabel = nil
        pollSlowPaths.removeAll()
        floatConstants.removeAll()
        while let last = notes.last, last.codeOffset >= offset { notes.removeLast() }
        while let last = isolation.last, last.codeOffset >= offset { isolation.removeLast() }
    }

    /// Marks the next instruction as part of a memory access's isolation, for listings.
    @inline(__always) mutating func isolating(_ kind: JITListing.IsolationSite.Kind) {
        if recordsListing { isolation.append(JITListing.IsolationSite(codeOffset: offset, kind: kind)) }
    }

    /// Names a process-dependent immediate of the next instruction for listings.
    @inline(__always) mutating func note(_ value: UInt64, _ symbol: @autoclosure () -> String) {
        if recordsListing { notes.append(JITListing.Note(codeOffset: offset, value: value, symbol: symbol())) }
    }

    /// Labels the module-level code that follows, for listings.
    @inline(__always) mutating func mark(_ label: @autoclosure () -> String) {
        if recordsListing { moduleMarks.append(JITListing.Event(codeOffset: offset, mark: .label(label()))) }
    }

    /// The current function's trap stubs: each calls the module's stub for its reason
    /// (recorded in the trap table), the pending stub the module's helper-trap exit.
    mutating func emitTrapStubCalls() {
        for reason in trapLabels.sortedReasons() {
            bind(trapLabels[reason]!)
            trapTable.add(offset: offset, reason: reason)
            if moduleTrapLabels[reason] == nil { moduleTrapLabels[reason] = newLabel() }
            callStub(moduleTrapLabels[reason]!)
        }
        if let pending = pendingTrapLabel {
            bind(pending)
            if modulePendingLabel == nil { modulePendingLabel = newLabel() }
            callStub(modulePendingLabel!)
        }
        trapLabels.removeAll()
        pendingTrapLabel = nil
    }
}

import Assembler
import WasmCore

// Branches and trap checks. A trap check branches to a stub at the end of the current
// function (`emitFunctionTrapStubs`), which `bl`s the module's stub for the reason, so
// the link register names a PC inside the trapping function.
extension ARM64MacroAssembler {
    mutating func trap(_ reason: TrapReason) { a.b(trapLabel(reason)) }
    mutating func trapIf(_ cond: Condition, _ reason: TrapReason) { a.b(cond, trapLabel(reason)) }
    mutating func jump(_ label: Label) { a.b(label) }
    mutating func branch(_ cond: Condition, _ label: Label) { a.b(cond, label) }

    /// Traps with `reason` when `r` is zero (null references).
    mutating func trapIfZero(_ r: GPR, _ reason: TrapReason) { a.cbz(r, trapLabel(reason)) }

    mutating func jumpTable(index: GPR, targets: [Label], defaultTarget: Label) {
        a.jumpTable(index: index, targets: targets, defaultTarget: defaultTarget,
                    scratch: ARM64Regs.scratch, scratch2: ARM64Regs.scratch2)
    }
}

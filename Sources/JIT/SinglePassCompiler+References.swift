import WasmCore
import WasmDecoder
import WasmValidator

// The null checks of typed function references: `ref.as_non_null`, `br_on_null`,
// `br_on_non_null` (Docs/JIT.md, "Typed function references"). References are 64-bit
// values, 0 = null, as in every tier.
extension SinglePassCompiler {
    mutating func compileNullCheck(_ instruction: Instruction) {
        switch instruction.opcode {
        case .refAsNonNull:
            // The reference stays where the check left it: in a register.
            let r = popGPR()
            masm.trapIfZero(r, .nullReference)
            push(.gpr(r), .i64)
        case .brOnNull:
            // Taken: the reference is dropped, the values below it are the branch values.
            // Not taken: the (non-null) reference stays on top, still in its register.
            let r = popGPR()
            spillAll()
            let t = target(instruction.index)
            let isNull = masm.testZero(r, is64: true)
            branch(on: isNull, to: t)
            push(.gpr(r), .i64)
        case .brOnNonNull:
            // Taken: the reference is the last branch value, so it goes home with the
            // others first. Not taken: it is null and dropped.
            let r = popGPR()
            spillAll()
            masm.storeSlot(home(stack.count), .reg(r))
            push(.home, .i64)
            let t = target(instruction.index)
            let isNull = masm.testZero(r, is64: true)
            freeGPRs.append(r)
            branch(on: masm.invert(isNull), to: t)
            stack.removeLast()
        default:
            preconditionFailure("not a null check: \(instruction.opcode.name)")
        }
    }

    /// Branches to `t` when `cond` holds, moving the branch values (all home) like `br_if`.
    /// Flags set by the caller survive: moving values uses moves only.
    mutating func branch(on cond: M.Condition, to t: Target) {
        if t.leavesLoop && !movesValues(t) {
            // Out of line, after the loop: the loop's own path stays one untaken branch.
            let stub = masm.newLabel()
            masm.branch(cond, stub)
            loopExitStubs.append((stub, t.label))
        } else if needsMoves(t) {
            let skip = masm.newLabel()
            masm.branch(masm.invert(cond), skip)
            prepareBranch(to: t)
            masm.jump(t.label)
            masm.bind(skip)
        } else {
            masm.branch(cond, t.label)
        }
    }
}

import WasmCore
import WasmDecoder
import WasmValidator

// Tail calls, call_ref and exceptions (Docs/JIT.md, "Tail calls" and "Exceptions").
extension SinglePassCompiler {
    mutating func compileProposal(_ instruction: Instruction) throws(Unsupported) {
        switch instruction.opcode {
        case .returnCall:
            let index = Int(instruction.index)
            spillAll()
            moveTailCallArguments(functionType(index).parameters.count)
            if index < importCount {
                let r = allocGPR()
                masm.loadFunctionRecord(r, index: index)
                masm.tailCallRecord(r, tierID: tierID)
                freeGPRs.append(r)
            } else {
                masm.tailCallDirect(entryLabels[index - importCount])
            }
        case .returnCallIndirect:
            let typeIndex = Int(instruction.index)
            let index = popGPR()
            spillAll()
            resolveIndirectCallee(index, table: Int(instruction.index2), typeIndex: typeIndex)
            moveTailCallArguments(types[typeIndex].parameters.count)
            masm.tailCallRecord(index, tierID: tierID)
            freeGPRs.append(index)
        case .returnCallRef:
            let record = popGPR()
            spillAll()
            masm.trapIfZero(record, .nullFunctionReference)
            moveTailCallArguments(types[Int(instruction.index)].parameters.count)
            masm.tailCallRecord(record, tierID: tierID)
            freeGPRs.append(record)
        case .callRef:
            let type = types[Int(instruction.index)]
            let record = popGPR()
            spillAll()
            savePinnedLocals()
            masm.trapIfZero(record, .nullFunctionReference)
            masm.callRecord(record, frameOffset: home(stack.count - type.parameters.count), tierID: tierID)
            freeGPRs.append(record)
            finishCall(type)
        case .throw:
            let tag = Int(instruction.index)
            guard tag < tagParameterCounts.count else { throw Unsupported(what: "unknown tag") }
            spillAll()
            savePinnedLocals()  // a landing pad in this function reloads them
            masm.throwException(tag: tag, argumentsSlot: home(stack.count - tagParameterCounts[tag]))
        case .throwRef:
            let ref = popGPR()
            spillAll()
            savePinnedLocals()
            masm.throwRef(ref)
            freeGPRs.append(ref)
        default:
            throw Unsupported(what: instruction.opcode.name)
        }
    }

    /// Moves the top `count` values (home) to slots 0... for a tail call. Sources lie at or
    /// above their destinations, so copying upwards never overwrites one not yet read.
    mutating func moveTailCallArguments(_ count: Int) {
        copyValues(from: stack.count - count, count: count, to: 0)
        stack.removeLast(count)
    }

    /// `try_table`: a block whose body is a handler region. Each catch clause gets a
    /// landing pad before the region (skipped on entry) that jumps to the clause's label;
    /// the unwinder writes the payload to that label's value slots first.
    mutating func compileTryTable(_ instruction: Instruction, context: Facts) throws(Unsupported) {
        let type = context.resolve(instruction.blockType)
        let kinds = pushBlockKinds(type)
        if context.isUnreachable {
            openDeadControl(.block, kinds: kinds)
            return
        }
        spillAll()
        var clauses: [HandlerTable.Clause] = []
        let body = masm.newLabel()
        masm.jump(body)
        for clause in instruction.catches {
            // Clause labels count from the block around the try_table.
            let t = target(clause.label)
            let landing = masm.landingPad(usesMemory: hasMemory)
            // The exception came through a call or throw, which saved the pinned locals.
            restorePinnedLocals()
            if t.leavesLoop { reloadOutsideLocals() }
            masm.jump(t.label)
            clauses.append(HandlerTable.Clause(kind: clause.kind, tag: clause.tag, slot: home(t.baseHeight),
                                               landing: landing))
        }
        masm.bind(body)
        let region = masm.handlerTable.open(start: masm.offset, clauses: clauses)
        controls.append(Control(kind: .block, label: masm.newLabel(), elseLabel: nil,
                                baseHeight: stack.count - kinds.params, branchArity: kinds.results,
                                kinds: kinds, dead: false, region: region))
    }
}

import WasmCore
import WasmDecoder
import WasmValidator

extension Translator {
    /// block / loop / if / else / end: kept in step with the validator's control stack
    /// even in unreachable code, where they emit nothing.
    mutating func visitStructure(_ instruction: Instruction, context: some ValidationContext) throws {
        let deadHere = context.isUnreachable
        switch instruction.opcode {
        case .block, .loop, .if:
            let type = context.resolve(instruction.blockType)
            let kind: LabelInfo.Kind = instruction.opcode == .block ? .block : instruction.opcode == .loop ? .loop : .if
            if deadHere {
                controls.append(Control(kind: kind, baseHeight: 0, paramTypes: type.parameters,
                                        resultTypes: type.results, dead: true))
                return
            }
            sync(context.stackHeight, context: context)
            var height = context.stackHeight
            var condition: UInt32 = 0
            var fused: FusedCondition?
            if kind == .if {
                condition = pop()
                height -= 1
                fused = takeCondition(condition, home: home(height), negate: true)
            }
            materializeAll()
            var control = Control(kind: kind, baseHeight: height - type.parameters.count,
                                  paramTypes: type.parameters, resultTypes: type.results, dead: false)
            switch kind {
            case .loop:
                // No op at the header: backward branches do the loop check. The header is
                // a label, so nothing may fuse across it.
                control.loopStart = code.count
                lastDestination = nil
                fusionBarrier = code.count
            case .if:
                control.elseFixup = emitConditionalJump(fused, condition: condition, negate: true)
            default:
                break
            }
            controls.append(control)

        case .else:
            guard var control = controls.popLast() else { return }
            if control.dead {
                controls.append(control)
                return
            }
            if !context.isUnreachable {
                sync(context.stackHeight, context: context)
                materializeAll()
                let anchor = code.count
                emit(.br, 0)
                control.fixups.append((anchor + 1, anchor))
            }
            if let fixup = control.elseFixup { patch(fixup, to: code.count) }
            control.elseFixup = nil
            control.kind = .else
            controls.append(control)
            // The else branch starts from the block's parameters, in their home slots.
            sync(control.baseHeight)
            pushHomes(control.paramTypes)
            lastDestination = nil
            fusionBarrier = code.count

        case .end:
            guard let control = controls.popLast() else { return }
            if control.dead { return }
            let reachable = !context.isUnreachable
            if reachable {
                sync(context.stackHeight, context: context)
                materializeAll()
            }
            if control.kind == .function {
                if reachable { emitReturn(height: context.stackHeight) }
                return
            }
            let here = code.count
            if control.tryStart >= 0 { handlerRegions.append(control.tryStart..<here) }
            for fixup in control.fixups { patch(fixup, to: here) }
            if let fixup = control.elseFixup { patch(fixup, to: here) }
            sync(control.baseHeight)
            pushHomes(control.resultTypes)
            lastDestination = nil
            fusionBarrier = code.count

        default:
            break
        }
    }
}

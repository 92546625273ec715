import WasmCore
import WasmDecoder
import WasmValidator

extension Translator {
    /// block / loop / if / else / end: kept in step with the validator's control stack
    /// even in unreachable code, where they emit nothing.
    mutating func visitStructure(_ instruction: Instruction, context: some ValidationContext) throws {
        let deadHere = context.isUnreachable || (controls.last?.dead ?? true)
        switch instruction.opcode {
        case .block, .loop, .if:
            let type = context.resolve(instruction.blockType)
            let kind: LabelInfo.Kind = instruction.opcode == .block ? .block : instruction.opcode == .loop ? .loop : .if
            if deadHere {
                controls.append(Control(kind: kind, baseHeight: 0, paramCount: type.parameters.count,
                                        resultCount: type.results.count, dead: true))
                return
            }
            sync(context.stackHeight)
            var height = context.stackHeight
            var condition: UInt32 = 0
            if kind == .if {
                condition = pop()
                height -= 1
            }
            materializeAll()
            var control = Control(kind: kind, baseHeight: height - type.parameters.count,
                                  paramCount: type.parameters.count, resultCount: type.results.count, dead: false)
            switch kind {
            case .loop:
                control.loopStart = code.count
                emit(.loopCheck)
            case .if:
                let anchor = code.count
                emit(.brIfNot, condition, 0)
                control.elseFixup = (anchor + 2, anchor)
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
                sync(context.stackHeight)
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
            for _ in 0..<control.paramCount { pushHome() }
            lastDestination = nil

        case .end:
            guard let control = controls.popLast() else { return }
            if control.dead { return }
            let reachable = !context.isUnreachable
            if reachable {
                sync(context.stackHeight)
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
            for _ in 0..<control.resultCount { pushHome() }
            lastDestination = nil

        default:
            break
        }
    }
}

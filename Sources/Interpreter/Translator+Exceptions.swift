import WasmCore
import WasmDecoder
import WasmValidator

/// `try_table`: a block whose catch clauses are written inline as data of a `tryTable`
/// op (which execution skips). The block's words form a handler region that
/// `Executor.unwind` searches when an exception passes through:
///
///     anchor: tryTable skip count | kind tag dst rel | ... | [ret]   <- region start
///             ...body...
///     end:                                                           <- region end
///
/// `dst` is the frame offset where the payload (and exnref) go: the target label's value
/// slots; `rel` is the label's address relative to `anchor`. Clauses that target the
/// function label write to slot 0 and jump to the inline `ret`.
extension Translator {
    mutating func visitTryTable(_ ins: Instruction, context: some ValidationContext) throws {
        let type = context.resolve(ins.blockType)
        if context.isUnreachable {
            controls.append(Control(kind: .tryTable, baseHeight: 0, paramTypes: type.parameters,
                                    resultTypes: type.results, dead: true))
            return
        }
        guard localOffsets.count + 2 * context.stackHeight < Translator.maxFrameSlots / 2 else {
            throw WasmError(.invalid, "function frame too large for the interpreter")
        }
        sync(context.stackHeight, context: context)
        materializeAll()
        let anchor = code.count
        emit(.tryTable, 0, UInt32(truncatingIfNeeded: ins.catches.count))
        var returnWords: [Int] = []
        for clause in ins.catches {
            let label = context.label(clause.label)
            let index = controls.count - 1 - Int(clause.label)
            let word = code.count
            let toFunction = index <= 0 || controls[index].kind == .function
            code.append(UInt32(clause.kind.rawValue))
            code.append(clause.tag)
            code.append(toFunction ? 0 : home(label.baseHeight))
            code.append(0)
            if toFunction {
                returnWords.append(word + 3)
            } else {
                linkJump(toControl: index, word: word + 3, anchor: anchor)
            }
        }
        if !returnWords.isEmpty {
            for word in returnWords { code[word] = UInt32(code.count - anchor) }
            emit(.ret)
        }
        code[anchor + 1] = UInt32(code.count - anchor)
        var control = Control(kind: .tryTable, baseHeight: context.stackHeight - type.parameters.count,
                              paramTypes: type.parameters, resultTypes: type.results, dead: false)
        control.tryStart = anchor
        controls.append(control)
        lastDestination = nil
        fusionBarrier = code.count
    }
}

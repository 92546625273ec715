import WasmCore
import WasmDecoder

/// What a checked instruction does to the validator's stacks. `FunctionValidator.check`
/// computes it before the sink sees the instruction (the sink sees the pre-state) and
/// `apply` performs it afterwards, so the generic part of the pass (the loop calling the
/// sink, inlined into each tier) stays a few lines.
@usableFromInline
enum ValidationEffect {
    /// A table-typed instruction: pop the signature's operands, push its results.
    case signature(CompactSignature, address: TypeCode)
    case pop(Int)
    /// Pop, then push one value (nil = unknown, from a polymorphic stack).
    case popPush(Int, ValueType?)
    case popPushCode(Int, TypeCode)
    case popPushTypes(Int, [ValueType])
    /// The rest of the frame is unreachable (br, return, unreachable, throw...).
    case unreachable
    /// Pop `pop` operands (the `if` condition), then enter a frame taking its parameters.
    case enter(LabelInfo.Kind, FunctionType, pop: Int)
    case elseFrame
    case endFrame
    /// `local.set` / `local.tee`: pop the value, push it back for tee (`unknown`: no
    /// push), mark the local set.
    case setLocal(UInt32, push: TypeCode)
    /// `br_on_null`: the branch types stay, then the non-null reference.
    case brOnNull([ValueType], ValueType?)
}

extension FunctionValidator {
    /// Consumes the effect: the loop's copy was destroyed after the call through the
    /// enum's generic outlined destroy (about 40 instructions per hand-typed
    /// instruction); owned here, each case releases only what it carries.
    @usableFromInline
    mutating func apply(_ effect: consuming ValidationEffect) {
        switch effect {
        case .signature(let signature, let address):
            applySignature(signature, address: address)
        case .pop(let n):
            pop(n)
        case .popPush(let n, let type):
            pop(n)
            push(type)
        case .popPushCode(let n, let code):
            pop(n)
            pushCode(code)
        case .popPushTypes(let n, let types):
            pop(n)
            push(types)
        case .unreachable:
            setUnreachable()
        case .enter(let kind, let type, let n):
            pop(n)
            pushFrame(kind, type)
        // The frame's fields are read in place and its type moved out at `end`: a copy
        // of the frame (`top`) retained and released both arrays of its type.
        case .elseFrame:
            resetLocalInitialization()
            pop(stack.count - topHeight)
            let f = frames.count - 1
            frames[f].kind = .else
            frames[f].unreachable = false
            topIsUnreachable = frames[f].enteredDead
            push(frames[f].type.parameters)
        case .endFrame:
            resetLocalInitialization()
            pop(stack.count - topHeight)
            push(frames.removeLast().type.results)
            if let outer = frames.last { topIsUnreachable = outer.unreachable || outer.enteredDead } else { topIsUnreachable = false }
        case .setLocal(let index, let type):
            pop(1)
            if !type.isUnknown { pushCode(type) }
            markInitialized(index)
        case .brOnNull(let types, let reference):
            pop(1 + types.count)
            push(types)
            push(reference)
        }
    }

    /// The effect of a table-typed instruction checked by `checkSignature`.
    @usableFromInline
    mutating func applySignature(_ signature: CompactSignature, address: TypeCode) {
        pop(Int(signature.popCount))
        // At most two results (the compact form): no loop over `push(i)`.
        guard signature.pushCount > 0 else { return }
        pushCode(SignatureTable.typeCode(signature.pushes.0, address: address))
        if signature.pushCount > 1 { pushCode(SignatureTable.typeCode(signature.pushes.1, address: address)) }
    }

    /// After the last instruction: the body must have closed its function frame.
    @usableFromInline
    func finish() throws(WasmError) -> Int {
        guard frames.isEmpty else {
            throw .malformed("unexpected end of section or function", offset: bodyEnd)
        }
        return maxHeight
    }
}

import WasmCore
import WasmDecoder

/// The `ValidationContext` the validation loop hands to a sink: a pointer to the loop's
/// `FunctionValidator`, read in place. Passing the validator itself (a 112-byte `var`)
/// copied it for every instruction; the view is one word. Valid only during the sink's
/// `visit` call, while the validator does not change.
///
/// Each member reads only the fields it needs through the pointer: calling one of the
/// validator's own methods on `validator.pointee` copied the whole validator (retaining
/// every array in it) for the call.
@usableFromInline
struct ValidatorView: ValidationContext {
    @usableFromInline let validator: UnsafeMutablePointer<FunctionValidator>

    @inlinable init(_ validator: UnsafeMutablePointer<FunctionValidator>) { self.validator = validator }

    /// Inlinable: the tiers' sinks read it for every instruction.
    @inlinable var isUnreachable: Bool { validator.pointee.topIsUnreachable }

    @usableFromInline var stackHeight: Int { validator.pointee.stack.count }

    @usableFromInline var localTypes: [ValueType] { validator.pointee.locals }

    @usableFromInline func label(_ depth: UInt32) -> LabelInfo {
        let frames = validator.pointee.frames
        let f = frames[Swift.max(frames.count - 1 - Int(depth), 0)]
        return LabelInfo(kind: f.kind, baseHeight: f.height, branchTypes: f.branchTypes, type: f.type,
                         isUnreachable: f.unreachable)
    }

    @usableFromInline func operandType(_ depth: Int) -> ValueType? {
        let count = validator.pointee.stack.count
        let frameCount = validator.pointee.frames.count
        let base = frameCount == 0 ? 0 : validator.pointee.frames[frameCount - 1].height
        guard depth >= 0, depth < count - base else { return nil }
        return validator.pointee.stack.storage.base[count - 1 - depth].valueType
    }

    @usableFromInline func gcStackEffect(_ instruction: Instruction) -> (pops: Int, pushes: [ValueType])? {
        // Checking changes nothing: the effect is the one the loop applies next.
        guard let effect = try? validator.pointee.checkGC(instruction) else { return nil }
        switch effect {
        case .pop(let n): return (n, [])
        case .popPush(let n, let type): return (n, [type ?? .i32])
        case .popPushTypes(let n, let types): return (n, types)
        default: return nil
        }
    }

    @usableFromInline func resolve(_ blockType: BlockType) -> FunctionType {
        (try? validator.pointee.module.blockFunctionType(blockType)) ?? FunctionType()
    }
}

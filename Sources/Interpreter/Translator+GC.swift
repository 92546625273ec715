import WasmCore
import WasmRuntime
import WasmDecoder
import WasmValidator

/// Translation of the GC instructions: `gc` runs one through `GCOps` on its operands'
/// homes (every value materialised first, so a collection finds each live reference in
/// a slot); `br_on_cast` and `br_on_cast_fail` test and branch in one op.
extension Translator {
    mutating func translateGC(_ ins: Instruction, context: some ValidationContext) throws {
        let height = context.stackHeight
        switch ins.opcode {
        case .brOnCast, .brOnCastFail:
            materializeAll()
            let reference = home(height - 1)
            let target = GCOps.castTarget(ins.heapType2)
            let lo = UInt32(truncatingIfNeeded: target), hi = UInt32(truncatingIfNeeded: target >> 32)
            let nullable: UInt32 = ins.value & 2 != 0 ? 1 : 0
            let (taken, notTaken): (IOp, IOp) = ins.opcode == .brOnCast ? (.brOnCast, .brOnCastFail) : (.brOnCastFail, .brOnCast)
            let anchor = code.count
            if isDirectBranch(depth: ins.index, height: height, context: context) {
                emit(taken, reference, lo, hi, nullable, 0)
                linkJump(toControl: controls.count - 1 - Int(ins.index), word: anchor + 5, anchor: anchor)
            } else {
                emit(notTaken, reference, lo, hi, nullable, 0)
                emitBranch(depth: ins.index, height: height, context: context)
                patch((anchor + 5, anchor), to: code.count)
            }
        default:
            guard let effect = context.gcStackEffect(ins) else { throw unsupported(ins) }
            materializeAll()
            let base = home(height - effect.pops)
            for _ in 0..<effect.pops { _ = pop() }
            let (imm1, imm2) = GCOps.immediates(ins)
            emit(.gc, UInt32(ins.opcode.rawValue), base, UInt32(truncatingIfNeeded: imm1), UInt32(truncatingIfNeeded: imm1 >> 32),
                 UInt32(truncatingIfNeeded: imm2), UInt32(truncatingIfNeeded: imm2 >> 32))
            pushHomes(effect.pushes)
        }
    }
}

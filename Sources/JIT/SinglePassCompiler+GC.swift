import WasmCore
import WasmDecoder
import WasmRuntime

// The GC instructions: run by `GCOps` on their operands' homes through the generic
// helper (`callGeneric` spills every value and saves pinned locals first, so a collection
// finds each live reference in the value stack). `br_on_cast` tests a copy of the
// reference and branches on the result like `br_if`.
extension SinglePassCompiler {
    mutating func compileGC(_ instruction: Instruction, effect: (pops: Int, pushes: [ValueType])?) throws(Unsupported) {
        let op = instruction.opcode
        switch op {
        // The cheap ones inline, as the integer operations they are (see `Slot`).
        case .anyConvertExtern, .externConvertAny:
            break  // one encoding for both hierarchies
        case .refEq:
            try compile(Instruction(.i64Eq), context: Facts(isUnreachable: false))
        case .refI31:
            try compileWithConstant(.i32Shl, 1)
            try compileWithConstant(.i32Or, 1)
            stack[stack.count - 1].kind = .i64
        case .i31GetS, .i31GetU:
            let r = popGPR()
            masm.trapIfZero(r, .nullI31Reference)
            push(.gpr(r), .i32)
            try compileWithConstant(op == .i31GetS ? .i32ShrS : .i32ShrU, 1)
        case .brOnCast, .brOnCastFail:
            let reference = allocGPR()
            spillAll()
            masm.move(reference, .slot(home(stack.count - 1)), is64: true)
            push(.gpr(reference), .i64)
            let test: Opcode = instruction.value & 2 != 0 ? .refTestNull : .refTest
            callGeneric(test, pops: 1, result: .i32, imm1: GCOps.castTarget(instruction.heapType2), imm2: 0)
            let matches = popCondition()
            spillAll()
            branch(on: op == .brOnCast ? matches : masm.invert(matches), to: target(instruction.index))
        default:
            guard let effect, effect.pushes.count <= 1 else { throw Unsupported(what: op.name) }
            let (imm1, imm2) = GCOps.immediates(instruction)
            var result: Kind?
            if let pushed = effect.pushes.first { result = Self.kind(pushed) }
            callGeneric(op, pops: effect.pops, result: result, imm1: imm1, imm2: imm2)
        }
    }

    /// `op` with the constant `value` as its second operand.
    private mutating func compileWithConstant(_ op: Opcode, _ value: UInt32) throws(Unsupported) {
        push(.const(UInt64(value)), .i32)
        try compile(Instruction(op), context: Facts(isUnreachable: false))
    }

    /// The callee record of `call_indirect` in `index`. A non-final expected type admits
    /// subtypes: after the inline checks, `GCOps.checkIndirectCallee` walks the callee's
    /// supertype chain (from a slot past the stack, since the helper clobbers registers).
    mutating func resolveIndirectCallee(_ index: M.GPR, table: Int, typeIndex: Int) {
        let exact = typeIndex >= finalTypes.count || finalTypes[typeIndex]
        masm.callIndirectResolve(index, table: table, index: index, typeIndex: typeIndex, checksType: exact)
        guard !exact else { return }
        let scratch = stackEnd
        homesEnd = max(homesEnd, scratch + 8)
        masm.storeSlot(scratch, .reg(index))
        masm.callGeneric(.callIndirect, operandsSlot: scratch, imm1: UInt64(typeIndex), imm2: 0)
        masm.move(index, .slot(scratch), is64: true)
    }
}

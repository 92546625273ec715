import WasmCore
import WasmDecoder
import WasmRuntime

// The GC instructions. Field and element accesses of integer and reference storage, and
// the i31 and conversion instructions, are inline; the rest run in `GCOps` on their
// operands' homes through the generic helper (`callGeneric` spills every value and saves
// pinned locals first, so a collection finds each live reference in the value stack).
// `br_on_cast` tests a copy of the reference and branches on the result like `br_if`.
extension SinglePassCompiler {
    mutating func compileGC(_ instruction: Instruction, effect: (pops: Int, pushes: [ValueType])?) throws(Unsupported) {
        let op = instruction.opcode
        if compileFieldAccess(instruction) { return }
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

    /// `struct.get/set`, `array.get/set/len` inline when the storage fits a general
    /// register (float and vector fields take the helper); false when not handled.
    private mutating func compileFieldAccess(_ ins: Instruction) -> Bool {
        switch ins.opcode {
        case .structGet, .structGetS, .structGetU:
            guard let (offset, bytes, kind) = structField(ins) else { return false }
            let object = popGPR()
            masm.trapIfZero(object, .nullStructureReference)
            masm.loadField(object, base: object, offset: offset, bytes: bytes, signed: ins.opcode == .structGetS)
            push(.gpr(object), kind)
        case .structSet:
            guard let (offset, bytes, _) = structField(ins) else { return false }
            let value = popGPR(), object = popGPR()
            masm.trapIfZero(object, .nullStructureReference)
            masm.storeField(base: object, offset: offset, bytes: bytes, value)
            freeGPRs.append(value)
            freeGPRs.append(object)
        case .arrayLen:
            let array = popGPR()
            masm.trapIfZero(array, .nullArrayReference)
            masm.loadField(array, base: array, offset: Int32(GCTypeInfo.lengthOffset), bytes: 4, signed: false)
            push(.gpr(array), .i32)
        case .arrayGet, .arrayGetS, .arrayGetU:
            guard let (bytes, kind) = arrayElement(ins) else { return false }
            let index = popGPR(), array = popGPR()
            let address = elementAddress(array, index, bytes: bytes)
            masm.loadField(array, base: address, offset: Int32(GCTypeInfo.headerSize), bytes: bytes,
                           signed: ins.opcode == .arrayGetS)
            freeGPRs.append(address)
            push(.gpr(array), kind)
        case .arraySet:
            guard let (bytes, _) = arrayElement(ins) else { return false }
            let value = popGPR(), index = popGPR(), array = popGPR()
            let address = elementAddress(array, index, bytes: bytes)
            masm.storeField(base: address, offset: Int32(GCTypeInfo.headerSize), bytes: bytes, value)
            freeGPRs.append(value)
            freeGPRs.append(address)
            freeGPRs.append(array)
        default:
            return false
        }
        return true
    }

    /// Bytes and stack kind of a storage compiled code reads and writes in a general register.
    private static func inlineAccess(_ storage: GCTypeInfo.Storage) -> (bytes: Int, kind: Kind)? {
        switch storage {
        case .i8: (1, .i32)
        case .i16: (2, .i32)
        case .i32: (4, .i32)
        case .i64, .reference: (8, .i64)
        case .f32, .f64, .v128: nil
        }
    }

    /// The offset, size and stack kind of the field `struct.*` names, when inline.
    private func structField(_ ins: Instruction) -> (offset: Int32, bytes: Int, kind: Kind)? {
        guard Int(ins.index) < compositeTypes.count, case .structure(let fields) = compositeTypes[Int(ins.index)],
              Int(ins.index2) < fields.count else { return nil }
        let field = GCTypeInfo.structLayout(fields).fields[Int(ins.index2)]
        guard let (bytes, kind) = Self.inlineAccess(field.storage) else { return nil }
        return (Int32(field.offset), bytes, kind)
    }

    /// The element size and stack kind of the array `array.*` names, when inline.
    private func arrayElement(_ ins: Instruction) -> (bytes: Int, kind: Kind)? {
        guard Int(ins.index) < compositeTypes.count, case .array(let element) = compositeTypes[Int(ins.index)] else { return nil }
        return Self.inlineAccess(GCTypeInfo.Storage(element.storage))
    }

    /// Checks the array for null and the index against its length, then turns `index`
    /// into the address of the element minus the header (returned; `index` is consumed).
    private mutating func elementAddress(_ array: M.GPR, _ index: M.GPR, bytes: Int) -> M.GPR {
        masm.trapIfZero(array, .nullArrayReference)
        let length = allocGPR()
        masm.loadField(length, base: array, offset: Int32(GCTypeInfo.lengthOffset), bytes: 4, signed: false)
        let inBounds = masm.compare(.ltU, is64: false, lhs: index, rhs: .reg(length))
        masm.trapIf(masm.invert(inBounds), .outOfBoundsArrayAccess)
        freeGPRs.append(length)
        // An i32's upper half is not defined in a register: widen before addressing.
        masm.extend(dst: index, src: index, fromBits: 32, signed: false, to64: true)
        if bytes > 1 {
            masm.intBinary(.shl, is64: true, dst: index, lhs: index, rhs: .imm(Int64(bytes.trailingZeroBitCount)))
        }
        masm.intBinary(.add, is64: true, dst: index, lhs: index, rhs: .reg(array))
        return index
    }
}

import WasmCore
import WasmRuntime
import WasmDecoder
import WasmValidator

extension Translator {
    func unsupported(_ instruction: Instruction) -> WasmError {
        WasmError(.invalid, "\(instruction.opcode.name) is not supported by the interpreter yet")
    }

    /// The memarg offset as an operand word (32-bit memories only, memory 0).
    func memoryOffset(_ instruction: Instruction) throws -> UInt32 {
        guard instruction.index2 == 0, instruction.value <= UInt64(UInt32.max) else { throw unsupported(instruction) }
        return UInt32(instruction.value)
    }

    mutating func translate(_ instruction: Instruction, context: some ValidationContext) throws {
        let height = context.stackHeight
        switch instruction.opcode {
        case .unreachable:
            emit(.unreachable)
        case .nop:
            break
        case .drop:
            _ = pop()
        case .select, .selectT:
            let type = context.operandType(1) ?? context.operandType(2) ?? .i32
            let c = pop(), b = pop(), a = pop()
            if type != .v128, let (op, x, y) = takeSelectCondition(c, home: home(height - 1)) {
                emitProducer(op, home(height - 3), a, b, x, y)
            } else {
                emitProducer(type == .v128 ? .select128 : .select, home(height - 3), a, b, c)
            }
            pushHome(type)

        case .localGet:
            noteLocalRead(instruction.index)
            pushValue(local(instruction.index), wide: isWideLocal(instruction.index))
        case .localSet, .localTee:
            noteLocalWrite(instruction.index)
            let slot = local(instruction.index)
            let source = pop()
            if let word = producerDestination(of: source, at: vstack.count), !vstack.contains(slot) {
                code[word] = slot
                if instruction.opcode == .localSet { fuseIncrementPair(at: word - 1) }
            } else if source != slot {
                materialize(local: slot)
                emitCopy(slot, source, wide: isWideLocal(instruction.index))
            }
            lastDestination = nil
            if instruction.opcode == .localTee { pushValue(slot, wide: isWideLocal(instruction.index)) }
        case .globalGet:
            let type = Int(instruction.index) < globalTypes.count ? globalTypes[Int(instruction.index)] : .i32
            emitProducer(type == .v128 ? .globalGet128 : .globalGet, home(height), instruction.index)
            pushHome(type)
        case .globalSet:
            let wide = context.operandType(0) == .v128
            emit(wide ? .globalSet128 : .globalSet, pop(), instruction.index)

        case .i32Const, .f32Const:
            emitProducer(.const32, home(height), UInt32(truncatingIfNeeded: instruction.value))
            pushHome()
        case .i64Const, .f64Const:
            emitProducer(.const64, home(height), UInt32(truncatingIfNeeded: instruction.value),
                         UInt32(truncatingIfNeeded: instruction.value >> 32))
            pushHome()

        case .br:
            materializeAll()
            emitBranch(depth: instruction.index, height: height, context: context)
        case .brIf:
            let condition = pop()
            let h = height - 1
            let index = controls.count - 1 - Int(instruction.index)
            let direct = isDirectBranch(depth: instruction.index, height: h, context: context)
            let fused = takeCondition(condition, home: home(h), negate: !direct)
            materializeAll()
            if direct {
                let jump = emitConditionalJump(fused, condition: condition, negate: false)
                linkJump(toControl: index, word: jump.word, anchor: jump.anchor)
            } else {
                let skip = emitConditionalJump(fused, condition: condition, negate: true)
                emitBranch(depth: instruction.index, height: h, context: context)
                patch(skip, to: code.count)
            }
        case .brTable:
            let selector = pop()
            materializeAll()
            let h = height - 1
            let labels = instruction.labels
            let anchor = code.count
            emit(.brTable, selector, UInt32(labels.count))
            code.append(contentsOf: repeatElement(0, count: labels.count))
            var stubs: [UInt32: Int] = [:]
            for (i, depth) in labels.enumerated() {
                let word = anchor + 3 + i
                if isDirectBranch(depth: depth, height: h, context: context) {
                    linkJump(toControl: controls.count - 1 - Int(depth), word: word, anchor: anchor)
                } else if let stub = stubs[depth] {
                    patch((word, anchor), to: stub)
                } else {
                    let stub = code.count
                    stubs[depth] = stub
                    patch((word, anchor), to: stub)
                    emitBranch(depth: depth, height: h, context: context)
                }
            }
        case .return:
            emitReturn(height: height)

        case .call:
            let index = Int(instruction.index)
            guard index < functionTypes.count else { throw WasmError(.invalid, "unknown function \(index)") }
            let type = functionTypes[index]
            materializeAll()
            let base = height - type.parameters.count
            if index >= firstInterpretedFunction, let start = tracked(lastCopy, is: .copy, words: 3) {
                // The copy just materialised (an argument that was a local) runs as part of the call.
                let (dst, src) = (code[start + 1], code[start + 2])
                truncate(to: start)
                emit(.callDefinedCopy, instruction.index, home(base), dst, src)
            } else {
                emit(index >= firstInterpretedFunction ? .callDefined : .call, instruction.index, home(base))
            }
            sync(base)
            pushHomes(type.results)
        case .callIndirect:
            let typeIndex = Int(instruction.index)
            guard let type = resolveType(typeIndex) else {
                throw WasmError(.invalid, "unknown type \(typeIndex)")
            }
            let selector = pop()
            materializeAll()
            let base = height - 1 - type.parameters.count
            emit(.callIndirect, UInt32(typeIDs[typeIndex]), instruction.index2, home(base), selector)
            sync(base)
            pushHomes(type.results)

        case .memorySize:
            guard instruction.index == 0 else { throw unsupported(instruction) }
            emitProducer(.memorySize, home(height))
            pushHome()
        case .memoryGrow:
            guard instruction.index == 0 else { throw unsupported(instruction) }
            let delta = pop()
            emitProducer(.memoryGrow, home(height - 1), delta)
            pushHome()
        case .memoryFill:
            guard instruction.index == 0 else { throw unsupported(instruction) }
            let n = pop(), value = pop(), d = pop()
            emit(.memoryFill, d, value, n)
        case .memoryCopy:
            guard instruction.index == 0, instruction.index2 == 0 else { throw unsupported(instruction) }
            let n = pop(), s = pop(), d = pop()
            emit(.memoryCopy, d, s, n)
        case .memoryInit:
            guard instruction.index2 == 0 else { throw unsupported(instruction) }
            let n = pop(), s = pop(), d = pop()
            emit(.memoryInit, d, s, n, instruction.index)
        case .dataDrop:
            emit(.dataDrop, instruction.index)

        case .tableGet:
            let i = pop()
            emitProducer(.tableGet, home(height - 1), i, instruction.index)
            pushHome()
        case .tableSet:
            let value = pop(), i = pop()
            emit(.tableSet, i, value, instruction.index)
        case .tableSize:
            emitProducer(.tableSize, home(height), instruction.index)
            pushHome()
        case .tableGrow:
            let delta = pop(), initial = pop()
            emitProducer(.tableGrow, home(height - 2), initial, delta, instruction.index)
            pushHome()
        case .tableFill:
            let n = pop(), value = pop(), i = pop()
            emit(.tableFill, i, value, n, instruction.index)
        case .tableCopy:
            let n = pop(), s = pop(), d = pop()
            emit(.tableCopy, d, s, n, instruction.index, instruction.index2)
        case .tableInit:
            let n = pop(), s = pop(), d = pop()
            emit(.tableInit, d, s, n, instruction.index2, instruction.index)
        case .elemDrop:
            emit(.elemDrop, instruction.index)

        case .refNull:
            emitProducer(.refNull, home(height))
            pushHome()
        case .refIsNull:
            let a = pop()
            emitProducer(.refIsNull, home(height - 1), a)
            pushHome()
        case .refFunc:
            emitProducer(.refFunc, home(height), instruction.index)
            pushHome()
        case .refAsNonNull:
            let a = vstack.last ?? home(height - 1)
            emit(.refAsNonNull, a)

        default:
            if instruction.opcode.info.prefix == 0xFD {
                try translateSIMD(instruction, context: context)
                return
            }
            guard let op = Translator.directOp(instruction.opcode), let signature = instruction.opcode.info.signature else {
                throw unsupported(instruction)
            }
            if instruction.opcode.info.immediate == .memarg {
                let offset = try memoryOffset(instruction)
                if signature.pushes.isEmpty {
                    let value = pop(), address = pop()
                    emitMemoryAccess(op, dst: nil, address: address, home: home(height - 2), value: value, offset: offset)
                } else {
                    let address = pop()
                    emitMemoryAccess(op, dst: home(height - 1), address: address, home: home(height - 1), value: nil, offset: offset)
                    pushHome()
                }
                return
            }
            switch (signature.pops.count, signature.pushes.count) {
            case (1, 1):
                let a = pop()
                emitProducer(op, home(height - 1), a)
            case (2, 1):
                let b = pop(), a = pop()
                emitBinary(op, dst: home(height - 2), a, b, top: home(height - 1))
            default:
                throw unsupported(instruction)
            }
            pushHome()
        }
    }

    func resolveType(_ index: Int) -> FunctionType? {
        guard index < typeIDs.count else { return nil }
        return TypeRegistry.type(for: typeIDs[index])
    }
}

import WasmCore
import WasmRuntime
import WasmDecoder
import WasmValidator

/// Translation of the Wasm 3.0 proposals (memory64, multi-memory, table64, tail calls,
/// typed function references) and of the general forms of memory instructions. The plain
/// forms (memory 0, 32-bit addresses, offsets below 2^32) keep their compact ops so the
/// common path does not pay for the general ones.
extension Translator {
    func isMemory64(_ index: UInt32) -> Bool { Int(index) < memoryIs64.count && memoryIs64[Int(index)] }

    /// Translates `instruction` when it needs a proposal-specific form; false hands it to
    /// the plain translation (possibly after rewriting i64 table indices in place).
    mutating func translateProposal(_ ins: Instruction, context: some ValidationContext) throws -> Bool {
        let height = context.stackHeight
        switch ins.opcode {
        case .memorySize:
            // memory.size of memory 0 yields pages for either address type.
            guard ins.index != 0 else { return false }
            emitProducer(.memorySizeX, home(height), ins.index)
            pushHome()
        case .memoryGrow:
            guard ins.index != 0 || isMemory64(0) else { return false }
            let delta = pop()
            emitProducer(.memoryGrowX, home(height - 1), delta, ins.index)
            pushHome()
        case .memoryFill:
            guard ins.index != 0 || isMemory64(0) else { return false }
            let n = pop(), value = pop(), d = pop()
            emit(.memoryFillX, d, value, n, ins.index)
        case .memoryCopy:
            guard ins.index != 0 || ins.index2 != 0 || isMemory64(0) else { return false }
            let n = pop(), s = pop(), d = pop()
            emit(.memoryCopyX, d, s, n, ins.index, ins.index2)
        case .memoryInit:
            guard ins.index2 != 0 || isMemory64(0) else { return false }
            let n = pop(), s = pop(), d = pop()
            emit(.memoryInitX, d, s, n, ins.index, ins.index2)

        case .tableGet, .callIndirect:
            clampTableOperands(1, context: context)
            return false
        case .tableSet:
            clampTableOperands(2, context: context)
            return false
        case .tableFill, .tableCopy, .tableInit:
            clampTableOperands(3, context: context)
            return false
        case .tableGrow:
            guard context.operandType(0) == .i64 else { return false }
            clampTableOperands(1, context: context)
            try translate(ins, context: context)
            emit(.widenGrowResult, home(height - 2))

        case .callRef:
            let type = try calleeType(ins.index)
            let ref = pop()
            materializeAll()
            let base = height - 1 - type.parameters.count
            emit(.callRef, home(base), ref)
            sync(base)
            pushHomes(type.results)
        case .returnCall:
            guard Int(ins.index) < functionTypes.count else { throw WasmError(.invalid, "unknown function \(ins.index)") }
            let type = functionTypes[Int(ins.index)]
            materializeAll()
            let base = height - type.parameters.count
            emit(.returnCall, ins.index, home(base), UInt32(SlotLayout.slotCount(type.parameters)))
            emitTailCallFallback(resultsAt: base)
        case .returnCallIndirect:
            let type = try calleeType(ins.index)
            clampTableOperands(1, context: context)
            let selector = pop()
            materializeAll()
            let base = height - 1 - type.parameters.count
            emit(.returnCallIndirect, UInt32(typeIDs[Int(ins.index)]), ins.index2, home(base), selector,
                 UInt32(SlotLayout.slotCount(type.parameters)))
            emitTailCallFallback(resultsAt: base)
        case .returnCallRef:
            let type = try calleeType(ins.index)
            let ref = pop()
            materializeAll()
            let base = height - 1 - type.parameters.count
            emit(.returnCallRef, home(base), ref, UInt32(SlotLayout.slotCount(type.parameters)))
            emitTailCallFallback(resultsAt: base)

        case .brOnNull:
            let ref = pop()
            materializeAll()
            let h = height - 1
            let index = controls.count - 1 - Int(ins.index)
            let anchor = code.count
            if isDirectBranch(depth: ins.index, height: h, context: context) {
                emit(.brOnNull, ref, 0)
                linkJump(toControl: index, word: anchor + 2, anchor: anchor)
            } else {
                emit(.brOnNonNull, ref, 0)
                emitBranch(depth: ins.index, height: h, context: context)
                patch((anchor + 2, anchor), to: code.count)
            }
            vstack.append(ref)  // falls through with the (non-null) reference
        case .brOnNonNull:
            materializeAll()
            let ref = home(height - 1)
            let index = controls.count - 1 - Int(ins.index)
            let anchor = code.count
            if isDirectBranch(depth: ins.index, height: height, context: context) {
                emit(.brOnNonNull, ref, 0)
                linkJump(toControl: index, word: anchor + 2, anchor: anchor)
            } else {
                emit(.brOnNull, ref, 0)
                emitBranch(depth: ins.index, height: height, context: context)
                patch((anchor + 2, anchor), to: code.count)
            }
            _ = pop()  // falls through without it

        case .throw:
            guard Int(ins.index) < tagArities.count else { throw WasmError(.invalid, "unknown tag \(ins.index)") }
            materializeAll()
            emit(.throw, ins.index, home(height - tagArities[Int(ins.index)]))
        case .throwRef:
            emit(.throwRef, pop())

        default:
            if GCOps.supports(ins.opcode) {
                try translateGC(ins, context: context)
                return true
            }
            return try translateGeneralAccess(ins)
        }
        return true
    }

    /// Loads and stores on memories other than 0, memory64 or with offsets beyond 32 bits.
    mutating func translateGeneralAccess(_ ins: Instruction) throws -> Bool {
        guard ins.opcode.info.immediate == .memarg, ins.index2 != 0 || isMemory64(0) || ins.value > UInt64(UInt32.max),
              let plain = Translator.directOp(ins.opcode), let signature = ins.opcode.info.signature else { return false }
        let lo = UInt32(truncatingIfNeeded: ins.value), hi = UInt32(truncatingIfNeeded: ins.value >> 32)
        let kind = UInt32(plain.rawValue)
        if signature.pushes.isEmpty {
            let value = pop(), address = pop()
            emit(.storeX, address, value, ins.index2, lo, hi, kind)
        } else {
            let address = pop()
            emitProducer(.loadX, home(vstack.count), address, ins.index2, lo, hi, kind)
            pushHome()
        }
        return true
    }

    /// Table indices of a table64 are i64; tables never hold 2^32 elements, so saturating
    /// them to u32 keeps every bounds check (and trap) of the 32-bit ops exact.
    mutating func clampTableOperands(_ count: Int, context: some ValidationContext) {
        for depth in 0..<count where context.operandType(depth) == .i64 {
            let i = vstack.count - 1 - depth
            guard i >= 0 else { continue }
            emit(.clampIndex, home(i), vstack[i])
            vstack[i] = home(i)
        }
    }

    func calleeType(_ typeIndex: UInt32) throws -> FunctionType {
        guard let type = resolveType(Int(typeIndex)) else { throw WasmError(.invalid, "unknown type \(typeIndex)") }
        return type
    }

    /// After a tail call: a callee that is not interpreted (host, other tier) was called
    /// normally and left its results at `base`; return them.
    mutating func emitTailCallFallback(resultsAt base: Int) {
        var dst: UInt32 = 0
        for (i, type) in resultTypes.enumerated() {
            let src = home(base + i), wide = type == .v128
            if src != dst { emitCopy(dst, src, wide: wide) }
            dst += wide ? 16 : 8
        }
        emit(.ret)
    }
}

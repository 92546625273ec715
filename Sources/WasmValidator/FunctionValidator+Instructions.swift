import WasmCore
import WasmDecoder

extension FunctionValidator {
    /// Checks one instruction (immediates and operands) against the current state without
    /// changing it, and returns the effect `apply` performs once the sink has seen the
    /// pre-state. Not generic: the per-instruction work is compiled once, fully optimised,
    /// whatever the sink. Mutating although it changes nothing: called as a non-mutating
    /// method on the loop's `var`, the 112-byte validator was copied for every instruction.
    @usableFromInline
    mutating func check(_ ins: Instruction, offset: Int) throws(WasmError) -> ValidationEffect {
        if let (signature, address) = try checkSignature(ins, offset: offset) {
            return .signature(signature, address: address)
        }
        return try checkHandTyped(ins)
    }

    /// `check` for the table-typed instructions (numeric, memory and most vector ones,
    /// over half of all): their signature and the memory's address type, or nil for any
    /// other instruction. The validation loop applies the result with
    /// `applySignature`, without a `ValidationEffect` to build, switch over and destroy.
    @usableFromInline
    mutating func checkSignature(_ ins: Instruction, offset: Int) throws(WasmError) -> (CompactSignature, TypeCode)? {
        // Code after the final `end` means the body's size disagrees with its code.
        guard !frames.isEmpty else { throw .malformed("section size mismatch", offset: offset) }
        guard let signature = module.state.signatures[Int(ins.opcode.rawValue)] else { return nil }
        let address = signature.hasImmediates ? try checkImmediates(ins) : TypeCode.i32
        let n = Int(signature.popCount)
        guard n > 0 else { return (signature, address) }
        // Usually all operands are in the current frame: compare them in place, deepest
        // first as `expectCode` does (through `expectCode` the validator was copied and
        // the stack and frame re-read for each operand).
        let first = stack.count - n
        if first >= topHeight {
            let operands = stack.storage.base + first
            for i in 0..<n {
                let expected = SignatureTable.typeCode(signature.pop(i), address: address)
                let actual = operands[i]
                if actual != expected && !actual.isUnknown { try expectSubtype(actual, of: expected) }
            }
        } else {
            for i in 0..<n {
                try expectCode(SignatureTable.typeCode(signature.pop(i), address: address), at: n - 1 - i)
            }
        }
        return (signature, address)
    }

    /// `check` for the instructions without a table signature (`checkSignature` gave nil).
    @usableFromInline
    mutating func checkHandTyped(_ ins: Instruction) throws(WasmError) -> ValidationEffect {
        let op = ins.opcode
        // The most frequent hand-typed instructions, with the same checks (in the same
        // order, so the same errors) as their general cases below.
        switch op {
        case .localGet:
            let i = Int(ins.index)
            guard i < localCodes.count else { throw .invalid("unknown local \(ins.index)") }
            try checkInitialized(ins.index)
            return .popPushCode(0, localCodes[i])
        case .localSet, .localTee:
            let i = Int(ins.index)
            guard i < localCodes.count else { throw .invalid("unknown local \(ins.index)") }
            let t = localCodes[i]
            try expectCode(t, at: 0)
            return .setLocal(ins.index, push: op == .localTee ? t : .unknown)
        case .brIf:
            guard Int(ins.index) < frames.count else { throw .invalid("unknown label \(ins.index)") }
            let f = frames.count - 1 - Int(ins.index)
            // Through the buffer: `frames[f]` would copy the frame (retaining its type).
            let carriesNothing = frames.withUnsafeBufferPointer { b in
                b[f].kind == .loop ? b[f].type.parameters.isEmpty : b[f].type.results.isEmpty
            }
            if carriesNothing {
                try expectCode(.i32, at: 0)
                return .pop(1)
            }
        default:
            break
        }
        return try checkSpecial(ins)
    }

    /// Index, alignment and offset checks of the table-typed instructions; returns the
    /// address type of the memory they use (i32 when none). Mutating although it changes
    /// nothing: called from a mutating method, the validator was copied for the call.
    mutating func checkImmediates(_ ins: Instruction) throws(WasmError) -> TypeCode {
        let immediate = ins.opcode.immediateKind
        switch immediate {
        case .memarg, .memargLane:
            let memory = try module.memory(ins.index2)
            guard ins.index <= UInt32(ins.opcode.alignmentLog2) else {
                throw .invalid("alignment must not be larger than natural")
            }
            if !memory.limits.is64 && ins.value > UInt64(UInt32.max) { throw .invalid("offset out of range") }
            if immediate == .memargLane && ins.value2 >= UInt64(ins.opcode.laneCount) {
                throw .invalid("invalid lane index")
            }
            return TypeCode(memory.limits.addressType)
        case .lane:
            if ins.index >= UInt32(ins.opcode.laneCount) { throw .invalid("invalid lane index") }
        case .shuffle:
            // Sixteen lane bytes, each selecting one of the 32 bytes of both operands.
            if (ins.value | ins.value2) & 0xE0E0_E0E0_E0E0_E0E0 != 0 { throw .invalid("invalid lane index") }
        case .memory:
            return TypeCode(try module.memory(ins.index).limits.addressType)
        case .data:
            try module.checkData(ins.index)
        case .elem:
            _ = try module.element(ins.index)
        default:
            break
        }
        return .i32
    }

    /// The instructions the table marks "special": control, calls, variables, references,
    /// parametric and bulk instructions.
    mutating func checkSpecial(_ ins: Instruction) throws(WasmError) -> ValidationEffect {
        switch ins.opcode {
        case .unreachable:
            return .unreachable

        case .block, .loop:
            let type = try blockFunctionType(ins.blockType)
            try expect(type.parameters, above: 0)
            return .enter(ins.opcode == .block ? .block : .loop, type, pop: 0)

        case .if:
            let type = try blockFunctionType(ins.blockType)
            try expect(.i32, at: 0)
            try expect(type.parameters, above: 1)
            return .enter(.if, type, pop: 1)

        // `else` and `end` copy only the frame's results (`top` copied the whole frame,
        // retaining both arrays; passing `frames[f].type.results` directly made the
        // compiler copy the whole validator for the call).
        case .else:
            let f = frames.count - 1
            guard frames[f].kind == .if else { throw .malformed("END opcode expected") }
            let results = frames[f].type.results
            try expectExactly(results)
            return .elseFrame

        case .end:
            let f = frames.count - 1
            let results = frames[f].type.results
            try expectExactly(results)
            // An `if` without `else` has an implicit empty else passing its parameters on.
            if frames[f].kind == .if {
                let parameters = frames[f].type.parameters
                if !module.relations.isSubtype(parameters, of: results) { throw .invalid("type mismatch") }
            }
            return .endFrame

        case .br:
            let target = try self.frame(ins.index)
            try expect(target.branchTypes, above: 0)
            return .unreachable

        case .brIf:
            let types = try self.frame(ins.index).branchTypes
            try expect(.i32, at: 0)
            try expect(types, above: 1)
            return .popPushTypes(1 + types.count, types)

        case .brTable:
            try expect(.i32, at: 0)
            let labels = ins.labels
            guard let defaultLabel = labels.last else { throw .malformed("unexpected end") }
            let arity = try self.frame(defaultLabel).branchTypes.count
            for label in labels {
                let types = try self.frame(label).branchTypes
                guard types.count == arity else { throw .invalid("type mismatch") }
                try expect(types, above: 1)
            }
            return .unreachable

        case .return:
            try expect(functionType.results, above: 0)
            return .unreachable

        case .call, .returnCall:
            let type = try module.functionType(ofFunction: ins.index)
            return try checkCall(ins, type: type, extraPops: 0)

        case .callIndirect, .returnCallIndirect:
            let table = try module.table(ins.index2)
            let type = try module.relations.functionType(ins.index)
            guard module.relations.isSubtype(.ref(table.elementType), of: .funcRef) else { throw .invalid("type mismatch") }
            try expect(table.limits.addressType, at: 0)
            return try checkCall(ins, type: type, extraPops: 1)

        case .callRef, .returnCallRef:
            let type = try module.relations.functionType(ins.index)
            try expect(.ref(RefType(nullable: true, .concrete(ins.index))), at: 0)
            return try checkCall(ins, type: type, extraPops: 1)

        case .drop:
            _ = try peek(0)
            return .pop(1)

        case .select:
            try expect(.i32, at: 0)
            let a = try peek(1), b = try peek(2)
            if let a, !a.isNumericOrVector { throw .invalid("type mismatch") }
            if let b, !b.isNumericOrVector { throw .invalid("type mismatch") }
            if let a, let b, a != b { throw .invalid("type mismatch") }
            return .popPush(3, a ?? b)

        case .selectT:
            let types = ins.valueTypes
            guard types.count == 1 else { throw .invalid("invalid result arity") }
            let t = types[0]
            try module.relations.check(t)
            try expect(.i32, at: 0)
            try expect(t, at: 1)
            try expect(t, at: 2)
            return .popPush(3, t)

        case .tryTable:
            let type = try blockFunctionType(ins.blockType)
            for clause in ins.catches { try checkCatch(clause) }
            try expect(type.parameters, above: 0)
            return .enter(.tryTable, type, pop: 0)

        case .throw:
            let type = try module.tag(ins.index)
            try expect(type.parameters, above: 0)
            return .unreachable

        case .throwRef:
            try expect(.exnRef, at: 0)
            return .unreachable

        default:
            return try checkVariableOrReference(ins)
        }
    }

    /// Shared tail of the call instructions: parameters below `extraPops` operands
    /// (callee or table index); tail calls also need compatible results.
    func checkCall(_ ins: Instruction, type: FunctionType, extraPops: Int) throws(WasmError) -> ValidationEffect {
        try expect(type.parameters, above: extraPops)
        let isTail = ins.opcode == .returnCall || ins.opcode == .returnCallIndirect || ins.opcode == .returnCallRef
        if isTail {
            guard module.relations.isSubtype(type.results, of: functionType.results) else { throw .invalid("type mismatch") }
            return .unreachable
        }
        return .popPushTypes(extraPops + type.parameters.count, type.results)
    }

    /// A `try_table` clause: the label must accept what the handler passes.
    func checkCatch(_ clause: CatchClause) throws(WasmError) {
        let target = try frame(clause.label).branchTypes
        var passed: [ValueType] = []
        switch clause.kind {
        case .catch: passed = try module.tag(clause.tag).parameters
        case .catchRef: passed = try module.tag(clause.tag).parameters + [.ref(RefType(nullable: false, .exn))]
        case .catchAll: passed = []
        case .catchAllRef: passed = [.ref(RefType(nullable: false, .exn))]
        }
        guard module.relations.isSubtype(passed, of: target) else { throw .invalid("type mismatch") }
    }
}

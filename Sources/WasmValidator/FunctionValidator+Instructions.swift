import WasmCore
import WasmDecoder

extension FunctionValidator {
    /// Validates one instruction: checks its immediates and operands against the current
    /// state, hands it to `sink` (which sees that pre-state), then applies its effect.
    mutating func process<S: CodeSink>(_ ins: Instruction, offset: Int, sink: inout S) throws {
        let op = ins.opcode
        if let signature = SignatureTable.entries[Int(op.rawValue)] {
            let address = try checkImmediates(ins)
            let n = Int(signature.popCount)
            for i in 0..<n {
                try expect(SignatureTable.type(signature.pop(i), address: address), at: n - 1 - i)
            }
            try sink.visit(ins, offset: offset, context: self)
            pop(n)
            for i in 0..<Int(signature.pushCount) { push(SignatureTable.type(signature.push(i), address: address)) }
            return
        }
        if let signature = SignatureTable.overflow[Int(op.rawValue)] {
            let address = try checkImmediates(ins)
            let pops = signature.pops.map { SignatureTable.type($0, address: address) }
            try expect(pops, above: 0)
            try sink.visit(ins, offset: offset, context: self)
            pop(pops.count)
            for p in signature.pushes { push(SignatureTable.type(p, address: address)) }
            return
        }
        try processSpecial(ins, offset: offset, sink: &sink)
    }

    /// Index, alignment and offset checks of the table-typed instructions; returns the
    /// address type of the memory they use (i32 when none).
    func checkImmediates(_ ins: Instruction) throws(WasmError) -> ValueType {
        let info = ins.opcode.info
        switch info.immediate {
        case .memarg, .memargLane:
            let memory = try module.memory(ins.index2)
            guard ins.index <= UInt32(info.naturalAlignment) else {
                throw .invalid("alignment must not be larger than natural")
            }
            if !memory.limits.is64 && ins.value > UInt64(UInt32.max) { throw .invalid("offset out of range") }
            if info.immediate == .memargLane && ins.value2 >= UInt64(ins.opcode.laneCount) {
                throw .invalid("invalid lane index")
            }
            return memory.limits.addressType
        case .lane:
            if ins.index >= UInt32(ins.opcode.laneCount) { throw .invalid("invalid lane index") }
        case .shuffle:
            // Sixteen lane bytes, each selecting one of the 32 bytes of both operands.
            if (ins.value | ins.value2) & 0xE0E0_E0E0_E0E0_E0E0 != 0 { throw .invalid("invalid lane index") }
        case .memory:
            return try module.memory(ins.index).limits.addressType
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
    mutating func processSpecial<S: CodeSink>(_ ins: Instruction, offset: Int, sink: inout S) throws {
        let relations = module.relations
        switch ins.opcode {
        case .unreachable:
            try sink.visit(ins, offset: offset, context: self)
            setUnreachable()

        case .block, .loop:
            let type = try blockFunctionType(ins.blockType)
            try expect(type.parameters, above: 0)
            try sink.visit(ins, offset: offset, context: self)
            pushFrame(ins.opcode == .block ? .block : .loop, type)

        case .if:
            let type = try blockFunctionType(ins.blockType)
            try expect(.i32, at: 0)
            try expect(type.parameters, above: 1)
            try sink.visit(ins, offset: offset, context: self)
            pop(1)
            pushFrame(.if, type)

        case .else:
            let frame = top
            guard frame.kind == .if else { throw WasmError.malformed("END opcode expected") }
            try expectExactly(frame.type.results)
            try sink.visit(ins, offset: offset, context: self)
            resetLocalInitialization()
            pop(stack.count - frame.height)
            frames[frames.count - 1].kind = .else
            frames[frames.count - 1].unreachable = false
            push(frame.type.parameters)

        case .end:
            let frame = top
            try expectExactly(frame.type.results)
            // An `if` without `else` has an implicit empty else passing its parameters on.
            if frame.kind == .if && !relations.isSubtype(frame.type.parameters, of: frame.type.results) {
                throw WasmError.invalid("type mismatch")
            }
            try sink.visit(ins, offset: offset, context: self)
            resetLocalInitialization()
            pop(stack.count - frame.height)
            frames.removeLast()
            push(frame.type.results)

        case .br:
            let target = try self.frame(ins.index)
            try expect(target.branchTypes, above: 0)
            try sink.visit(ins, offset: offset, context: self)
            setUnreachable()

        case .brIf:
            let types = try self.frame(ins.index).branchTypes
            try expect(.i32, at: 0)
            try expect(types, above: 1)
            try sink.visit(ins, offset: offset, context: self)
            pop(1 + types.count)
            push(types)

        case .brTable:
            try expect(.i32, at: 0)
            guard let defaultLabel = ins.labels.last else { throw WasmError.malformed("unexpected end") }
            let arity = try self.frame(defaultLabel).branchTypes.count
            for label in ins.labels {
                let types = try self.frame(label).branchTypes
                guard types.count == arity else { throw WasmError.invalid("type mismatch") }
                try expect(types, above: 1)
            }
            try sink.visit(ins, offset: offset, context: self)
            setUnreachable()

        case .return:
            try expect(functionType.results, above: 0)
            try sink.visit(ins, offset: offset, context: self)
            setUnreachable()

        case .call, .returnCall:
            let type = try module.functionType(ofFunction: ins.index)
            try finishCall(ins, offset: offset, type: type, extraPops: 0, sink: &sink)

        case .callIndirect, .returnCallIndirect:
            let table = try module.table(ins.index2)
            let type = try relations.functionType(ins.index)
            guard relations.isSubtype(.ref(table.elementType), of: .funcRef) else { throw WasmError.invalid("type mismatch") }
            try expect(table.limits.addressType, at: 0)
            try finishCall(ins, offset: offset, type: type, extraPops: 1, sink: &sink)

        case .callRef, .returnCallRef:
            let type = try relations.functionType(ins.index)
            try expect(.ref(RefType(nullable: true, .concrete(ins.index))), at: 0)
            try finishCall(ins, offset: offset, type: type, extraPops: 1, sink: &sink)

        case .drop:
            _ = try peek(0)
            try sink.visit(ins, offset: offset, context: self)
            pop(1)

        case .select:
            try expect(.i32, at: 0)
            let a = try peek(1), b = try peek(2)
            if let a, !a.isNumericOrVector { throw WasmError.invalid("type mismatch") }
            if let b, !b.isNumericOrVector { throw WasmError.invalid("type mismatch") }
            if let a, let b, a != b { throw WasmError.invalid("type mismatch") }
            try sink.visit(ins, offset: offset, context: self)
            pop(3)
            push(a ?? b)

        case .selectT:
            guard ins.valueTypes.count == 1 else { throw WasmError.invalid("invalid result arity") }
            let t = ins.valueTypes[0]
            try relations.check(t)
            try expect(.i32, at: 0)
            try expect(t, at: 1)
            try expect(t, at: 2)
            try sink.visit(ins, offset: offset, context: self)
            pop(3)
            push(t)

        case .tryTable:
            let type = try blockFunctionType(ins.blockType)
            for clause in ins.catches { try checkCatch(clause) }
            try expect(type.parameters, above: 0)
            try sink.visit(ins, offset: offset, context: self)
            pushFrame(.tryTable, type)

        case .throw:
            let type = try module.tag(ins.index)
            try expect(type.parameters, above: 0)
            try sink.visit(ins, offset: offset, context: self)
            setUnreachable()

        case .throwRef:
            try expect(.exnRef, at: 0)
            try sink.visit(ins, offset: offset, context: self)
            setUnreachable()

        default:
            try processVariableOrReference(ins, offset: offset, sink: &sink)
        }
    }

    /// Shared tail of the call instructions: parameters below `extraPops` operands
    /// (callee or table index); tail calls also need compatible results.
    mutating func finishCall<S: CodeSink>(_ ins: Instruction, offset: Int, type: FunctionType, extraPops: Int, sink: inout S) throws {
        try expect(type.parameters, above: extraPops)
        let isTail = ins.opcode == .returnCall || ins.opcode == .returnCallIndirect || ins.opcode == .returnCallRef
        if isTail && !module.relations.isSubtype(type.results, of: functionType.results) {
            throw WasmError.invalid("type mismatch")
        }
        try sink.visit(ins, offset: offset, context: self)
        if isTail {
            setUnreachable()
        } else {
            pop(extraPops + type.parameters.count)
            push(type.results)
        }
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

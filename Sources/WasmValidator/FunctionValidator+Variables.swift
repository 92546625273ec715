import WasmCore
import WasmDecoder

extension FunctionValidator {
    /// Variable, table, reference and bulk-memory instructions.
    mutating func checkVariableOrReference(_ ins: Instruction) throws(WasmError) -> ValidationEffect {
        switch ins.opcode {
        case .localGet:
            let t = try local(ins.index)
            try checkInitialized(ins.index)
            return .popPush(0, t)

        case .localSet, .localTee:
            let t = try local(ins.index)
            try expect(t, at: 0)
            return .setLocal(ins.index, push: ins.opcode == .localTee ? TypeCode(t) : .unknown)

        case .globalGet:
            let g = try module.global(ins.index)
            return .popPush(0, g.valueType)

        case .globalSet:
            let g = try module.global(ins.index)
            guard g.isMutable else { throw .invalid("global is immutable") }
            try expect(g.valueType, at: 0)
            return .pop(1)

        case .tableGet:
            let table = try module.table(ins.index)
            try expect(table.limits.addressType, at: 0)
            return .popPush(1, .ref(table.elementType))

        case .tableSet:
            let table = try module.table(ins.index)
            try expect(.ref(table.elementType), at: 0)
            try expect(table.limits.addressType, at: 1)
            return .pop(2)

        case .tableSize:
            let table = try module.table(ins.index)
            return .popPush(0, table.limits.addressType)

        case .tableGrow:
            let table = try module.table(ins.index)
            try expect(table.limits.addressType, at: 0)
            try expect(.ref(table.elementType), at: 1)
            return .popPush(2, table.limits.addressType)

        case .tableFill:
            let table = try module.table(ins.index)
            try expect(table.limits.addressType, at: 0)
            try expect(.ref(table.elementType), at: 1)
            try expect(table.limits.addressType, at: 2)
            return .pop(3)

        case .tableCopy:
            let destination = try module.table(ins.index)
            let source = try module.table(ins.index2)
            guard module.relations.isSubtype(.ref(source.elementType), of: .ref(destination.elementType)) else {
                throw .invalid("type mismatch")
            }
            let d = destination.limits.addressType, s = source.limits.addressType
            try expect(d == .i64 && s == .i64 ? .i64 : .i32, at: 0)
            try expect(s, at: 1)
            try expect(d, at: 2)
            return .pop(3)

        case .tableInit:
            let table = try module.table(ins.index2)
            let element = try module.element(ins.index)
            guard module.relations.isSubtype(.ref(element), of: .ref(table.elementType)) else {
                throw .invalid("type mismatch")
            }
            try expect(.i32, at: 0)
            try expect(.i32, at: 1)
            try expect(table.limits.addressType, at: 2)
            return .pop(3)

        case .memoryInit:
            let memory = try module.memory(ins.index2)
            try module.checkData(ins.index)
            try expect(.i32, at: 0)
            try expect(.i32, at: 1)
            try expect(memory.limits.addressType, at: 2)
            return .pop(3)

        case .memoryCopy:
            let d = try module.memory(ins.index).limits.addressType
            let s = try module.memory(ins.index2).limits.addressType
            try expect(d == .i64 && s == .i64 ? .i64 : .i32, at: 0)
            try expect(s, at: 1)
            try expect(d, at: 2)
            return .pop(3)

        case .memoryFill:
            let a = try module.memory(ins.index).limits.addressType
            try expect(a, at: 0)
            try expect(.i32, at: 1)
            try expect(a, at: 2)
            return .pop(3)

        case .refNull:
            try module.relations.check(ins.heapType)
            return .popPush(0, .ref(RefType(nullable: true, ins.heapType)))

        case .refIsNull:
            let t = try peek(0)
            if let t, !t.isReference { throw .invalid("type mismatch") }
            return .popPush(1, .i32)

        case .refFunc:
            _ = try module.functionTypeIndex(ins.index)
            guard module.declaredFunctions[Int(ins.index)] else { throw .invalid("undeclared function reference") }
            return .popPush(0, module.referenceType(ofFunction: ins.index))

        case .refAsNonNull:
            let t = try peekReference()
            return .popPush(1, t.map { .ref(RefType(nullable: false, $0.heapType)) })

        case .brOnNull:
            let types = try self.frame(ins.index).branchTypes
            let t = try peekReference()
            try expect(types, above: 1)
            return .brOnNull(types, t.map { .ref(RefType(nullable: false, $0.heapType)) })

        case .brOnNonNull:
            let types = try self.frame(ins.index).branchTypes
            guard let last = types.last, case .ref(let target) = last else { throw .invalid("type mismatch") }
            let prefix = Array(types.dropLast())
            if let t = try peekReference(), !module.relations.isSubtype(t.heapType, of: target.heapType) {
                throw .invalid("type mismatch")
            }
            try expect(prefix, above: 1)
            return .popPushTypes(1 + prefix.count, prefix)

        default:
            if let effect = try checkGC(ins) { return effect }
            // Signatures too large for the compact table (none today).
            if let signature = SignatureTable.overflow[Int(ins.opcode.rawValue)] {
                let address = try checkImmediates(ins).valueType ?? .i32
                let pops = signature.pops.map { SignatureTable.type($0, address: address) }
                try expect(pops, above: 0)
                return .popPushTypes(pops.count, signature.pushes.map { SignatureTable.type($0, address: address) })
            }
            // Every opcode is either table-typed or handled above; reaching here means the
            // instruction table grew a hand-typed entry this validator does not know.
            throw .invalid("unsupported instruction \(ins.opcode.name)")
        }
    }

    /// The reference operand on top of the stack (nil when unknown).
    func peekReference() throws(WasmError) -> RefType? {
        guard let t = try peek(0) else { return nil }
        guard case .ref(let r) = t else { throw .invalid("type mismatch") }
        return r
    }
}

import WasmCore
import WasmDecoder

extension FunctionValidator {
    /// The garbage-collection instructions: structs, arrays, i31, casts and conversions.
    mutating func checkGC(_ ins: Instruction) throws(WasmError) -> ValidationEffect? {
        let relations = module.relations
        switch ins.opcode {
        case .structNew:
            let fields = try relations.structFields(ins.index)
            try expect(fields.map(\.storage.unpacked), above: 0)
            return .popPush(fields.count, ref(ins.index))

        case .structNewDefault:
            let fields = try relations.structFields(ins.index)
            guard fields.allSatisfy(\.storage.isDefaultable) else { throw .invalid("type mismatch") }
            return .popPush(0, ref(ins.index))

        case .structGet, .structGetS, .structGetU:
            let field = try structField(ins)
            guard field.storage.isPacked == (ins.opcode != .structGet) else {
                throw .invalid(field.storage.isPacked ? "type mismatch: packed field" : "type mismatch: field is not packed")
            }
            try expect(ref(ins.index, nullable: true), at: 0)
            return .popPush(1, field.storage.unpacked)

        case .structSet:
            let field = try structField(ins)
            guard field.isMutable else { throw .invalid("immutable field") }
            try expect(field.storage.unpacked, at: 0)
            try expect(ref(ins.index, nullable: true), at: 1)
            return .pop(2)

        case .arrayNew:
            let element = try relations.arrayElement(ins.index)
            try expect(.i32, at: 0)
            try expect(element.storage.unpacked, at: 1)
            return .popPush(2, ref(ins.index))

        case .arrayNewDefault:
            let element = try relations.arrayElement(ins.index)
            guard element.storage.isDefaultable else { throw .invalid("type mismatch") }
            try expect(.i32, at: 0)
            return .popPush(1, ref(ins.index))

        case .arrayNewFixed:
            let element = try relations.arrayElement(ins.index)
            let count = Int(ins.index2)
            guard count <= 10_000 else { throw .invalid("array.new_fixed: too many operands") }
            try expect([ValueType](repeating: element.storage.unpacked, count: count), above: 0)
            return .popPush(count, ref(ins.index))

        case .arrayNewData, .arrayNewElem:
            let element = try relations.arrayElement(ins.index)
            try checkArraySegment(ins, element: element)
            try expect(.i32, at: 0)
            try expect(.i32, at: 1)
            return .popPush(2, ref(ins.index))

        case .arrayGet, .arrayGetS, .arrayGetU:
            let element = try relations.arrayElement(ins.index)
            guard element.storage.isPacked == (ins.opcode != .arrayGet) else {
                throw .invalid(element.storage.isPacked ? "type mismatch: packed array" : "type mismatch: array is not packed")
            }
            try expect(.i32, at: 0)
            try expect(ref(ins.index, nullable: true), at: 1)
            return .popPush(2, element.storage.unpacked)

        case .arraySet:
            let element = try mutableArray(ins.index)
            try expect(element.storage.unpacked, at: 0)
            try expect(.i32, at: 1)
            try expect(ref(ins.index, nullable: true), at: 2)
            return .pop(3)

        case .arrayLen:
            try expect(.ref(RefType(nullable: true, .array)), at: 0)
            return .popPush(1, .i32)

        case .arrayFill:
            let element = try mutableArray(ins.index)
            try expect(.i32, at: 0)
            try expect(element.storage.unpacked, at: 1)
            try expect(.i32, at: 2)
            try expect(ref(ins.index, nullable: true), at: 3)
            return .pop(4)

        case .arrayCopy:
            let destination = try mutableArray(ins.index)
            let source = try relations.arrayElement(ins.index2)
            guard relations.isSubtype(FieldType(source.storage, mutable: false), of: FieldType(destination.storage, mutable: false)) else {
                throw .invalid("array types do not match")
            }
            try expect(.i32, at: 0)
            try expect(.i32, at: 1)
            try expect(ref(ins.index2, nullable: true), at: 2)
            try expect(.i32, at: 3)
            try expect(ref(ins.index, nullable: true), at: 4)
            return .pop(5)

        case .arrayInitData, .arrayInitElem:
            let element = try mutableArray(ins.index)
            try checkArraySegment(ins, element: element)
            try expect(.i32, at: 0)
            try expect(.i32, at: 1)
            try expect(.i32, at: 2)
            try expect(ref(ins.index, nullable: true), at: 3)
            return .pop(4)

        case .refTest, .refTestNull, .refCast, .refCastNull:
            try relations.check(ins.heapType)
            let target = RefType(nullable: ins.opcode == .refTestNull || ins.opcode == .refCastNull, ins.heapType)
            // The operand may be any reference of the target's hierarchy.
            try expect(.ref(RefType(nullable: true, relations.top(target.heapType))), at: 0)
            let isTest = ins.opcode == .refTest || ins.opcode == .refTestNull
            return .popPush(1, isTest ? .i32 : .ref(target))

        case .brOnCast, .brOnCastFail:
            try relations.check(ins.heapType)
            try relations.check(ins.heapType2)
            let source = RefType(nullable: ins.value & 1 != 0, ins.heapType)
            let target = RefType(nullable: ins.value & 2 != 0, ins.heapType2)
            guard relations.isSubtype(.ref(target), of: .ref(source)) else { throw .invalid("type mismatch") }
            // What is left after a failed cast: the source, non-null if null casts.
            let rest = RefType(nullable: source.isNullable && !target.isNullable, source.heapType)
            let (branched, continuing) = ins.opcode == .brOnCast ? (target, rest) : (rest, target)
            let types = try frame(ins.index).branchTypes
            guard let last = types.last, relations.isSubtype(.ref(branched), of: last) else { throw .invalid("type mismatch") }
            let prefix = Array(types.dropLast())
            try expect(.ref(source), at: 0)
            try expect(prefix, above: 1)
            return .popPushTypes(1 + prefix.count, prefix + [.ref(continuing)])

        case .anyConvertExtern, .externConvertAny:
            let (from, to): (HeapType, HeapType) = ins.opcode == .anyConvertExtern ? (.extern, .any) : (.any, .extern)
            let operand = try peekReference()
            try expect(.ref(RefType(nullable: true, from)), at: 0)
            return .popPush(1, .ref(RefType(nullable: operand?.isNullable ?? false, to)))

        case .refI31:
            try expect(.i32, at: 0)
            return .popPush(1, .ref(RefType(nullable: false, .i31)))

        case .i31GetS, .i31GetU:
            try expect(.ref(.i31Ref), at: 0)
            return .popPush(1, .i32)

        case .refEq:
            try expect(.eqRef, at: 0)
            try expect(.eqRef, at: 1)
            return .popPush(2, .i32)

        default:
            return nil
        }
    }

    private func ref(_ index: UInt32, nullable: Bool = false) -> ValueType {
        .ref(RefType(nullable: nullable, .concrete(index)))
    }

    private func structField(_ ins: Instruction) throws(WasmError) -> FieldType {
        let fields = try module.relations.structFields(ins.index)
        guard Int(ins.index2) < fields.count else { throw .invalid("unknown field \(ins.index2)") }
        return fields[Int(ins.index2)]
    }

    private func mutableArray(_ index: UInt32) throws(WasmError) -> FieldType {
        let element = try module.relations.arrayElement(index)
        guard element.isMutable else { throw .invalid("immutable array") }
        return element
    }

    /// `array.new_data`/`init_data` need numeric or vector elements; `_elem` elements
    /// the segment's references fit in.
    private func checkArraySegment(_ ins: Instruction, element: FieldType) throws(WasmError) {
        if ins.opcode == .arrayNewData || ins.opcode == .arrayInitData {
            guard !element.storage.unpacked.isReference else { throw .invalid("array type is not numeric or vector") }
            try module.checkData(ins.index2)
        } else {
            let segment = try module.element(ins.index2)
            guard module.relations.isSubtype(.ref(segment), of: element.storage.unpacked) else { throw .invalid("type mismatch") }
        }
    }
}

extension StorageType {
    /// Whether a field of this type can start at its default (zero, null).
    var isDefaultable: Bool { unpacked.isDefaultable }
}

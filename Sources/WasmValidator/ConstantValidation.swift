import WasmCore
import WasmDecoder

extension ModuleValidator {
    /// Checks a constant expression (global and table initialisers, segment offsets and
    /// elements): only constant instructions, and exactly one result of type `type`.
    /// `global.get` may name the first `visibleGlobals` globals, which must be immutable.
    func validateConstant(_ expression: ConstExpression, type: ValueType, visibleGlobals: Int) throws(WasmError) {
        var stack: [ValueType] = []
        func pop(_ expected: ValueType) throws(WasmError) {
            guard let actual = stack.popLast(), relations.isSubtype(actual, of: expected) else {
                throw .invalid("type mismatch")
            }
        }
        for ins in expression.instructions {
            switch ins.opcode {
            case .i32Const: stack.append(.i32)
            case .i64Const: stack.append(.i64)
            case .f32Const: stack.append(.f32)
            case .f64Const: stack.append(.f64)
            case .v128Const: stack.append(.v128)
            case .refNull:
                try relations.check(ins.heapType)
                stack.append(.ref(RefType(nullable: true, ins.heapType)))
            case .refFunc:
                _ = try functionTypeIndex(ins.index)
                stack.append(referenceType(ofFunction: ins.index))
            case .globalGet:
                guard Int(ins.index) < visibleGlobals else { throw .invalid("unknown global \(ins.index)") }
                let global = try global(ins.index)
                guard !global.isMutable else { throw .invalid("constant expression required") }
                stack.append(global.valueType)
            case .structNew, .structNewDefault, .arrayNew, .arrayNewDefault, .arrayNewFixed, .refI31,
                 .anyConvertExtern, .externConvertAny:
                guard features.contains(.gc) else { throw .invalid("constant expression required") }
                try validateConstantGC(ins, stack: &stack)
            case .i32Add, .i32Sub, .i32Mul, .i64Add, .i64Sub, .i64Mul:
                // Extended constant expressions; a `where` would bind only the last pattern.
                guard features.contains(.extendedConst) else { throw .invalid("constant expression required") }
                let t: ValueType = ins.opcode == .i32Add || ins.opcode == .i32Sub || ins.opcode == .i32Mul ? .i32 : .i64
                try pop(t)
                try pop(t)
                stack.append(t)
            default:
                throw .invalid("constant expression required")
            }
        }
        guard stack.count == 1, relations.isSubtype(stack[0], of: type) else { throw .invalid("type mismatch") }
    }

    /// The GC instructions allowed in constant expressions, typed as in function bodies.
    private func validateConstantGC(_ ins: Instruction, stack: inout [ValueType]) throws(WasmError) {
        func pop(_ expected: ValueType) throws(WasmError) -> ValueType {
            guard let actual = stack.popLast(), relations.isSubtype(actual, of: expected) else {
                throw .invalid("type mismatch")
            }
            return actual
        }
        let ref = ValueType.ref(RefType(nullable: false, .concrete(ins.index)))
        switch ins.opcode {
        case .structNew:
            for field in try relations.structFields(ins.index).reversed() { _ = try pop(field.storage.unpacked) }
            stack.append(ref)
        case .structNewDefault:
            guard try relations.structFields(ins.index).allSatisfy(\.storage.isDefaultable) else { throw .invalid("type mismatch") }
            stack.append(ref)
        case .arrayNew:
            let element = try relations.arrayElement(ins.index)
            _ = try pop(.i32)
            _ = try pop(element.storage.unpacked)
            stack.append(ref)
        case .arrayNewDefault:
            guard try relations.arrayElement(ins.index).storage.isDefaultable else { throw .invalid("type mismatch") }
            _ = try pop(.i32)
            stack.append(ref)
        case .arrayNewFixed:
            let element = try relations.arrayElement(ins.index)
            for _ in 0..<ins.index2 { _ = try pop(element.storage.unpacked) }
            stack.append(ref)
        case .refI31:
            _ = try pop(.i32)
            stack.append(.ref(RefType(nullable: false, .i31)))
        default:
            let toAny = ins.opcode == .anyConvertExtern
            guard case .ref(let r) = try pop(.ref(RefType(toAny ? .extern : .any))) else { throw .invalid("type mismatch") }
            stack.append(.ref(RefType(nullable: r.isNullable, toAny ? .any : .extern)))
        }
    }
}

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
}

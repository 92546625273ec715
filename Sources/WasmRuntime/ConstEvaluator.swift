import WasmCore
import WasmDecoder

/// Evaluates constant expressions (global initialisers, segment offsets and elements)
/// of validated modules: constants, `ref.null`, `ref.func`, `global.get` and the
/// extended-const integer arithmetic.
enum ConstEvaluator {
    static func evaluate(_ expr: ConstExpression, globals: [Global], functions: [Function]) throws(WasmError) -> Value {
        // Nearly every initialiser and offset is one constant: no operand stack for those.
        let instructions = expr.instructions
        if instructions.count == 1 || (instructions.count == 2 && instructions[1].opcode == .end) {
            let inst = instructions[0]
            switch inst.opcode {
            case .i32Const: return .i32(UInt32(truncatingIfNeeded: inst.value))
            case .i64Const: return .i64(inst.value)
            case .refFunc where Int(inst.index) < functions.count:
                return .ref(.function(FunctionHandle(functions[Int(inst.index)])))
            default: break
            }
        }
        var stack: [Value] = []
        func pop() throws(WasmError) -> Value {
            guard let v = stack.popLast() else { throw WasmError(.invalid, "type mismatch") }
            return v
        }
        for inst in expr.instructions {
            switch inst.opcode {
            case .i32Const: stack.append(.i32(UInt32(truncatingIfNeeded: inst.value)))
            case .i64Const: stack.append(.i64(inst.value))
            case .f32Const: stack.append(.f32(UInt32(truncatingIfNeeded: inst.value)))
            case .f64Const: stack.append(.f64(inst.value))
            case .v128Const: stack.append(.v128(V128(low: inst.value, high: inst.value2)))
            case .refNull: stack.append(.ref(.null(inst.heapType.topHeapType)))
            case .refFunc:
                guard Int(inst.index) < functions.count else { throw WasmError(.invalid, "unknown function \(inst.index)") }
                stack.append(.ref(.function(FunctionHandle(functions[Int(inst.index)]))))
            case .globalGet:
                guard Int(inst.index) < globals.count else { throw WasmError(.invalid, "unknown global \(inst.index)") }
                stack.append(globals[Int(inst.index)].value)
            case .i32Add, .i32Sub, .i32Mul:
                guard case .i32(let b) = try pop(), case .i32(let a) = try pop() else { throw WasmError(.invalid, "type mismatch") }
                stack.append(.i32(inst.opcode == .i32Add ? a &+ b : inst.opcode == .i32Sub ? a &- b : a &* b))
            case .i64Add, .i64Sub, .i64Mul:
                guard case .i64(let b) = try pop(), case .i64(let a) = try pop() else { throw WasmError(.invalid, "type mismatch") }
                stack.append(.i64(inst.opcode == .i64Add ? a &+ b : inst.opcode == .i64Sub ? a &- b : a &* b))
            case .end: break
            default: throw WasmError(.invalid, "constant expression required")
            }
        }
        guard stack.count == 1, let v = stack.first else { throw WasmError(.invalid, "type mismatch") }
        return v
    }
}

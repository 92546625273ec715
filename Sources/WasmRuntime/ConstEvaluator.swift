import WasmCore
import WasmDecoder

/// Evaluates constant expressions (global initialisers, segment offsets and elements)
/// of validated modules: constants, `ref.null`, `ref.func`, `global.get` and the
/// extended-const integer arithmetic, and the allocations of the GC proposal.
enum ConstEvaluator {
    /// Where constant expressions allocate structs and arrays.
    struct GCContext {
        let heap: GCHeap
        /// The module's layouts by type index.
        let types: UnsafePointer<UnsafePointer<GCTypeInfo>?>
    }

    static func evaluate(_ expr: ConstExpression, globals: [Global], functions: [Function],
                         gc: GCContext? = nil) throws(WasmError) -> Value {
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
            case .refI31:
                guard case .i32(let v) = try pop() else { throw WasmError(.invalid, "type mismatch") }
                stack.append(.ref(.i31(v & 0x7FFF_FFFF)))
            case .anyConvertExtern, .externConvertAny:
                // One encoding for both hierarchies: only a null changes its type.
                let v = try pop()
                if case .ref(.null) = v {
                    stack.append(.ref(.null(inst.opcode == .anyConvertExtern ? .any : .extern)))
                } else {
                    stack.append(v)
                }
            case .structNew, .structNewDefault, .arrayNew, .arrayNewDefault, .arrayNewFixed:
                guard let gc, let info = gc.types[Int(inst.index)] else { throw WasmError(.invalid, "unknown type \(inst.index)") }
                stack.append(try allocate(inst, info, gc.heap, &stack))
            default: throw WasmError(.invalid, "constant expression required")
            }
        }
        guard stack.count == 1, let v = stack.first else { throw WasmError(.invalid, "type mismatch") }
        return v
    }

    /// `struct.new*` and `array.new*`: an object from the operands on `stack`.
    private static func allocate(_ inst: Instruction, _ info: UnsafePointer<GCTypeInfo>, _ heap: GCHeap,
                                 _ stack: inout [Value]) throws(WasmError) -> Value {
        func pop(_ n: Int) throws(WasmError) -> [Value] {
            guard n <= stack.count else { throw WasmError(.invalid, "type mismatch") }
            defer { stack.removeLast(n) }
            return Array(stack.suffix(n))
        }
        func count() throws(WasmError) -> Int {
            guard case .i32(let n)? = try pop(1).first else { throw WasmError(.invalid, "type mismatch") }
            return Int(n)
        }
        let fields = info.pointee.fields
        // Operands per field or element; `array.new` repeats its one value.
        var values: [Value] = []
        var length = 0
        switch inst.opcode {
        case .structNew: values = try pop(fields.count)
        case .arrayNew:
            length = try count()
            values = try pop(1)
        case .arrayNewDefault: length = try count()
        case .arrayNewFixed:
            length = Int(inst.index2)
            values = try pop(length)
        default: break
        }
        // Allocated before anything of its size is built: a length past the heap's limit
        // fails here, as a trap.
        let object: UnsafeMutableRawPointer
        do { object = try heap.allocate(info, length: length, scanTop: nil) } catch {
            throw WasmError(.uninstantiable, error.message)
        }
        let writes = inst.opcode == .arrayNew ? length : values.count
        for i in 0..<writes {
            let value = inst.opcode == .arrayNew ? values[0] : values[i]
            let field = info.pointee.kind == .structure ? fields[i] : fields[0]
            let offset = info.pointee.kind == .structure ? field.offset : field.offset + i * info.pointee.payloadSize
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2) { slots in
                SlotLayout.store([value], at: UnsafeMutableRawPointer(slots.baseAddress!))
                GCOps.store(field.storage, from: UnsafeMutableRawPointer(slots.baseAddress!), to: object + offset)
            }
        }
        return .ref(.object(GCObject(address: UInt(bitPattern: object), heap: heap)))
    }
}

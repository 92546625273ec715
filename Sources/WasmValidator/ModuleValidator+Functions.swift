import WasmCore
import WasmDecoder

extension ModuleValidator {
    /// Validates the body of defined function `definedIndex` (0 = first function of the
    /// function section), feeding each checked instruction to `sink`. Validation errors
    /// are `WasmError`s; errors thrown by the sink propagate unchanged.
    ///
    /// Inlinable so that each tier gets this loop specialised for its sink (the sink's
    /// `visit` inlined, no witness calls); the checks themselves are not generic.
    @inlinable
    public func validateFunction<S: CodeSink>(definedIndex: Int, sink: inout S) throws {
        // The validator lives behind a pointer that sinks read as their context (a
        // one-word `ValidatorView`): passed itself, the `var` was copied (112 bytes) for
        // every call of the sink. A closure giving a stack address stayed out of line.
        let v = try functionValidatorCell(definedIndex: definedIndex)
        defer {
            v.deinitialize(count: 1)
            v.deallocate()
        }
        let context = ValidatorView(v)
        try sink.beginFunction(index: v.pointee.functionIndex, type: v.pointee.functionType,
                               localTypes: v.pointee.locals)
        var reader = InstructionReader(bytes: moduleBytes, range: v.pointee.bodyStart..<v.pointee.bodyEnd,
                                       features: features)
        // One instruction decoded in place each time (no copy out, no destroy per instruction).
        var ins = Instruction(.nop)
        var offset = reader.offset
        do {
            while !reader.isAtEnd {
                offset = reader.offset
                try reader.next(into: &ins)
                // The most frequent instructions take FunctionValidator's fast paths (their
                // type, or nil when the general path must check further). Each path calls
                // the sink itself: inlined there, its `visit` folds for the known opcode.
                switch ins.opcode {
                case .localGet:
                    if let code = v.pointee.localGetCode(ins.index) {
                        try sink.visit(ins, offset: offset, context: context)
                        v.pointee.pushChecked(code)
                        continue
                    }
                case .i32Const:
                    if let code = v.pointee.i32ConstCode() {
                        try sink.visit(ins, offset: offset, context: context)
                        v.pointee.pushChecked(code)
                        continue
                    }
                case .localSet, .localTee:
                    if let code = v.pointee.localSetCode(ins.index) {
                        try sink.visit(ins, offset: offset, context: context)
                        v.pointee.setLocalChecked(ins.index, code, tee: ins.opcode == .localTee)
                        continue
                    }
                default:
                    // Table-typed instructions: no `ValidationEffect` in between.
                    if let (signature, address) = try v.pointee.checkSignature(ins, offset: offset) {
                        try sink.visit(ins, offset: offset, context: context)
                        v.pointee.applySignature(signature, address: address)
                        continue
                    }
                    let effect = try v.pointee.checkHandTyped(ins)
                    try sink.visit(ins, offset: offset, context: context)
                    v.pointee.apply(effect)
                    continue
                }
                let effect = try v.pointee.check(ins, offset: offset)
                try sink.visit(ins, offset: offset, context: context)
                v.pointee.apply(effect)
            }
            offset = reader.offset
            try sink.endFunction(maxStackHeight: try v.pointee.finish())
        } catch var error as WasmError where error.function == nil && error.kind != .uninstantiable {
            // Where it went wrong: the function (and its name) and the instruction.
            error.function = v.pointee.functionIndex
            error.functionName = module.names?.functionNames[v.pointee.functionIndex]
            if error.offset == nil { error.offset = offset }
            throw error
        }
    }

    /// `functionValidator(definedIndex:)` in a new heap cell (nothing allocated when it
    /// throws); the caller deinitializes and deallocates it.
    @usableFromInline
    func functionValidatorCell(definedIndex: Int) throws(WasmError) -> UnsafeMutablePointer<FunctionValidator> {
        let validator = try functionValidator(definedIndex: definedIndex)
        let cell = UnsafeMutablePointer<FunctionValidator>.allocate(capacity: 1)
        cell.initialize(to: validator)
        return cell
    }

    /// The validation state for the start of defined function `definedIndex`.
    @usableFromInline
    func functionValidator(definedIndex: Int) throws(WasmError) -> FunctionValidator {
        guard definedIndex >= 0, definedIndex < module.functions.count, definedIndex < module.codes.count else {
            throw .invalid("unknown function \(importedFunctionCount + definedIndex)")
        }
        let functionIndex = UInt32(truncatingIfNeeded: importedFunctionCount + definedIndex)
        let type = try relations.functionType(module.functions[definedIndex])
        let body = module.codes[definedIndex]
        let locals = try localTypes(type, body)
        return FunctionValidator(module: self, functionIndex: functionIndex, functionType: type, locals: locals,
                                 body: body.code)
    }

    /// Validates every function body with a `NullCodeSink`.
    public func validateAllFunctions() throws(WasmError) {
        var sink = NullCodeSink()
        for i in module.codes.indices {
            do {
                try validateFunction(definedIndex: i, sink: &sink)
            } catch let error as WasmError {
                throw error
            } catch {
                throw WasmError.invalid("\(error)")  // NullCodeSink never throws.
            }
        }
    }

    /// Parameters followed by the declared locals, within the implementation limit.
    func localTypes(_ type: FunctionType, _ body: FunctionBody) throws(WasmError) -> [ValueType] {
        var total = type.parameters.count
        for count in body.localCounts {
            total += Int(count)
            guard total <= ModuleValidator.maxLocals else { throw .invalid("too many locals") }
        }
        var locals = type.parameters
        locals.reserveCapacity(total)
        for (count, t) in zip(body.localCounts, body.localTypes) {
            try relations.check(t)
            locals.append(contentsOf: repeatElement(t, count: Int(count)))
        }
        return locals
    }
}

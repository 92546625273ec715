import WasmCore
import WasmDecoder

extension ModuleValidator {
    /// Validates the body of defined function `definedIndex` (0 = first function of the
    /// function section), feeding each checked instruction to `sink`. Validation errors
    /// are `WasmError`s; errors thrown by the sink propagate unchanged.
    public func validateFunction<S: CodeSink>(definedIndex: Int, sink: inout S) throws {
        guard definedIndex >= 0, definedIndex < module.functions.count, definedIndex < module.codes.count else {
            throw WasmError.invalid("unknown function \(importedFunctionCount + definedIndex)")
        }
        let functionIndex = UInt32(truncatingIfNeeded: importedFunctionCount + definedIndex)
        let type = try relations.functionType(module.functions[definedIndex])
        let body = module.codes[definedIndex]
        let locals = try localTypes(type, body)

        var validator = FunctionValidator(module: self, functionType: type, locals: locals)
        try sink.beginFunction(index: functionIndex, type: type, localTypes: locals)
        var reader = InstructionReader(module: module, body: body, features: features)
        while let (ins, offset) = try reader.read() {
            // Code after the final `end` means the body's size disagrees with its code.
            guard !validator.frames.isEmpty else { throw WasmError.malformed("section size mismatch", offset: offset) }
            try validator.process(ins, offset: offset, sink: &sink)
        }
        guard validator.frames.isEmpty else {
            throw WasmError.malformed("unexpected end of section or function", offset: body.code.upperBound)
        }
        try sink.endFunction(maxStackHeight: validator.maxHeight)
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

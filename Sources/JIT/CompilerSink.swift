import WasmCore
import WasmDecoder
import WasmValidator

/// The compiler as the validator's `CodeSink`. `validateFunction` is inlinable, so each
/// backend's compile gets the validation loop specialised for its compiler.
struct CompilerSink<M: MacroAssembler>: CodeSink {
    var compiler: SinglePassCompiler<M>

    mutating func beginFunction(index: UInt32, type: FunctionType, localTypes: [ValueType]) throws {
        try compiler.beginFunction(index: index, type: type, localTypes: localTypes)
    }

    @inline(__always)  // into each of the validation loop's paths (see validateFunction)
    mutating func visit(_ instruction: Instruction, offset: Int, context: some ValidationContext) throws {
        if compiler.recording { compiler.mark(.instruction(wasmOffset: offset)) }
        compiler.visit(instruction, facts: SinglePassCompiler<M>.facts(instruction, context))
    }

    mutating func endFunction(maxStackHeight: Int) throws {
        try compiler.endFunction(maxStackHeight: maxStackHeight)
    }
}

import WasmCore
import WasmDecoder
import WasmRuntime
import WasmValidator

/// Interpreter translation for another tier that runs some functions in the interpreter
/// (the JIT leaves functions it cannot compile here). It is a `CodeSink` to be driven in
/// the same validator pass as the other tier's sink.
public struct InterpreterTranslation: CodeSink {
    var translator: Translator

    /// A translation of some of `module`'s functions (each given to `validateFunction` with this sink).
    public init(module: Module) {
        let typeIDs = TypeRegistry.ids(for: module)
        let functionTypes = module.allFunctionTypeIndices.map { index in
            module.functionType(index)
        }
        let globalTypes = module.importedGlobals.map(\.valueType) + module.globals.map(\.type.valueType)
        translator = Translator(typeIDs: typeIDs, functionTypes: functionTypes, globalTypes: globalTypes)
        // Same module facts as InterpreterTier.compile gives its translator.
        translator.memoryIs64 = (module.importedMemories + module.memories).map(\.limits.is64)
        translator.tagArities = (module.importedTags + module.tags).map { tag in
            module.functionType(tag.typeIndex).parameters.count
        }
    }

    /// Starts translating a function.
    public mutating func beginFunction(index: UInt32, type: FunctionType, localTypes: [ValueType]) throws {
        try translator.beginFunction(index: index, type: type, localTypes: localTypes)
    }

    /// Translates one validated instruction.
    public mutating func visit(_ instruction: Instruction, offset: Int, context: some ValidationContext) throws {
        try translator.visit(instruction, offset: offset, context: context)
    }

    /// Finishes the function.
    public mutating func endFunction(maxStackHeight: Int) throws {
        try translator.endFunction(maxStackHeight: maxStackHeight)
    }

    /// Code with no functions, for a module the other tier compiled entirely (building a
    /// translation costs as much as instantiating a small module).
    public static func noFunctions() -> any CompiledCode { InterpretedCode(words: [], entries: []) }

    /// The interpreter code of every translated function (kept alive by the returned object).
    public func finish() -> any CompiledCode {
        InterpretedCode(words: translator.code, entries: translator.entries, handlers: translator.handlerRegions)
    }
}

extension InterpreterTier {
    /// Runs an interpreter function whose record belongs to another tier: `code` and
    /// `frameSlots` are its interpreter entry (from `InterpreterTranslation`).
    public func invokeForeign(_ function: UnsafeMutablePointer<FunctionRecord>, code: UnsafeRawPointer,
                              frameSlots: Int, arguments: UnsafeMutableRawPointer, store: Store) throws(Trap) {
        var shadow = function.pointee
        shadow.code = code
        shadow.frameSlots = frameSlots
        shadow.tierID = id
        try withUnsafeMutablePointer(to: &shadow) { (p) throws(Trap) in
            try invoke(p, arguments: arguments, store: store)
        }
    }
}

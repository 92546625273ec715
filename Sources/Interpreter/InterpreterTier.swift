import WasmCore
import WasmDecoder
import WasmRuntime
import WasmValidator

/// The interpreter tier ("interp"): translates validated code into a compact
/// slot-addressed form once, and runs it with `Executor`. See Docs/Interpreter.md.
public final class InterpreterTier: ExecutionTier, @unchecked Sendable {
    /// The name configurations select the interpreter by.
    public let name = "interp"
    /// This tier's id in `ExecutionTiers`.
    public private(set) var id: Int = -1

    private init() {}

    /// The registered interpreter (registers it on first use).
    public static let shared: InterpreterTier = {
        let tier = InterpreterTier()
        tier.id = ExecutionTiers.register(tier)
        return tier
    }()

    /// Makes the "interp" tier available to `StoreConfiguration.tier`. Idempotent.
    public static func register() { _ = shared }

    /// Validates and translates every defined function into interpreter code.
    public func compile(module: Module, validator: ModuleValidator, configuration: EngineConfiguration) throws -> any CompiledCode {
        let typeIDs = TypeRegistry.ids(for: module)
        let functionTypes = module.allFunctionTypeIndices.map { index in
            module.functionType(index)
        }
        let globalTypes = module.importedGlobals.map(\.valueType) + module.globals.map(\.type.valueType)
        var translator = Translator(typeIDs: typeIDs, functionTypes: functionTypes, globalTypes: globalTypes)
        translator.memoryIs64 = (module.importedMemories + module.memories).map(\.limits.is64)
        translator.tagArities = (module.importedTags + module.tags).map { tag in
            module.functionType(tag.typeIndex).parameters.count
        }
        translator.firstInterpretedFunction = module.importedFunctionTypes.count
        for i in module.functions.indices {
            try validator.validateFunction(definedIndex: i, sink: &translator)
        }
        return InterpretedCode(words: translator.code, entries: translator.entries, handlers: translator.handlerRegions)
    }

    /// Runs `function` with its arguments in the slots at `arguments`; results overwrite them.
    public func invoke(_ function: UnsafeMutablePointer<FunctionRecord>, arguments: UnsafeMutableRawPointer,
                       store: Store) throws(Trap) {
        let stack = store.stack
        let entryIndex = stack.frameCount
        let savedTop = stack.slotTop
        guard entryIndex < stack.maxFrames,
              arguments + function.pointee.frameSlots * 8 <= stack.slotEnd else { throw Trap(.callStackExhausted) }
        stack.frames[entryIndex] = CallFrame(returnPC: nil, callerFP: arguments, function: function, withinInstance: false)
        stack.frameCount = entryIndex + 1
        stack.pendingTrap = nil
        do {
            try execute(function, fp: arguments, stack: stack, store: store)
        } catch {
            var trap = Trap(error, backtrace: stack.backtrace(downTo: entryIndex))
            // A callee of another tier (or a host function) left its full trap, with its
            // part of the backtrace; the interpreter's frames follow it.
            if let pending = stack.pendingTrap,
               error == .hostError || error == .interrupted || error == .uncaughtException || error == pending.reason {
                trap = pending
                trap.backtrace += stack.backtrace(downTo: entryIndex)
            }
            stack.pendingTrap = nil
            stack.frameCount = entryIndex
            stack.slotTop = savedTop
            throw trap
        }
        stack.frameCount = entryIndex
        stack.slotTop = savedTop
    }
}

/// The interpreter code of one module: all functions in one word buffer, never written
/// after translation (hence shareable between threads).
final class InterpretedCode: CompiledCode, @unchecked Sendable {
    let words: UnsafeMutableBufferPointer<UInt32>
    let entries: [(start: Int, frameSlots: Int)]
    /// try_table regions (word ranges), innermost last among nested ones.
    let handlers: [Range<Int>]

    init(words source: [UInt32], entries: [(start: Int, frameSlots: Int)], handlers: [Range<Int>] = []) {
        words = .allocate(capacity: max(source.count, 1))
        _ = words.initialize(from: source)
        self.entries = entries
        // Sorted by start: among nested regions containing a point, the later start is inner.
        self.handlers = handlers.sorted { $0.lowerBound < $1.lowerBound }
    }

    deinit { words.deallocate() }

    func entry(definedIndex index: Int) -> (code: UnsafeRawPointer, frameSlots: Int) {
        guard let base = words.baseAddress else { preconditionFailure("empty code buffer") }
        guard index >= 0 && index < entries.count else { return (UnsafeRawPointer(base), 1) }
        return (UnsafeRawPointer(base + entries[index].start), entries[index].frameSlots)
    }
}

import WasmCore
import WasmDecoder

/// What the validator knows about a control frame, as seen by a tier's translator.
public struct LabelInfo: Sendable {
    /// What opened the control frame.
    public enum Kind: Sendable { case function, block, loop, `if`, `else`, tryTable }
    /// What opened the control frame.
    public var kind: Kind
    /// Operand stack height (in values) when the frame was entered, below its parameters.
    public var baseHeight: Int
    /// Types a branch to this label carries (the parameters for a loop, else the results).
    public var branchTypes: [ValueType]
    /// The frame's block type, resolved.
    public var type: FunctionType
    /// True once the rest of the frame is unreachable (after br, return, unreachable...).
    public var isUnreachable: Bool
}

/// The validator's view of the function being validated, passed to a `CodeSink` for each
/// instruction. It describes the state *before* the instruction takes effect (operands
/// still on the stack, the frame an `else`/`end` closes still at depth 0).
public protocol ValidationContext {
    /// Number of values on the operand stack.
    var stackHeight: Int { get }
    /// True when the current instruction is dead code: after an unconditional branch in
    /// its frame (the stack is polymorphic), or anywhere inside a block entered from dead
    /// code (typed as reachable, yet never run). A translator emits nothing for it: code
    /// there could name labels that no live code binds.
    var isUnreachable: Bool { get }
    /// The control frame `depth` levels out (0 = innermost).
    func label(_ depth: UInt32) -> LabelInfo
    /// The type of the operand `depth` values below the top (0 = top), nil when it is
    /// unknown (bottom of a polymorphic stack).
    func operandType(_ depth: Int) -> ValueType?
    /// Parameter and local types of the function, in index order.
    var localTypes: [ValueType] { get }
    /// The resolved type of a block type.
    func resolve(_ blockType: BlockType) -> FunctionType
    /// How many values a GC instruction pops and what it pushes, as validation typed it
    /// (nil for other instructions).
    func gcStackEffect(_ instruction: Instruction) -> (pops: Int, pushes: [ValueType])?
}

/// A consumer of validated code: the hook through which tiers translate a function in
/// the same single pass that validates it (validation rules live only in the validator;
/// tiers only read its conclusions).
public protocol CodeSink {
    /// Called before the first instruction of a defined function.
    mutating func beginFunction(index: UInt32, type: FunctionType, localTypes: [ValueType]) throws
    /// Called for each instruction after its operands and immediates were checked and
    /// before its effect is applied; `offset` is its byte offset in `Module.bytes`.
    mutating func visit(_ instruction: Instruction, offset: Int, context: some ValidationContext) throws
    /// Called after the function's final `end` was visited.
    mutating func endFunction(maxStackHeight: Int) throws
}

/// A sink that produces nothing: plain validation.
public struct NullCodeSink: CodeSink {
    /// A sink that keeps nothing (validation only).
    public init() {}
    /// Ignored.
    public mutating func beginFunction(index: UInt32, type: FunctionType, localTypes: [ValueType]) {}
    /// Ignored.
    public mutating func visit(_ instruction: Instruction, offset: Int, context: some ValidationContext) {}
    /// Ignored.
    public mutating func endFunction(maxStackHeight: Int) {}
}

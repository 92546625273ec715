import WasmCore
import WasmDecoder
import WasmValidator

/// Translates one module's functions to interpreter code while the validator checks
/// them (a `CodeSink`). Every operand-stack height is static, so each value gets a
/// fixed frame slot ("home") and instructions name their operands by slot offset; no
/// stack pointer exists at run time. `local.get` is not copied: the virtual stack
/// records that the value lives in the local's slot until something could change it.
struct Translator: CodeSink {
    /// Type ids (TypeRegistry) of the module's types.
    let typeIDs: [Int]
    /// Types of the function index space.
    let functionTypes: [FunctionType]
    /// Output: code of every translated function, appended in order.
    var code: [UInt32] = []
    /// Output: (start word, frame slots) of every translated function.
    var entries: [(start: Int, frameSlots: Int)] = []
    /// Whether each memory of the memory index space is a memory64.
    var memoryIs64: [Bool] = []
    /// Parameter counts of the tags of the tag index space.
    var tagArities: [Int] = []
    /// Output: try_table regions (word ranges; the first word is the `tryTable` op).
    var handlerRegions: [Range<Int>] = []

    // Per-function state.
    var functionStart = 0
    var localCount = 0
    var resultCount = 0
    /// Where each operand-stack value currently lives (byte offset from fp).
    var vstack: [UInt32] = []
    var controls: [Control] = []
    /// Word index of the destination operand of the last emitted instruction, while it
    /// is the last one (lets `local.set` retarget it).
    var lastDestination: Int?

    struct Control {
        var kind: LabelInfo.Kind
        var baseHeight: Int
        var paramCount: Int
        var resultCount: Int
        /// Loop header (word index) for loops.
        var loopStart: Int = 0
        /// Forward branches to patch when the end is reached: (operand word, anchor word).
        var fixups: [(Int, Int)] = []
        /// The `if`'s jump to its else branch, patched at `else` or `end`.
        var elseFixup: (Int, Int)?
        /// Entered in unreachable code: nothing inside is emitted.
        var dead: Bool
        /// For try_table: the word of its `tryTable` op (start of its handler region).
        var tryStart: Int = -1
    }

    /// Frames larger than this many slots are rejected at translation.
    static let maxFrameSlots = 1 << 24

    init(typeIDs: [Int], functionTypes: [FunctionType]) {
        self.typeIDs = typeIDs
        self.functionTypes = functionTypes
    }

    // MARK: slots

    @inline(__always) func home(_ height: Int) -> UInt32 { UInt32((localCount + height) * 8) }
    @inline(__always) func local(_ index: UInt32) -> UInt32 { index &* 8 }

    // MARK: emission

    mutating func emit(_ op: IOp, _ operands: UInt32...) {
        code.append(UInt32(op.rawValue))
        code.append(contentsOf: operands)
        lastDestination = nil
    }

    /// Emits an instruction whose first operand is its destination slot.
    mutating func emitProducer(_ op: IOp, _ operands: UInt32...) {
        code.append(UInt32(op.rawValue))
        lastDestination = code.count
        code.append(contentsOf: operands)
    }

    /// Copies every value that lives elsewhere (a local) into its home slot: required
    /// before control flow, calls and writes to locals.
    mutating func materializeAll() {
        for i in vstack.indices where vstack[i] != home(i) {
            emit(.copy, home(i), vstack[i])
            vstack[i] = home(i)
        }
    }

    mutating func materialize(local slot: UInt32) {
        for i in vstack.indices where vstack[i] == slot {
            emit(.copy, home(i), slot)
            vstack[i] = home(i)
        }
    }

    mutating func pop() -> UInt32 { vstack.popLast() ?? home(0) }

    mutating func pushHome() { vstack.append(home(vstack.count)) }

    /// Brings the virtual stack to the validator's height (after unreachable code).
    mutating func sync(_ height: Int) {
        if vstack.count > height { vstack.removeLast(vstack.count - height) }
        while vstack.count < height { pushHome() }
    }

    mutating func patch(_ fixup: (Int, Int), to target: Int) {
        code[fixup.0] = UInt32(bitPattern: Int32(target - fixup.1))
    }

    // MARK: CodeSink

    mutating func beginFunction(index: UInt32, type: FunctionType, localTypes: [ValueType]) throws {
        if localTypes.contains(.v128) { throw WasmError(.invalid, "v128 locals are not supported by the interpreter yet") }
        functionStart = code.count
        localCount = localTypes.count
        resultCount = type.results.count
        vstack = []
        controls = [Control(kind: .function, baseHeight: 0, paramCount: 0, resultCount: type.results.count, dead: false)]
        lastDestination = nil
        let params = type.parameters.count
        if localCount > params { emit(.enter, UInt32(params * 8), UInt32(localCount - params)) }
    }

    mutating func endFunction(maxStackHeight: Int) throws {
        emit(.unreachable)  // never reached: the final `end` returned
        let frameSlots = max(localCount + maxStackHeight, resultCount, 1)
        entries.append((functionStart, frameSlots))
    }

    mutating func visit(_ instruction: Instruction, offset: Int, context: some ValidationContext) throws {
        let op = instruction.opcode
        switch op {
        case .block, .loop, .if, .else, .end:
            try visitStructure(instruction, context: context)
            return
        case .tryTable:
            try visitTryTable(instruction, context: context)
            return
        default:
            break
        }
        if context.isUnreachable || (controls.last?.dead ?? true) { return }
        // Slot offsets are 32-bit byte offsets: refuse frames that could not be addressed.
        guard localCount + context.stackHeight < Translator.maxFrameSlots else {
            throw WasmError(.invalid, "function frame too large for the interpreter")
        }
        sync(context.stackHeight)
        if try translateProposal(instruction, context: context) { return }
        try translate(instruction, context: context)
    }

    /// Returns the results: copies them to slots 0..<n and leaves the frame.
    mutating func emitReturn(height: Int) {
        materializeAll()
        for i in 0..<resultCount {
            let src = home(height - resultCount + i)
            if src != UInt32(i * 8) { emit(.copy, UInt32(i * 8), src) }
        }
        emit(.ret)
    }

    /// Moves the branch values of label `depth` into place; returns the target control
    /// index, or nil when the branch is a return (already emitted).
    mutating func emitBranchMoves(depth: UInt32, height: Int, context: some ValidationContext) -> Int? {
        let label = context.label(depth)
        let index = controls.count - 1 - Int(depth)
        guard index >= 0, controls[index].kind != .function else {
            emitReturn(height: height)
            return nil
        }
        let n = label.branchTypes.count
        for i in 0..<n {
            let src = home(height - n + i), dst = home(label.baseHeight + i)
            if src != dst { emit(.copy, dst, src) }
        }
        return index
    }

    /// Whether a branch to `depth` needs no moves (and is not a return).
    func isDirectBranch(depth: UInt32, height: Int, context: some ValidationContext) -> Bool {
        let index = controls.count - 1 - Int(depth)
        guard index >= 0, controls[index].kind != .function else { return false }
        let label = context.label(depth)
        return label.baseHeight == height - label.branchTypes.count
    }

    /// Emits a jump word for a branch to control `index` at operand word `word` of the
    /// instruction starting at `anchor`.
    mutating func linkJump(toControl index: Int, word: Int, anchor: Int) {
        if controls[index].kind == .loop {
            code[word] = UInt32(bitPattern: Int32(controls[index].loopStart - anchor))
        } else {
            controls[index].fixups.append((word, anchor))
        }
    }

    /// An unconditional branch to label `depth`.
    mutating func emitBranch(depth: UInt32, height: Int, context: some ValidationContext) {
        guard let index = emitBranchMoves(depth: depth, height: height, context: context) else { return }
        let anchor = code.count
        emit(.br, 0)
        linkJump(toControl: index, word: anchor + 1, anchor: anchor)
    }
}

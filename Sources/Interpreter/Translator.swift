import WasmCore
import WasmRuntime
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
    /// Value types of the global index space.
    let globalTypes: [ValueType]
    /// Output: code of every translated function, appended in order.
    var code: [UInt32] = []
    /// Output: (start word, frame slots) of every translated function.
    var entries: [(start: Int, frameSlots: Int)] = []
    /// Whether each memory of the memory index space is a memory64.
    var memoryIs64: [Bool] = []
    /// Parameter counts of the tags of the tag index space.
    var tagArities: [Int] = []
    /// Functions at or above this index are defined by the module and interpreted by this
    /// code in the caller's instance, so `callDefined` may skip the callee's tier and
    /// instance checks. Int.max (no such call) when another tier runs some of them.
    var firstInterpretedFunction = Int.max
    /// Output: try_table regions (word ranges; the first word is the `tryTable` op).
    var handlerRegions: [Range<Int>] = []

    // Per-function state.
    var functionStart = 0
    var localTypes: [ValueType] = []
    /// Byte offset of each local (`SlotLayout`: v128 takes two slots).
    var localOffsets: [UInt32] = []
    var resultTypes: [ValueType] = []
    /// Where each operand-stack value currently lives (byte offset from fp).
    var vstack: [UInt32] = []
    /// `homeBase[h]` is the home of height `h` given the values below it; valid for
    /// `h <= vstack.count`. Homes follow `SlotLayout`, so a v128 home is 16 bytes.
    var homeBase: [UInt32] = [0]
    /// Largest frame extent (bytes) any home reached.
    var frameBytes = 0
    var controls: [Control] = []
    /// Word index of the destination operand of the last emitted instruction, while it
    /// is the last one (lets `local.set` retarget it).
    var lastDestination: Int?
    /// Word index of the last `i32AddI` emitted and where the last label was bound: an
    /// increment directly before a compare-and-branch fuses with it unless a label lies
    /// between them (Translator+Fusion.swift).
    var lastIncrement: Int?
    /// Where the `i32AddI` before `lastIncrement` starts (two in a row fuse: `fuseIncrementPair`).
    var previousIncrement: Int?
    /// Where the last `copy` starts: a call right after it takes it in (`callDefinedCopy`).
    var lastCopy: Int?
    /// Where the last `f64AddLoadAI` starts: another adding to its sum joins it (`f64AddLoad2AI`).
    var lastLoadSum: Int?
    /// Where the last `i32ShrUI` or `i32AndI` starts, for the shift-and-mask fusions (same
    /// rules as `lastIncrement`).
    var lastShift: Int?
    var fusionBarrier = 0
    /// Per local, what its first access in code order was (`LocalStart`): `enter` zeroes
    /// only the declared locals that may be read before they are written.
    var localStarts: [LocalStart] = []
    var parameterCount = 0

    enum LocalStart: UInt8 { case untouched, writtenFirst, mayBeReadFirst }

    struct Control {
        var kind: LabelInfo.Kind
        var baseHeight: Int
        var paramTypes: [ValueType]
        var resultTypes: [ValueType]
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

    init(typeIDs: [Int], functionTypes: [FunctionType], globalTypes: [ValueType] = []) {
        self.typeIDs = typeIDs
        self.functionTypes = functionTypes
        self.globalTypes = globalTypes
    }

    // MARK: slots

    /// The home slot (byte offset) of operand height `height`: the only height-to-slot map.
    @inline(__always) func home(_ height: Int) -> UInt32 {
        height < homeBase.count ? homeBase[height] : homeBase[homeBase.count - 1] + UInt32((height - homeBase.count + 1) * 8)
    }
    @inline(__always) func local(_ index: UInt32) -> UInt32 {
        Int(index) < localOffsets.count ? localOffsets[Int(index)] : index &* 8
    }
    func isWideLocal(_ index: UInt32) -> Bool { Int(index) < localTypes.count && localTypes[Int(index)] == .v128 }
    /// Whether the value at height `i` is a v128 (its home spans two slots).
    func isWide(_ i: Int) -> Bool { i + 1 < homeBase.count && homeBase[i + 1] &- homeBase[i] == 16 }

    /// Pushes a value living at `slot`; records the home of the next height.
    mutating func pushValue(_ slot: UInt32, wide: Bool) {
        let h = vstack.count
        let next = home(h) + (wide ? 16 : 8)
        if h + 1 < homeBase.count { homeBase[h + 1] = next } else { homeBase.append(next) }
        frameBytes = max(frameBytes, Int(next))
        vstack.append(slot)
    }

    /// The destination word of the instruction just emitted, when it produced `source`, the
    /// value at `height`, in that value's home: the instruction may write elsewhere instead
    /// (`local.set` retargets it to the local, a return to slot 0).
    func producerDestination(of source: UInt32, at height: Int) -> Int? {
        guard source == home(height), let word = lastDestination, code[word] == source else { return nil }
        return word
    }

    /// Copies a value of one or two slots.
    mutating func emitCopy(_ dst: UInt32, _ src: UInt32, wide: Bool) {
        if wide {
            emit(.copy128, dst, src)
        } else {
            lastCopy = code.count
            emit(.copy, dst, src)
        }
    }

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
            emitCopy(home(i), vstack[i], wide: isWide(i))
            vstack[i] = home(i)
        }
    }

    mutating func materialize(local slot: UInt32) {
        for i in vstack.indices where vstack[i] == slot {
            emitCopy(home(i), slot, wide: isWide(i))
            vstack[i] = home(i)
        }
    }

    mutating func pop() -> UInt32 { vstack.popLast() ?? home(0) }

    /// Pushes a value in its home slot.
    mutating func pushHome(_ type: ValueType = .i32) { pushValue(home(vstack.count), wide: type == .v128) }

    mutating func pushHomes(_ types: [ValueType]) { for t in types { pushHome(t) } }

    /// Brings the virtual stack down to `height`.
    mutating func sync(_ height: Int) {
        if vstack.count > height { vstack.removeLast(vstack.count - height) }
    }

    /// Brings the virtual stack to the validator's height, typing new homes from it.
    mutating func sync(_ height: Int, context: some ValidationContext) {
        sync(height)
        while vstack.count < height { pushHome(context.operandType(height - 1 - vstack.count) ?? .i32) }
    }

    mutating func patch(_ fixup: (Int, Int), to target: Int) {
        code[fixup.0] = UInt32(bitPattern: Int32(target - fixup.1))
    }

    // MARK: CodeSink

    mutating func beginFunction(index: UInt32, type: FunctionType, localTypes: [ValueType]) throws {
        functionStart = code.count
        self.localTypes = localTypes
        localOffsets = SlotLayout.byteOffsets(localTypes).map { UInt32($0) }
        let localBytes = SlotLayout.slotCount(localTypes) * 8
        resultTypes = type.results
        vstack = []
        homeBase = [UInt32(localBytes)]
        frameBytes = localBytes
        controls = [Control(kind: .function, baseHeight: 0, paramTypes: [], resultTypes: type.results, dead: false)]
        lastDestination = nil
        lastIncrement = nil
        previousIncrement = nil
        lastShift = nil
        lastCopy = nil
        lastLoadSum = nil
        fusionBarrier = code.count
        parameterCount = type.parameters.count
        localStarts = Array(repeating: .untouched, count: localTypes.count)
        let paramBytes = SlotLayout.slotCount(type.parameters) * 8
        if localBytes > paramBytes { emit(.enter, UInt32(paramBytes), UInt32((localBytes - paramBytes) / 8)) }
    }

    mutating func endFunction(maxStackHeight: Int) throws {
        emit(.unreachable)  // never reached: the final `end` returned
        let frameSlots = max(frameBytes / 8, SlotLayout.slotCount(resultTypes), 1)
        entries.append((narrowEnter(), frameSlots))
    }

    /// Shrinks the function's `enter` to the span of the declared locals that may be read
    /// before they are written; with none, the function is entered after its `enter`.
    /// Returns the entry word.
    mutating func narrowEnter() -> Int {
        guard code.count > functionStart, code[functionStart] == UInt32(IOp.enter.rawValue) else { return functionStart }
        var low = UInt32.max, high: UInt32 = 0
        for i in parameterCount..<localStarts.count where localStarts[i] != .writtenFirst {
            low = min(low, localOffsets[i])
            high = max(high, localOffsets[i] + (isWideLocal(UInt32(i)) ? 16 : 8))
        }
        guard low < high else { return functionStart + 3 }
        code[functionStart + 1] = low
        code[functionStart + 2] = (high - low) / 8
        return functionStart
    }

    /// Records a read of local `index` (before any write, it must start zeroed).
    mutating func noteLocalRead(_ index: UInt32) {
        if Int(index) < localStarts.count, localStarts[Int(index)] == .untouched {
            localStarts[Int(index)] = .mayBeReadFirst
        }
    }

    /// Records a write of local `index`. A first write needs no zeroing when every later
    /// read is behind it on every path: no branch emitted so far jumps forward past it,
    /// which holds when no open frame has a pending forward branch (`fixups`, which hold a
    /// try_table's clauses too) and none is an `if`/`else` arm (whose entry jumps past the
    /// other arm) or a try_table.
    mutating func noteLocalWrite(_ index: UInt32) {
        guard Int(index) < localStarts.count, localStarts[Int(index)] == .untouched else { return }
        let dominates = controls.allSatisfy { control in
            control.fixups.isEmpty && control.kind != .if && control.kind != .else && control.kind != .tryTable
        }
        localStarts[Int(index)] = dominates ? .writtenFirst : .mayBeReadFirst
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
        if context.isUnreachable { return }
        // Slot offsets are 32-bit byte offsets: refuse frames that could not be addressed.
        guard localOffsets.count + 2 * context.stackHeight < Translator.maxFrameSlots / 2 else {
            throw WasmError(.invalid, "function frame too large for the interpreter")
        }
        sync(context.stackHeight, context: context)
        if try translateProposal(instruction, context: context) { return }
        try translate(instruction, context: context)
    }

    /// Returns the results: copies them to slots 0..<n and leaves the frame. One 64-bit
    /// result goes to slot 0 without passing through its home: the instruction that just
    /// produced it writes slot 0 directly, or `retValue` copies it from where it lives
    /// (nothing of the frame is read after a return, so slot 0 may be overwritten early).
    mutating func emitReturn(height: Int) {
        let n = resultTypes.count
        if n == 1, resultTypes[0] != .v128 {
            let source = vstack.last ?? home(height - 1)
            if let word = producerDestination(of: source, at: height - 1) {
                code[word] = 0
                emit(.ret)
            } else if source == 0 {
                emit(.ret)
            } else {
                emit(.retValue, source)
            }
            return
        }
        materializeAll()
        var dst: UInt32 = 0
        for i in 0..<n {
            let src = home(height - n + i), wide = resultTypes[i] == .v128
            if src != dst { emitCopy(dst, src, wide: wide) }
            dst += wide ? 16 : 8
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
        let types = label.branchTypes
        let n = types.count
        var dst = home(label.baseHeight)
        for i in 0..<n {
            let src = home(height - n + i), wide = types[i] == .v128
            if src != dst { emitCopy(dst, src, wide: wide) }
            dst += wide ? 16 : 8
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

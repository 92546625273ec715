import WasmCore
import WasmDecoder
import WasmRuntime
import WasmValidator

/// The template JIT: a `CodeSink` that turns each function into machine code through a
/// `MacroAssembler` in the validator's single pass, using the validator's facts (stack
/// heights, labels, operand types, unreachability) instead of re-deriving them.
///
/// It keeps an abstract operand stack: a value may be a constant, a local not yet copied,
/// a register (the stack top is cached in registers), a pending comparison (fused with a
/// following `br_if`/`if`), or stored in its home slot. Registers come from a free list;
/// everything is stored home at control-flow merges and calls, so every label sees the
/// same state. Frames follow the interpreter's layout (Docs/JIT.md), so calls between the
/// tiers pass arguments in place.
///
/// A v128 lives in its home (two slots; heights map to slots through each value's `slot`,
/// as in the interpreter's frames) or, where the macro assembler keeps vectors in
/// registers, in a float register; operations it cannot emit inline run through a
/// runtime helper (`SIMDRunner`, the interpreter's handlers) on their operands' homes.
///
/// A function using something the compiler does not handle is left to the interpreter:
/// its code is dropped and its entry becomes a shim that runs the interpreter's translation.
struct SinglePassCompiler<M: MacroAssembler>: CodeSink {
    enum Kind { case i32, i64, f32, f64, v128 }
    enum Location {
        case home
        case local(UInt32)
        case const(UInt64)
        case gpr(M.GPR)
        case fpr(M.FPR)
        case cond(M.Condition)

        var isFPR: Bool {
            if case .fpr = self { return true }
            return false
        }
    }
    struct Value {
        var location: Location
        var kind: Kind
        /// The home slot (byte offset from the frame base), fixed by the values below.
        var slot: Int32 = 0
    }
    /// A control entry. Trivially copyable: its kinds live in `controlKinds` (lists here
    /// made every `end` destroy an optional `Control` through its type metadata).
    struct Control {
        var kind: LabelInfo.Kind
        var label: M.Label
        var elseLabel: M.Label?
        var baseHeight: Int
        var branchArity: Int
        var kinds: BlockKinds
        var dead: Bool
        /// `if` with parameters: the first of the `kinds.params` consecutive save slots
        /// holding them for `else`.
        var firstSaved: Int? = nil
        /// `try_table`: its region in the handler table (closed at `end`).
        var region: Int? = nil
    }
    /// Where a control's parameter kinds, then its result kinds, are in `controlKinds`.
    struct BlockKinds {
        var start: Int
        var params: Int
        var results: Int
    }
    struct Unsupported: Error { let what: String }
    struct IntOpRecord {
        var start: Int, end: Int
        var op: IntBinaryOp, is64: Bool
        var lhs: M.GPR, rhs: MacroOperand<M.GPR>, result: M.GPR
    }
    struct FloatOpRecord {
        var start: Int, end: Int
        var op: FloatBinaryOp, isF64: Bool
        var lhs: M.FPR, rhs: M.FPR, result: M.FPR
    }
    /// What the compiler needs from the validator about the current instruction.
    struct Facts {
        var isUnreachable: Bool
        var blockType: FunctionType?
        /// A GC instruction's operand count and results.
        var gcEffect: (pops: Int, pushes: [ValueType])?
        func resolve(_: BlockType) -> FunctionType { blockType ?? FunctionType() }
    }

    var masm: M
    let tierID: Int
    let importCount: Int
    /// Type index of each function (imports first).
    let functionTypeIndices: [UInt32]
    let types: [FunctionType]
    /// Per type index, the type's shape (struct layouts for inline field accesses).
    let compositeTypes: [CompositeType]
    /// Per type index, whether the type is final (no subtype can exist, so `call_indirect`
    /// compares canonical ids inline).
    let finalTypes: [Bool]
    let tables = OpcodeTables.shared
    let hasMemory: Bool
    let globalTypes: [ValueType]
    /// Whether each memory (imports first) is a memory64 (i64 addresses, sizes and counts).
    let memoryIs64: [Bool]
    /// Whether each table (imports first) is a table64 (i64 indices, sizes and counts).
    let tableIs64: [Bool]
    /// Payload value count of each tag (imports first).
    let tagParameterCounts: [Int]
    /// Entry label of each defined function.
    var entryLabels: [M.Label] = []
    /// Whether each defined function was compiled (else it runs in the interpreter).
    var compiled: [Bool] = []
    var frameSlots: [Int] = []
    var unsupportedReasons: [String: Int] = [:]
    var instructionCount = 0
    /// Re-pinned loops of the compiled functions, and of the function being compiled.
    var repinnedLoopCount = 0
    var functionRepinnedLoops = 0
    /// Whether to record a listing (code offset of each instruction, prologue, epilogues,
    /// stubs); off for normal compiles. `listings` has one event list per defined function.
    var recording = false
    /// Defined functions to leave to the interpreter (`JITTier.interpretedFunctions`).
    let interpretedOnRequest: Set<Int>
    /// By opcode raw value: SIMD operations compiled without a helper call.
    let inlinedSIMD: [Bool]
    var events: [JITListing.Event] = []
    var listings: [[JITListing.Event]] = []

    // Per function.
    var definedIndex = 0
    var stack = ValueStack<Value>()
    var controls: [Control] = []
    /// The kinds of the open controls, a stack in step with `controls`.
    var controlKinds: [Kind] = []
    var localKinds: [Kind] = []
    /// Each local's slot (byte offset; a v128 takes two slots), and the bytes of all locals.
    var localOffsets: [Int32] = []
    var localsBytes: Int32 = 0
    /// The highest byte any operand home reached (frame size).
    var homesEnd: Int32 = 0
    var resultKinds: [Kind] = []
    var freeGPRs = ValueStack<M.GPR>()
    var freeFPRs = ValueStack<M.FPR>()
    var failure: String?
    var functionStart = 0
    var framePatch = 0
    /// Whether a branch targets the function's own label (needs a return sequence there).
    var functionLabelUsed = false
    /// Save slots (above the operand homes) used so far, and the code positions of their
    /// offsets, patched when the frame size is known.
    var saveSlotCount = 0
    var savePatches: [(at: Int, slot: Int)] = []
    /// Locals kept in registers (SinglePassCompiler+Locals), by local index.
    var localGPR: [M.GPR?] = []
    var localFPR: [M.FPR?] = []
    var pinnedAll: [Int] = []
    var pinnedWritten: [Int] = []
    /// The scan's weights for the current function (SinglePassCompiler+Locals).
    var localUse = LocalUseTable()
    /// Function-wide pinning left candidates without a register, so innermost loops may
    /// re-pin (SinglePassCompiler+LoopPins).
    var pinsOverflowed = false
    /// The weights of the innermost loop being planned.
    var loopUse = LocalUseTable()
    /// Next triple of `localUse.innermost` to compare a `loop`'s ordinal with.
    var nextInnermost = 0
    /// `loop` instructions met so far in the function (live or not).
    var loopsSeen = 0
    /// The re-pinned loop's index in `controls`, and its swaps.
    var repinnedLoop: Int?
    var loopSwaps: [LoopSwap] = []
    /// `br_if`s out of the re-pinned loop: each jumps to its stub, emitted after the loop,
    /// which makes the moves out and jumps to the label.
    var loopExitStubs: [(stub: M.Label, label: M.Label)] = []
    /// The last integer operation whose left operand was a copy of a pinned local, for
    /// `setPinnedLocal` to redo in place (SinglePassCompiler+Locals).
    var lastIntOp: IntOpRecord?
    var lastFloatOp: FloatOpRecord?
    let moduleBytes: [UInt8]
    let codeRanges: [Range<Int>]
    /// No tail call of the module can leave its instance, so a defined callee returns with
    /// this instance in its register (`LocalUseScanner.tailCallsMayLeaveInstance`).
    let tailCallsKeepInstance: Bool

    init(masm: M, tierID: Int, module: Module, interpretedOnRequest: Set<Int> = []) {
        self.masm = masm
        self.tierID = tierID
        self.interpretedOnRequest = interpretedOnRequest
        var inlined = [Bool](repeating: false, count: Opcode.allCases.count)
        for op in Opcode.allCases where op.info.prefix == 0xFD {
            inlined[Int(op.rawValue)] = masm.inlinesVector(op) || Self.accessesLanes(op)
        }
        inlinedSIMD = inlined
        importCount = module.importedFunctionTypes.count
        types = module.types.map { $0.composite.functionType ?? FunctionType() }
        finalTypes = module.types.map(\.isFinal)
        compositeTypes = module.types.map(\.composite)
        functionTypeIndices = module.allFunctionTypeIndices
        globalTypes = (module.importedGlobals + module.globals.map(\.type)).map(\.valueType)
        memoryIs64 = (module.importedMemories + module.memories).map(\.limits.is64)
        tableIs64 = (module.importedTables + module.tables.map(\.type)).map(\.limits.is64)
        hasMemory = !module.importedMemories.isEmpty || !module.memories.isEmpty
        moduleBytes = module.bytes
        codeRanges = module.codes.map(\.code)
        tailCallsKeepInstance = !LocalUseScanner.tailCallsMayLeaveInstance(module.bytes, codeRanges,
                                                                           importCount: importCount)
        tagParameterCounts = (module.importedTags + module.tags).map { tag in
            module.functionType(tag.typeIndex).parameters.count
        }
        for _ in module.functions { entryLabels.append(self.masm.newLabel()) }
    }

    static func kind(_ t: ValueType) -> Kind {
        switch t {
        case .i32: return .i32
        case .i64, .ref: return .i64
        case .f32: return .f32
        case .f64: return .f64
        case .v128: return .v128
        }
    }

    /// The bytes a value of `kind` takes in its home.
    @inline(__always) static func width(_ kind: Kind) -> Int32 { kind == .v128 ? 16 : 8 }

    /// The type of function `index` (imports first).
    @inline(__always) func functionType(_ index: Int) -> FunctionType {
        let t = Int(functionTypeIndices[index])
        return t < types.count ? types[t] : FunctionType()
    }


    @inline(__always) var localCount: Int { localKinds.count }
    /// The home of operand height `height`: a value's own slot, or above the top value.
    @inline(__always) func home(_ height: Int) -> Int32 {
        height < stack.count ? stack[height].slot : stackEnd + Int32(height - stack.count) * 8
    }
    /// The first byte above the top value's home.
    @inline(__always) var stackEnd: Int32 {
        if let top = stack.last { return top.slot + Self.width(top.kind) }
        return localsBytes
    }
    @inline(__always) func localSlot(_ index: UInt32) -> Int32 { localOffsets[Int(index)] }

    // MARK: CodeSink

    mutating func beginFunction(index: UInt32, type: FunctionType, localTypes: [ValueType]) throws {
        definedIndex = Int(index) - importCount
        stack.removeAll()
        controls.removeAll(keepingCapacity: true)
        controlKinds.removeAll(keepingCapacity: true)
        // Refilled in place: assigning `reversed()` allocated two arrays per function.
        freeGPRs.removeAll()
        freeGPRs.append(contentsOf: M.allocatableGPRs.reversed())
        freeFPRs.removeAll()
        freeFPRs.append(contentsOf: M.allocatableFPRs.reversed())
        failure = nil
        saveSlotCount = 0
        functionLabelUsed = false
        savePatches.removeAll()
        lastIntOp = nil
        lastFloatOp = nil
        unpinLocals()
        functionStart = masm.offset
        // Refilled in place (a `map` with a throwing closure allocated and ran generic code).
        localKinds.removeAll(keepingCapacity: true)
        resultKinds.removeAll(keepingCapacity: true)
        localOffsets.removeAll(keepingCapacity: true)
        var offset: Int32 = 0, parametersBytes: Int32 = 0
        for (i, t) in localTypes.enumerated() {
            let kind = Self.kind(t)
            localKinds.append(kind)
            localOffsets.append(offset)
            offset += Self.width(kind)
            if i + 1 == type.parameters.count { parametersBytes = offset }
        }
        localsBytes = offset
        homesEnd = offset
        for t in type.results { resultKinds.append(Self.kind(t)) }
        if !interpretedOnRequest.isEmpty && interpretedOnRequest.contains(definedIndex) {
            failure = "left to the interpreter on request"
            return
        }
        masm.bind(entryLabels[definedIndex])
        if recording {
            events.removeAll(keepingCapacity: true)
            mark(.prologue)
        }
        framePatch = masm.prologue(localsStart: parametersBytes, localsEnd: localsBytes,
                                   usesMemory: hasMemory)
        let scanned = scanLocals(code: codeRanges[definedIndex])
        // Loop headers poll; a function whose calls all sit in loops has polled before
        // each call (at most the loop body's calls per poll), and a leaf without loops
        // ends on its own, so only calls outside loops need a poll at the entry.
        if localUse.callsOutsideLoops { masm.poll() }
        pinLocals(scanned: scanned)
        controlKinds.append(contentsOf: resultKinds)
        controls.append(Control(kind: .function, label: masm.newLabel(), elseLabel: nil, baseHeight: 0,
                                branchArity: resultKinds.count,
                                kinds: BlockKinds(start: 0, params: 0, results: resultKinds.count), dead: false))
    }

    mutating func visit(_ instruction: Instruction, offset: Int, context: some ValidationContext) throws {
        visit(instruction, facts: Self.facts(instruction, context))
    }

    /// Reads what the compiler needs from the validator; the compiler itself is not generic
    /// over the context type, so it is fully specialised for its macro assembler.
    static func facts(_ instruction: Instruction, _ context: some ValidationContext) -> Facts {
        var facts = Facts(isUnreachable: context.isUnreachable)
        switch instruction.opcode {
        case .block, .loop, .if, .tryTable: facts.blockType = context.resolve(instruction.blockType)
        case _ where GCOps.supports(instruction.opcode): facts.gcEffect = context.gcStackEffect(instruction)
        default: break
        }
        return facts
    }

    @inline(__always)
    mutating func visit(_ instruction: Instruction, facts: Facts) {
        guard failure == nil else { return }
        instructionCount += 1
        // A third of all instructions emit no code, only push a value: done here, inlined
        // into the validation loop, they skip the call into `compile` and its dispatch.
        if !facts.isUnreachable {
            switch instruction.opcode {
            case .localGet where localKinds[Int(instruction.index)] != .v128:
                materializeCondition()
                push(.local(instruction.index), localKinds[Int(instruction.index)])
                return
            case .i32Const:
                materializeCondition()
                push(.const(UInt64(UInt32(truncatingIfNeeded: instruction.value))), .i32)
                return
            default:
                break
            }
        }
        do throws(Unsupported) {
            try compile(instruction, context: facts)
        } catch {
            failure = error.what
        }
    }

    mutating func endFunction(maxStackHeight: Int) throws {
        // Homes past the validator's height count when v128 values took two slots each.
        let homeSlots = Int(localsBytes / 8) + max(maxStackHeight, Int(homesEnd - localsBytes) / 8)
        let slots = homeSlots + saveSlotCount
        if let failure {
            masm.truncateCode(to: functionStart)
            unsupportedReasons[failure, default: 0] += 1
            compiled.append(false)
            frameSlots.append(slots)
            if recording { listings.append([]) }
            return
        }
        masm.patchFrameSize(at: framePatch, frameBytes: Int32(slots * 8))
        for p in savePatches { masm.patchSlotOffset(at: p.at, Int32((homeSlots + p.slot) * 8)) }
        if recording { mark(.trapStubs) }
        masm.emitFunctionTrapStubs()
        repinnedLoopCount += functionRepinnedLoops
        compiled.append(true)
        frameSlots.append(slots)
        if recording { listings.append(events) }
    }

    /// Starts a listing section at the current code offset (only while recording).
    @inline(__always) mutating func mark(_ mark: JITListing.Mark) {
        if recording { events.append(JITListing.Event(codeOffset: masm.offset, mark: mark)) }
    }

    // MARK: registers and the abstract stack

    mutating func allocGPR() -> M.GPR {
        if let r = freeGPRs.popLast() { return r }
        for i in stack.indices { if case .gpr = stack[i].location { spill(i); break } }
        return freeGPRs.popLast()!
    }

    mutating func allocFPR() -> M.FPR {
        if let r = freeFPRs.popLast() { return r }
        for i in stack.indices { if case .fpr = stack[i].location { spill(i); break } }
        return freeFPRs.popLast()!
    }

    mutating func release(_ v: Value) {
        switch v.location {
        case .gpr(let r): freeGPRs.append(r)
        case .fpr(let f): freeFPRs.append(f)
        default: break
        }
    }

    /// Stores stack entry `i` in its home slot.
    mutating func spill(_ i: Int) {
        let slot = home(i)
        switch stack[i].location {
        case .home: return
        case .local(let x):
            if isPinned(x) { storePinned(Int(x), to: slot) } else { masm.copySlot(slot, from: localSlot(x)) }
        case .const(let bits): masm.storeSlot(slot, .imm(Int64(bitPattern: bits)))
        case .gpr(let r):
            masm.storeSlot(slot, .reg(r))
            freeGPRs.append(r)
        case .fpr(let f):
            storeFPR(f, kind: stack[i].kind, to: slot)
            freeFPRs.append(f)
        case .cond(let c):
            // Only the top can be a condition; it is turned into a register first.
            let r = freeGPRs.popLast()!
            masm.setCondition(r, c)
            masm.storeSlot(slot, .reg(r))
            freeGPRs.append(r)
        }
        stack[i].location = .home
    }

    /// Stores a float register holding a value of `kind` (a float or a v128) to `slot`.
    mutating func storeFPR(_ f: M.FPR, kind: Kind, to slot: Int32) {
        if kind == .v128 { masm.storeVector(slot: slot, f) } else { masm.storeFloat(slot, f, isF64: kind == .f64) }
    }

    /// Stores every value in its home slot (before control flow and calls). Moves and
    /// stores only: condition flags survive.
    mutating func spillAll() {
        for i in stack.indices { spill(i) }
    }

    /// Turns a pending comparison on top into a 0/1 register. Inlined test: it runs before
    /// nearly every instruction and rarely finds a comparison.
    @inline(__always) mutating func materializeCondition() {
        if let top = stack.last, case .cond(let c) = top.location { materializeCondition(c) }
    }

    mutating func materializeCondition(_ c: M.Condition) {
        let r = freeGPRs.popLast() ?? { () -> M.GPR in
            // Spilling uses no flags-changing instructions.
            for i in stack.indices { if case .gpr = stack[i].location { spill(i); break } }
            return freeGPRs.popLast()!
        }()
        masm.setCondition(r, c)
        stack[stack.count - 1].location = .gpr(r)
    }

    @inline(__always)
    mutating func push(_ location: Location, _ kind: Kind) {
        let slot = stackEnd
        stack.append(Value(location: location, kind: kind, slot: slot))
        homesEnd = max(homesEnd, slot + Self.width(kind))
    }

    /// The operand form of a value (registers are not released). Inlined: a call of a
    /// non-mutating method from a mutating one copies the whole compiler.
    @inline(__always)
    func operand(_ v: Value, at index: Int) -> MacroOperand<M.GPR> {
        switch v.location {
        case .home: return .slot(home(index))
        case .local(let x):
            if let r = localGPR[Int(x)] { return .reg(r) }
            precondition(localFPR[Int(x)] == nil, "float-register local used as integer operand")
            return .slot(localSlot(x))
        case .const(let bits): return .imm(Int64(bitPattern: bits))
        case .gpr(let r): return .reg(r)
        case .fpr, .cond: preconditionFailure("float or condition used as integer operand")
        }
    }

    /// Pops the top value into a register it owns.
    mutating func popGPR() -> M.GPR {
        let v = stack.removeLast()
        switch v.location {
        case .gpr(let r): return r
        case .fpr(let f):
            let r = allocGPR()
            masm.floatToBits(r, f, isF64: v.kind == .f64)
            freeFPRs.append(f)
            return r
        case .local(let x) where localFPR[Int(x)] != nil:
            let r = allocGPR()
            masm.floatToBits(r, localFPR[Int(x)]!, isF64: localKinds[Int(x)] == .f64)
            return r
        default:
            let r = allocGPR()
            masm.move(r, operand(v, at: stack.count), is64: v.kind == .i64 || v.kind == .f64)
            return r
        }
    }

    /// Pops the top value as an operand (register, immediate or slot); the caller
    /// releases it after use.
    mutating func popOperand() -> (MacroOperand<M.GPR>, Value) {
        var inFPR = false
        switch stack.last!.location {
        case .fpr: inFPR = true
        case .local(let x): inFPR = localFPR[Int(x)] != nil
        default: break
        }
        if inFPR {
            let r = popGPR()
            let v = Value(location: .gpr(r), kind: .i64)
            return (.reg(r), v)
        }
        let v = stack.removeLast()
        return (operand(v, at: stack.count), v)
    }

    /// Pops the top value into a float register it owns.
    mutating func popFPR() -> M.FPR {
        let v = stack.removeLast()
        let isF64 = v.kind == .f64 || v.kind == .i64
        switch v.location {
        case .fpr(let f): return f
        case .home:
            let f = allocFPR()
            masm.loadFloat(f, slot: home(stack.count), isF64: isF64)
            return f
        case .local(let x):
            let f = allocFPR()
            if let p = localFPR[Int(x)] {
                masm.moveFloat(f, p)
            } else if let r = localGPR[Int(x)] {
                masm.bitsToFloat(f, r, isF64: isF64)
            } else {
                masm.loadFloat(f, slot: localSlot(x), isF64: isF64)
            }
            return f
        case .gpr(let r):
            let f = allocFPR()
            masm.bitsToFloat(f, r, isF64: isF64)
            freeGPRs.append(r)
            return f
        case .const(let bits):
            let f = allocFPR()
            masm.loadFloatConstant(f, bits: bits, isF64: isF64)
            return f
        case .cond:
            stack.append(v)
            let r = popGPR()
            let f = allocFPR()
            masm.bitsToFloat(f, r, isF64: isF64)
            freeGPRs.append(r)
            return f
        }
    }

    /// Pops a v128 into a float register it owns (macro assemblers that keep vectors in
    /// registers only).
    mutating func popVector() -> M.FPR {
        let v = stack.removeLast()
        if case .fpr(let f) = v.location { return f }
        // Spills for the register write only the homes of the values below: v's stays.
        let f = allocFPR()
        masm.loadVector(f, slot: v.slot)
        return f
    }

    /// Stores every stack entry that reads local `index` before the local changes.
    mutating func detachLocal(_ index: UInt32) {
        for i in stack.indices { if case .local(let x) = stack[i].location, x == index { spill(i) } }
    }
}

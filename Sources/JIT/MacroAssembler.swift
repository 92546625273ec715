import WasmCore

/// A value operand of a macro operation: a register, an immediate, or a 64-bit slot of
/// the current frame (byte offset from the frame base).
enum MacroOperand<R: Hashable>: Equatable {
    case reg(R)
    case imm(Int64)
    case slot(Int32)
}

enum IntBinaryOp { case add, sub, mul, and, or, xor, shl, shrS, shrU, rotl, rotr, divS, divU, remS, remU }
enum IntCompareOp {
    case eq, ne, ltS, ltU, gtS, gtU, leS, leU, geS, geU

    /// The comparison with its operands exchanged (`a < b` is `b > a`).
    var swapped: IntCompareOp {
        switch self {
        case .eq, .ne: self
        case .ltS: .gtS
        case .ltU: .gtU
        case .gtS: .ltS
        case .gtU: .ltU
        case .leS: .geS
        case .leU: .geU
        case .geS: .leS
        case .geU: .leU
        }
    }
}
enum IntUnaryOp { case clz, ctz, popcnt }
enum FloatBinaryOp { case add, sub, mul, div }
enum FloatUnaryOp { case sqrt, ceil, floor, trunc, abs, neg }
enum FloatCompareOp { case eq, ne, lt, gt, le, ge }

/// How a memory access reads or writes: width in bytes and, for loads into a wider
/// register, whether to sign-extend (and to 32 or 64 bits).
struct MemoryAccess {
    var bytes: Int
    var signed: Bool = false
    var to64: Bool = false
    var float: Bool = false
    /// The memory accessed, and whether it is a memory64 (its addresses are i64 values).
    var memory: UInt32 = 0
    var address64 = false

    /// Memory 0 with 32-bit addresses: the pinned base and view, and the strategy's own
    /// check. Any other access compares `address + offset + size` with the memory's size
    /// under every strategy (a guard region cannot cover 64-bit addresses, and only memory
    /// 0 is pinned).
    var isPlain: Bool { memory == 0 && !address64 }
}

/// Wasm-level operations the single-pass compiler emits, one conforming type per ISA
/// (`X64MacroAssembler`, later ARM64). Operations take three operands (`dst`, `lhs`,
/// `rhs`) so the compiler never sees two-address quirks, fixed registers (x86 division,
/// shift counts) or encodings. Registers handed out by `allocatableGPRs`/`FPRs` are never
/// clobbered by a macro operation other than through its `dst`.
protocol MacroAssembler {
    associatedtype GPR: Hashable
    associatedtype FPR: Hashable
    associatedtype Label: Hashable
    associatedtype Condition

    static var allocatableGPRs: [GPR] { get }
    static var allocatableFPRs: [FPR] { get }
    /// Registers the compiler may dedicate to locals: allocatable ones, and on some
    /// instruction sets a register the bounds strategy leaves unused.
    var localGPRs: [GPR] { get }
    static var localFPRs: [FPR] { get }

    var offset: Int { get }
    mutating func newLabel() -> Label
    mutating func bind(_ label: Label)
    /// Drops the code from `offset` on (a function that will run in the interpreter).
    mutating func truncateCode(to offset: Int)
    /// Drops straight-line code (no labels, branches or trap sites) from `offset` on, to
    /// emit it again differently.
    mutating func rewind(to offset: Int)

    // Frame and data movement (`slot` = byte offset from the frame base).
    mutating func move(_ dst: GPR, _ src: MacroOperand<GPR>, is64: Bool)
    mutating func storeSlot(_ slot: Int32, _ src: MacroOperand<GPR>)
    mutating func copySlot(_ dst: Int32, from src: Int32)
    /// `copySlot` whose destination (`saveSlot`) or source (`restoreSlot`) offset is not
    /// known yet; returns the position to give `patchSlotOffset` once it is.
    mutating func saveSlot(from src: Int32) -> Int
    mutating func restoreSlot(to dst: Int32) -> Int
    mutating func patchSlotOffset(at: Int, _ offset: Int32)
    mutating func loadFloat(_ dst: FPR, slot: Int32, isF64: Bool)
    mutating func storeFloat(_ slot: Int32, _ src: FPR, isF64: Bool)
    mutating func moveFloat(_ dst: FPR, _ src: FPR)
    /// Loads a float constant (its bit pattern; f32 in the low 32 bits).
    mutating func loadFloatConstant(_ dst: FPR, bits: UInt64, isF64: Bool)
    mutating func bitsToFloat(_ dst: FPR, _ src: GPR, isF64: Bool)
    mutating func floatToBits(_ dst: GPR, _ src: FPR, isF64: Bool)
    mutating func loadGlobal(_ dst: GPR, index: Int)
    mutating func storeGlobal(index: Int, _ src: GPR)
    mutating func loadFunctionRecord(_ dst: GPR, index: Int)

    // Integer arithmetic.
    mutating func intBinary(_ op: IntBinaryOp, is64: Bool, dst: GPR, lhs: GPR, rhs: MacroOperand<GPR>)
    mutating func intUnary(_ op: IntUnaryOp, is64: Bool, dst: GPR, src: GPR)
    mutating func extend(dst: GPR, src: GPR, fromBits: Int, signed: Bool, to64: Bool)
    /// Sets the condition flags for `lhs op rhs`; returns the condition that holds when true.
    mutating func compare(_ op: IntCompareOp, is64: Bool, lhs: GPR, rhs: MacroOperand<GPR>) -> Condition
    mutating func testZero(_ src: GPR, is64: Bool) -> Condition
    mutating func setCondition(_ dst: GPR, _ cond: Condition)
    mutating func select(_ dst: GPR, ifTrue: GPR, cond: Condition)
    func invert(_ cond: Condition) -> Condition

    // Floating point.
    mutating func floatBinary(_ op: FloatBinaryOp, isF64: Bool, dst: FPR, lhs: FPR, rhs: FPR)
    /// `floatBinary` with the right operand read from a frame slot.
    mutating func floatBinary(_ op: FloatBinaryOp, isF64: Bool, dst: FPR, lhs: FPR, rhsSlot: Int32)
    mutating func floatUnary(_ op: FloatUnaryOp, isF64: Bool, dst: FPR, src: FPR)
    /// Whether `floatUnary` does ceil, floor and trunc (else the compiler calls a helper).
    static var roundsFloats: Bool { get }
    mutating func floatCompare(_ op: FloatCompareOp, isF64: Bool, dst: GPR, lhs: FPR, rhs: FPR)
    /// Sets the flags for an ordered comparison and returns the condition that holds when
    /// it is true (false for NaNs, and so is the inverted one's complement); nil when the
    /// comparison needs more than one condition (x86-64: eq and ne test the parity flag too).
    mutating func floatCompareFlags(_ op: FloatCompareOp, isF64: Bool, lhs: FPR, rhs: FPR) -> Condition?
    mutating func copySign(isF64: Bool, dst: FPR, lhs: FPR, rhs: FPR)
    mutating func intToFloat(dst: FPR, src: GPR, fromI64: Bool, toF64: Bool)

    // Memory; out-of-bounds accesses jump to the trap stub.
    mutating func load(_ access: MemoryAccess, dst: GPR, address: GPR, offset: UInt64)
    mutating func loadFloat(_ access: MemoryAccess, dst: FPR, address: GPR, offset: UInt64)
    mutating func store(_ access: MemoryAccess, address: GPR, offset: UInt64, value: MacroOperand<GPR>)
    mutating func storeFloat(_ access: MemoryAccess, address: GPR, offset: UInt64, value: FPR)
    /// The size in pages of memory `memory`.
    /// Reads `bytes` (1, 2, 4 or 8) of a GC object's field at `base + offset`, zero- or
    /// sign-extended to 32 bits (8 bytes: all 64).
    mutating func loadField(_ dst: GPR, base: GPR, offset: Int32, bytes: Int, signed: Bool)
    /// Writes the low `bytes` of `src` to a GC object's field at `base + offset`.
    mutating func storeField(base: GPR, offset: Int32, bytes: Int, _ src: GPR)
    mutating func memorySize(_ dst: GPR, memory: UInt32)
    /// Reloads the memory base from the cached view (after `memory.grow`).
    mutating func reloadMemory()
    /// Reloads view and base from the running instance (after calls).
    mutating func reloadMemoryView()

    // SIMD. Homes: `copyVectorSlot` copies a whole v128 home (overlapping ranges allowed)
    // and `vectorConstant(slot)` stores one; whole 16-byte writes let the next 16-byte read
    // be forwarded from the store. With `keepsVectorsInRegisters`, v128 values may live in
    // float registers (`FPR`) and the operations for which `inlinesVector` holds are
    // emitted inline on them; the compiler hands the others to `SIMDRunner`. Shift counts
    // are taken modulo the lane width; `count` is not changed. `dst` is `lhs`/`src`.
    static var keepsVectorsInRegisters: Bool { get }
    func inlinesVector(_ op: Opcode) -> Bool
    mutating func copyVectorSlot(_ dst: Int32, from src: Int32)
    mutating func vectorConstant(_ dst: Int32, low: UInt64, high: UInt64)
    mutating func loadVector(_ dst: FPR, slot: Int32)
    mutating func storeVector(slot: Int32, _ src: FPR)
    mutating func vectorConstant(_ dst: FPR, low: UInt64, high: UInt64)
    mutating func vectorSplat(_ op: Opcode, dst: FPR, value: GPR)
    mutating func vectorBinary(_ op: Opcode, dst: FPR, lhs: FPR, rhs: FPR)
    mutating func vectorUnary(_ op: Opcode, dst: FPR, src: FPR)
    mutating func vectorShift(_ op: Opcode, dst: FPR, count: GPR)
    mutating func vectorLoad(_ access: MemoryAccess, dst: FPR, address: GPR, offset: UInt64)
    mutating func vectorStore(_ access: MemoryAccess, address: GPR, offset: UInt64, src: FPR)

    // Control.
    mutating func jump(_ label: Label)
    mutating func branch(_ cond: Condition, _ label: Label)
    mutating func trap(_ reason: TrapReason)
    mutating func trapIf(_ cond: Condition, _ reason: TrapReason)
    mutating func jumpTable(index: GPR, targets: [Label], defaultTarget: Label)
    /// Stops with `interrupted` when the store's interrupt flag is set or its fuel is used
    /// up; otherwise spends one unit of fuel (loop headers and function entries).
    mutating func poll()

    // Functions and calls.
    mutating func prologue(localsStart: Int32, localsEnd: Int32, usesMemory: Bool) -> Int
    mutating func patchFrameSize(at: Int, frameBytes: Int32)
    mutating func epilogue()
    /// Calls a defined function of this module. With `sameInstance` the caller knows the
    /// callee returns with this instance (no tail call in the module leaves it), so the
    /// instance register is not reloaded.
    mutating func callDirect(_ label: Label, frameOffset: Int32, sameInstance: Bool)
    /// Whether memory 0's base never moves under this strategy (a fixed reservation), so a
    /// callee of the same instance returns with the base register still right.
    var memoryBaseIsFixed: Bool { get }
    /// Calls a function through its record. The callee may belong to another instance:
    /// with `usesMemory` the caller's memory-0 view is restored afterwards.
    mutating func callRecord(_ record: GPR, frameOffset: Int32, tierID: Int)
    mutating func callIndirectResolve(_ dst: GPR, table: Int, index: GPR, typeIndex: Int, checksType: Bool)
    mutating func callGeneric(_ op: Opcode, operandsSlot: Int32, imm1: UInt64, imm2: UInt64)
    mutating func interpreterShim(definedIndex: Int, importCount: Int, interpretedIndex: Int, tierID: Int)
    /// The out-of-line stubs of the current function's trap checks (at its end).
    mutating func emitFunctionTrapStubs()
    /// The module's trap stubs and exit (after all functions).
    mutating func emitTrapStubs()

    /// Whether listing notes are kept (`wasmlab disasm`).
    var recordsListing: Bool { get set }

    // Tail calls (arguments already moved to slots 0...) and exceptions.
    mutating func tailCallDirect(_ label: Label)
    mutating func tailCallRecord(_ record: GPR, tierID: Int)
    mutating func trapIfZero(_ r: GPR, _ reason: TrapReason)
    mutating func throwException(tag: Int, argumentsSlot: Int32)
    mutating func throwRef(_ ref: GPR)
    /// Emits a landing pad for a catch clause and returns its code offset; the compiler
    /// follows it with a jump to the clause's label.
    mutating func landingPad(usesMemory: Bool) -> Int
    /// Call sites and try_table regions of the code so far (for the unwinder).
    var handlerTable: HandlerTable { get set }
}

import WasmCore
import WasmRuntime

/// Per-entry state shared by compiled code and the runtime helpers it calls; its address
/// is pinned in a register (`rbx` on x86-64) while compiled code runs. One exists per
/// entry from Swift into compiled code (nested entries get their own).
///
/// ```
///  offset  field
///     0    entrySP     native stack pointer of the entry trampoline (traps unwind to it)
///     8    trap        TrapReason.rawValue + 1 set by helpers; 0 = none
///    16    stackLimit  lowest native stack address a prologue accepts
///    24    slotEnd     end of the store's value stack
///    32    store       unretained Store
///    40    tierID      the JIT's id in ExecutionTiers (native calls need tierID == this)
///    48    trapPC      trap exit: the PC that trapped (a stub's return address or the fault PC)
///    56    trapSP      trap exit: rsp of the trapping function's body (its frame, see X64Frames)
///    64    backtrace   trap exit: retained `RawBacktrace` captured before the frames are left
///    72    handlerSP   native stack pointer of the frame whose try_table caught an exception
///    80    handlerFP   that frame's value-frame base
///    88    poll        ExecutionStack.pollWords: fuel (+0) and interrupt flag (+8), polled
///                      at loop back edges and function entries
///    96    helpers     RuntimeHelpers.table: the runtime functions code calls, by slot
/// ```
struct JITContext {
    var entrySP: UInt = 0
    var trap: UInt = 0
    var stackLimit: UInt = 0
    var slotEnd: UnsafeMutableRawPointer
    var store: UnsafeMutableRawPointer
    var tierID: Int
    var trapPC: UInt = 0
    var trapSP: UInt = 0
    var backtrace: UnsafeMutableRawPointer?
    var handlerSP: UInt = 0
    var handlerFP: UInt = 0
    var poll: UnsafeMutableRawPointer
    var helpers: UnsafeRawPointer = RuntimeHelpers.table

    static let entrySPOffset: Int32 = 0
    static let trapOffset: Int32 = 8
    static let stackLimitOffset: Int32 = 16
    static let slotEndOffset: Int32 = 24
    static let trapPCOffset = Int32(MemoryLayout<JITContext>.offset(of: \.trapPC)!)
    static let trapSPOffset = Int32(MemoryLayout<JITContext>.offset(of: \.trapSP)!)
    static let handlerSPOffset = Int32(MemoryLayout<JITContext>.offset(of: \.handlerSP)!)
    static let handlerFPOffset = Int32(MemoryLayout<JITContext>.offset(of: \.handlerFP)!)
    static let pollOffset = Int32(MemoryLayout<JITContext>.offset(of: \.poll)!)
    static let helpersOffset = Int32(MemoryLayout<JITContext>.offset(of: \.helpers)!)
    static let tierIDOffset = Int32(MemoryLayout<JITContext>.offset(of: \.tierID)!)
    static let pollFuel = Int32(ExecutionStack.pollFuelOffset)
    static let pollInterrupt = Int32(ExecutionStack.pollInterruptOffset)
}

/// Field offsets of runtime structures compiled code reads, taken from the compiler's
/// own layout so they cannot drift.
enum RuntimeLayout {
    static let recordKind = Int32(MemoryLayout<FunctionRecord>.offset(of: \.kind)!)
    static let recordTierID = Int32(MemoryLayout<FunctionRecord>.offset(of: \.tierID)!)
    static let recordCode = Int32(MemoryLayout<FunctionRecord>.offset(of: \.code)!)
    static let recordContext = Int32(MemoryLayout<FunctionRecord>.offset(of: \.context)!)
    static let recordTypeID = Int32(MemoryLayout<FunctionRecord>.offset(of: \.typeID)!)
    static let contextFunctions = Int32(MemoryLayout<InstanceContext>.offset(of: \.functions)!)
    static let contextTables = Int32(MemoryLayout<InstanceContext>.offset(of: \.tables)!)
    static let contextTypeIDs = Int32(MemoryLayout<InstanceContext>.offset(of: \.typeIDs)!)
    static let tableElements = Int32(MemoryLayout<TableStorage>.offset(of: \.elements)!)
    static let tableCount = Int32(MemoryLayout<TableStorage>.offset(of: \.count)!)
    static let contextGlobals = Int32(MemoryLayout<InstanceContext>.offset(of: \.globals)!)
    static let contextMemoryViews = Int32(MemoryLayout<InstanceContext>.offset(of: \.memoryViews)!)
    static let viewBase = Int32(MemoryLayout<MemoryView>.offset(of: \.base)!)
    static let viewByteCount = Int32(MemoryLayout<MemoryView>.offset(of: \.byteCount)!)
}

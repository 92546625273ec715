import Assembler
import WasmCore
import WasmRuntime

/// One instruction set's part of the JIT, kept in its folder (`X64/`): the macro
/// assembler `SinglePassCompiler` emits through and what surrounds compiled code (the
/// entry trampoline, the frame walk of a trap, how debuggers and unwinders see the code).
/// The compiler and the module linker (`JITTier+Compile`) are generic over it; `JITISA`
/// is the one place that maps an instruction set to its backend.
protocol JITBackend: SendableMetatype {
    associatedtype Masm: ModuleMacroAssembler & SendableMetatype

    /// The instruction set's name (precompiled archives, listings).
    static var isa: String { get }

    /// A macro assembler for one chunk of a module's functions.
    static func macroAssembler(bounds: BoundsStrategy, capacity: Int, countsFuel: Bool) -> Masm

    /// Fills the padding between chunks with instructions that trap.
    static func fillPadding(_ padding: UnsafeMutableRawBufferPointer)

    /// `code` as debuggers and unwinders see it (nil: code no host debugger runs).
    static func registration(for code: JITCode) -> CodeRegistration?

    /// The entry trampoline's code (`JITTier.Trampoline`) and its call-frame rule changes.
    static func trampoline() -> (code: [UInt8], changes: [(offset: Int, rule: CallFrameInfo.Rule)])

    /// The entry trampoline at `base` as debuggers and unwinders see it (nil: none).
    static func trampolineRegistration(base: UnsafeRawPointer, size: Int,
                                       changes: [(offset: Int, rule: CallFrameInfo.Rule)]) -> CodeRegistration?

    /// The PCs of a trap's frames, innermost first, from the trapping function's `pc` and
    /// body stack pointer `sp` up to the entry at `entrySP` (see the backend's frame layout).
    static func walk(pc: UInt, sp: UInt, entrySP: UInt) -> (frames: [(pc: UInt, count: Int)], omitted: Int)
}

/// What the module linker needs of a chunk's macro assembler beyond the operations the
/// compiler emits: its labels and code, its tables, and the module stubs it uses or emits.
protocol ModuleMacroAssembler: MacroAssembler where Label == Assembler.Label {
    /// The labels of the module stubs this code uses (or, in the chunk that emits them,
    /// provides); nil or absent: not used.
    var moduleTrapLabels: TrapLabelTable { get set }
    var modulePendingLabel: Label? { get set }
    var unwindLabel: Label? { get set }
    var tailCallOtherLabel: Label? { get set }
    var pollServiceLabel: Label? { get set }
    /// The bound offset of `label`, nil while unbound.
    func offset(of label: Label) -> Int?
    /// Resolves the label uses (`external` gives the offsets of labels bound in other
    /// chunks, relative to this chunk's start); nil when all resolved, else what failed
    /// (a label nobody binds, a branch that cannot reach its label).
    mutating func link(baseAddress: UInt64, external: (Label) -> Int?) -> String?
    /// Copies the code into `destination`; its size.
    func copyBytes(to destination: UnsafeMutableRawBufferPointer) -> Int

    var trapTable: TrapTable { get }
    /// Offset of the module stubs (after the last function) and of the fault resume.
    var moduleStubsOffset: Int { get }
    var faultResumeOffset: Int { get }
    /// Listing notes, isolation sites and module-level marks (`recordsListing`).
    var notes: [JITListing.Note] { get }
    var isolation: [JITListing.IsolationSite] { get }
    var moduleMarks: [JITListing.Event] { get }
}

// A module compiled in chunks has one macro assembler per chunk; only the last one emits
// the module stubs, so it must emit every stub any chunk used, and the other chunks'
// uses of them are resolved when the chunks are linked (`ModuleCodeLayout`).
extension ModuleMacroAssembler {
    /// The module stubs this code uses (or, in the chunk that emits them, provides), with
    /// this assembler's labels for them.
    func moduleStubLabels() -> [(stub: ModuleStub, label: Label)] {
        var list: [(stub: ModuleStub, label: Label)] = []
        var traps = moduleTrapLabels  // a copy: `sortedReasons` sorts in place
        for reason in traps.sortedReasons() { list.append((.trap(reason), traps[reason]!)) }
        if let label = modulePendingLabel { list.append((.helperTrap, label)) }
        if let label = unwindLabel { list.append((.unwind, label)) }
        if let label = tailCallOtherLabel { list.append((.tailCallOther, label)) }
        if let label = pollServiceLabel { list.append((.pollService, label)) }
        return list
    }

    /// Makes `emitTrapStubs` emit `stubs` too (used by code of other chunks).
    mutating func requireModuleStubs(_ stubs: [ModuleStub]) {
        for stub in stubs {
            switch stub {
            case .trap(let reason): if moduleTrapLabels[reason] == nil { moduleTrapLabels[reason] = newLabel() }
            case .helperTrap: if modulePendingLabel == nil { modulePendingLabel = newLabel() }
            case .unwind: if unwindLabel == nil { unwindLabel = newLabel() }
            case .tailCallOther: if tailCallOtherLabel == nil { tailCallOtherLabel = newLabel() }
            case .pollService: if pollServiceLabel == nil { pollServiceLabel = newLabel() }
            }
        }
    }
}

/// A module-level stub that function code calls or jumps to (emitted once, after every
/// function, by `emitTrapStubs`).
enum ModuleStub: Hashable {
    case trap(TrapReason)
    /// The exit for traps a helper or callee reported in `JITContext.trap`.
    case helperTrap
    case unwind
    case tailCallOther
    /// Serves a nonzero poll word: saves the live registers, calls the poll helper.
    case pollService
}

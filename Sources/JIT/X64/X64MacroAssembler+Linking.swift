import Assembler
import WasmCore

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

// A module compiled in chunks has one macro assembler per chunk; only the last one emits
// the module stubs, so it must emit every stub any chunk used, and the other chunks'
// uses of them are resolved when the chunks are linked (`ModuleCodeLayout`).
extension X64MacroAssembler {
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
            case .trap(let reason): if moduleTrapLabels[reason] == nil { moduleTrapLabels[reason] = a.newLabel() }
            case .helperTrap: if modulePendingLabel == nil { modulePendingLabel = a.newLabel() }
            case .unwind: if unwindLabel == nil { unwindLabel = a.newLabel() }
            case .tailCallOther: if tailCallOtherLabel == nil { tailCallOtherLabel = a.newLabel() }
            case .pollService: if pollServiceLabel == nil { pollServiceLabel = a.newLabel() }
            }
        }
    }
}

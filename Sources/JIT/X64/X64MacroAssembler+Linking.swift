import Assembler
import WasmCore

// A module compiled in chunks has one macro assembler per chunk; only the last one emits
// the module stubs, so it must emit every stub any chunk used, and the other chunks'
// uses of them are resolved when the chunks are linked (`ModuleCodeLayout`).
extension X64MacroAssembler: ModuleMacroAssembler {
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

    func offset(of label: Label) -> Int? { a.offset(of: label) }

    mutating func link(baseAddress: UInt64, external: (Label) -> Int?) -> String? {
        a.link(baseAddress: baseAddress, external: external).map { "code label \($0.id) is used but never bound" }
    }

    func copyBytes(to destination: UnsafeMutableRawBufferPointer) -> Int { a.copyBytes(to: destination) }
}

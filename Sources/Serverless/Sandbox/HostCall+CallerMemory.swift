import WasmCore
import WasmRuntime

extension HostCall {
    /// The calling instance's exported memory, for a host function of `interface` that
    /// reads or writes it; a trap naming the interface when the caller exports none.
    func callerMemory(_ interface: String) throws(Trap) -> LinearMemory {
        guard let memory = memory?.linear else { throw Trap(.hostError, detail: "\(interface): the caller exports no memory") }
        return memory
    }
}

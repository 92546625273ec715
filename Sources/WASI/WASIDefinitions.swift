import WasmCore
import WasmRuntime

/// The preview1 functions of one `WASI`, made by a `Linker` when a module imports them
/// (`WASI.define(into:)`). The table of names, types and bodies is built once per process;
/// a store pays only for the functions its module imports.
final class WASIDefinitions: LazyDefinitions {
    /// What a preview1 function does.
    enum Body {
        /// Runs and returns an errno (0 when it does not throw one).
        case returningErrno(WASI.HostBody)
        /// `proc_exit`: returns nothing, since it never returns.
        case exit
    }

    /// One preview1 function.
    struct Entry: Sendable {
        let name: String
        let type: FunctionType
        let body: Body
    }

    /// Every preview1 function.
    static let table: SortedDefinitions<Entry> = {
        var entries = (WASI.environmentFunctions() + WASI.descriptorFunctions() + WASI.pathFunctions()
            + WASI.pollAndSocketFunctions()).map { name, parameters, body in
            (name, Entry(name: name, type: FunctionType(parameters: parameters, results: [.i32]), body: .returningErrno(body)))
        }
        entries.append(("proc_exit", Entry(name: "proc_exit", type: FunctionType(parameters: [.i32]), body: .exit)))
        return SortedDefinitions(entries)
    }()

    /// The WASI the functions serve (they keep it alive).
    let wasi: WASI

    init(_ wasi: WASI) { self.wasi = wasi }

    func defines(_ name: [UInt8]) -> Bool { Self.table.entry(name) != nil }

    func make(_ name: [UInt8]) -> ExternalValue? {
        guard let entry = Self.table.entry(name) else { return nil }
        let wasi = self.wasi
        switch entry.body {
        case .exit:
            return .function(Function.host(entry.type, name: entry.name) { call in
                throw wasi.requestExit(call.i32(0))
            })
        case .returningErrno(let body):
            return .function(Function.host(entry.type, name: entry.name) { call in
                // Preview1 host calls work on the calling module's exported memory.
                if let memory = call.memory, memory !== wasi.memory { wasi.memory = memory }
                do {
                    try body(wasi, WASIArguments(call: call))
                    call.setI32(0, 0)
                } catch let errno as WASIErrno {
                    call.setI32(0, UInt32(errno.rawValue))
                }
            })
        }
    }
}

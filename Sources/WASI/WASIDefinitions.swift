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

    /// Every preview1 function, sorted by UTF-8 name (searched by bisection: cheaper than
    /// hashing the name).
    static let entries: [(name: [UInt8], entry: Entry)] = {
        var entries = (WASI.environmentFunctions() + WASI.descriptorFunctions() + WASI.pathFunctions()
            + WASI.pollAndSocketFunctions()).map { name, parameters, body in
            (Array(name.utf8), Entry(name: name, type: FunctionType(parameters: parameters, results: [.i32]),
                                     body: .returningErrno(body)))
        }
        entries.append((Array("proc_exit".utf8), Entry(name: "proc_exit", type: FunctionType(parameters: [.i32]), body: .exit)))
        return entries.sorted { $0.0.lexicographicallyPrecedes($1.0) }
    }()

    /// The function named `name`, if preview1 has one.
    static func entry(_ name: [UInt8]) -> Entry? {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].name.lexicographicallyPrecedes(name) { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].name == name ? entries[low].entry : nil
    }

    /// The WASI the functions serve (they keep it alive).
    let wasi: WASI

    init(_ wasi: WASI) { self.wasi = wasi }

    func defines(_ name: [UInt8]) -> Bool { Self.entry(name) != nil }

    func make(_ name: [UInt8]) -> ExternalValue? {
        guard let entry = Self.entry(name) else { return nil }
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

import GreenThreads
import WASI
import WasmCore
import WasmRuntime

/// A function linked into its caller's store (CWASI's embedding): instantiated before
/// the caller in the same store, its exports are what the caller imports under the
/// function's name, so calls between them are direct Wasm calls. `func_connect` to it
/// runs its `cwasi_function` in place, with the payload as argv[1] and what it writes to
/// stdout as the reply. It lives as long as the caller's sandbox: state it keeps between
/// calls is the caller's to see (the two are one sandbox).
final class EmbeddedCallee {
    /// Modules the server provides: imports from any other name embed a function.
    static let hostModules: Set<String> = [WASI.moduleName, "env", CWASICall.moduleName, ChannelHost.moduleName]

    let name: String
    let instance: Instance
    /// The largest payload (its route's `max-request-bytes`, as for other modes).
    let maxPayload: Int
    private let wasi: WASI?
    private let stdout: MemoryStream

    /// Why `route` cannot be embedded (nil: it can): an embedded module imports WASI and
    /// the channel API only.
    static func unembeddable(_ route: CompiledRoute) -> String? {
        let other = route.module.imports.first { $0.module != WASI.moduleName && $0.module != ChannelHost.moduleName }
        return other.map { "the embedded function \(route.spec.route.dropFirst()) imports \($0.module).\($0.name) (an embedded module may import WASI and \(ChannelHost.moduleName) only)" }
    }

    /// Instantiates `route` (from its snapshot when it has one) in `linker`'s store and
    /// defines its exports under module `name` in `linker`; `channels` serves its channel
    /// imports, on its own memory.
    init(_ name: String, route: CompiledRoute, into linker: Linker, channels: ChannelHost?, stderr: MemoryStream,
         maxOutput: Int) throws {
        if let problem = Self.unembeddable(route) { throw ServeError(problem) }
        let own = Linker(store: linker.store)
        if route.usesChannels { channels?.define(into: own) }
        stdout = MemoryStream(limit: maxOutput)
        if route.module.imports.contains(where: { $0.module == WASI.moduleName }) {
            var configuration = WASIConfiguration(arguments: [route.spec.route])
            (configuration.stdinStream, configuration.stdoutStream, configuration.stderrStream) =
                (MemoryStream(contents: []), stdout, stderr)
            let wasi = try WASI(configuration: configuration)
            wasi.define(into: own)
            self.wasi = wasi
        } else {
            wasi = nil
        }
        instance = try route.snapshot.map { try own.instantiate(route.module, from: $0) } ?? own.instantiate(route.module)
        wasi?.bind(instance)
        for (exportName, value) in instance.exports { linker.define(module: name, name: exportName, value) }
        self.name = name
        maxPayload = route.spec.maxRequestBytes
    }

    /// Runs `cwasi_function` with `payload` as argv[1]: how it ended and what it wrote.
    /// A trap from a kill (the caller's sandbox is being ended) is thrown on. A borrowed
    /// payload is read where it lies (the caller's memory, which cannot change while the
    /// caller waits), unless it lies in this function's own memory, which the call may
    /// change.
    func call(_ payload: CWASIPayload) throws(Trap) -> (SandboxOutcome, stdout: [UInt8])? {
        guard let function = instance.function(ServeServer.cwasiEntry), function.type.parameters.isEmpty else { return nil }
        if case .borrowed(let bytes) = payload, !ownMemoryHolds(bytes) {
            wasi?.setArguments([Array(name.utf8)], borrowing: UnsafeRawBufferPointer(bytes))
        } else {
            wasi?.setArguments([Array(name.utf8), payload.copy()])
        }
        defer { wasi?.setArguments([]) }
        _ = stdout.take()
        var results: [Value] = []
        do {
            if let wasi {
                let code = try wasi.run { () throws(Trap) in results = try function.invoke([]) }
                if wasi.exitCode != nil { return (.exited(code), stdout.take()) }
            } else {
                results = try function.invoke([])
            }
        } catch {
            if error.reason == .interrupted { throw error }
            return (.trapped(error), [])
        }
        return (.returned(results), stdout.take())
    }
}

extension EmbeddedCallee {
    /// Whether `bytes` lie in the address space of one of this instance's memories.
    private func ownMemoryHolds(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let start = bytes.baseAddress.map({ UInt(bitPattern: $0) }) else { return false }
        return instance.memories.contains { memory in
            let base = UInt(bitPattern: memory.linear.base)
            return start < base + UInt(memory.linear.reservedByteCount) && start + UInt(bytes.count) > base
        }
    }
}

/// The functions embedded in one sandbox, by name (set while it links, read by its
/// `func_connect` calls: both on the sandbox's fiber).
final class EmbeddedCallees: @unchecked Sendable {
    var byName: [String: EmbeddedCallee] = [:]
}

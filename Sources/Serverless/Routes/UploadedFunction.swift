import WASI
import WAT
import WasmCore
import WasmRuntime

/// A function uploaded with `PUT /f/<user>/<name>`: the bytes as they were sent (what
/// `GET` answers) and the route `/name` compiled from them with the server's defaults.
struct UploadedFunction: Sendable {
    /// The function's name (its route is `/name`).
    let name: String
    /// The module as uploaded: binary, or the text format.
    let bytes: [UInt8]
    let route: CompiledRoute

    /// Whether the upload was a binary module (else it was the text format).
    var isBinary: Bool { bytes.starts(with: Self.magic) }

    private static let magic: [UInt8] = [0x00, 0x61, 0x73, 0x6D]

    /// Decodes, validates and compiles `bytes` as the function `name`, and checks that it
    /// can run: every import is one the server provides (WASI preview 1, Faasm's
    /// `env.__faasm_*`) with the same type, and it exports `_start`. The error says what
    /// is wrong, for the uploader.
    init(name: String, bytes: [UInt8], options: ServeOptions) throws(ServeError) {
        let spec = ServeSpec.Route.defaults(route: "/" + name, path: "(uploaded)",
                                            relativeDeadlineUs: options.uploadedDeadlineUs)
        let engine: Engine, module: CompiledModule
        do {
            engine = try Engine(configuration: CompiledRoute.configuration(spec, defaults: options.engine))
            module = try engine.compile(try Self.binary(bytes, features: engine.configuration.features))
        } catch let error as ServeError {
            throw error
        } catch {
            throw ServeError("\(error)")
        }
        try Self.checkRunnable(module, engine: engine)
        do {
            route = try CompiledRoute(spec, engine: engine, module: module)
        } catch {
            throw ServeError("\(error)")
        }
        self.name = name
        self.bytes = bytes
    }

    /// `bytes` as a binary module: as they are when they start with the binary format's
    /// magic, else encoded from the text format.
    private static func binary(_ bytes: [UInt8], features: WasmFeatures) throws -> [UInt8] {
        if bytes.starts(with: magic) { return bytes }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ServeError("not a Wasm module: no \\0asm header, and not UTF-8 text (the text format)")
        }
        do {
            return try WAT.encode(text, features: features)
        } catch {
            throw ServeError("not a binary module (no \\0asm header), and as the text format: \(error)")
        }
    }

    /// Refuses a module that would fail in every sandbox: an import the server does not
    /// provide, or no `_start` to call. Faasm's and CWASI's imports are the route's to
    /// check (`CompiledRoute`, as for the spec's routes).
    private static func checkRunnable(_ module: CompiledModule, engine: Engine) throws(ServeError) {
        let linker = Linker(store: Store(engine: engine))
        var configuration = WASIConfiguration()
        (configuration.stdinStream, configuration.stdoutStream, configuration.stderrStream) =
            (MemoryStream(contents: []), MemoryStream(limit: 0), MemoryStream(limit: 0))
        do {
            try WASI(configuration: configuration).define(into: linker)
        } catch {
            throw ServeError("cannot check the module's WASI imports: \(error)")
        }
        for (moduleName, name, type) in module.imports
        where !(moduleName == "env" && name.hasPrefix("__faasm_")) && moduleName != CWASICall.moduleName
            && moduleName != ChannelHost.moduleName {
            guard let value = linker.resolve(module: moduleName, name: name) else {
                throw ServeError("link error: unknown import \(moduleName).\(name) (the server provides WASI preview 1, Faasm's env.__faasm_* functions, CWASI's cwasi_export.func_connect and the wasmlab_channel API)")
            }
            guard case .function(let expected) = type, case .function(let function) = value,
                  function.type == expected else {
                throw ServeError("link error: incompatible import type \(moduleName).\(name)")
            }
        }
        guard module.exports.contains(where: { $0.name == "_start" && $0.type == .function(FunctionType()) }) else {
            throw ServeError("the module exports no _start function taking and returning nothing (functions are WASI commands)")
        }
    }
}

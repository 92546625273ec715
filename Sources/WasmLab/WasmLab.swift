// The embedding API in one import: the engine and every tier of this build, the text
// format and WASI preview1.
//
//     import WasmLab
//     let engine = try Engine(EngineConfiguration(tier: "jit", bounds: .guard))
//     let module = try engine.compile(wat: "(module (func (export \"f\") (result i32) i32.const 42))")
//     let instance = try Linker(store: Store(engine: engine)).instantiate(module)
//
// README.md ("Embedding") has the full example, built and run in CI (Examples/Embedding).
@_exported import Tiers
@_exported import WASI
@_exported import WAT
@_exported import WasmCore
@_exported import WasmDecoder
@_exported import WasmRuntime

extension Engine {
    /// An engine for `configuration`, with every tier of this build registered first.
    public convenience init(_ configuration: EngineConfiguration = EngineConfiguration()) throws(WasmError) {
        BuiltinTiers.register()
        try self.init(configuration: configuration)
    }

    /// Encodes a module in the text format, then compiles it (`compile(_:)`).
    public func compile(wat text: String) throws(WasmError) -> CompiledModule {
        try compile(WAT.encode(text, features: configuration.features))
    }
}

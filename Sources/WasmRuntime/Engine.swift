import WasmCore
import WasmDecoder
import WasmValidator

/// What compiled code depends on: the part of a configuration that an `Engine` fixes for
/// every module it compiles (the rest, limits and fuel, belongs to each `Store`).
public struct EngineConfiguration: Hashable, Sendable {
    /// The execution tier (see `ExecutionTiers`), e.g. "interp".
    public var tier: String
    /// How linear memory accesses are bounds-checked.
    public var bounds: BoundsStrategy
    /// Permits strategies that give no isolation (`BoundsStrategy.isUnsafe`).
    public var allowUnsafeStrategies: Bool
    /// The proposals modules may use.
    public var features: WasmFeatures
    /// Whether compiled code counts fuel, so that stores may meter it (the JIT emits the
    /// counting or not when it compiles).
    public var countsFuel: Bool

    /// A configuration; the defaults are the interpreter with software bounds checks, Wasm 3.0, no fuel.
    public init(tier: String = "interp", bounds: BoundsStrategy = .software, allowUnsafeStrategies: Bool = false,
                features: WasmFeatures = .wasm3, countsFuel: Bool = false) {
        self.tier = tier
        self.bounds = bounds
        self.allowUnsafeStrategies = allowUnsafeStrategies
        self.features = features
        self.countsFuel = countsFuel
    }
}

/// Compiles modules once for any number of stores, on any threads.
///
/// ```swift
/// let engine = try Engine(configuration: .init(tier: "jit", bounds: .guard))
/// let module = try engine.compile(bytes)          // decode, validate, compile: once
/// for _ in requests {
///     let store = Store(engine: engine)             // one sandbox
///     let instance = try Linker(store: store).instantiate(module)   // no validation, no compilation
///     ...
/// }
/// ```
/// An engine is immutable and `Sendable`; so is every `CompiledModule` it returns.
public final class Engine: Sendable {
    /// What every module this engine compiles is compiled for.
    public let configuration: EngineConfiguration
    let tierID: Int
    let tier: any ExecutionTier

    /// Throws when the tier is not registered (see `ExecutionTiers`) or the strategy gives
    /// no isolation and `allowUnsafeStrategies` is not set.
    public init(configuration: EngineConfiguration = EngineConfiguration()) throws(WasmError) {
        guard let tierID = ExecutionTiers.id(named: configuration.tier), let tier = ExecutionTiers.tier(id: tierID) else {
            throw WasmError(.uninstantiable,
                            "unknown execution tier \(configuration.tier) (registered: \(ExecutionTiers.names))")
        }
        if configuration.bounds.isUnsafe && !configuration.allowUnsafeStrategies {
            throw WasmError(.uninstantiable, "bounds strategy \(configuration.bounds.rawValue) gives no isolation "
                            + "and is refused unless allowUnsafeStrategies is set")
        }
        self.configuration = configuration
        self.tierID = tierID
        self.tier = tier
    }

    /// Decodes, validates and compiles `bytes`.
    public func compile(_ bytes: [UInt8]) throws(WasmError) -> CompiledModule {
        try compile(decodeModule(bytes, features: configuration.features))
    }

    /// Validates and compiles an already decoded module.
    public func compile(_ module: Module) throws(WasmError) -> CompiledModule {
        let validator = try ModuleValidator(module: module, features: configuration.features)
        let code: any CompiledCode
        do {
            code = try tier.compile(module: module, validator: validator, configuration: configuration)
        } catch let error as WasmError {
            throw error
        } catch {
            throw WasmError(.invalid, "\(error)")
        }
        return CompiledModule(module: module, code: code, tierID: tierID, configuration: configuration)
    }
}

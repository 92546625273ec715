import Synchronization
import WasmCore
import WasmDecoder
import WasmValidator

/// A way of running Wasm code. A tier translates each defined function while the
/// validator checks it (through a `CodeSink`), then runs it on the store's `ExecutionStack`.
/// Calls that leave the tier (host functions, other tiers) go through
/// `Function.callFromCompiledCode`.
public protocol ExecutionTier: AnyObject, Sendable {
    /// The name configurations select the tier by ("interp", "jit").
    var name: String { get }

    /// Validates and translates every defined function of `module` for `configuration`.
    /// The result depends on nothing else: any store of that configuration may run it.
    func compile(module: Module, validator: ModuleValidator, configuration: EngineConfiguration) throws -> any CompiledCode

    /// Runs `function` (compiled by this tier). Its arguments are in the slots at
    /// `arguments` (the store's stack top); results are written over them.
    func invoke(_ function: UnsafeMutablePointer<FunctionRecord>, arguments: UnsafeMutableRawPointer,
                store: Store) throws(Trap)
}

/// A tier's translation of a module's defined functions: immutable once made, shared by
/// every store that instantiates the module, on any thread.
public protocol CompiledCode: AnyObject, Sendable {
    /// Entry point and frame size (in slots) of defined function `index`.
    func entry(definedIndex index: Int) -> (code: UnsafeRawPointer, frameSlots: Int)
}

/// The registry of tiers, by name. Register tiers at startup, before creating stores
/// (e.g. `InterpreterTier.register()`).
public enum ExecutionTiers {
    private static let tiers = Mutex<[any ExecutionTier]>([])

    /// Adds a tier (replacing one of the same name) and returns its id.
    @discardableResult
    public static func register(_ tier: any ExecutionTier) -> Int {
        tiers.withLock { tiers in
            if let i = tiers.firstIndex(where: { $0.name == tier.name }) {
                tiers[i] = tier
                return i
            }
            tiers.append(tier)
            return tiers.count - 1
        }
    }

    /// The id of the tier named `name`, if registered.
    public static func id(named name: String) -> Int? {
        tiers.withLock { $0.firstIndex { $0.name == name } }
    }

    /// The tier with id `id`, if registered.
    public static func tier(id: Int) -> (any ExecutionTier)? {
        tiers.withLock { id >= 0 && id < $0.count ? $0[id] : nil }
    }

    /// The registered tiers' names, in registration order.
    public static var names: [String] { tiers.withLock { $0.map(\.name) } }
}

/// A tier whose code can be written out and loaded again (`Engine.precompile`, `wasmlab
/// compile`): its code must not depend on where it was compiled (no addresses of the
/// process in it). Loading trusts the bytes as native code: only load files you made.
public protocol PrecompilingTier: ExecutionTier {
    /// The instruction set the code is for ("x86-64"); a file for another one is refused.
    var isa: String { get }
    /// A fingerprint of everything compiled code relies on in the runtime (context and
    /// record layouts, helper slots): code from a build that differs is refused.
    var codeABI: String { get }
    /// `code` (made by this tier) as bytes.
    func serialize(_ code: any CompiledCode) throws(WasmError) -> [UInt8]
    /// Code read back from `serialize`'s bytes, for `module` as validated by `validator`.
    func deserialize(_ bytes: [UInt8], module: Module, validator: ModuleValidator,
                     configuration: EngineConfiguration) throws -> any CompiledCode
}

import WASI
import WasmRuntime

/// What one sandbox runs: a compiled module, instantiated into a fresh store of its own,
/// and what to call in it.
public struct SandboxRequest: @unchecked Sendable {
    /// What to call once the module is instantiated.
    public enum Entry: Sendable {
        /// A WASI command's `_start`, with this argv, environment and stdio.
        case command(WASIConfiguration)
        /// An export, with arguments (WASI is linked, with no arguments and the host's
        /// stdio, if the module imports it).
        case export(String, [Value])
        /// Element `index` of table 0, run as a WASI command with this configuration:
        /// `() -> i32`, or `(i32) -> i32` called with `argument`; its result is the exit
        /// status (Faasm's `chain_ptr` entry). The module's constructors run first
        /// (`_initialize` or `__wasm_call_ctors`), unless the instance starts from a
        /// snapshot (its init ran after them).
        case tableFunction(UInt32, argument: Int32, WASIConfiguration)
        /// An export taking nothing, run as a WASI command with this configuration
        /// (CWASI's `cwasi_function`): it returns its results, unless it calls `proc_exit`.
        case exportCommand(String, WASIConfiguration)
    }

    /// The engine the module was compiled with (stores of other engines refuse it).
    public var engine: Engine
    /// The module, compiled once and shared by every sandbox that runs it.
    public var module: CompiledModule
    /// What to call.
    public var entry: Entry
    /// The store's limits (tier and bounds come from the engine). Defaults to small
    /// stacks, so that many sandboxes fit: 16 Ki value slots, 4,000 nested calls.
    public var limits: StoreConfiguration
    /// Absolute deadline (`MonotonicClock` ns) for `edf`; `UInt64.max`: none.
    public var deadline: UInt64
    /// Kills the sandbox this many ns after it starts running; nil: no limit.
    public var timeout: UInt64?
    /// Defines further imports before instantiation (an error fails the sandbox).
    public var link: ((Linker) throws -> Void)?
    /// Called on the sandbox's fiber when it starts running (after its time in the queue).
    public var onStart: (() -> Void)?
    /// The state the instance starts from (instead of running the module's segments and
    /// start function), nil: the module's own initial state.
    public var snapshot: InstanceSnapshot?

    /// A request to run `entry` of `module`.
    public init(engine: Engine, module: CompiledModule, entry: Entry, deadline: UInt64 = UInt64.max,
                timeout: UInt64? = nil, link: ((Linker) throws -> Void)? = nil) {
        self.engine = engine
        self.module = module
        self.entry = entry
        self.deadline = deadline
        self.timeout = timeout
        self.link = link
        var limits = StoreConfiguration()
        limits.valueStackSlots = 16 << 10
        limits.maxCallDepth = 4_000
        self.limits = limits
    }
}

/// How a sandbox ended.
public enum SandboxOutcome: Sendable, CustomStringConvertible {
    /// The export returned these values (or `_start` returned: no values).
    case returned([Value])
    /// The guest called `proc_exit`.
    case exited(UInt32)
    /// The guest trapped.
    case trapped(Trap)
    /// `Sandbox.kill()` (or the request's timeout) ended it.
    case killed
    /// The sandbox could not be set up (instantiation, linking, a missing export).
    case failed(String)

    /// The exit status of a function that ran to its end (0 when it returned); nil when
    /// it trapped, was killed or could not start.
    public var exitStatus: UInt32? {
        switch self {
        case .returned: 0
        case .exited(let code): code
        case .trapped, .killed, .failed: nil
        }
    }

    /// How it ended, in words.
    public var description: String {
        switch self {
        case .returned(let values): "returned \(values)"
        case .exited(let code): "exited with \(code)"
        case .trapped(let trap): "trapped: \(trap)"
        case .killed: "killed"
        case .failed(let message): "failed: \(message)"
        }
    }
}

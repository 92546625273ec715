import WasmCore

/// How a store compiles and runs code.
public struct StoreConfiguration: Sendable {
    /// The execution tier (see `ExecutionTiers`), e.g. "interp".
    public var tier: String = "interp"
    /// How linear memory accesses are bounds-checked.
    public var bounds: BoundsStrategy = .software
    /// Permits strategies that give no isolation (`BoundsStrategy.isUnsafe`, i.e.
    /// `.unchecked`); memories refuse them otherwise. Only for measurements on trusted code.
    public var allowUnsafeStrategies = false
    /// The proposals modules may use.
    public var features: WasmFeatures = .wasm3
    /// Maximum number of nested Wasm calls before `callStackExhausted`.
    public var maxCallDepth: Int = 20_000
    /// Size of the value stack in 64-bit slots (frames that do not fit trap with
    /// `callStackExhausted` too).
    public var valueStackSlots: Int = 1 << 22
    /// When set, execution traps with `interrupted` after roughly this many loop
    /// iterations and calls (and the store consumes fuel, see `consumesFuel`).
    public var fuel: UInt64?
    /// Whether code compiled for this store counts fuel, so that `Store.setFuel` may turn
    /// metering on later. The JIT decides when it compiles whether to emit the counting
    /// (it costs 2 of the 5 instructions of each poll), so it cannot be added afterwards.
    public var consumesFuel = false
    /// `consumesFuel`, or an initial `fuel`.
    public var countsFuel: Bool { consumesFuel || fuel != nil }
    /// When set, no memory of this store's instances exceeds this many 64 KiB pages:
    /// `memory.grow` past it returns -1, and a module whose memory starts above it does not
    /// instantiate. Without it, a guest may grow a memory as far as its type and the host allow.
    public var maxMemoryPages: UInt64?
    /// The most bytes the store's GC heap (structs and arrays) may hold: an allocation
    /// that would pass it collects first, and traps with `heapExhausted` if it still does.
    public var maxGCHeapBytes: Int = 1 << 30

    /// The defaults: interpreter, software bounds checks, Wasm 3.0, no fuel, no memory limit.
    public init() {}

    /// The engine part: tier, bounds, unsafe permission, features, and whether code counts
    /// fuel (`countsFuel`; setting it sets `consumesFuel`).
    public var engine: EngineConfiguration {
        get {
            EngineConfiguration(tier: tier, bounds: bounds, allowUnsafeStrategies: allowUnsafeStrategies,
                                features: features, countsFuel: countsFuel)
        }
        set {
            tier = newValue.tier
            bounds = newValue.bounds
            allowUnsafeStrategies = newValue.allowUnsafeStrategies
            features = newValue.features
            consumesFuel = newValue.countsFuel
        }
    }

    /// A configuration with the commonly set fields.
    public init(tier: String = "interp", bounds: BoundsStrategy = .software, features: WasmFeatures = .wasm3,
                maxCallDepth: Int = 20_000, fuel: UInt64? = nil) {
        self.tier = tier
        self.bounds = bounds
        self.features = features
        self.maxCallDepth = maxCallDepth
        self.fuel = fuel
    }
}

/// `Store.setFuel` on a store whose code does not count fuel.
public struct FuelNotCounted: Error, CustomStringConvertible {
    /// The message, naming the fix.
    public var description: String {
        "fuel is not counted in this store: set StoreConfiguration.consumesFuel (or an initial fuel) before compiling"
    }
}

/// A sandbox: the instances, memories, tables, globals and stacks of one guest (the
/// spec's store). Everything instances create stays alive as long as the store, because
/// compiled code holds raw references between them. Instances and functions do not keep
/// their store alive: keep the store (or a `Linker`, which holds it) while using them;
/// invoking a function whose store is gone throws a `Trap` with reason `hostError`. Not
/// thread-safe, except `interrupt()`; any number of stores run on different threads.
public final class Store {
    /// The tier, strategy and limits this store runs code with.
    public let configuration: StoreConfiguration
    /// The value and frame stacks every call in this store runs on.
    public let stack: ExecutionStack
    /// Keeps instances and host objects alive: raw references into them may be anywhere.
    var retained: [AnyObject] = []
    /// A reference to this store that does not keep it alive (what its functions and
    /// instances reach it through).
    public let link = StoreLink()
    /// The structs and arrays of this store's instances.
    public let gcHeap: GCHeap

    /// A store for `configuration` (its code is compiled for it: see `CompiledModule(bytes:store:)`).
    public init(configuration: StoreConfiguration = StoreConfiguration()) {
        self.configuration = configuration
        stack = ExecutionStack(slots: configuration.valueStackSlots, maxFrames: configuration.maxCallDepth,
                               fuel: configuration.fuel)
        gcHeap = GCHeap(limit: configuration.maxGCHeapBytes)
        link.store = self
        gcHeap.store = self
    }

    deinit { link.store = nil }

    /// A store for modules compiled by `engine`: its tier, bounds strategy and features, with
    /// the limits and fuel of `limits` (whose engine part is replaced by the engine's).
    public convenience init(engine: Engine, limits: StoreConfiguration = StoreConfiguration()) {
        var configuration = limits
        configuration.engine = engine.configuration
        self.init(configuration: configuration)
    }

    /// The id of a function type (see `TypeRegistry`).
    public func typeID(for type: FunctionType) -> Int { TypeRegistry.id(for: type) }

    /// Asks running code to stop with `TrapReason.interrupted` at its next loop header or call.
    /// Safe to call from another thread (an atomic OR into the word the runner polls).
    public func interrupt() { stack.requestInterrupt() }

    /// Makes yield requests (`ExecutionStack.yieldBit` in `pollWord`, set by a scheduler)
    /// call `handler(context)` at the next loop header or function entry, which suspends
    /// the running code and returns when it may go on; nil removes it (requests are then
    /// ignored).
    public func setYieldHandler(_ handler: ExecutionStack.YieldHandler?, context: UnsafeMutableRawPointer?) {
        stack.setYieldHandler(handler, context: context)
    }

    /// The word running code polls (interrupt and yield bits, see `ExecutionStack`).
    public var pollWord: UnsafeMutablePointer<UInt32> { stack.interruptFlag }

    /// Lowest native stack address compiled code may use; 0 (the default): the running
    /// thread's. Set it when the store runs on a stack of its own (a fiber).
    public var nativeStackLimit: UInt {
        get { stack.nativeStackLimit }
        set { stack.nativeStackLimit = newValue }
    }

    /// Fuel left (nil when metering is off).
    public var fuel: UInt64? { stack.meteringEnabled ? stack.fuel : nil }

    /// Sets the fuel left (nil: metering off) and clears a pending interrupt. Throws for a
    /// store not configured to count fuel (`StoreConfiguration.countsFuel`): its compiled
    /// code would not count, and the limit would silently not hold.
    public func setFuel(_ fuel: UInt64?) throws(FuelNotCounted) {
        guard configuration.countsFuel || fuel == nil else { throw FuelNotCounted() }
        stack.fuel = fuel ?? UInt64.max
        stack.meteringEnabled = fuel != nil
        stack.interruptFlag.pointee = 0
    }

    func retain(_ object: AnyObject) { retained.append(object) }
}

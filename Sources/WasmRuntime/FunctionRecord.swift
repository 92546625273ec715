import WasmCore

/// The fixed-address, ARC-free description of a function that compiled code works with.
/// A `funcref` is the address of one of these; tiers read it in their hot loops.
public struct FunctionRecord {
    /// Who runs the function.
    public enum Kind: UInt8 {
        /// Code produced by the tier named by `tierID`; `code` and `context` are set.
        case wasm
        /// A host function: calls go through `Function.callFromCompiledCode`.
        case host
    }

    /// Wasm code of a tier, or a host function.
    public var kind: Kind
    /// Index of the tier that compiled `code` in `ExecutionTiers` (wasm functions).
    public var tierID: Int
    /// The store-wide id of the function's type (structurally equal types share an id).
    public var typeID: Int
    /// Tier-specific entry point.
    public var code: UnsafeRawPointer?
    /// The defining instance's context.
    public var context: UnsafeMutablePointer<InstanceContext>?
    /// 64-bit slots the function's frame needs (parameters, locals, operand stack).
    public var frameSlots: Int
    /// Number of parameters.
    public var parameterCount: Int
    /// Number of results.
    public var resultCount: Int
    /// The `Function` object this record belongs to.
    public var owner: Unmanaged<Function>
}

/// The ARC-free view of an instance that compiled code works with: its index spaces as
/// arrays of raw pointers (imports first, as in the module).
public struct InstanceContext {
    /// The function index space's records.
    public var functions: UnsafeMutablePointer<UnsafeMutablePointer<FunctionRecord>>
    /// One 64-bit cell per global (see `Slot` for the encoding).
    public var globals: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>
    /// The table index space's element storage.
    public var tables: UnsafeMutablePointer<UnsafeMutablePointer<TableStorage>>
    /// The `LinearMemory` objects of the memory index space (unretained).
    public var memories: UnsafeMutablePointer<Unmanaged<LinearMemory>>
    /// Number of memories in the index space.
    public var memoryCount: Int
    /// `LinearMemory.view` of each memory, for compiled code.
    public var memoryViews: UnsafeMutablePointer<UnsafeMutablePointer<MemoryView>>
    /// The instance this context belongs to (unretained: the instance owns the context).
    public var instance: Unmanaged<Instance>
    /// Process-wide ids of the module's types, by type index (the compiled module's
    /// `typeIDTable`, shared by its instances): compiled code reads them here instead of
    /// embedding them.
    public var typeIDs: UnsafePointer<Int>
    /// The compiled module's struct and array layouts, by type index (nil: a function type).
    public var gcTypes: UnsafePointer<UnsafePointer<GCTypeInfo>?>
    /// The store's GC heap (unretained: the store owns it and outlives its instances' code).
    public var gcHeap: Unmanaged<GCHeap>
}

/// The elements of a table, in `Slot` encoding; owned by a `Table`.
public struct TableStorage {
    /// The elements, in `Slot` encoding.
    public var elements: UnsafeMutablePointer<UInt64>
    /// The table's current size.
    public var count: Int
    /// Elements allocated (at least `count`).
    public var capacity: Int
    /// The largest size `table.grow` may reach.
    public var maximum: UInt64
    /// The type of the elements.
    public var elementType: RefType
}

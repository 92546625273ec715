/// Size limits of a memory (in 64 KiB pages) or a table (in elements).
public struct Limits: Hashable, Sendable {
    /// The initial (or current) size.
    public var min: UInt64
    /// The largest size allowed, nil for none (up to what the address type reaches).
    public var max: UInt64?
    /// memory64 / table64: the address type is i64.
    public var is64: Bool
    /// threads proposal: shared memory.
    public var isShared: Bool

    /// Limits of `min` to `max`, with i32 addresses unless `is64`.
    public init(min: UInt64, max: UInt64? = nil, is64: Bool = false, shared: Bool = false) {
        self.min = min
        self.max = max
        self.is64 = is64
        self.isShared = shared
    }

    /// The value type of addresses into this memory or table.
    public var addressType: ValueType { is64 ? .i64 : .i32 }
}

/// The type of a linear memory: its limits in pages.
public struct MemoryType: Hashable, Sendable {
    /// Size limits in 64 KiB pages.
    public var limits: Limits
    /// A memory type with `limits` (in pages).
    public init(_ limits: Limits) { self.limits = limits }

    /// Bytes per page (64 KiB).
    public static let pageSize = 65536
}

/// The type of a table: its element type and limits in elements.
public struct TableType: Hashable, Sendable {
    /// The references the table holds.
    public var elementType: RefType
    /// Size limits in elements.
    public var limits: Limits
    /// A table type of `elementType` elements within `limits`.
    public init(_ elementType: RefType, _ limits: Limits) {
        self.elementType = elementType
        self.limits = limits
    }
}

/// The type of an exception tag: the index of a function type with no results.
public struct TagType: Hashable, Sendable {
    /// The function type (in the module's type section) of the payload.
    public var typeIndex: UInt32
    /// A tag type for the payload of function type `typeIndex`.
    public init(typeIndex: UInt32) { self.typeIndex = typeIndex }
}

/// The kinds of things a module imports and exports.
public enum ExternalKind: UInt8, Sendable {
    case function = 0, table = 1, memory = 2, global = 3, tag = 4
}

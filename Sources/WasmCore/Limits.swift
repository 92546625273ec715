/// Size limits of a memory (in 64 KiB pages) or a table (in elements).
public struct Limits: Hashable, Sendable {
    public var min: UInt64
    public var max: UInt64?
    /// memory64 / table64: the address type is i64.
    public var is64: Bool
    /// threads proposal: shared memory.
    public var isShared: Bool

    public init(min: UInt64, max: UInt64? = nil, is64: Bool = false, shared: Bool = false) {
        self.min = min
        self.max = max
        self.is64 = is64
        self.isShared = shared
    }

    /// The value type of addresses into this memory or table.
    public var addressType: ValueType { is64 ? .i64 : .i32 }
}

public struct MemoryType: Hashable, Sendable {
    public var limits: Limits
    public init(_ limits: Limits) { self.limits = limits }

    /// Bytes per page (64 KiB).
    public static let pageSize = 65536
}

public struct TableType: Hashable, Sendable {
    public var elementType: RefType
    public var limits: Limits
    public init(_ elementType: RefType, _ limits: Limits) {
        self.elementType = elementType
        self.limits = limits
    }
}

/// The type of an exception tag: the index of a function type with no results.
public struct TagType: Hashable, Sendable {
    public var typeIndex: UInt32
    public init(typeIndex: UInt32) { self.typeIndex = typeIndex }
}

/// The kinds of things a module imports and exports.
public enum ExternalKind: UInt8, Sendable {
    case function = 0, table = 1, memory = 2, global = 3, tag = 4
}

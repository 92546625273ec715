/// What a struct field or array element stores: a value type, or one of the packed
/// integer types that only exist inside GC objects.
public enum StorageType: Hashable, Sendable {
    case i8, i16
    case value(ValueType)

    /// The type a `struct.get`/`array.get` pushes (packed types widen to `i32`).
    public var unpacked: ValueType {
        switch self {
        case .i8, .i16: .i32
        case .value(let t): t
        }
    }

    /// Whether the type is `i8` or `i16` (read with `_s`/`_u`, not plain `get`).
    public var isPacked: Bool {
        if case .value = self { return false }
        return true
    }

    /// Bytes one value occupies inside an object.
    public var byteSize: Int {
        switch self {
        case .i8: 1
        case .i16: 2
        case .value(.i32), .value(.f32): 4
        case .value(.v128): 16
        case .value: 8
        }
    }
}

/// A struct field or array element type: storage and mutability.
public struct FieldType: Hashable, Sendable {
    /// What the field stores.
    public var storage: StorageType
    /// Whether `struct.set`/`array.set` may change it.
    public var isMutable: Bool

    /// A field of `storage`, immutable unless said otherwise.
    public init(_ storage: StorageType, mutable: Bool = false) {
        self.storage = storage
        self.isMutable = mutable
    }
}

import WasmCore

/// Something an instance imports or exports.
public enum ExternalValue {
    case function(Function)
    case table(Table)
    case memory(Memory)
    case global(Global)
    case tag(Tag)

    /// Which index space the value belongs to.
    public var kind: ExternalKind {
        switch self {
        case .function: .function
        case .table: .table
        case .memory: .memory
        case .global: .global
        case .tag: .tag
        }
    }
}

/// A global variable.
public final class Global {
    /// The global's value type and mutability.
    public let type: GlobalType
    /// `type.valueType` with concrete types as store-wide ids (set by the defining instance).
    var canonicalValueType: ValueType
    /// The cell compiled code reads and writes (`Slot` encoding): two 64-bit words, the
    /// second holding the high half of a `v128`.
    public let cell: UnsafeMutablePointer<UInt64>
    /// Functions stored through the API stay alive while referenced here.
    private var retainedFunction: AnyObject?

    /// A global holding `value` (which must match `type.valueType`).
    public init(type: GlobalType, value: Value) throws(WasmError) {
        guard value.matches(type.valueType) else {
            throw WasmError(.uninstantiable, "global value \(value) does not match \(type.valueType)")
        }
        self.type = type
        canonicalValueType = type.valueType
        cell = .allocate(capacity: 2)
        cell.initialize(to: Slot.encode(value))
        (cell + 1).initialize(to: Global.high(value))
        retainedFunction = value.referencedObject
    }

    deinit { cell.deallocate() }

    /// The current value. Setting checks the type; immutable globals ignore writes
    /// from the host only through `set(_:)`, which throws.
    public var value: Value {
        get {
            if type.valueType == .v128 { return .v128(V128(low: cell[0], high: cell[1])) }
            return Slot.decode(cell.pointee, as: type.valueType)
        }
    }

    private static func high(_ value: Value) -> UInt64 {
        if case .v128(let v) = value { return v.high }
        return 0
    }

    /// Sets the value without checks: one this global's instance held before (a
    /// snapshot's), `high` the upper half of a `v128`.
    func restore(_ value: Value, high: UInt64) {
        cell.pointee = Slot.encode(value)
        cell[1] = high
        retainedFunction = value.referencedObject
    }

    /// Writes a new value (the global must be mutable and the value must match its type).
    public func set(_ newValue: Value) throws(WasmError) {
        guard type.isMutable else { throw WasmError(.uninstantiable, "global is immutable") }
        guard newValue.matches(type.valueType), Linker.conforms(newValue, canonicalValueType) else {
            throw WasmError(.uninstantiable, "type mismatch")
        }
        cell.pointee = Slot.encode(newValue)
        cell[1] = Global.high(newValue)
        retainedFunction = newValue.referencedObject
    }
}

/// A table of references.
public final class Table {
    /// The elements compiled code reads (owned by the table).
    public let storage: UnsafeMutablePointer<TableStorage>
    /// The element type with concrete types as store-wide ids (set by the defining instance).
    var canonicalElementType: RefType
    /// Functions stored through the API stay alive while the table does.
    private var retainedFunctions: [AnyObject] = []

    /// A table of `type.limits.min` elements, each `initial` (null by default).
    public init(type: TableType, initial: Value? = nil) throws(WasmError) {
        let count = Int(clamping: type.limits.min)
        guard type.limits.min <= 10_000_000 else { throw WasmError(.uninstantiable, "table too large") }
        let fill = initial.map { Slot.encode($0) } ?? 0
        let elements = UnsafeMutablePointer<UInt64>.allocate(capacity: max(count, 1))
        elements.initialize(repeating: fill, count: max(count, 1))
        storage = .allocate(capacity: 1)
        storage.initialize(to: TableStorage(
            elements: elements, count: count, capacity: max(count, 1),
            maximum: type.limits.max ?? (type.limits.is64 ? UInt64.max : UInt64(UInt32.max)),
            elementType: type.elementType))
        self.type = type
        canonicalElementType = type.elementType
        if let object = initial?.referencedObject { retainedFunctions.append(object) }
    }

    deinit {
        storage.pointee.elements.deallocate()
        storage.deallocate()
    }

    /// The table's type; `limits.min` is the current size.
    public private(set) var type: TableType

    /// Number of elements.
    public var size: Int { storage.pointee.count }

    /// The current type, with the current size as minimum.
    public var currentType: TableType {
        var t = type
        t.limits.min = UInt64(size)
        return t
    }

    /// Element `index`; `outOfBoundsTableAccess` past the end.
    public func get(_ index: Int) throws(TrapReason) -> Value {
        guard index >= 0 && index < size else { throw .outOfBoundsTableAccess }
        return Slot.decode(storage.pointee.elements[index], as: .ref(type.elementType))
    }

    /// Stores `value` at `index`: it must match the element type (`hostError` otherwise).
    public func set(_ index: Int, _ value: Value) throws(TrapReason) {
        guard index >= 0 && index < size else { throw .outOfBoundsTableAccess }
        guard value.matches(.ref(type.elementType)), Linker.conforms(value, .ref(canonicalElementType)) else { throw .hostError }
        if let object = value.referencedObject { retainedFunctions.append(object) }
        storage.pointee.elements[index] = Slot.encode(value)
    }

    /// Grows by `delta` elements set to `fill` (encoded); returns the old size or nil.
    public func grow(by delta: UInt64, fill: UInt64) -> UInt64? {
        let old = UInt64(size)
        let (new, overflow) = old.addingReportingOverflow(delta)
        guard !overflow, new <= storage.pointee.maximum, new <= 10_000_000 else { return nil }
        let newCount = Int(new)
        if newCount > storage.pointee.capacity {
            let capacity = max(newCount, storage.pointee.capacity * 2)
            let elements = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
            elements.moveInitialize(from: storage.pointee.elements, count: size)
            storage.pointee.elements.deallocate()
            storage.pointee.elements = elements
            storage.pointee.capacity = capacity
        }
        (storage.pointee.elements + size).initialize(repeating: fill, count: newCount - size)
        storage.pointee.count = newCount
        return old
    }

    /// Sets size and elements to `contents`, elements this table held before (a
    /// snapshot's: the functions they name are retained by the table already).
    func restore(_ contents: [UInt64]) {
        if contents.count > storage.pointee.capacity {
            storage.pointee.elements.deallocate()
            storage.pointee.elements = .allocate(capacity: contents.count)
            storage.pointee.capacity = contents.count
        }
        for (i, element) in contents.enumerated() { storage.pointee.elements[i] = element }
        storage.pointee.count = contents.count
    }

    /// Grows by `delta` elements set to `value`; returns the old size or nil.
    public func grow(by delta: UInt64, value: Value) -> UInt64? {
        if let object = value.referencedObject { retainedFunctions.append(object) }
        return grow(by: delta, fill: Slot.encode(value))
    }
}

/// A linear memory.
public final class Memory {
    /// The underlying memory (`base` may move on grow for memory64).
    public let linear: LinearMemory
    /// The memory's type as created (see `currentType` for the current size).
    public let type: MemoryType

    /// - Parameter allowUnsafe: permits `BoundsStrategy.unchecked` (see
    ///   `StoreConfiguration.allowUnsafeStrategies`).
    ///   `pageLimit`, `image`: see `LinearMemory.init`.
    public init(type: MemoryType, strategy: BoundsStrategy = .software, allowUnsafe: Bool = false,
                pageLimit: UInt64? = nil, image: MemoryImage? = nil) throws(WasmError) {
        self.type = type
        linear = try LinearMemory(type: type, strategy: strategy, allowUnsafe: allowUnsafe, pageLimit: pageLimit,
                                  image: image)
    }

    /// Size in bytes.
    public var byteCount: Int { linear.byteCount }
    /// Size in 64 KiB pages.
    public var pageCount: UInt64 { linear.pageCount }

    /// The current type, with the current size as minimum.
    public var currentType: MemoryType {
        var t = type
        t.limits.min = linear.pageCount
        return t
    }

    /// Grows by `pages`; returns the old page count, or nil when that is not possible.
    public func grow(by pages: UInt64) -> UInt64? { linear.grow(by: pages) }

    /// Copies bytes out of the memory.
    public func read(at address: UInt64, count: Int) throws(TrapReason) -> [UInt8] {
        try linear.read(at: address, count: count)
    }

    /// Copies bytes into the memory.
    public func write(_ bytes: [UInt8], at address: UInt64) throws(TrapReason) {
        try linear.write(bytes, at: address)
    }

    /// Runs `body` over the memory's bytes (valid until the memory grows).
    public func withUnsafeBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeMutableRawBufferPointer(start: linear.base, count: linear.byteCount))
    }
}

/// An exception tag (exception handling; Wasm 3.0).
public final class Tag {
    /// The types of the exception's payload.
    public let type: FunctionType
    /// The canonical id of the tag's type (`TypeRegistry`), which imports must match.
    public let typeID: Int
    /// A new tag, distinct from every other (tags compare by identity). `typeID` is the
    /// type's canonical id when it comes from a module (its references are module-relative).
    public init(type: FunctionType, typeID: Int? = nil) {
        self.type = type
        self.typeID = typeID ?? TypeRegistry.id(for: type)
    }
}

import WasmCore

/// A struct or array held by the host: while it exists, its object survives collections
/// (it is pinned in its heap), and it keeps the heap alive.
public final class GCObject: Hashable, @unchecked Sendable {
    /// The object's address (its `Slot` encoding).
    public let address: UInt
    let heap: GCHeap

    init(address: UInt, heap: GCHeap) {
        self.address = address
        self.heap = heap
        heap.pin(address)
    }

    deinit { heap.unpin(address) }

    /// The object a slot designates, when the slot holds one (nil for anything else).
    public static func from(slotBits bits: UInt64) -> GCObject? {
        let address = UInt(truncatingIfNeeded: bits)
        guard let heap = GCHeap.heap(owning: address) else { return nil }
        return GCObject(address: address, heap: heap)
    }

    /// The type of the object.
    public var typeInfo: UnsafePointer<GCTypeInfo> {
        UnsafeRawPointer(bitPattern: address)!.load(as: UnsafePointer<GCTypeInfo>.self)
    }

    /// Whether the object is an array (else a struct).
    public var isArray: Bool { typeInfo.pointee.kind == .array }

    /// Objects are equal when they are the same object (`ref.eq`).
    public static func == (lhs: GCObject, rhs: GCObject) -> Bool { lhs.address == rhs.address }
    /// Hashes the identity.
    public func hash(into hasher: inout Hasher) { hasher.combine(address) }
}

extension GCObject {
    /// Fields of a struct, elements of an array.
    public var count: Int {
        let info = typeInfo.pointee
        guard info.kind == .array else { return info.fields.count }
        return Int(UnsafeRawPointer(bitPattern: address)!.load(fromByteOffset: GCTypeInfo.lengthOffset, as: UInt32.self))
    }

    /// Field or element `index` as a value (packed fields zero-extended to i32), nil when
    /// out of range. References of the object's heap come back pinned like any other.
    public func value(at index: Int) -> Value? {
        guard index >= 0, index < count, let sub = TypeRegistry.subType(for: typeInfo.pointee.id) else { return nil }
        let info = typeInfo.pointee
        let field = info.kind == .array ? info.fields[0] : info.fields[index]
        let offset = info.kind == .array ? field.offset + index * info.payloadSize : field.offset
        let storage: StorageType
        switch sub.composite {
        case .structure(let fields): storage = fields[index].storage
        case .array(let element): storage = element.storage
        case .function: return nil
        }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2) { slots in
            let p = UnsafeMutableRawPointer(slots.baseAddress!)
            GCOps.load(field.storage, from: UnsafeMutableRawPointer(bitPattern: address)! + offset, to: p, signed: false)
            return SlotLayout.load([storage.unpacked], from: UnsafeRawPointer(p))[0]
        }
    }
}

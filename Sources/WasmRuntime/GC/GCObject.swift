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

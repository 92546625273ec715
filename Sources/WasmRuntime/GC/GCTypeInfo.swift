import Synchronization
import WasmCore

/// What the collector and the GC instructions need to know about a canonical struct or
/// array type, at a fixed address for the life of the process: every object's header
/// points to one. Built once per canonical id (`GCTypeInfo.info(for:)`) and never freed,
/// like the canonical ids themselves.
public struct GCTypeInfo {
    /// Whether objects of the type are structs or arrays (function types have no info).
    public enum Kind: UInt8 { case structure, array }

    /// The storage of one field or element, as the tiers read and write it.
    public enum Storage: UInt8 {
        case i8, i16, i32, i64, f32, f64, v128
        /// A reference of any hierarchy (traced when it points into a GC heap).
        case reference

        /// Bytes the value occupies in an object.
        public var size: Int {
            switch self {
            case .i8: 1
            case .i16: 2
            case .i32, .f32: 4
            case .i64, .f64, .reference: 8
            case .v128: 16
            }
        }

        /// The storage of a field of `type`.
        public init(_ type: StorageType) {
            switch type {
            case .i8: self = .i8
            case .i16: self = .i16
            case .value(.i32): self = .i32
            case .value(.i64): self = .i64
            case .value(.f32): self = .f32
            case .value(.f64): self = .f64
            case .value(.v128): self = .v128
            case .value(.ref): self = .reference
            }
        }
    }

    /// The canonical type id (`TypeRegistry`).
    public let id: Int
    /// Struct or array.
    public let kind: Kind
    /// Struct: bytes of all fields after the header. Array: bytes per element.
    public let payloadSize: Int
    /// Struct fields: storage and byte offset from the object start, in field order.
    /// Arrays: one entry, the element (offset: where element 0 starts).
    public let fields: UnsafeBufferPointer<(storage: Storage, offset: Int)>
    /// Offsets of the reference fields (structs), which the collector traces.
    public let referenceOffsets: UnsafeBufferPointer<Int>
    /// Depth in the declared supertype chain and the chain itself, from the root type
    /// down to this one (`ancestors[depth] == id`): a cast to a concrete type is two loads
    /// and a compare (`isSubtype`).
    public let depth: Int
    /// The canonical ids of the supertype chain, root first (see `depth`).
    public let ancestors: UnsafeBufferPointer<Int>

    /// Bytes of the object header: the type-info pointer, then the array length.
    public static let headerSize = 16
    /// Byte offset of an array's length (UInt32) in its header.
    public static let lengthOffset = 8

    /// Whether objects of this type are instances of canonical type `target`.
    @inline(__always)
    public func isSubtype(of target: UnsafePointer<GCTypeInfo>) -> Bool {
        let d = target.pointee.depth
        return d <= depth && ancestors[d] == target.pointee.id
    }

    /// Whether arrays of this type hold references (traced element by element).
    public var isReferenceArray: Bool { kind == .array && fields[0].storage == .reference }

    // MARK: The table of infos

    /// Info addresses by canonical id.
    private static let table = Mutex([Int: UInt]())

    /// The info of canonical struct or array type `id`; nil for function types.
    public static func info(for id: Int) -> UnsafePointer<GCTypeInfo>? {
        if let known = table.withLock({ $0[id] }) { return UnsafePointer(bitPattern: known) }
        guard let sub = TypeRegistry.subType(for: id) else { return nil }
        let chain = TypeRegistry.supertypeChain(id)
        let made: GCTypeInfo
        switch sub.composite {
        case .function: return nil
        case .structure(let fieldTypes):
            let (layout, end) = structLayout(fieldTypes)
            made = GCTypeInfo(id: id, kind: .structure, payloadSize: end - headerSize, fields: copy(layout),
                              referenceOffsets: copy(layout.filter { $0.storage == .reference }.map(\.offset)),
                              depth: chain.count - 1, ancestors: copy(chain))
        case .array(let element):
            let storage = Storage(element.storage)
            made = GCTypeInfo(id: id, kind: .array, payloadSize: storage.size, fields: copy([(storage, headerSize)]),
                              referenceOffsets: copy([]), depth: chain.count - 1, ancestors: copy(chain))
        }
        let address = table.withLock { table -> UInt in
            if let raced = table[id] { return raced }
            let pointer = UnsafeMutablePointer<GCTypeInfo>.allocate(capacity: 1)
            pointer.initialize(to: made)
            table[id] = UInt(bitPattern: pointer)
            return UInt(bitPattern: pointer)
        }
        return UnsafePointer(bitPattern: address)
    }

    /// Where each field of a struct goes (natural alignment, in field order, after the
    /// header), and where the fields end. The one layout rule: compiled code reads and
    /// writes fields at these offsets directly.
    public static func structLayout(_ fields: [FieldType]) -> (fields: [(storage: Storage, offset: Int)], end: Int) {
        var layout: [(storage: Storage, offset: Int)] = []
        var at = headerSize
        for field in fields {
            let storage = Storage(field.storage)
            let align = min(storage.size, 8)
            at = (at + align - 1) / align * align
            layout.append((storage, at))
            at += storage.size
        }
        return (layout, at)
    }

    private static func copy<T>(_ items: [T]) -> UnsafeBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(items.count, 1))
        _ = buffer.initialize(from: items)
        return UnsafeBufferPointer(rebasing: buffer[0..<items.count])
    }
}

import WasmCore

/// A 128-bit SIMD value, stored as two little-endian 64-bit lanes.
public struct V128: Hashable, Sendable {
    /// Bytes 0..<8.
    public var low: UInt64
    /// Bytes 8..<16.
    public var high: UInt64

    /// A vector from its two 64-bit halves (lanes in little-endian order).
    public init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// The sixteen bytes in memory order.
    public var bytes: [UInt8] {
        (0..<16).map { i in UInt8(truncatingIfNeeded: (i < 8 ? low : high) >> UInt64((i % 8) * 8)) }
    }

    /// Builds a value from sixteen bytes in memory order (missing bytes are zero).
    public init(bytes: [UInt8]) {
        var lo: UInt64 = 0, hi: UInt64 = 0
        for (i, b) in bytes.prefix(16).enumerated() {
            if i < 8 { lo |= UInt64(b) << UInt64(i * 8) } else { hi |= UInt64(b) << UInt64((i - 8) * 8) }
        }
        self.init(low: lo, high: hi)
    }
}

/// An opaque, comparable handle to a function, as carried by `funcref` values.
public struct FunctionHandle: Hashable, @unchecked Sendable {
    /// The function the handle designates.
    public let function: Function

    /// A reference to `function`.
    public init(_ function: Function) { self.function = function }

    /// Handles are equal when they name the same function.
    public static func == (lhs: FunctionHandle, rhs: FunctionHandle) -> Bool { lhs.function === rhs.function }
    /// Hashes the function's identity.
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(function)) }
}

/// A reference value.
public enum Reference: Hashable, Sendable {
    /// A null reference of the given heap type.
    case null(HeapType)
    case function(FunctionHandle)
    /// A host-provided external reference; the payload is opaque to Wasm. Only its low
    /// 62 bits are kept. As an `anyref` (after `any.convert_extern`) it is a host reference.
    case extern(UInt64)
    /// An exception (`exnref`), see `Exception`.
    case exception(Exception)
    /// An unboxed 31-bit integer (`i31ref`), its bits in the low 31 of the payload.
    case i31(UInt32)
    /// A struct or array.
    case object(GCObject)

    /// Whether the reference is null.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// A Wasm value. Floats are carried as their IEEE bits so NaN payloads survive.
public enum Value: Hashable, Sendable {
    case i32(UInt32)
    case i64(UInt64)
    case f32(UInt32)
    case f64(UInt64)
    case v128(V128)
    case ref(Reference)

    /// Convenience constructors from Swift numbers.
    public static func float(_ f: Float) -> Value { .f32(f.bitPattern) }
    /// An `f64` from a Swift `Double`.
    public static func double(_ d: Double) -> Value { .f64(d.bitPattern) }
    /// An `i32` from a signed Swift integer.
    public static func int32(_ i: Int32) -> Value { .i32(UInt32(bitPattern: i)) }
    /// An `i64` from a signed Swift integer.
    public static func int64(_ i: Int64) -> Value { .i64(UInt64(bitPattern: i)) }

    /// Whether the value inhabits `type` (references: heap type compatibility, nullability).
    public func matches(_ type: ValueType) -> Bool {
        switch (self, type) {
        case (.i32, .i32), (.i64, .i64), (.f32, .f32), (.f64, .f64), (.v128, .v128): return true
        case (.ref(let r), .ref(let t)):
            switch r {
            case .null(let h): return t.isNullable && h.topHeapType == t.heapType.topHeapType
            case .function:
                if case .concrete = t.heapType { return true }
                return t.heapType == .func
            case .extern: return t.heapType == .extern || t.heapType == .any
            case .exception: return t.heapType == .exn
            // Internalised GC values are externrefs after `extern.convert_any`.
            case .i31: return [.any, .eq, .i31, .extern].contains(t.heapType)
            case .object(let o):
                switch t.heapType {
                case .any, .eq, .extern: return true
                case .struct: return !o.isArray
                case .array: return o.isArray
                // Concrete types name a module's type index: whoever knows the module checks.
                case .concrete: return true
                default: return false
                }
            }
        default: return false
        }
    }

    /// Whether the value is a null reference.
    public var isNullReference: Bool {
        if case .ref(.null) = self { return true }
        return false
    }

    /// Whether a non-null reference is a function or object of canonical type `id` or a
    /// subtype of it (false for anything else).
    public func conforms(toCanonical id: Int) -> Bool {
        switch self {
        case .ref(.function(let h)): return TypeRegistry.isSubtype(h.function.record.pointee.typeID, of: id)
        case .ref(.object(let o)):
            guard let target = GCTypeInfo.info(for: id) else { return false }
            return o.typeInfo.pointee.isSubtype(of: target)
        default: return false
        }
    }

    /// The default (zero / null) value of a type.
    public static func defaultValue(for type: ValueType) -> Value {
        switch type {
        case .i32: .i32(0)
        case .i64: .i64(0)
        case .f32: .f32(0)
        case .f64: .f64(0)
        case .v128: .v128(V128(low: 0, high: 0))
        case .ref(let r): .ref(.null(r.heapType.topHeapType))
        }
    }
}

extension HeapType {
    /// The abstract heap type at the top of this type's hierarchy (what a null is reported
    /// as). A concrete type's shape is not known here (its index is a module's): it counts
    /// as a function type.
    public var topHeapType: HeapType { top { _ in .func } }
}

extension Value: CustomStringConvertible {
    /// The value as `TYPE:VALUE` (`i32:5`, `f64:0.5`; references as `ref.null func`, `ref.func NAME`).
    public var description: String {
        switch self {
        case .i32(let v): "i32:\(Int32(bitPattern: v))"
        case .i64(let v): "i64:\(Int64(bitPattern: v))"
        case .f32(let v): "f32:\(Float(bitPattern: v))"
        case .f64(let v): "f64:\(Double(bitPattern: v))"
        case .v128(let v): "v128:\(v.bytes)"
        case .ref(.null(let h)): "ref.null \(h)"
        case .ref(.function(let f)): "ref.func \(f.function.debugName)"
        case .ref(.extern(let p)): "ref.extern \(p)"
        case .ref(.exception(let e)): "ref.exn \(e.values)"
        case .ref(.i31(let v)): "ref.i31 \(v)"
        case .ref(.object(let o)): o.isArray ? "ref.array" : "ref.struct"
        }
    }
}

/// The 64-bit cell encoding shared by every tier, globals and tables: integers
/// zero-extended, floats as bits, 0 for every null, funcref as the address of the
/// function's `FunctionRecord`, exnref as the address of the `Exception` object. The any
/// and extern hierarchies share one encoding, so that `any.convert_extern` and
/// `extern.convert_any` change no bits:
///
///     ...address...0000   struct or array (objects are 16-byte aligned)
///     ...value (31)...1   i31
///     ...payload (62)..10 host reference
public enum Slot {
    @inline(__always)
    /// The 64-bit slot form of `value` (a `v128` keeps its low half here, the high half in the next slot).
    public static func encode(_ value: Value) -> UInt64 {
        switch value {
        case .i32(let v): UInt64(v)
        case .i64(let v): v
        case .f32(let v): UInt64(v)
        case .f64(let v): v
        case .v128(let v): v.low
        case .ref(.null): 0
        case .ref(.function(let h)): UInt64(UInt(bitPattern: h.function.record))
        case .ref(.extern(let p)): p << 2 | Slot.hostTag
        case .ref(.exception(let e)): e.slotBits
        case .ref(.i31(let v)): Slot.i31(v)
        case .ref(.object(let o)): UInt64(o.address)
        }
    }

    /// The value of `type` a slot holds.
    public static func decode(_ bits: UInt64, as type: ValueType) -> Value {
        switch type {
        case .i32: return .i32(UInt32(truncatingIfNeeded: bits))
        case .i64: return .i64(bits)
        case .f32: return .f32(UInt32(truncatingIfNeeded: bits))
        case .f64: return .f64(bits)
        case .v128: return .v128(V128(low: bits, high: 0))
        case .ref(let r):
            if bits == 0 { return .ref(.null(r.heapType.topHeapType)) }
            switch r.heapType.topHeapType {
            case .exn:
                if let e = Exception.from(slotBits: bits) { return .ref(.exception(e)) }
            case .func where !isConcrete(r.heapType):
                if let f = Function.from(recordBits: bits) { return .ref(.function(FunctionHandle(f))) }
            default:
                // Any, extern, or a concrete type of either shape: the bits tell.
                if bits & 1 != 0 { return .ref(.i31(UInt32(truncatingIfNeeded: bits >> 1) & 0x7FFF_FFFF)) }
                if bits & 3 == Slot.hostTag { return .ref(.extern(bits >> 2)) }
                if let o = GCObject.from(slotBits: bits) { return .ref(.object(o)) }
                if let f = Function.from(recordBits: bits) { return .ref(.function(FunctionHandle(f))) }
            }
            return .ref(.null(r.heapType.topHeapType))
        }
    }

    /// The low bits of a host reference in the any and extern hierarchies.
    public static let hostTag: UInt64 = 2

    /// The `i31ref` of the low 31 bits of `value`.
    @inline(__always)
    public static func i31(_ value: UInt32) -> UInt64 { UInt64(value << 1 | 1) }

    private static func isConcrete(_ h: HeapType) -> Bool {
        if case .concrete = h { return true }
        return false
    }
}

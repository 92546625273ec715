import WasmCore

/// A value type packed into one word, as the validator's operand stack holds it: the
/// common check "is the operand exactly the expected type" is one integer compare, and
/// pushing or popping moves a plain word (no multi-payload enum to copy or compare).
///
///     bits 63..32   concrete type index (0 otherwise)
///     bit  8        reference type
///     bit  7        nullable (references only)
///     bits 6..0     numeric: 1 i32, 2 i64, 3 f32, 4 f64, 5 v128
///                   reference heap type: 0 func, 1 extern, 2 exn,
///                   3 nofunc, 4 noextern, 5 noexn, 6 concrete,
///                   7 any, 8 eq, 9 i31, 10 struct, 11 array, 12 none
///     raw == 0      unknown (the bottom of a polymorphic stack)
///
/// The encoding is injective, so `==` on codes is `==` on the types they encode.
@usableFromInline
struct TypeCode: Equatable, Sendable {
    @usableFromInline var raw: UInt64

    @inline(__always) init(raw: UInt64) { self.raw = raw }

    static let unknown = TypeCode(raw: 0)
    static let i32 = TypeCode(raw: 1)
    static let i64 = TypeCode(raw: 2)
    static let f32 = TypeCode(raw: 3)
    static let f64 = TypeCode(raw: 4)
    static let v128 = TypeCode(raw: 5)
    static let funcRef = TypeCode(raw: 0x180)
    static let externRef = TypeCode(raw: 0x181)
    static let exnRef = TypeCode(raw: 0x182)

    private static let referenceBit: UInt64 = 0x100
    private static let nullableBit: UInt64 = 0x80

    @inline(__always)
    init(_ type: ValueType) {
        switch type {
        case .i32: self.init(raw: 1)
        case .i64: self.init(raw: 2)
        case .f32: self.init(raw: 3)
        case .f64: self.init(raw: 4)
        case .v128: self.init(raw: 5)
        case .ref(let r): self.init(r)
        }
    }

    init(_ r: RefType) {
        var bits = TypeCode.referenceBit | (r.isNullable ? TypeCode.nullableBit : 0)
        switch r.heapType {
        case .func: bits |= 0
        case .extern: bits |= 1
        case .exn: bits |= 2
        case .noFunc: bits |= 3
        case .noExtern: bits |= 4
        case .noExn: bits |= 5
        case .concrete(let x): bits |= 6 | UInt64(x) << 32
        case .any: bits |= 7
        case .eq: bits |= 8
        case .i31: bits |= 9
        case .struct: bits |= 10
        case .array: bits |= 11
        case .none: bits |= 12
        }
        self.init(raw: bits)
    }

    /// An operand of unknown type, or `type`.
    @inline(__always)
    init(_ type: ValueType?) {
        if let type { self.init(type) } else { self.init(raw: 0) }
    }

    var isUnknown: Bool { raw == 0 }
    var isReference: Bool { raw & TypeCode.referenceBit != 0 }

    /// The encoded type; nil for `unknown`.
    var valueType: ValueType? {
        switch raw {
        case 0: return nil
        case 1: return .i32
        case 2: return .i64
        case 3: return .f32
        case 4: return .f64
        case 5: return .v128
        default: return .ref(refType)
        }
    }

    /// The reference type of a reference code.
    var refType: RefType {
        let heap: HeapType
        switch raw & 0x7F {
        case 0: heap = .func
        case 1: heap = .extern
        case 2: heap = .exn
        case 3: heap = .noFunc
        case 4: heap = .noExtern
        case 5: heap = .noExn
        case 7: heap = .any
        case 8: heap = .eq
        case 9: heap = .i31
        case 10: heap = .struct
        case 11: heap = .array
        case 12: heap = .none
        default: heap = .concrete(UInt32(truncatingIfNeeded: raw >> 32))
        }
        return RefType(nullable: raw & TypeCode.nullableBit != 0, heap)
    }
}

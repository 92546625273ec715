/// The heap type a reference points into: an abstract type of one of the four
/// hierarchies (any, func, extern, exn), or `concrete`, a type index of the module.
///
///     any ⊇ eq ⊇ {i31, struct ⊇ $structs, array ⊇ $arrays} ⊇ none
///     func ⊇ $funcs ⊇ nofunc      extern ⊇ noextern      exn ⊇ noexn
public enum HeapType: Hashable, Sendable {
    case `func`, extern, exn
    case any, eq, i31, `struct`, array
    /// The bottom types (`nofunc`, `noextern`, `noexn`, `none`): only null inhabits them.
    case noFunc, noExtern, noExn, none
    case concrete(UInt32)

    /// Every abstract heap type with its one-byte binary encoding (also the shorthand
    /// nullable reference type, e.g. 0x6E `anyref`) and its text-format keyword.
    public static let abstractEncodings: [(type: HeapType, byte: UInt8, name: String)] = [
        (.func, 0x70, "func"), (.extern, 0x6F, "extern"), (.exn, 0x69, "exn"),
        (.any, 0x6E, "any"), (.eq, 0x6D, "eq"), (.i31, 0x6C, "i31"),
        (.struct, 0x6B, "struct"), (.array, 0x6A, "array"),
        (.noFunc, 0x73, "nofunc"), (.noExtern, 0x72, "noextern"), (.noExn, 0x74, "noexn"),
        (.none, 0x71, "none"),
    ]

    /// The one-byte encoding of an abstract heap type; nil for `concrete`.
    public var abstractByte: UInt8? {
        switch self {
        case .func: 0x70
        case .extern: 0x6F
        case .exn: 0x69
        case .any: 0x6E
        case .eq: 0x6D
        case .i31: 0x6C
        case .struct: 0x6B
        case .array: 0x6A
        case .noFunc: 0x73
        case .noExtern: 0x72
        case .noExn: 0x74
        case .none: 0x71
        case .concrete: nil
        }
    }

    /// The abstract heap type encoded as `byte`, or nil.
    public init?(abstractByte byte: UInt8) {
        guard let entry = HeapType.abstractEncodings.first(where: { $0.byte == byte }) else { return nil }
        self = entry.type
    }

    /// The abstract heap type a text-format keyword names, or nil.
    public init?(abstractName name: some StringProtocol) {
        guard let entry = HeapType.abstractEncodings.first(where: { $0.name == name }) else { return nil }
        self = entry.type
    }

    /// Whether the type is one of the GC proposal's (`any`, `eq`, `i31`, `struct`,
    /// `array`, `none`), which only that feature enables.
    public var isGCAbstract: Bool {
        switch self {
        case .any, .eq, .i31, .struct, .array, .none: true
        default: false
        }
    }
}

/// A reference type: a heap type plus nullability.
public struct RefType: Hashable, Sendable {
    /// Whether null inhabits the type.
    public var isNullable: Bool
    /// What the reference points to.
    public var heapType: HeapType

    /// A reference to `heapType`, nullable unless said otherwise.
    public init(nullable: Bool = true, _ heapType: HeapType) {
        self.isNullable = nullable
        self.heapType = heapType
    }

    /// `funcref`: a nullable function reference.
    public static let funcRef = RefType(.func)
    /// `externref`: a nullable host reference.
    public static let externRef = RefType(.extern)
    /// `exnref`: a nullable exception reference.
    public static let exnRef = RefType(.exn)
    /// `anyref`: a nullable reference to anything internal (structs, arrays, i31).
    public static let anyRef = RefType(.any)
    /// `eqref`: a nullable reference comparable with `ref.eq`.
    public static let eqRef = RefType(.eq)
    /// `i31ref`: a nullable unboxed 31-bit integer.
    public static let i31Ref = RefType(.i31)
}

/// A Wasm value type.
public enum ValueType: Hashable, Sendable {
    case i32, i64, f32, f64, v128
    case ref(RefType)

    /// `funcref`.
    public static let funcRef = ValueType.ref(.funcRef)
    /// `externref`.
    public static let externRef = ValueType.ref(.externRef)
    /// `exnref`.
    public static let exnRef = ValueType.ref(.exnRef)
    /// `anyref`.
    public static let anyRef = ValueType.ref(.anyRef)
    /// `eqref`.
    public static let eqRef = ValueType.ref(.eqRef)

    /// Whether the type is a reference type.
    public var isReference: Bool {
        if case .ref = self { return true }
        return false
    }

    /// Whether a local of this type may be left uninitialised (defaultable types).
    public var isDefaultable: Bool {
        if case .ref(let r) = self { return r.isNullable }
        return true
    }
}

/// A function signature.
public struct FunctionType: Hashable, Sendable {
    /// Parameter types, in order.
    public var parameters: [ValueType]
    /// Result types, in order.
    public var results: [ValueType]

    /// A function type; both lists default to empty.
    public init(parameters: [ValueType] = [], results: [ValueType] = []) {
        self.parameters = parameters
        self.results = results
    }
}

/// The type of a global: its value type and mutability.
public struct GlobalType: Hashable, Sendable {
    /// The type of the global's value.
    public var valueType: ValueType
    /// Whether `global.set` may change it.
    public var isMutable: Bool

    /// A global type, immutable unless said otherwise.
    public init(_ valueType: ValueType, mutable: Bool = false) {
        self.valueType = valueType
        self.isMutable = mutable
    }
}

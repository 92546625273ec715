/// The heap type a reference points into. Abstract heap types cover Wasm 2.0 and the
/// function-references proposal; `concrete` names a type index of the module.
public enum HeapType: Hashable, Sendable {
    case `func`, extern, exn
    /// The bottom types (`nofunc`, `noextern`, `noexn`): only null inhabits them.
    case noFunc, noExtern, noExn
    case concrete(UInt32)
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

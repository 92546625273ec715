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
    public var isNullable: Bool
    public var heapType: HeapType

    public init(nullable: Bool = true, _ heapType: HeapType) {
        self.isNullable = nullable
        self.heapType = heapType
    }

    public static let funcRef = RefType(.func)
    public static let externRef = RefType(.extern)
    public static let exnRef = RefType(.exn)
}

/// A Wasm value type.
public enum ValueType: Hashable, Sendable {
    case i32, i64, f32, f64, v128
    case ref(RefType)

    public static let funcRef = ValueType.ref(.funcRef)
    public static let externRef = ValueType.ref(.externRef)
    public static let exnRef = ValueType.ref(.exnRef)

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
    public var parameters: [ValueType]
    public var results: [ValueType]

    public init(parameters: [ValueType] = [], results: [ValueType] = []) {
        self.parameters = parameters
        self.results = results
    }
}

/// The type of a global: its value type and mutability.
public struct GlobalType: Hashable, Sendable {
    public var valueType: ValueType
    public var isMutable: Bool

    public init(_ valueType: ValueType, mutable: Bool = false) {
        self.valueType = valueType
        self.isMutable = mutable
    }
}

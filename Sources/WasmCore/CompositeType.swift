/// The shape a defined type describes: a function signature, a struct or an array.
public enum CompositeType: Hashable, Sendable {
    case function(FunctionType)
    case structure([FieldType])
    case array(FieldType)

    /// The signature, when this is a function type.
    public var functionType: FunctionType? {
        if case .function(let f) = self { return f }
        return nil
    }

    /// The abstract heap type just above every type of this shape (`func`, `struct`, `array`).
    public var abstractSupertype: HeapType {
        switch self {
        case .function: .func
        case .structure: .struct
        case .array: .array
        }
    }

    /// Every value type the shape mentions (parameters, results, field types).
    public var valueTypes: [ValueType] {
        switch self {
        case .function(let f): f.parameters + f.results
        case .structure(let fields): fields.compactMap { if case .value(let t) = $0.storage { t } else { nil } }
        case .array(let field): if case .value(let t) = field.storage { [t] } else { [] }
        }
    }
}

/// One entry of the type section: a composite type with its declared supertypes.
/// Types without `sub` are final and have no supertype.
public struct SubType: Hashable, Sendable {
    /// Whether no type may declare this one as its supertype.
    public var isFinal: Bool
    /// Declared supertypes, as type indices (validation allows at most one).
    public var supertypes: [UInt32]
    /// The type's shape.
    public var composite: CompositeType

    /// A type of `composite` with these supertypes; final unless said otherwise.
    public init(_ composite: CompositeType, supertypes: [UInt32] = [], final: Bool = true) {
        self.composite = composite
        self.supertypes = supertypes
        self.isFinal = final
    }

    /// A final function type with no supertype (what `(type (func ...))` declares).
    public init(_ function: FunctionType) { self.init(.function(function)) }
}

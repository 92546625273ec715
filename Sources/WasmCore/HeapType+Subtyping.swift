/// The subtyping lattice of heap types, for the validator (type indices of a module) and
/// the runtime (canonical type ids) alike: both supply what a concrete type is (its
/// shape's abstract supertype) and how two concrete types relate.
extension HeapType {
    /// The top of this type's hierarchy (`any`, `func`, `extern` or `exn`), which is also
    /// the type a null of it reports. `shape` gives a concrete type's abstract supertype.
    public func top(shape: (UInt32) -> HeapType) -> HeapType {
        switch self {
        case .func, .noFunc: .func
        case .extern, .noExtern: .extern
        case .exn, .noExn: .exn
        case .any, .eq, .i31, .struct, .array, .none: .any
        case .concrete(let x): shape(x) == .func ? .func : .any
        }
    }

    /// The bottom of this type's hierarchy (`none`, `nofunc`, `noextern` or `noexn`).
    public func bottom(shape: (UInt32) -> HeapType) -> HeapType {
        switch top(shape: shape) {
        case .func: .noFunc
        case .extern: .noExtern
        case .exn: .noExn
        default: .none
        }
    }

    /// Whether `self` is a subtype of `other`. `shape` gives a concrete type's abstract
    /// supertype (`func`, `struct` or `array`); `concrete(x, y)` whether concrete `x` is a
    /// subtype of concrete `y` (equal or declared so, transitively).
    public func isSubtype(
        of other: HeapType, shape: (UInt32) -> HeapType, concrete: (UInt32, UInt32) -> Bool
    ) -> Bool {
        if self == other { return true }
        switch (self, other) {
        case (.concrete(let x), .concrete(let y)):
            return concrete(x, y)
        case (.concrete(let x), _):
            return shape(x).isSubtype(of: other, shape: shape, concrete: concrete)
        case (.none, _), (.noFunc, _), (.noExtern, _), (.noExn, _):
            return other.top(shape: shape) == top(shape: shape)
        case (.i31, .eq), (.struct, .eq), (.array, .eq), (.i31, .any), (.struct, .any), (.array, .any), (.eq, .any):
            return true
        default:
            return false
        }
    }
}

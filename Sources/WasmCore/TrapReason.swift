/// Why Wasm execution stopped abnormally. One enum for every tier; `message` is the text
/// the spec testsuite writes in `assert_trap` / `assert_exhaustion`, compared exactly.
public enum TrapReason: UInt8, Error, Hashable, Sendable, CustomStringConvertible {
    case unreachable
    case integerDivideByZero
    case integerOverflow
    case invalidConversionToInteger
    case outOfBoundsMemoryAccess
    case outOfBoundsTableAccess
    case undefinedElement
    case uninitializedElement
    case indirectCallTypeMismatch
    case callStackExhausted
    case nullReference
    case nullFunctionReference
    case nullExceptionReference
    case uncaughtException
    /// The embedder asked the instance to stop (fuel exhausted, timeout, cancellation).
    case interrupted
    /// A host function failed; the embedder's error is reported beside the trap.
    case hostError
    /// `ref.cast` of a value that is not of the target type.
    case castFailure
    case nullStructureReference
    case nullArrayReference
    case outOfBoundsArrayAccess
    case nullI31Reference
    /// A GC allocation would pass the store's heap limit, even after a collection.
    case heapExhausted

    /// The spec testsuite's wording ("integer divide by zero").
    public var message: String {
        switch self {
        case .unreachable: "unreachable"
        case .integerDivideByZero: "integer divide by zero"
        case .integerOverflow: "integer overflow"
        case .invalidConversionToInteger: "invalid conversion to integer"
        case .outOfBoundsMemoryAccess: "out of bounds memory access"
        case .outOfBoundsTableAccess: "out of bounds table access"
        case .undefinedElement: "undefined element"
        case .uninitializedElement: "uninitialized element"
        case .indirectCallTypeMismatch: "indirect call type mismatch"
        case .callStackExhausted: "call stack exhausted"
        case .nullReference: "null reference"
        case .nullFunctionReference: "null function reference"
        case .nullExceptionReference: "null exception reference"
        case .uncaughtException: "uncaught exception"
        case .interrupted: "interrupted"
        case .hostError: "host error"
        case .castFailure: "cast failure"
        case .nullStructureReference: "null structure reference"
        case .nullArrayReference: "null array reference"
        case .outOfBoundsArrayAccess: "out of bounds array access"
        case .nullI31Reference: "null i31 reference"
        case .heapExhausted: "out of GC heap memory"
        }
    }

    /// The same as `message`.
    public var description: String { message }
}

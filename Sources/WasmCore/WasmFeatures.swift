/// The set of proposals the decoder and validator accept.
public struct WasmFeatures: OptionSet, Hashable, Sendable {
    /// One bit per proposal.
    public let rawValue: UInt32
    /// The set with these bits.
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    // The flags are computed properties, not `static let`s: other modules would read a
    // stored one through its lazy-initialiser accessor on every use (per instruction in
    // the decoder); these fold to constants.

    /// Fixed-width SIMD (`v128`).
    @inlinable public static var simd: WasmFeatures { WasmFeatures(rawValue: 1 << 0) }
    /// Tail calls (`return_call`, `return_call_indirect`, `return_call_ref`).
    @inlinable public static var tailCall: WasmFeatures { WasmFeatures(rawValue: 1 << 1) }
    /// Exception handling (tags, `throw`, `throw_ref`, `try_table`, `exnref`).
    @inlinable public static var exceptions: WasmFeatures { WasmFeatures(rawValue: 1 << 2) }
    /// Memories and tables with i64 addresses.
    @inlinable public static var memory64: WasmFeatures { WasmFeatures(rawValue: 1 << 3) }
    /// More than one memory per module.
    @inlinable public static var multiMemory: WasmFeatures { WasmFeatures(rawValue: 1 << 4) }
    /// Arithmetic in constant expressions.
    @inlinable public static var extendedConst: WasmFeatures { WasmFeatures(rawValue: 1 << 5) }
    /// Typed function references (`call_ref`, `(ref $t)`, non-nullable references).
    @inlinable public static var functionReferences: WasmFeatures { WasmFeatures(rawValue: 1 << 6) }
    /// Relaxed SIMD (implementation-defined lane results).
    @inlinable public static var relaxedSIMD: WasmFeatures { WasmFeatures(rawValue: 1 << 7) }
    /// Garbage collection: recursive and sub types, structs, arrays, i31 and casts.
    @inlinable public static var gc: WasmFeatures { WasmFeatures(rawValue: 1 << 8) }

    /// Wasm 2.0: MVP plus multi-value, reference types, bulk memory, sign extension,
    /// non-trapping float-to-int and fixed-width SIMD (those are always on).
    public static let wasm2: WasmFeatures = [.simd]
    /// Wasm 3.0.
    public static let wasm3: WasmFeatures = [
        .simd, .tailCall, .exceptions, .memory64, .multiMemory, .extendedConst,
        .functionReferences, .relaxedSIMD, .gc,
    ]
}

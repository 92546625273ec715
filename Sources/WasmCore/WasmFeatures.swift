/// The set of proposals the decoder and validator accept.
public struct WasmFeatures: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let simd = WasmFeatures(rawValue: 1 << 0)
    public static let tailCall = WasmFeatures(rawValue: 1 << 1)
    public static let exceptions = WasmFeatures(rawValue: 1 << 2)
    public static let memory64 = WasmFeatures(rawValue: 1 << 3)
    public static let multiMemory = WasmFeatures(rawValue: 1 << 4)
    public static let extendedConst = WasmFeatures(rawValue: 1 << 5)
    public static let functionReferences = WasmFeatures(rawValue: 1 << 6)
    public static let relaxedSIMD = WasmFeatures(rawValue: 1 << 7)
    public static let gc = WasmFeatures(rawValue: 1 << 8)

    /// Wasm 2.0: MVP plus multi-value, reference types, bulk memory, sign extension,
    /// non-trapping float-to-int and fixed-width SIMD (those are always on).
    public static let wasm2: WasmFeatures = [.simd]
    /// Wasm 3.0 without GC (what WasmLab implements of 3.0 today).
    public static let wasm3: WasmFeatures = [
        .simd, .tailCall, .exceptions, .memory64, .multiMemory, .extendedConst,
        .functionReferences, .relaxedSIMD,
    ]
}

import Synchronization
import WasmCore

/// One call of a host function made with `Function.host`: the arguments where the caller
/// left them, room for the results, and the calling instance. Nothing is allocated per
/// call (no `[Value]` in or out), which is what a host API such as WASI, called a million
/// times in a loop, needs.
///
/// ```swift
/// let log = Function.host(FunctionType(parameters: [.i32, .i32]), name: "log") { call in
///     guard let memory = call.memory else { throw Trap(.hostError, detail: "no memory") }
///     let text = try memory.read(at: UInt64(call.i32(0)), count: Int(call.i32(1)))
///     print(String(decoding: text, as: UTF8.self))
/// }
/// ```
/// Accessors are checked against the declared signature: reading an argument as the wrong
/// type, or setting a result of the wrong type, makes the call trap with `hostError` (as
/// does leaving a result unset), so a host function cannot hand the guest a value its type
/// does not allow.
public struct HostCall {
    /// Kept alive by the function for the call (no reference counting per call).
    unowned(unsafe) let layout: HostLayout
    let arguments: UnsafeRawPointer
    let results: UnsafeMutableRawPointer
    let callerContext: UnsafeMutablePointer<InstanceContext>?
    /// Results set so far, one bit each (results past 64 are not tracked).
    var setResults: UInt64 = 0
    /// The first misuse of an accessor, reported as the call's trap.
    var misuse: String?

    /// The instance whose code made the call; nil when the host invoked the function.
    public var caller: Instance? { callerContext?.pointee.instance.takeUnretainedValue() }

    /// The caller's exported "memory" (the convention WASI and most host APIs follow).
    public var memory: Memory? { caller?.exportedMemory }

    /// Number of arguments (the signature's parameters).
    public var argumentCount: Int { layout.parameterCount }
    /// Number of results the call must set.
    public var resultCount: Int { layout.resultCount }

    private mutating func argumentBits(_ index: Int, _ type: ValueType) -> UInt64 {
        guard index >= 0, index < layout.parameterCount, layout.parameterKinds[index] == HostLayout.Kind(type) else {
            if misuse == nil { misuse = "argument \(index) read as \(type), declared \(layout.describeParameter(index))" }
            return 0
        }
        return arguments.load(fromByteOffset: layout.parameterOffsets[index], as: UInt64.self)
    }

    /// The slot bits of numeric argument `index` (i32 and f32 zero-extended, floats as
    /// their bit patterns), without a type check; 0 for a reference or a missing argument.
    /// For host APIs that read many arguments of a signature they declare themselves.
    public func bits(_ index: Int) -> UInt64 {
        guard index >= 0, index < layout.parameterCount, layout.parameterKinds[index] != .reference else { return 0 }
        return arguments.load(fromByteOffset: layout.parameterOffsets[index], as: UInt64.self)
    }

    /// Argument `index`, declared `i32`, as its bits (use `Int32(bitPattern:)` for the signed value).
    public mutating func i32(_ index: Int) -> UInt32 { UInt32(truncatingIfNeeded: argumentBits(index, .i32)) }
    /// Argument `index`, declared `i64`, as its bits.
    public mutating func i64(_ index: Int) -> UInt64 { argumentBits(index, .i64) }
    /// Argument `index`, declared `f32`.
    public mutating func f32(_ index: Int) -> Float { Float(bitPattern: UInt32(truncatingIfNeeded: argumentBits(index, .f32))) }
    /// Argument `index`, declared `f64`.
    public mutating func f64(_ index: Int) -> Double { Double(bitPattern: argumentBits(index, .f64)) }

    /// Argument `index` of any type (references become handles).
    public func argument(_ index: Int) -> Value? {
        guard index >= 0, index < layout.parameterCount else { return nil }
        let type = layout.type.parameters[index]
        let at = layout.parameterOffsets[index]
        let low = arguments.load(fromByteOffset: at, as: UInt64.self)
        if type == .v128 { return .v128(V128(low: low, high: arguments.load(fromByteOffset: at + 8, as: UInt64.self))) }
        return Slot.decode(low, as: type)
    }

    private mutating func setBits(_ index: Int, _ type: ValueType, _ bits: UInt64) {
        guard index >= 0, index < layout.resultCount, layout.resultKinds[index] == HostLayout.Kind(type) else {
            if misuse == nil { misuse = "result \(index) set as \(type), declared \(layout.describeResult(index))" }
            return
        }
        results.storeBytes(of: bits, toByteOffset: layout.resultOffsets[index], as: UInt64.self)
        if index < 64 { setResults |= 1 << UInt64(index) }
    }

    /// Sets result `index`, declared `i32`.
    public mutating func setI32(_ index: Int, _ value: UInt32) { setBits(index, .i32, UInt64(value)) }
    /// Sets result `index`, declared `i64`.
    public mutating func setI64(_ index: Int, _ value: UInt64) { setBits(index, .i64, value) }
    /// Sets result `index`, declared `f32`.
    public mutating func setF32(_ index: Int, _ value: Float) { setBits(index, .f32, UInt64(value.bitPattern)) }
    /// Sets result `index`, declared `f64`.
    public mutating func setF64(_ index: Int, _ value: Double) { setBits(index, .f64, value.bitPattern) }

    /// Result `index` of any type; the value must match the declared type.
    public mutating func setResult(_ index: Int, _ value: Value) {
        switch value {
        case .ref(.exception), .ref(.object):
            // The store must adopt a returned exception, and check a returned object's
            // store; only the `[Value]` form does that.
            if misuse == nil { misuse = "result \(index): exnref, struct and array results need a host function of the [Value] form" }
            return
        default:
            break
        }
        guard index >= 0, index < layout.resultCount, value.matches(layout.type.results[index]) else {
            if misuse == nil { misuse = "result \(index) set to \(value), declared \(index < layout.resultCount ? "\(layout.type.results[index])" : "none")" }
            return
        }
        let at = layout.resultOffsets[index]
        results.storeBytes(of: Slot.encode(value), toByteOffset: at, as: UInt64.self)
        if case .v128(let v) = value { results.storeBytes(of: v.high, toByteOffset: at + 8, as: UInt64.self) }
        if index < 64 { setResults |= 1 << UInt64(index) }
    }

    /// Why the call must trap, if it must: an accessor misused or a result left unset.
    func failure() -> String? {
        if let misuse { return misuse }
        let tracked = min(layout.resultCount, 64)
        let all: UInt64 = tracked == 64 ? .max : (1 << UInt64(tracked)) - 1
        if setResults & all != all {
            let missing: Int = (0 ..< tracked).first(where: { setResults & (1 << UInt64($0)) == 0 }) ?? 0
            return "result \(missing) was not set"
        }
        return nil
    }
}

/// Where a host function's arguments and results sit in slots, and their kinds: computed
/// once per function type (`shared`), read by every call.
final class HostLayout: @unchecked Sendable {
    /// A value type's slot shape, compared per access (references need no more detail:
    /// the accessors that take references check the full type).
    enum Kind: UInt8 {
        case i32, i64, f32, f64, v128, reference

        init(_ type: ValueType) {
            switch type {
            case .i32: self = .i32
            case .i64: self = .i64
            case .f32: self = .f32
            case .f64: self = .f64
            case .v128: self = .v128
            case .ref: self = .reference
            }
        }
    }

    let type: FunctionType
    /// `TypeRegistry.id(for: type)`.
    let typeID: Int
    let parameterCount: Int, resultCount: Int
    let parameterOffsets: UnsafeMutablePointer<Int>, resultOffsets: UnsafeMutablePointer<Int>
    let parameterKinds: UnsafeMutablePointer<Kind>, resultKinds: UnsafeMutablePointer<Kind>
    /// Bytes the results take.
    let resultBytes: Int

    /// Layouts never change, so one per type serves every host function of that type
    /// (making one per function was most of what defining a host function cost).
    private static let cache = Mutex<[FunctionType: HostLayout]>([:])

    /// The layout of `type`.
    static func shared(_ type: FunctionType) -> HostLayout {
        if let layout = cache.withLock({ $0[type] }) { return layout }
        let layout = HostLayout(type)
        return cache.withLock { cached in
            if let existing = cached[type] { return existing }
            cached[type] = layout
            return layout
        }
    }

    private init(_ type: FunctionType) {
        self.type = type
        typeID = TypeRegistry.id(for: type)
        parameterCount = type.parameters.count
        resultCount = type.results.count
        func table<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(values.count, 1))
            _ = UnsafeMutableBufferPointer(start: p, count: values.count).initialize(from: values)
            return p
        }
        parameterOffsets = table(SlotLayout.byteOffsets(type.parameters))
        resultOffsets = table(SlotLayout.byteOffsets(type.results))
        parameterKinds = table(type.parameters.map(Kind.init))
        resultKinds = table(type.results.map(Kind.init))
        resultBytes = SlotLayout.slotCount(type.results) * 8
    }

    deinit {
        parameterOffsets.deallocate()
        resultOffsets.deallocate()
        parameterKinds.deallocate()
        resultKinds.deallocate()
    }

    func describeParameter(_ index: Int) -> String {
        index >= 0 && index < parameterCount ? "\(type.parameters[index])" : "none (\(parameterCount) parameters)"
    }

    func describeResult(_ index: Int) -> String {
        index >= 0 && index < resultCount ? "\(type.results[index])" : "none (\(resultCount) results)"
    }
}

import WasmCore

/// A Wasm exception (exception handling, Wasm 3.0): a tag and the values thrown with it.
///
/// Wasm code creates one with `throw`; an `exnref` is its address. Host code may create
/// one and `throw` it from a host function (it then propagates into the calling Wasm code
/// like a Wasm `throw`), and receives the exceptions Wasm code does not catch as a `Trap`
/// with reason `uncaughtException` whose `exception` is set. Exceptions that Wasm code has
/// seen stay alive as long as their store (`exnref` values are raw addresses).
public final class Exception: Error, Hashable, @unchecked Sendable {
    /// The tag the exception was thrown with; tags are compared by identity.
    public let tag: Tag
    /// The payload in `Slot` encoding, laid out by `SlotLayout` (a v128 takes two slots).
    public let slots: [UInt64]
    /// Objects the payload refers to by address (functions, nested exceptions).
    private let referenced: [AnyObject]

    /// An exception carrying `values`, which must match the tag's parameter types.
    public init(tag: Tag, values: [Value]) throws(WasmError) {
        let parameters = tag.type.parameters
        guard values.count == parameters.count, zip(values, parameters).allSatisfy({ $0.matches($1) }) else {
            throw WasmError(.invalid, "exception values \(values) do not match the tag type \(parameters)")
        }
        self.tag = tag
        var slots = [UInt64](repeating: 0, count: SlotLayout.slotCount(parameters))
        slots.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { SlotLayout.store(values, at: base) }
        }
        self.slots = slots
        referenced = values.compactMap(\.referencedObject)
    }

    /// An exception made by compiled code from payload slots already in `Slot` encoding.
    public init(tag: Tag, slots: [UInt64]) {
        self.tag = tag
        self.slots = slots
        referenced = []
    }

    /// The payload as values.
    public var values: [Value] {
        let types = tag.type.parameters
        guard slots.count == SlotLayout.slotCount(types) else { return [] }
        return slots.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return [] }
            return SlotLayout.load(types, from: base)
        }
    }

    /// The `exnref` encoding of this exception (its address).
    public var slotBits: UInt64 { UInt64(UInt(bitPattern: Unmanaged.passUnretained(self).toOpaque())) }

    /// The exception an `exnref` slot designates (nil for null).
    public static func from(slotBits bits: UInt64) -> Exception? {
        guard let pointer = UnsafeRawPointer(bitPattern: UInt(bits)) else { return nil }
        return Unmanaged<Exception>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Exceptions are equal when they are the same object (Wasm compares exnrefs by identity).
    public static func == (lhs: Exception, rhs: Exception) -> Bool { lhs === rhs }
    /// Hashes the identity.
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

extension Store {
    /// Keeps an exception alive for the store's lifetime: compiled code holds `exnref`
    /// values as raw addresses in slots, globals and tables.
    public func adopt(_ exception: Exception) { retain(exception) }
}

extension Value {
    /// The object a reference value points to by address (kept alive by whoever stores it).
    var referencedObject: AnyObject? {
        switch self {
        case .ref(.function(let h)): h.function
        case .ref(.exception(let e)): e
        // Host-made globals and tables keep an object they were given (its store may
        // not scan them).
        case .ref(.object(let o)): o
        default: nil
        }
    }
}

/// A module that cannot be used: malformed bytes, invalid code, failed linking or
/// instantiation. `message` uses the wording of the spec testsuite where it has one
/// (e.g. "unexpected end", "type mismatch", "unknown import").
public struct WasmError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The binary or text does not follow the format (assert_malformed).
        case malformed
        /// The module is well-formed but breaks a validation rule (assert_invalid).
        case invalid
        /// Imports do not match (assert_unlinkable).
        case unlinkable
        /// Instantiation failed for another reason (e.g. a segment out of bounds).
        case uninstantiable
    }

    public var kind: Kind
    public var message: String
    /// Byte offset in the module (binary) or 1-based line (text), when known.
    public var offset: Int?

    public init(_ kind: Kind, _ message: String, offset: Int? = nil) {
        self.kind = kind
        self.message = message
        self.offset = offset
    }

    public static func malformed(_ message: String, offset: Int? = nil) -> WasmError {
        WasmError(.malformed, message, offset: offset)
    }

    public static func invalid(_ message: String, offset: Int? = nil) -> WasmError {
        WasmError(.invalid, message, offset: offset)
    }

    public var description: String {
        let kindText: String
        switch kind {
        case .malformed: kindText = "malformed module"
        case .invalid: kindText = "invalid module"
        case .unlinkable: kindText = "link error"
        case .uninstantiable: kindText = "instantiation error"
        }
        if let offset { return "\(kindText): \(message) (at offset \(offset))" }
        return "\(kindText): \(message)"
    }
}

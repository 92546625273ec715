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
    /// 1-based column of the offending token (text), when known.
    public var column: Int?
    /// The offending token as written (text), when known.
    public var token: String?

    public init(_ kind: Kind, _ message: String, offset: Int? = nil, column: Int? = nil, token: String? = nil) {
        self.kind = kind
        self.message = message
        self.offset = offset
        self.column = column
        self.token = token
    }

    /// "malformed module", "invalid module", "link error" or "instantiation error".
    public var kindText: String {
        switch kind {
        case .malformed: "malformed module"
        case .invalid: "invalid module"
        case .unlinkable: "link error"
        case .uninstantiable: "instantiation error"
        }
    }

    public static func malformed(_ message: String, offset: Int? = nil) -> WasmError {
        WasmError(.malformed, message, offset: offset)
    }

    public static func invalid(_ message: String, offset: Int? = nil) -> WasmError {
        WasmError(.invalid, message, offset: offset)
    }

    public var description: String {
        if let offset, let column { return "\(kindText): \(message) (at line \(offset), column \(column))" }
        if let offset { return "\(kindText): \(message) (at offset \(offset))" }
        return "\(kindText): \(message)"
    }
}

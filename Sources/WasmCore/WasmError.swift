/// A module that cannot be used: malformed bytes, invalid code, failed linking or
/// instantiation. `message` uses the wording of the spec testsuite where it has one
/// (e.g. "unexpected end", "type mismatch", "unknown import").
public struct WasmError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which stage refused the module.
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

    /// Which stage refused the module.
    public var kind: Kind
    /// What is wrong, in the spec testsuite's wording where it has one, details after a colon.
    public var message: String
    /// Byte offset in the module (binary) or 1-based line (text), when known.
    public var offset: Int?
    /// 1-based column of the offending token (text), when known.
    public var column: Int?
    /// The offending token as written (text), when known.
    public var token: String?
    /// Index of the function whose body is invalid, when the error is in a body.
    public var function: UInt32?
    /// That function's name from the name section, when it has one.
    public var functionName: String?

    /// An error of `kind`; `offset` is a byte offset (binary) or a line (text, with `column` and `token`).
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

    /// A malformed-module error.
    public static func malformed(_ message: String, offset: Int? = nil) -> WasmError {
        WasmError(.malformed, message, offset: offset)
    }

    /// An invalid-module (validation) error.
    public static func invalid(_ message: String, offset: Int? = nil) -> WasmError {
        WasmError(.invalid, message, offset: offset)
    }

    /// "invalid module: type mismatch: expected i32, found i64 (in function 3 $f, at offset 0x2a)".
    public var description: String {
        var place: [String] = []
        if let function { place.append("in function \(function)" + (functionName.map { " $\($0)" } ?? "")) }
        if let offset, let column {
            place.append("at line \(offset), column \(column)")
        } else if let offset {
            place.append("at offset 0x\(String(offset, radix: 16))")
        }
        return "\(kindText): \(message)" + (place.isEmpty ? "" : " (\(place.joined(separator: ", ")))")
    }
}

import WasmCore

/// A position in a token array with the small productions shared by the module and
/// script parsers (parentheses, keywords, identifiers, strings, numbers).
struct TokenCursor {
    let tokens: [Token]
    var pos: Int

    init(_ tokens: [Token], pos: Int = 0) {
        self.tokens = tokens
        self.pos = pos
    }

    func peek(_ k: Int = 0) -> Token {
        let i = pos + k
        return i < tokens.count ? tokens[i] : Token(kind: .eof, line: tokens.last?.line ?? 1)
    }

    var line: Int { peek().line }

    mutating func advance() { if pos < tokens.count { pos += 1 } }

    /// An error at the next token: its line, column and text.
    func error(_ message: String) -> WasmError {
        let token = peek()
        return WasmError(.malformed, message, offset: token.line, column: token.column > 0 ? token.column : nil,
                         token: token.text)
    }

    /// The error for an unexpected current token, with the testsuite's wording.
    func unexpected() -> WasmError {
        switch peek().kind {
        case .reserved: error("unknown operator")
        case .bad(let message): error(message)
        case .eof: error("unexpected end of input")
        default: error("unexpected token")
        }
    }

    var atLParen: Bool { peek().kind == .lparen }
    var atRParen: Bool { peek().kind == .rparen }

    /// The keyword at the cursor, if it is an atom.
    var atom: String? {
        if case .atom(let a) = peek().kind { return a }
        return nil
    }

    func isAtom(_ keyword: String, at k: Int = 0) -> Bool {
        if case .atom(let a) = peek(k).kind { return a == keyword }
        return false
    }

    /// Whether the cursor is at `(keyword`.
    func atField(_ keyword: String) -> Bool { atLParen && isAtom(keyword, at: 1) }

    /// The keyword after an opening parenthesis at the cursor.
    var fieldKeyword: String? {
        guard atLParen, case .atom(let a) = peek(1).kind else { return nil }
        return a
    }

    mutating func expectLParen() throws(WasmError) {
        guard atLParen else { throw unexpected() }
        advance()
    }

    mutating func expectRParen() throws(WasmError) {
        guard atRParen else { throw unexpected() }
        advance()
    }

    mutating func expectKeyword(_ keyword: String) throws(WasmError) {
        guard isAtom(keyword) else { throw unexpected() }
        advance()
    }

    mutating func takeKeyword(_ keyword: String) -> Bool {
        guard isAtom(keyword) else { return false }
        advance()
        return true
    }

    /// Consumes `(keyword` when present.
    mutating func takeField(_ keyword: String) -> Bool {
        guard atField(keyword) else { return false }
        pos += 2
        return true
    }

    mutating func optionalId() -> String? {
        if case .id(let name) = peek().kind {
            advance()
            return name
        }
        return nil
    }

    var atString: Bool {
        if case .string = peek().kind { return true }
        return false
    }

    mutating func string() throws(WasmError) -> [UInt8] {
        guard case .string(let bytes) = peek().kind else { throw unexpected() }
        advance()
        return bytes
    }

    /// A string that must be valid UTF-8 (import/export names).
    mutating func name() throws(WasmError) -> String {
        let bytes = try string()
        guard let text = UTF8Validation.decode(bytes) else { throw .malformed("malformed UTF-8 encoding", offset: line) }
        return text
    }

    /// Whether the cursor is at an unsigned integer literal.
    var atNat: Bool {
        guard let a = atom, let first = a.utf8.first else { return false }
        return first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")
    }

    /// Whether the cursor is at a number-like atom (digit or sign first).
    var atNumber: Bool {
        guard let a = atom, let first = a.utf8.first else { return false }
        return (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) || first == UInt8(ascii: "+")
            || first == UInt8(ascii: "-")
    }

    mutating func nat(bits: Int = 32) throws(WasmError) -> UInt64 {
        guard let a = atom else { throw unexpected() }
        let value: UInt64?
        do { value = try NumericLiteral.unsigned(a, bits: bits) } catch { throw self.error(error.message) }
        guard let value else { throw self.error("unknown operator") }
        advance()
        return value
    }

    mutating func u32() throws(WasmError) -> UInt32 { UInt32(truncatingIfNeeded: try nat(bits: 32)) }

    /// Skips one balanced parenthesised form starting at `(`.
    mutating func skipForm() throws(WasmError) {
        let startLine = line
        try expectLParen()
        var depth = 1
        while depth > 0 {
            switch peek().kind {
            case .lparen: depth += 1
            case .rparen: depth -= 1
            case .eof: throw .malformed("unexpected end of input, unclosed parenthesis", offset: startLine)
            default: break
            }
            advance()
        }
    }
}

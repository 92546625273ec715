import WasmCore

/// One token of the text format.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case lparen, rparen
        /// A run of identifier characters not starting with `$`: keywords, numbers, `offset=4`.
        case atom(String)
        /// `$name` or `$"name"` (the name without the `$`).
        case id(String)
        case string([UInt8])
        /// A run mixing strings and other characters (`$l"a"`, `"a""b"`): never valid.
        case reserved(String)
        /// A lexical error confined to one token, reported when the token is used.
        case bad(String)
        case eof
    }
    var kind: Kind
    var line: Int
    /// 1-based byte column of the token's first character (0 when not known).
    var column = 0

    /// The token as written, for error messages (nil at the end of the input).
    var text: String? {
        switch kind {
        case .lparen: "("
        case .rparen: ")"
        case .atom(let s), .reserved(let s): s
        case .id(let s): "$" + s
        case .string(let bytes): "\"" + String(decoding: bytes.prefix(40), as: UTF8.self) + "\""
        case .bad, .eof: nil
        }
    }
}

/// Splits text into tokens. Whitespace, line comments, nested block comments and
/// annotations `(@name ...)` are dropped.
struct Lexer {
    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    /// Index of the first byte of the current line (for columns).
    private var lineStart = 0
    private var annotationDepth = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    static func tokenize(_ text: String) throws(WasmError) -> [Token] {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let t = try lexer.next()
            tokens.append(t)
            if t.kind == .eof { return tokens }
        }
    }

    private func peek(_ k: Int = 0) -> UInt8? { i + k < bytes.count ? bytes[i + k] : nil }

    /// Identifier characters: letters, digits and the spec's symbol set.
    private static let idChars: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for c in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(c)] = true }
        for c in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(c)] = true }
        for c in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(c)] = true }
        for c in "!#$%&'*+-./:<=>?@\\^_`|~".utf8 { table[Int(c)] = true }
        return table
    }()

    static func isIdChar(_ c: UInt8) -> Bool { idChars[Int(c)] }

    static func isReservedChar(_ c: UInt8) -> Bool {
        c == UInt8(ascii: ",") || c == UInt8(ascii: ";") || c == UInt8(ascii: "[") || c == UInt8(ascii: "]")
            || c == UInt8(ascii: "{") || c == UInt8(ascii: "}")
    }

    private mutating func skipTrivia() throws(WasmError) {
        while let c = peek() {
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                i += 1
            case UInt8(ascii: "\n"):
                i += 1
                line += 1
                lineStart = i
            case UInt8(ascii: ";") where peek(1) == UInt8(ascii: ";"):
                // A line comment ends at LF or a lone CR.
                while let c = peek(), c != UInt8(ascii: "\n"), c != UInt8(ascii: "\r") { i += 1 }
            case UInt8(ascii: "(") where peek(1) == UInt8(ascii: ";"):
                try skipBlockComment()
            case UInt8(ascii: "(") where peek(1) == UInt8(ascii: "@"):
                // Inside an annotation, `(@` without a name is just a parenthesis.
                if annotationDepth > 0 && !(peek(2).map { Self.isIdChar($0) || $0 == UInt8(ascii: "\"") } ?? false) {
                    return
                }
                try skipAnnotation()
            default:
                return
            }
        }
    }

    private mutating func skipBlockComment() throws(WasmError) {
        let startLine = line
        var depth = 0
        while i < bytes.count {
            if peek() == UInt8(ascii: "("), peek(1) == UInt8(ascii: ";") {
                depth += 1
                i += 2
            } else if peek() == UInt8(ascii: ";"), peek(1) == UInt8(ascii: ")") {
                depth -= 1
                i += 2
                if depth == 0 { return }
            } else {
                if bytes[i] == UInt8(ascii: "\n") {
                    line += 1
                    lineStart = i + 1
                }
                i += 1
            }
        }
        throw .malformed("unclosed comment", offset: startLine)
    }

    /// Skips `(@id ...)`: its contents must be well-formed tokens with balanced parentheses.
    private mutating func skipAnnotation() throws(WasmError) {
        let startLine = line
        i += 2
        if peek() == UInt8(ascii: "\"") {
            let (name, error) = try readString()
            if error != nil || name.isEmpty { throw .malformed("empty annotation id", offset: startLine) }
            if UTF8Validation.decode(name) == nil { throw .malformed("malformed UTF-8 encoding", offset: startLine) }
        } else {
            let nameStart = i
            while let d = peek(), Self.isIdChar(d) { i += 1 }
            if i == nameStart { throw .malformed("empty annotation id", offset: startLine) }
        }
        annotationDepth += 1
        defer { annotationDepth -= 1 }
        if annotationDepth > 1000 { throw .malformed("nesting too deep", offset: startLine) }
        var depth = 1
        while depth > 0 {
            let token = try next()
            switch token.kind {
            case .lparen: depth += 1
            case .rparen: depth -= 1
            case .eof: throw .malformed("unclosed annotation", offset: startLine)
            case .bad(let message): throw .malformed(message, offset: token.line)
            default: break
            }
        }
    }

    mutating func next() throws(WasmError) -> Token {
        try skipTrivia()
        let startLine = line
        let column = i - lineStart + 1
        guard let c = peek() else { return Token(kind: .eof, line: line, column: column) }
        if c == UInt8(ascii: "(") { i += 1; return Token(kind: .lparen, line: startLine, column: column) }
        if c == UInt8(ascii: ")") { i += 1; return Token(kind: .rparen, line: startLine, column: column) }
        // A maximal run of identifier characters and strings forms one token.
        let start = i
        var pieces = 0
        var sawString = false
        var sawReserved = false
        var lastString: Result<[UInt8], WasmError> = .success([])
        while let c = peek() {
            if c == UInt8(ascii: "\"") {
                sawString = true
                let (bytes, error) = try readString()
                lastString = error.map { .failure($0) } ?? .success(bytes)
                pieces += 1
            } else if Self.isIdChar(c) {
                while let d = peek(), Self.isIdChar(d) { i += 1 }
                pieces += 1
            } else if Self.isReservedChar(c), !(c == UInt8(ascii: ";") && peek(1) == UInt8(ascii: ";")) {
                // `,;[]{}` may only appear in reserved tokens.
                i += 1
                sawReserved = true
                pieces += 1
            } else {
                break
            }
        }
        if i == start {
            i += 1
            return Token(kind: .bad("illegal character"), line: startLine, column: column)
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if sawReserved { return Token(kind: .reserved(text), line: startLine, column: column) }
        if sawString {
            if pieces == 1 {
                switch lastString {
                case .success(let s): return Token(kind: .string(s), line: startLine, column: column)
                case .failure(let e): return Token(kind: .bad(e.message), line: startLine, column: column)
                }
            }
            // `$"quoted id"` (Wasm 3.0)
            if pieces == 2, bytes[start] == UInt8(ascii: "$"), i - start > 1, bytes[start + 1] == UInt8(ascii: "\"") {
                guard case .success(let s) = lastString, !s.isEmpty else {
                    return Token(kind: .bad("empty identifier"), line: startLine, column: column)
                }
                guard let name = UTF8Validation.decode(s) else {
                    return Token(kind: .bad("malformed UTF-8 encoding"), line: startLine, column: column)
                }
                return Token(kind: .id(name), line: startLine, column: column)
            }
            return Token(kind: .reserved(text), line: startLine, column: column)
        }
        if c == UInt8(ascii: "$") {
            if text.utf8.count == 1 { return Token(kind: .bad("empty identifier"), line: startLine, column: column) }
            return Token(kind: .id(String(text.dropFirst())), line: startLine, column: column)
        }
        return Token(kind: .atom(text), line: startLine, column: column)
    }

    /// Reads a string literal starting at the opening quote: its bytes and the first error
    /// inside it. Only an unclosed string is fatal.
    private mutating func readString() throws(WasmError) -> ([UInt8], WasmError?) {
        let startLine = line
        i += 1
        var out: [UInt8] = []
        var error: WasmError?
        while true {
            guard let c = peek() else { throw .malformed("unclosed string", offset: startLine) }
            i += 1
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\n") { line += 1 }
            if c < 0x20 || c == 0x7F {
                error = error ?? .malformed("illegal control character in string", offset: line)
                continue
            }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                continue
            }
            guard let e = peek() else { throw .malformed("unclosed string", offset: startLine) }
            i += 1
            switch e {
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"): out.append(e)
            case UInt8(ascii: "u"):
                guard let scalar = readUnicodeEscape() else {
                    error = error ?? .malformed("malformed unicode escape", offset: line)
                    continue
                }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                if let h = Self.hexValue(e), let l = peek().flatMap(Self.hexValue) {
                    i += 1
                    out.append(h << 4 | l)
                } else {
                    error = error ?? .malformed("unknown escape", offset: line)
                }
            }
        }
        return (out, error)
    }

    private mutating func readUnicodeEscape() -> Unicode.Scalar? {
        guard peek() == UInt8(ascii: "{") else { return nil }
        i += 1
        var value: UInt32 = 0
        var count = 0
        while let c = peek(), c != UInt8(ascii: "}") {
            if c == UInt8(ascii: "_") && count > 0 { i += 1; continue }
            guard let v = Self.hexValue(c) else { return nil }
            value = value > 0x10FFFF ? value : value << 4 | UInt32(v)
            count += 1
            i += 1
        }
        guard peek() == UInt8(ascii: "}"), count > 0 else { return nil }
        i += 1
        return Unicode.Scalar(value)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

import Testing
import WasmCore
@testable import WAT

@Suite struct LexerTests {
    func kinds(_ text: String) throws -> [Token.Kind] {
        try Lexer.tokenize(text).map(\.kind)
    }

    @Test func basicTokens() throws {
        #expect(try kinds("(module $m (func))") == [
            .lparen, .atom("module"), .id("m"), .lparen, .atom("func"), .rparen, .rparen, .eof,
        ])
        #expect(try kinds("i32.const -0x1_0 offset=4") == [.atom("i32.const"), .atom("-0x1_0"), .atom("offset=4"), .eof])
    }

    @Test func comments() throws {
        #expect(try kinds("a ;; line\n b (; block (; nested ;) still ;) c") == [.atom("a"), .atom("b"), .atom("c"), .eof])
        #expect(try kinds("(;;)x(;a;)") == [.atom("x"), .eof])
        #expect(try kinds("a ;; to carriage return\rb") == [.atom("a"), .atom("b"), .eof])
        #expect(throws: WasmError.self) { try Lexer.tokenize("(; unclosed (; ;)") }
        let tokens = try Lexer.tokenize("a\n(; x\n y ;)\nb")
        #expect(tokens.map(\.line) == [1, 4, 4])
    }

    @Test func annotationsAreSkipped() throws {
        #expect(try kinds("(@name \"x\" (a b) \")\") c") == [.atom("c"), .eof])
    }

    @Test func stringEscapes() throws {
        #expect(try kinds(#""a\t\n\r\"\'\\\00\ff\u{41}\u{1F600}""#) == [
            .string([0x61, 0x09, 0x0A, 0x0D, 0x22, 0x27, 0x5C, 0x00, 0xFF, 0x41, 0xF0, 0x9F, 0x98, 0x80]), .eof,
        ])
        #expect(try kinds("\"é\"") == [.string([0xC3, 0xA9]), .eof])
        guard case .bad = try kinds(#""\q""#).first else { Issue.record("bad escape accepted"); return }
        guard case .bad = try kinds(#""\u{D800}""#).first else { Issue.record("surrogate accepted"); return }
        #expect(throws: WasmError.self) { try Lexer.tokenize("\"unterminated") }
    }

    @Test func identifiers() throws {
        #expect(try kinds("$a.b!#$%&'*+-/:<=>?@\\^_`|~") == [.id("a.b!#$%&'*+-/:<=>?@\\^_`|~"), .eof])
        #expect(try kinds(#"$"quoted name""#) == [.id("quoted name"), .eof])
    }

    @Test func adjacentTokensFormReservedRuns() throws {
        // A string glued to other characters is one reserved token (never valid).
        #expect(try kinds(#"$l"a""#) == [.reserved(#"$l"a""#), .eof])
        #expect(try kinds(#""a""b""#) == [.reserved(#""a""b""#), .eof])
        #expect(try kinds("0drop") == [.atom("0drop"), .eof])
        #expect(try kinds("(nop)nop") == [.lparen, .atom("nop"), .rparen, .atom("nop"), .eof])
    }
}

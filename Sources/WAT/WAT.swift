import WasmCore

/// The WebAssembly text format: modules (`.wat`) and scripts (`.wast`).
public enum WAT {
    /// Parses a .wat module (a bare module field list or `(module ...)`) and encodes it.
    ///
    /// `(module binary ...)` yields its bytes; `(module quote ...)` is parsed in turn.
    /// Errors are `WasmError` of kind `.malformed` whose offset is the 1-based line.
    /// With `debugNames`, function identifiers (`$name`) are kept in a `name` custom
    /// section, so traps and disassembly name the functions.
    public static func encode(_ text: String, features: WasmFeatures = .wasm3, debugNames: Bool = false) throws(WasmError) -> [UInt8] {
        let tokens = try Lexer.tokenize(text)
        var c = TokenCursor(tokens)
        if c.atField("module") {
            var script = ScriptParser(tokens: tokens, features: features)
            script.keepsFunctionNames = debugNames
            let command = try script.moduleCommand()
            guard script.c.peek().kind == .eof else { throw script.c.unexpected() }
            guard case .module(_, let source, _) = command else { throw c.error("unexpected token") }
            switch source {
            case .binary(let bytes): return bytes
            case .quote(let quoted): return try encode(quoted, features: features, debugNames: debugNames)
            case .textError(let error): throw error
            }
        }
        var parser = ModuleParser(tokens: tokens, pos: 0, features: features)
        parser.builder.keepsFunctionNames = debugNames
        let bytes = try parser.parseModule()
        guard parser.c.peek().kind == .eof else { throw parser.c.unexpected() }
        c.pos = parser.c.pos
        return bytes
    }

    /// Parses a .wast script. Text modules are encoded while parsing; one that fails to
    /// encode becomes `ModuleSource.textError`, and `module quote` text is left for
    /// ``encode(_:features:)`` so that assert_malformed can judge it.
    public static func parseScript(_ text: String, features: WasmFeatures = .wasm3) throws(WasmError) -> WastScript {
        var parser = ScriptParser(tokens: try Lexer.tokenize(text), features: features)
        return try parser.parse()
    }
}

import WasmCore

/// Parses the commands of a `.wast` script. Text modules are encoded on the spot; an
/// error inside one is kept as `ModuleSource.textError` so the script goes on.
struct ScriptParser {
    var c: TokenCursor
    let features: WasmFeatures
    /// Text modules keep their function identifiers in a name section (`WAT.encode`'s
    /// `debugNames`); scripts of the spec suite do not.
    var keepsFunctionNames = false

    init(tokens: [Token], features: WasmFeatures) {
        c = TokenCursor(tokens)
        self.features = features
    }

    /// Keywords that start a module field: a script of them is one inline module.
    private static let fieldKeywords: Set<String> = [
        "type", "rec", "import", "func", "table", "memory", "global", "tag", "export", "start", "elem", "data",
    ]

    mutating func parse() throws(WasmError) -> WastScript {
        var commands: [WastCommand] = []
        if let first = c.fieldKeyword, Self.fieldKeywords.contains(first) {
            let line = c.line
            var parser = ModuleParser(tokens: c.tokens, pos: c.pos, features: features)
            let source: ModuleSource
            do throws(WasmError) {
                let bytes = try parser.parseModule()
                guard parser.c.peek().kind == .eof else { throw parser.c.unexpected() }
                source = .binary(bytes)
            } catch {
                source = .textError(error)
            }
            return WastScript(commands: [WastCommand(line: line, kind: .module(name: nil, source))])
        }
        while c.peek().kind != .eof {
            commands.append(try command())
        }
        return WastScript(commands: commands)
    }

    private mutating func command() throws(WasmError) -> WastCommand {
        let line = c.line
        guard let keyword = c.fieldKeyword else { throw c.unexpected() }
        let kind: WastCommand.Kind
        switch keyword {
        case "module":
            let module = try moduleCommand()
            switch module {
            case .module(let name, let source, definition: false): kind = .module(name: name, source)
            case .module(let name, let source, definition: true): kind = .moduleDefinition(name: name, source)
            case .instance(let instance, let definition): kind = .moduleInstance(instance: instance, definition: definition)
            }
            return WastCommand(line: line, kind: kind)
        case "register":
            c.pos += 2
            let name = try c.name()
            let module = c.optionalId()
            kind = .register(name: name, moduleName: module)
        case "invoke", "get":
            return WastCommand(line: line, kind: .action(try action()))
        case "assert_return":
            c.pos += 2
            let act = try action()
            var results: [WastExpected] = []
            while c.atLParen { results.append(try expected()) }
            kind = .assertReturn(act, results)
        case "assert_trap":
            c.pos += 2
            if c.atField("module") {
                let source = try moduleSourceOnly()
                kind = .assertModuleTrap(source, try message())
            } else {
                let act = try action()
                kind = .assertTrap(act, try message())
            }
        case "assert_exhaustion":
            c.pos += 2
            let act = try action()
            kind = .assertExhaustion(act, try message())
        case "assert_exception":
            c.pos += 2
            kind = .assertException(try action())
        case "assert_malformed", "assert_invalid", "assert_unlinkable", "assert_uninstantiable":
            c.pos += 2
            let source = try moduleSourceOnly()
            let text = try message()
            switch keyword {
            case "assert_malformed": kind = .assertMalformed(source, text)
            case "assert_invalid": kind = .assertInvalid(source, text)
            case "assert_unlinkable": kind = .assertUnlinkable(source, text)
            default: kind = .assertUninstantiable(source, text)
            }
        default:
            c.advance()
            throw c.error("unknown operator \(keyword)")
        }
        try c.expectRParen()
        return WastCommand(line: line, kind: kind)
    }

    private mutating func message() throws(WasmError) -> String {
        String(decoding: try c.string(), as: UTF8.self)
    }

    enum ModuleCommand {
        case module(String?, ModuleSource, definition: Bool)
        case instance(String?, String?)
    }

    private mutating func moduleSourceOnly() throws(WasmError) -> ModuleSource {
        switch try moduleCommand() {
        case .module(_, let source, _): return source
        case .instance: throw c.error("unexpected token")
        }
    }

    /// `(module $id? ...)`, `(module $id? binary "..."*)`, `(module $id? quote "..."*)`,
    /// `(module definition ...)` and `(module instance $i? $d?)`; consumes the closing `)`.
    mutating func moduleCommand() throws(WasmError) -> ModuleCommand {
        let start = c.pos
        guard c.takeField("module") else { throw c.unexpected() }
        if c.takeKeyword("instance") {
            let instance = c.optionalId()
            let definition = c.optionalId()
            try c.expectRParen()
            return .instance(instance, definition)
        }
        let definition = c.takeKeyword("definition")
        let name = c.optionalId()
        if c.takeKeyword("binary") {
            var bytes: [UInt8] = []
            while c.atString { bytes.append(contentsOf: try c.string()) }
            try c.expectRParen()
            return .module(name, .binary(bytes), definition: definition)
        }
        if c.takeKeyword("quote") {
            var parts: [[UInt8]] = []
            while c.atString { parts.append(try c.string()) }
            try c.expectRParen()
            let bytes = Array(parts.joined(separator: [UInt8(ascii: " ")]))
            // Text that is not UTF-8 cannot be a String: it is malformed already.
            guard let text = UTF8Validation.decode(bytes) else {
                return .module(name, .textError(.malformed("malformed UTF-8 encoding", offset: c.line)), definition: definition)
            }
            return .module(name, .quote(text), definition: definition)
        }
        let fieldsStart = c.pos
        c.pos = start
        try c.skipForm()
        let end = c.pos
        var parser = ModuleParser(tokens: c.tokens, pos: fieldsStart, features: features)
        parser.builder.keepsFunctionNames = keepsFunctionNames
        let source: ModuleSource
        do throws(WasmError) {
            let bytes = try parser.parseModule()
            guard parser.c.pos == end - 1 else { throw parser.c.unexpected() }
            source = .binary(bytes)
        } catch {
            source = .textError(error)
        }
        return .module(name, source, definition: definition)
    }

    private mutating func action() throws(WasmError) -> WastAction {
        if c.takeField("get") {
            let module = c.optionalId()
            let name = try c.name()
            try c.expectRParen()
            return .get(module: module, name: name)
        }
        guard c.takeField("invoke") else { throw c.unexpected() }
        let module = c.optionalId()
        let name = try c.name()
        var args: [WastValue] = []
        while c.atLParen {
            guard case .value(let v) = try constant(allowPatterns: false) else { throw c.error("unexpected token") }
            args.append(v)
        }
        try c.expectRParen()
        return .invoke(module: module, name: name, args: args)
    }

    private mutating func expected() throws(WasmError) -> WastExpected {
        if c.takeField("either") {
            var alternatives: [WastExpected] = []
            while c.atLParen { alternatives.append(try expected()) }
            try c.expectRParen()
            return .either(alternatives)
        }
        return try constant(allowPatterns: true)
    }

    /// A constant `(t.const ...)` / reference form; result patterns when allowed.
    private mutating func constant(allowPatterns: Bool) throws(WasmError) -> WastExpected {
        try c.expectLParen()
        guard let op = c.atom else { throw c.unexpected() }
        c.advance()
        let result: WastExpected
        switch op {
        case "i32.const":
            result = .value(.i32(UInt32(truncatingIfNeeded: try number { (t) throws(WasmError) in try NumericLiteral.integer(t, bits: 32) })))
        case "i64.const":
            result = .value(.i64(try number { (t) throws(WasmError) in try NumericLiteral.integer(t, bits: 64) }))
        case "f32.const", "f64.const":
            let is32 = op == "f32.const"
            if allowPatterns, let a = c.atom, a == "nan:canonical" || a == "nan:arithmetic" {
                c.advance()
                result = is32 ? .f32NaN(canonical: a == "nan:canonical") : .f64NaN(canonical: a == "nan:canonical")
            } else {
                let bits = try number { (t) throws(WasmError) in try NumericLiteral.float(t, is32 ? .f32 : .f64) }
                result = .value(is32 ? .f32(UInt32(truncatingIfNeeded: bits)) : .f64(bits))
            }
        case "v128.const":
            result = try vectorConstant(allowPatterns: allowPatterns)
        case "ref.null":
            if allowPatterns && c.atRParen {
                result = .refNull(nil)
            } else {
                result = .value(.refNull(try heapType()))
            }
        case "ref.host":
            result = .value(.refHost(try c.u32()))
        case "ref.any", "ref.eq", "ref.i31", "ref.struct", "ref.array", "ref.exn":
            // Patterns only: any non-null reference of that abstract type.
            guard allowPatterns, let heap = HeapType(abstractName: op.dropFirst(4)) else {
                c.pos -= 1
                throw c.error("unknown operator \(op)")
            }
            result = .refAbstract(heap)
        case "ref.extern":
            if c.atRParen {
                guard allowPatterns else { throw c.unexpected() }
                result = .refExtern(nil)
            } else {
                let n = try c.u32()
                result = allowPatterns ? .refExtern(n) : .value(.refExtern(n))
            }
        case "ref.func":
            if c.atRParen {
                result = allowPatterns ? .refFunc : .value(.refFunc(nil))
            } else {
                let n = try c.u32()
                result = allowPatterns ? .refFunc : .value(.refFunc(n))
            }
        default:
            c.pos -= 1
            throw c.error("unknown operator \(op)")
        }
        try c.expectRParen()
        return result
    }

    private mutating func heapType() throws(WasmError) -> HeapType {
        guard let a = c.atom else { throw c.unexpected() }
        guard let type = HeapType(abstractName: a) else { throw c.error("unknown operator \(a)") }
        c.advance()
        return type
    }

    private mutating func number(_ parse: (String) throws(WasmError) -> UInt64?) throws(WasmError) -> UInt64 {
        guard let text = c.atom else { throw c.unexpected() }
        let value: UInt64?
        do { value = try parse(text) } catch { throw c.error(error.message) }
        guard let value else { throw c.error("unknown operator") }
        c.advance()
        return value
    }

    /// `v128.const shape lane*`: exact bytes, or per-lane patterns when a NaN pattern appears.
    private mutating func vectorConstant(allowPatterns: Bool) throws(WasmError) -> WastExpected {
        guard let shape = c.atom else { throw c.unexpected() }
        c.advance()
        let laneBits: Int
        let isFloat: Bool
        switch shape {
        case "i8x16": (laneBits, isFloat) = (8, false)
        case "i16x8": (laneBits, isFloat) = (16, false)
        case "i32x4": (laneBits, isFloat) = (32, false)
        case "i64x2": (laneBits, isFloat) = (64, false)
        case "f32x4": (laneBits, isFloat) = (32, true)
        case "f64x2": (laneBits, isFloat) = (64, true)
        default: throw c.error("unexpected token")
        }
        var lanes: [WastExpected] = []
        var bytes: [UInt8] = []
        var hasPattern = false
        for _ in 0..<(128 / laneBits) {
            if allowPatterns, isFloat, let a = c.atom, a == "nan:canonical" || a == "nan:arithmetic" {
                c.advance()
                hasPattern = true
                lanes.append(laneBits == 32 ? .f32NaN(canonical: a == "nan:canonical") : .f64NaN(canonical: a == "nan:canonical"))
                bytes.appendFixed(0, bytes: laneBits / 8)
                continue
            }
            let bits: UInt64
            if isFloat {
                bits = try number { (t) throws(WasmError) in try NumericLiteral.float(t, laneBits == 32 ? .f32 : .f64) }
                lanes.append(.value(laneBits == 32 ? .f32(UInt32(truncatingIfNeeded: bits)) : .f64(bits)))
            } else {
                bits = try number { (t) throws(WasmError) in try NumericLiteral.integer(t, bits: laneBits) }
                switch laneBits {
                case 64: lanes.append(.value(.i64(bits)))
                default: lanes.append(.value(.i32(UInt32(truncatingIfNeeded: bits))))
                }
            }
            bytes.appendFixed(bits, bytes: laneBits / 8)
        }
        if hasPattern { return .v128Lanes(shape: shape, lanes) }
        return .value(.v128(bytes))
    }
}

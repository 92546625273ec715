import WasmCore

/// The index spaces of a module, for identifier resolution.
enum IndexSpace: Int, CaseIterable {
    case type, function, table, memory, global, tag, elem, data

    /// The word used in "duplicate ..." and "unknown ..." messages.
    var word: String {
        switch self {
        case .type: "type"
        case .function: "func"
        case .table: "table"
        case .memory: "memory"
        case .global: "global"
        case .tag: "tag"
        case .elem: "elem segment"
        case .data: "data segment"
        }
    }
}

/// Parses one text module and encodes it to the binary format.
///
/// Three passes over the module's fields: the first assigns every identifier its index
/// (so references may precede definitions), the second reads the type definitions and
/// their recursion groups, the third encodes the other fields in order, allocating
/// implicit function types for inline type uses as it meets them.
struct ModuleParser {
    var c: TokenCursor
    let features: WasmFeatures
    /// Identifier tables, one per index space.
    var names: [[String: UInt32]] = Array(repeating: [:], count: IndexSpace.allCases.count)
    /// Entries per index space seen so far (first pass: totals; third pass: running).
    var counts: [UInt32] = Array(repeating: 0, count: IndexSpace.allCases.count)
    var builder = ModuleBuilder()
    /// Field identifiers per struct type index (each type has its own namespace).
    var fieldNames: [UInt32: [String: UInt32]] = [:]
    /// Nesting of folded instructions and blocks, bounded so hostile input cannot
    /// exhaust the stack.
    var depth = 0
    static let maxDepth = 1000

    init(tokens: [Token], pos: Int, features: WasmFeatures) {
        c = TokenCursor(tokens, pos: pos)
        self.features = features
    }

    // MARK: Identifiers

    mutating func define(_ space: IndexSpace, _ id: String?, line: Int) throws(WasmError) {
        let index = counts[space.rawValue]
        if let id {
            if names[space.rawValue][id] != nil {
                throw .malformed("duplicate \(space.word) $\(id)", offset: line)
            }
            names[space.rawValue][id] = index
        }
        counts[space.rawValue] = index &+ 1
    }

    /// Whether an index (numeric or `$id`) is at the cursor.
    var atIndex: Bool {
        if case .id = c.peek().kind { return true }
        return c.atNat
    }

    /// A numeric index or an identifier of `space`.
    mutating func index(_ space: IndexSpace) throws(WasmError) -> UInt32 {
        if case .id(let id) = c.peek().kind {
            guard let index = names[space.rawValue][id] else {
                throw c.error("unknown \(space.word) $\(id)")
            }
            c.advance()
            return index
        }
        guard c.atNat else { throw c.unexpected() }
        return try c.u32()
    }

    mutating func optionalIndex(_ space: IndexSpace) throws(WasmError) -> UInt32? {
        atIndex ? try index(space) : nil
    }

    // MARK: Module

    /// Parses the fields up to the closing `)` of `(module ...)` (or the end of input for a
    /// bare field list) and returns the binary module.
    mutating func parseModule() throws(WasmError) -> [UInt8] {
        let start = c.pos
        try collectNames()
        c.pos = start
        try collectTypes()
        c.pos = start
        counts = Array(repeating: 0, count: IndexSpace.allCases.count)
        builder.explicitTypeCount = builder.types.count
        if builder.keepsFunctionNames {
            for (name, index) in names[IndexSpace.function.rawValue] { builder.functionNames[index] = name }
        }
        while c.atLParen {
            try parseField()
        }
        return builder.encode()
    }

    /// First pass: identifiers of every index space, duplicate and ordering checks.
    private mutating func collectNames() throws(WasmError) {
        var lastDefinition: String?
        func importSeen(_ p: inout ModuleParser) throws(WasmError) {
            if let lastDefinition { throw p.c.error("import after \(lastDefinition)") }
        }
        while c.atLParen {
            let fieldStart = c.pos
            let line = c.line
            guard let keyword = c.fieldKeyword else { c.advance(); throw c.unexpected() }
            c.pos += 2
            switch keyword {
            case "type", "rec":
                try defineTypeNames(keyword, line: line)
            case "import":
                _ = try c.string()
                _ = try c.string()
                guard let kind = c.fieldKeyword, let space = Self.importSpace(kind) else {
                    if c.atLParen { c.advance() }
                    throw c.unexpected()
                }
                c.pos += 2
                try importSeen(&self)
                let id = c.optionalId()
                try define(space, id, line: line)
            case "func", "table", "memory", "global", "tag":
                let space = Self.importSpace(keyword) ?? .function
                let id = c.optionalId()
                while c.atField("export") { try c.skipForm() }
                if c.atField("import") {
                    try importSeen(&self)
                } else if keyword != "tag" {
                    lastDefinition = keyword == "func" ? "function" : keyword
                }
                try define(space, id, line: line)
                // `(table ... (elem ...))` and `(memory (data ...))` define a segment too.
                if keyword == "table" || keyword == "memory" {
                    let segment = keyword == "table" ? "elem" : "data"
                    while !c.atRParen && c.peek().kind != .eof {
                        if c.atField(segment) { try define(keyword == "table" ? .elem : .data, nil, line: line) }
                        if c.atLParen { try c.skipForm() } else { c.advance() }
                    }
                }
            case "elem":
                try define(.elem, c.optionalId(), line: line)
            case "data":
                try define(.data, c.optionalId(), line: line)
            case "export", "start":
                break
            default:
                c.pos = fieldStart + 1
                throw c.error("unknown operator \(keyword)")
            }
            c.pos = fieldStart
            try c.skipForm()
        }
        guard c.atRParen || c.peek().kind == .eof else { throw c.unexpected() }
    }

    private static func importSpace(_ keyword: String) -> IndexSpace? {
        switch keyword {
        case "func": .function
        case "table": .table
        case "memory": .memory
        case "global": .global
        case "tag": .tag
        default: nil
        }
    }

    /// Second pass: the explicit type definitions.
    private mutating func collectTypes() throws(WasmError) {
        while c.atLParen {
            if c.atField("type") || c.atField("rec") {
                try typeDefinitions()
            } else {
                try c.skipForm()
            }
        }
    }

    /// Third pass: one field.
    private mutating func parseField() throws(WasmError) {
        guard let keyword = c.fieldKeyword else { c.advance(); throw c.unexpected() }
        let line = c.line
        switch keyword {
        case "type", "rec":
            try c.skipForm()
        case "import": try parseImport()
        case "func": try parseFunc()
        case "table": try parseTable()
        case "memory": try parseMemory()
        case "global": try parseGlobal()
        case "tag": try parseTag()
        case "export": try parseExport()
        case "start":
            c.pos += 2
            let f = try index(.function)
            try c.expectRParen()
            if builder.start != nil { throw .malformed("multiple start sections", offset: line) }
            builder.start = f
        case "elem": try parseElem()
        case "data": try parseData()
        default: throw c.error("unknown operator \(keyword)")
        }
    }

    // MARK: Imports and exports

    private mutating func parseImport() throws(WasmError) {
        c.pos += 2
        let module = try c.name()
        let field = try c.name()
        try c.expectLParen()
        guard let kind = c.atom else { throw c.unexpected() }
        c.advance()
        _ = c.optionalId()
        var entry: [UInt8] = []
        entry.appendVector(Array(module.utf8))
        entry.appendVector(Array(field.utf8))
        try importDescriptor(kind, into: &entry)
        try c.expectRParen()
        try c.expectRParen()
        builder.imports.append(entry)
    }

    /// The descriptor of an import after its kind keyword and identifier; also bumps the
    /// index space counter.
    mutating func importDescriptor(_ kind: String, into entry: inout [UInt8]) throws(WasmError) {
        switch kind {
        case "func":
            let use = try typeUse(allowNames: true)
            entry.append(0x00)
            entry.appendULEB(try resolve(use))
            counts[IndexSpace.function.rawValue] += 1
        case "table":
            entry.append(0x01)
            let (limits, type) = try tableType()
            entry.append(type)
            entry.append(limits)
            counts[IndexSpace.table.rawValue] += 1
        case "memory":
            entry.append(0x02)
            entry.append(try memoryType())
            counts[IndexSpace.memory.rawValue] += 1
        case "global":
            entry.append(0x03)
            let type = try globalType()
            entry.append(type.valueType)
            entry.append(type.isMutable ? 1 : 0)
            counts[IndexSpace.global.rawValue] += 1
        case "tag":
            let use = try typeUse(allowNames: true)
            entry.append(0x04)
            entry.append(0x00)
            entry.appendULEB(try resolve(use))
            counts[IndexSpace.tag.rawValue] += 1
        default:
            throw c.error("unexpected token")
        }
    }

    /// `(export "name")*` abbreviations on a definition of `kind` with index `index`.
    mutating func inlineExports(_ kind: ExternalKind, index: UInt32) throws(WasmError) {
        while c.takeField("export") {
            let name = try c.name()
            try c.expectRParen()
            builder.exports.append((name, kind, index))
        }
    }

    /// `(import "m" "n")` abbreviation: returns the import's names when present.
    mutating func inlineImport() throws(WasmError) -> (String, String)? {
        guard c.takeField("import") else { return nil }
        let module = try c.name()
        let field = try c.name()
        try c.expectRParen()
        return (module, field)
    }

    private mutating func parseExport() throws(WasmError) {
        c.pos += 2
        let name = try c.name()
        try c.expectLParen()
        guard let kindWord = c.atom else { throw c.unexpected() }
        c.advance()
        let kind: ExternalKind
        let space: IndexSpace
        switch kindWord {
        case "func": (kind, space) = (.function, .function)
        case "table": (kind, space) = (.table, .table)
        case "memory": (kind, space) = (.memory, .memory)
        case "global": (kind, space) = (.global, .global)
        case "tag": (kind, space) = (.tag, .tag)
        default: throw c.error("unexpected token")
        }
        let idx = try index(space)
        try c.expectRParen()
        try c.expectRParen()
        builder.exports.append((name, kind, idx))
    }

    private mutating func parseTag() throws(WasmError) {
        c.pos += 2
        _ = c.optionalId()
        let idx = counts[IndexSpace.tag.rawValue]
        try inlineExports(.tag, index: idx)
        if let (module, field) = try inlineImport() {
            var entry: [UInt8] = []
            entry.appendVector(Array(module.utf8))
            entry.appendVector(Array(field.utf8))
            try importDescriptor("tag", into: &entry)
            builder.imports.append(entry)
        } else {
            let use = try typeUse(allowNames: true)
            var entry: [UInt8] = [0x00]
            entry.appendULEB(try resolve(use))
            builder.tags.append(entry)
            counts[IndexSpace.tag.rawValue] += 1
        }
        try c.expectRParen()
    }

    private mutating func parseGlobal() throws(WasmError) {
        c.pos += 2
        _ = c.optionalId()
        let idx = counts[IndexSpace.global.rawValue]
        try inlineExports(.global, index: idx)
        if let (module, field) = try inlineImport() {
            var entry: [UInt8] = []
            entry.appendVector(Array(module.utf8))
            entry.appendVector(Array(field.utf8))
            try importDescriptor("global", into: &entry)
            builder.imports.append(entry)
        } else {
            let type = try globalType()
            var entry: [UInt8] = []
            entry.append(type.valueType)
            entry.append(type.isMutable ? 1 : 0)
            try constantExpression(into: &entry)
            builder.globals.append(entry)
            counts[IndexSpace.global.rawValue] += 1
        }
        try c.expectRParen()
    }
}

import WasmCore

/// What an instruction sequence can refer to besides module-level entities.
struct FunctionContext {
    /// Enclosing block labels, innermost last.
    var labels: [String?] = []
    var locals: [String: UInt32] = [:]
}

extension ModuleParser {
    /// Mnemonics in the instruction table that are not plain instructions in the text.
    private static let structural: Set<String> = ["block", "loop", "if", "else", "end", "try_table", "select_t", "then"]
    /// Table names of opcodes the text writes with another mnemonic (`ref.test (ref null t)`).
    private static let binaryOnly: Set<String> = ["ref.test_null", "ref.cast_null"]
    /// Field keywords that are never instructions: meeting one is an "unexpected token".
    private static let nonInstructions: Set<String> = [
        "param", "result", "type", "local", "then", "else", "export", "import", "mut", "item", "offset",
        "catch", "catch_ref", "catch_all", "catch_all_ref", "func", "table", "memory", "global", "elem", "data",
    ]

    /// Instructions up to a `)`, `end`, `else` or anything that cannot start one.
    mutating func instructions(_ out: inout [UInt8], _ ctx: inout FunctionContext) throws(WasmError) {
        while true {
            if c.atLParen {
                try foldedInstruction(&out, &ctx)
                continue
            }
            guard let keyword = c.atom, keyword != "end", keyword != "else" else { return }
            switch keyword {
            case "block", "loop", "if", "try_table":
                try flatBlock(keyword, &out, &ctx)
            default:
                try plainInstruction(keyword, &out, &ctx)
            }
        }
    }

    /// A constant expression (no locals, no labels) followed by `end`.
    mutating func constantExpression(into out: inout [UInt8]) throws(WasmError) {
        var ctx = FunctionContext()
        try instructions(&out, &ctx)
        out.append(0x0B)
    }

    private mutating func endLabel(_ label: String?) throws(WasmError) {
        if let id = c.optionalId(), id != label {
            throw c.error("mismatching label")
        }
    }

    private mutating func enter() throws(WasmError) {
        depth += 1
        if depth > Self.maxDepth { throw c.error("nesting too deep") }
    }

    private mutating func flatBlock(_ keyword: String, _ out: inout [UInt8], _ ctx: inout FunctionContext) throws(WasmError) {
        try enter()
        defer { depth -= 1 }
        c.advance()
        let label = c.optionalId()
        try blockHeader(keyword, &out, ctx)
        ctx.labels.append(label)
        try instructions(&out, &ctx)
        if keyword == "if" && c.takeKeyword("else") {
            try endLabel(label)
            out.append(0x05)
            try instructions(&out, &ctx)
        }
        try c.expectKeyword("end")
        try endLabel(label)
        out.append(0x0B)
        ctx.labels.removeLast()
    }

    /// Opcode, block type and (for try_table) catch clauses.
    private mutating func blockHeader(_ keyword: String, _ out: inout [UInt8], _ ctx: FunctionContext) throws(WasmError) {
        switch keyword {
        case "block": out.append(0x02)
        case "loop": out.append(0x03)
        case "if": out.append(0x04)
        default: out.append(0x1F)
        }
        try blockType(&out)
        if keyword == "try_table" {
            var clauses: [[UInt8]] = []
            while let kw = c.fieldKeyword, kw.hasPrefix("catch") {
                c.pos += 2
                var clause: [UInt8] = []
                switch kw {
                case "catch":
                    clause.append(0)
                    clause.appendULEB(try index(.tag))
                case "catch_ref":
                    clause.append(1)
                    clause.appendULEB(try index(.tag))
                case "catch_all": clause.append(2)
                case "catch_all_ref": clause.append(3)
                default: throw c.error("unexpected token")
                }
                clause.appendULEB(try label(ctx))
                try c.expectRParen()
                clauses.append(clause)
            }
            out.appendULEB(clauses.count)
            for clause in clauses { out.append(contentsOf: clause) }
        }
    }

    private mutating func blockType(_ out: inout [UInt8]) throws(WasmError) {
        let use = try typeUse(allowNames: false)
        var signature = use.signature
        if let index = use.index, !use.hasInlineSignature {
            // A non-function type keeps its index, for the validator to reject.
            guard let type = builder.functionType(index) else {
                out.appendSLEB(Int64(index))
                return
            }
            signature = type
        }
        // Types without parameters and with at most one result use the short form.
        if signature.parameters.isEmpty && signature.results.count <= 1 {
            if use.index != nil { _ = try resolve(use) }
            if let t = signature.results.first { out.append(t) } else { out.append(0x40) }
            return
        }
        out.appendSLEB(Int64(try resolve(use)))
    }

    mutating func foldedInstruction(_ out: inout [UInt8], _ ctx: inout FunctionContext) throws(WasmError) {
        try enter()
        defer { depth -= 1 }
        c.advance()
        guard let keyword = c.atom else { throw c.unexpected() }
        switch keyword {
        case "block", "loop", "try_table":
            c.advance()
            let label = c.optionalId()
            try blockHeader(keyword, &out, ctx)
            ctx.labels.append(label)
            try instructions(&out, &ctx)
            try c.expectRParen()
            out.append(0x0B)
            ctx.labels.removeLast()
        case "if":
            c.advance()
            let label = c.optionalId()
            var header: [UInt8] = []
            try blockHeader(keyword, &header, ctx)
            while c.atLParen && !c.atField("then") {
                try foldedInstruction(&out, &ctx)
            }
            out.append(contentsOf: header)
            ctx.labels.append(label)
            guard c.takeField("then") else { throw c.unexpected() }
            try instructions(&out, &ctx)
            try c.expectRParen()
            if c.takeField("else") {
                out.append(0x05)
                try instructions(&out, &ctx)
                try c.expectRParen()
            }
            try c.expectRParen()
            out.append(0x0B)
            ctx.labels.removeLast()
        default:
            if Self.nonInstructions.contains(keyword) { throw c.error("unexpected token") }
            var op: [UInt8] = []
            try plainInstruction(keyword, &op, &ctx)
            while c.atLParen {
                try foldedInstruction(&out, &ctx)
            }
            try c.expectRParen()
            out.append(contentsOf: op)
        }
    }

    func labelIndex(_ ctx: FunctionContext) throws(WasmError) -> UInt32 {
        if case .id(let id) = c.peek().kind {
            guard let i = ctx.labels.lastIndex(where: { $0 == id }) else { throw c.error("unknown label $\(id)") }
            return UInt32(ctx.labels.count - 1 - i)
        }
        var copy = c
        return try copy.u32()
    }

    mutating func label(_ ctx: FunctionContext) throws(WasmError) -> UInt32 {
        let value = try labelIndex(ctx)
        c.advance()
        return value
    }

    private mutating func local(_ ctx: FunctionContext) throws(WasmError) -> UInt32 {
        if case .id(let id) = c.peek().kind {
            guard let i = ctx.locals[id] else { throw c.error("unknown local $\(id)") }
            c.advance()
            return i
        }
        return try c.u32()
    }

    private mutating func plainInstruction(_ keyword: String, _ out: inout [UInt8], _ ctx: inout FunctionContext) throws(WasmError) {
        guard !Self.structural.contains(keyword), !Self.binaryOnly.contains(keyword), let op = Opcode.byName[keyword] else {
            throw c.error("unknown operator \(keyword)")
        }
        c.advance()
        if op == .refTest || op == .refCast {
            try castInstruction(op, &out)
            return
        }
        if op == .select, c.atField("result") {
            let types = try resultTypes()
            out.append(0x1C)
            out.appendULEB(types.count)
            for t in types { out.append(t) }
            return
        }
        let info = op.info
        if info.prefix != 0 {
            out.append(info.prefix)
            out.appendULEB(info.code)
        } else {
            out.append(UInt8(info.code))
        }
        switch info.immediate {
        case .none, .block, .tryTable:
            break
        case .label:
            out.appendULEB(try label(ctx))
        case .brTable:
            var targets: [UInt32] = []
            while atIndex { targets.append(try label(ctx)) }
            guard let last = targets.popLast() else { throw c.unexpected() }
            out.appendULEB(targets.count)
            for t in targets { out.appendULEB(t) }
            out.appendULEB(last)
        case .func:
            out.appendULEB(try index(.function))
        case .callIndirect:
            let table = try optionalIndex(.table) ?? 0
            let use = try typeUse(allowNames: false)
            out.appendULEB(try resolve(use))
            out.appendULEB(table)
        case .type:
            out.appendULEB(try index(.type))
        case .selectT:
            let types = try resultTypes()
            out.appendULEB(types.count)
            for t in types { out.append(t) }
        case .local:
            out.appendULEB(try local(ctx))
        case .global:
            out.appendULEB(try index(.global))
        case .table:
            out.appendULEB(try optionalIndex(.table) ?? 0)
        case .tag:
            out.appendULEB(try index(.tag))
        case .memarg:
            try memoryArgument(naturalAlignment: info.naturalAlignment, &out)
        case .memory:
            out.appendULEB(try optionalIndex(.memory) ?? 0)
        case .i32:
            let bits = try constant { (t) throws(WasmError) in try NumericLiteral.integer(t, bits: 32) }
            out.appendSLEB(Int64(Int32(truncatingIfNeeded: bits)))
        case .i64:
            let bits = try constant { (t) throws(WasmError) in try NumericLiteral.integer(t, bits: 64) }
            out.appendSLEB(Int64(bitPattern: bits))
        case .f32:
            let bits = try constant { (t) throws(WasmError) in try NumericLiteral.float(t, .f32) }
            out.appendFixed(bits, bytes: 4)
        case .f64:
            let bits = try constant { (t) throws(WasmError) in try NumericLiteral.float(t, .f64) }
            out.appendFixed(bits, bytes: 8)
        case .heapType:
            out.append(try heapType())
        case .dataMemory:
            builder.usesDataCount = true
            var memory: UInt32 = 0
            if isIndexToken(c.peek(1)) { memory = try index(.memory) }
            out.appendULEB(try index(.data))
            out.appendULEB(memory)
        case .data:
            builder.usesDataCount = true
            out.appendULEB(try index(.data))
        case .memoryMemory:
            let dst = try optionalIndex(.memory)
            let src = dst == nil ? nil : try index(.memory)
            out.appendULEB(dst ?? 0)
            out.appendULEB(src ?? 0)
        case .elemTable:
            var table: UInt32 = 0
            if isIndexToken(c.peek(1)) { table = try index(.table) }
            out.appendULEB(try index(.elem))
            out.appendULEB(table)
        case .elem:
            out.appendULEB(try index(.elem))
        case .tableTable:
            let dst = try optionalIndex(.table)
            let src = dst == nil ? nil : try index(.table)
            out.appendULEB(dst ?? 0)
            out.appendULEB(src ?? 0)
        case .v128, .shuffle, .lane, .memargLane:
            try simdImmediate(info, &out)
        case .typeField, .typeCount, .typeData, .typeElem, .typeType, .brOnCast:
            try gcImmediate(info, &out, ctx)
        }
    }

    private func isIndexToken(_ token: Token) -> Bool {
        switch token.kind {
        case .id: return true
        case .atom(let a): return a.utf8.first.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false
        default: return false
        }
    }

    /// A numeric constant operand; malformed literals read as "unknown operator" like the
    /// reference interpreter, which lexes them as unknown keywords.
    private mutating func constant(_ parse: (String) throws(WasmError) -> UInt64?) throws(WasmError) -> UInt64 {
        guard let text = c.atom, !text.hasPrefix("nan:c"), !text.hasPrefix("nan:a") else { throw c.unexpected() }
        let value: UInt64?
        do { value = try parse(text) } catch { throw c.error(error.message) }
        guard let value else { throw c.error("unknown operator") }
        c.advance()
        return value
    }

    /// `memidx? offset=N? align=N?`, encoded as flags (with bit 6 for a memory index),
    /// memory index and offset.
    mutating func memoryArgument(naturalAlignment: Int, allowMemoryIndex: Bool = true, _ out: inout [UInt8]) throws(WasmError) {
        let memory = allowMemoryIndex ? try optionalIndex(.memory) ?? 0 : 0
        var offset: UInt64 = 0
        var alignLog2 = naturalAlignment
        let wide = features.contains(.memory64)
        if let a = c.atom, a.hasPrefix("offset=") {
            do throws(WasmError) {
                guard let v = try NumericLiteral.unsigned(String(a.dropFirst(7)), bits: wide ? 64 : 32) else {
                    throw c.error("unknown operator")
                }
                offset = v
            } catch {
                throw c.error(error.message == "constant out of range" ? "i32 constant out of range" : error.message)
            }
            c.advance()
        }
        if let a = c.atom, a.hasPrefix("align=") {
            guard let v = try NumericLiteral.unsigned(String(a.dropFirst(6)), bits: wide ? 64 : 32) else {
                throw c.error("unknown operator")
            }
            guard v != 0, v & (v - 1) == 0 else { throw c.error("alignment") }
            alignLog2 = v.trailingZeroBitCount
            c.advance()
        }
        if memory != 0 {
            out.appendULEB(UInt64(alignLog2) | 0x40)
            out.appendULEB(memory)
        } else {
            out.appendULEB(alignLog2)
        }
        out.appendULEB(offset)
    }
}

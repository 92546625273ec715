import WasmCore

/// Functions, tables, memories and segments, with their abbreviations.
extension ModuleParser {
    private mutating func importEntry(_ module: String, _ field: String, kind: String) throws(WasmError) {
        var entry: [UInt8] = []
        entry.appendVector(Array(module.utf8))
        entry.appendVector(Array(field.utf8))
        try importDescriptor(kind, into: &entry)
        builder.imports.append(entry)
    }

    mutating func parseFunc() throws(WasmError) {
        c.pos += 2
        _ = c.optionalId()
        let funcIndex = counts[IndexSpace.function.rawValue]
        try inlineExports(.function, index: funcIndex)
        if let (module, field) = try inlineImport() {
            try importEntry(module, field, kind: "func")
            try c.expectRParen()
            return
        }
        let use = try typeUse(allowNames: true)
        builder.functions.append(try resolve(use))
        counts[IndexSpace.function.rawValue] += 1

        var ctx = FunctionContext()
        var localCount = UInt32(parameterTypes(of: use).count)
        for (i, id) in use.parameterNames.enumerated() {
            guard let id else { continue }
            if ctx.locals[id] != nil { throw c.error("duplicate local $\(id)") }
            ctx.locals[id] = UInt32(i)
        }
        var localTypes: [ValueType] = []
        while c.takeField("local") {
            if case .id(let id) = c.peek().kind {
                c.advance()
                if ctx.locals[id] != nil { throw c.error("duplicate local $\(id)") }
                ctx.locals[id] = localCount
                localTypes.append(try valueType())
                localCount &+= 1
            } else {
                while !c.atRParen {
                    localTypes.append(try valueType())
                    localCount &+= 1
                }
            }
            try c.expectRParen()
        }
        var body: [UInt8] = []
        // Locals, run-length encoded.
        var groups: [(UInt32, ValueType)] = []
        for t in localTypes {
            if let last = groups.last, last.1 == t {
                groups[groups.count - 1].0 += 1
            } else {
                groups.append((1, t))
            }
        }
        body.appendULEB(groups.count)
        for (n, t) in groups {
            body.appendULEB(n)
            body.append(t)
        }
        try instructions(&body, &ctx)
        try c.expectRParen()
        body.append(0x0B)
        builder.codes.append(body)
    }

    mutating func parseTable() throws(WasmError) {
        c.pos += 2
        _ = c.optionalId()
        let tableIndex = counts[IndexSpace.table.rawValue]
        try inlineExports(.table, index: tableIndex)
        if let (module, field) = try inlineImport() {
            try importEntry(module, field, kind: "table")
            try c.expectRParen()
            return
        }
        counts[IndexSpace.table.rawValue] += 1
        let is64 = addressType()
        var entry: [UInt8] = []
        if c.atNat {
            let limits = try limits(is64: is64)
            let type = try refType()
            if c.atRParen {
                entry.append(type)
                entry.append(limits)
            } else {
                // Wasm 3.0 table with an initialiser expression.
                entry.append(contentsOf: [0x40, 0x00])
                entry.append(type)
                entry.append(limits)
                try constantExpression(into: &entry)
            }
        } else {
            // `(table reftype (elem ...))`: the table is sized by the segment.
            let type = try refType()
            guard c.takeField("elem") else { throw c.unexpected() }
            let (items, count) = try elementList(type: type, implicitFuncIndices: true)
            try c.expectRParen()
            let n = UInt64(count)
            entry.append(type)
            entry.append(Limits(min: n, max: n, is64: is64))
            let offset: [UInt8] = is64 ? [0x42, 0x00, 0x0B] : [0x41, 0x00, 0x0B]
            builder.elements.append(elementSegment(.active(table: tableIndex, offset: offset), items))
            counts[IndexSpace.elem.rawValue] += 1
        }
        try c.expectRParen()
        builder.tables.append(entry)
    }

    mutating func parseMemory() throws(WasmError) {
        c.pos += 2
        _ = c.optionalId()
        let memoryIndex = counts[IndexSpace.memory.rawValue]
        try inlineExports(.memory, index: memoryIndex)
        if let (module, field) = try inlineImport() {
            try importEntry(module, field, kind: "memory")
            try c.expectRParen()
            return
        }
        counts[IndexSpace.memory.rawValue] += 1
        var entry: [UInt8] = []
        let save = c.pos
        let is64 = addressType()
        if c.takeField("data") {
            var bytes: [UInt8] = []
            while c.atString { bytes.append(contentsOf: try c.string()) }
            try c.expectRParen()
            let pages = UInt64((bytes.count + 65535) / 65536)
            entry.append(Limits(min: pages, max: pages, is64: is64))
            var segment: [UInt8] = []
            appendDataHeader(memory: memoryIndex, offset: is64 ? [0x42, 0x00, 0x0B] : [0x41, 0x00, 0x0B], into: &segment)
            segment.appendVector(bytes)
            builder.data.append(segment)
            counts[IndexSpace.data.rawValue] += 1
        } else {
            c.pos = save
            entry.append(try memoryType())
        }
        try c.expectRParen()
        builder.memories.append(entry)
    }

    private func appendDataHeader(memory: UInt32, offset: [UInt8], into segment: inout [UInt8]) {
        if memory == 0 {
            segment.append(0x00)
        } else {
            segment.append(0x02)
            segment.appendULEB(memory)
        }
        segment.append(contentsOf: offset)
    }

    /// `(offset instr*)` or a single folded instruction, as an encoded expression.
    private mutating func offsetExpression() throws(WasmError) -> [UInt8] {
        var expr: [UInt8] = []
        if c.takeField("offset") {
            try constantExpression(into: &expr)
            try c.expectRParen()
        } else {
            guard c.atLParen else { throw c.unexpected() }
            var ctx = FunctionContext()
            try foldedInstruction(&expr, &ctx)
            expr.append(0x0B)
        }
        return expr
    }

    enum SegmentMode {
        case passive, declarative
        case active(table: UInt32, offset: [UInt8])
    }

    /// Element items: function indices (`func x*` or legacy bare indices) or expressions.
    enum ElementItems {
        case functions([UInt32])
        case expressions(RefType, [[UInt8]])
    }

    /// An element list after the segment's mode; returns the items and their count.
    private mutating func elementList(type: RefType?, implicitFuncIndices: Bool) throws(WasmError) -> (ElementItems, Int) {
        var elemType = type
        if elemType == nil {
            if c.takeKeyword("func") {
                var fs: [UInt32] = []
                while atIndex { fs.append(try index(.function)) }
                return (.functions(fs), fs.count)
            }
            if c.atom != nil && !c.atNat || c.atField("ref") {
                elemType = try refType()
            }
        }
        guard let elemType else {
            var fs: [UInt32] = []
            while atIndex { fs.append(try index(.function)) }
            return (.functions(fs), fs.count)
        }
        if implicitFuncIndices && atIndex {
            var fs: [UInt32] = []
            while atIndex { fs.append(try index(.function)) }
            // A typed table's indices stand for `ref.func x` items of the table's type.
            guard elemType != .funcRef else { return (.functions(fs), fs.count) }
            let exprs = fs.map { f -> [UInt8] in
                var expr: [UInt8] = [0xD2]
                expr.appendULEB(f)
                expr.append(0x0B)
                return expr
            }
            return (.expressions(elemType, exprs), exprs.count)
        }
        var exprs: [[UInt8]] = []
        while c.atLParen {
            var expr: [UInt8] = []
            if c.takeField("item") {
                try constantExpression(into: &expr)
                try c.expectRParen()
            } else {
                var ctx = FunctionContext()
                try foldedInstruction(&expr, &ctx)
                expr.append(0x0B)
            }
            exprs.append(expr)
        }
        return (.expressions(elemType, exprs), exprs.count)
    }

    /// The function index of an expression that is exactly `ref.func x`.
    private static func referencedFunction(_ expr: [UInt8]) -> UInt32? {
        guard expr.count >= 3, expr.first == 0xD2, expr.last == 0x0B else { return nil }
        var reader = ByteReader(Array(expr.dropFirst()))
        guard let index = try? reader.readU32(), reader.remaining == 1 else { return nil }
        return index
    }

    private func elementSegment(_ mode: SegmentMode, _ items: ElementItems) -> [UInt8] {
        var items = items
        // Lists of plain `ref.func x` take the compact index form when its element type is
        // the segment's: funcref in Wasm 2.0, (ref func) with function references.
        let indexFormType = features.contains(.functionReferences) ? RefType(nullable: false, .func) : .funcRef
        if case .expressions(let type, let exprs) = items, type == indexFormType {
            let functions = exprs.compactMap(Self.referencedFunction)
            if functions.count == exprs.count { items = .functions(functions) }
        }
        var out: [UInt8] = []
        switch items {
        case .functions(let fs):
            switch mode {
            case .active(0, let offset):
                out.append(0x00)
                out.append(contentsOf: offset)
            case .passive:
                out.append(contentsOf: [0x01, 0x00])
            case .active(let table, let offset):
                out.append(0x02)
                out.appendULEB(table)
                out.append(contentsOf: offset)
                out.append(0x00)
            case .declarative:
                out.append(contentsOf: [0x03, 0x00])
            }
            out.appendULEB(fs.count)
            for f in fs { out.appendULEB(f) }
        case .expressions(let type, let exprs):
            switch mode {
            case .active(0, let offset) where type == .funcRef:
                out.append(0x04)
                out.append(contentsOf: offset)
            case .passive:
                out.append(0x05)
                out.append(type)
            case .active(let table, let offset):
                out.append(0x06)
                out.appendULEB(table)
                out.append(contentsOf: offset)
                out.append(type)
            case .declarative:
                out.append(0x07)
                out.append(type)
            }
            out.appendULEB(exprs.count)
            for e in exprs { out.append(contentsOf: e) }
        }
        return out
    }

    mutating func parseElem() throws(WasmError) {
        c.pos += 2
        _ = c.optionalId()
        var mode = SegmentMode.passive
        if c.takeKeyword("declare") {
            mode = .declarative
        } else if c.atLParen && !c.atField("ref") || c.atNat {
            var table: UInt32 = 0
            if c.takeField("table") {
                table = try index(.table)
                try c.expectRParen()
            } else if atIndex {
                table = try index(.table)
            }
            mode = .active(table: table, offset: try offsetExpression())
        }
        let (items, _) = try elementList(type: nil, implicitFuncIndices: false)
        try c.expectRParen()
        builder.elements.append(elementSegment(mode, items))
        counts[IndexSpace.elem.rawValue] += 1
    }

    mutating func parseData() throws(WasmError) {
        c.pos += 2
        _ = c.optionalId()
        var segment: [UInt8] = []
        if c.atLParen || atIndex {
            var memory: UInt32 = 0
            if c.takeField("memory") {
                memory = try index(.memory)
                try c.expectRParen()
            } else if atIndex {
                memory = try index(.memory)
            }
            appendDataHeader(memory: memory, offset: try offsetExpression(), into: &segment)
        } else {
            segment.append(0x01)
        }
        var bytes: [UInt8] = []
        while c.atString { bytes.append(contentsOf: try c.string()) }
        try c.expectRParen()
        segment.appendVector(bytes)
        builder.data.append(segment)
        counts[IndexSpace.data.rawValue] += 1
    }
}

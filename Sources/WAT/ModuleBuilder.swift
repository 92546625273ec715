import WasmCore

/// The encoded entries of each section, assembled into a binary module at the end.
struct ModuleBuilder {
    /// Explicit types first, then the implicit ones of inline type uses.
    var types: [SubType] = []
    /// The recursion groups partitioning `types`, in order. `explicit` marks a written
    /// `(rec ...)`, encoded with 0x4E even when it holds one type (or none).
    var recursionGroups: [(types: Range<Int>, explicit: Bool)] = []
    var explicitTypeCount = 0
    var imports: [[UInt8]] = []
    var functions: [UInt32] = []
    var tables: [[UInt8]] = []
    var memories: [[UInt8]] = []
    var tags: [[UInt8]] = []
    var globals: [[UInt8]] = []
    var exports: [(String, ExternalKind, UInt32)] = []
    var start: UInt32?
    var elements: [[UInt8]] = []
    var codes: [[UInt8]] = []
    var data: [[UInt8]] = []
    /// memory.init / data.drop need the data count section.
    var usesDataCount = false
    /// Function identifiers by index, written as a `name` section when `keepsFunctionNames`.
    var functionNames: [UInt32: String] = [:]
    var keepsFunctionNames = false

    /// Appends a recursion group of `members`.
    mutating func appendGroup(_ members: [SubType], explicit: Bool) {
        recursionGroups.append((types.count..<(types.count + members.count), explicit))
        types.append(contentsOf: members)
    }

    /// The signature of type `index` when it is a function type.
    func functionType(_ index: UInt32) -> FunctionType? {
        Int(index) < types.count ? types[Int(index)].composite.functionType : nil
    }

    /// The index of a function type for an inline type use. The text format gives it the
    /// first type that is exactly `(rec (type (sub final (func ...))))`, i.e. alone in its
    /// recursion group, final and without supertypes, so the use means the same type
    /// under iso-recursive equivalence; otherwise a new such group is appended.
    mutating func implicitType(_ type: FunctionType) -> UInt32 {
        let wanted = SubType(type)
        for group in recursionGroups where group.types.count == 1 && types[group.types.lowerBound] == wanted {
            return UInt32(group.types.lowerBound)
        }
        appendGroup([wanted], explicit: false)
        return UInt32(types.count - 1)
    }

    func encode() -> [UInt8] {
        var out: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
        func vectorSection(_ id: UInt8, _ entries: [[UInt8]]) {
            guard !entries.isEmpty else { return }
            var body: [UInt8] = []
            body.appendULEB(entries.count)
            for e in entries { body.append(contentsOf: e) }
            out.appendSection(id, body)
        }
        vectorSection(1, recursionGroups.map { group in
            var e: [UInt8] = []
            if group.explicit {
                e.append(0x4E)
                e.appendULEB(group.types.count)
            }
            for t in types[group.types] { e.append(t) }
            return e
        })
        vectorSection(2, imports)
        vectorSection(3, functions.map { i in
            var e: [UInt8] = []
            e.appendULEB(i)
            return e
        })
        vectorSection(4, tables)
        vectorSection(5, memories)
        vectorSection(13, tags)
        vectorSection(6, globals)
        vectorSection(7, exports.map { (name, kind, index) in
            var e: [UInt8] = []
            e.appendVector(Array(name.utf8))
            e.append(kind.rawValue)
            e.appendULEB(index)
            return e
        })
        if let start {
            var body: [UInt8] = []
            body.appendULEB(start)
            out.appendSection(8, body)
        }
        vectorSection(9, elements)
        if usesDataCount {
            var body: [UInt8] = []
            body.appendULEB(data.count)
            out.appendSection(12, body)
        }
        vectorSection(10, codes.map { body in
            var e: [UInt8] = []
            e.appendVector(body)
            return e
        })
        vectorSection(11, data)
        if keepsFunctionNames && !functionNames.isEmpty { out.appendSection(0, nameSection()) }
        return out
    }

    /// The `name` custom section with the function-name subsection (id 1): a name map
    /// sorted by function index.
    private func nameSection() -> [UInt8] {
        var map: [UInt8] = []
        map.appendULEB(functionNames.count)
        for (index, name) in functionNames.sorted(by: { $0.key < $1.key }) {
            map.appendULEB(index)
            map.appendVector(Array(name.utf8))
        }
        var body: [UInt8] = []
        body.appendVector(Array("name".utf8))
        body.append(1)
        body.appendVector(map)
        return body
    }
}

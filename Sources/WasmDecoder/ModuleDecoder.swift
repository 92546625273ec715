import WasmCore

/// Decodes a binary module (the complete Wasm 2.0 format plus the 3.0 additions enabled in
/// `features`). Function bodies are checked for well-formedness here (every instruction
/// decodes and the final `end` closes the body exactly), so a decoded module only needs
/// validation. Errors use the spec testsuite's wording.
public func decodeModule(_ bytes: [UInt8], features: WasmFeatures = .wasm3) throws(WasmError) -> Module {
    var decoder = ModuleDecoder(bytes: bytes, features: features)
    do {
        return try decoder.decode()
    } catch {
        // The module is read as one stream, so any premature end is reported the way the
        // reference interpreter words it.
        if error.kind == .malformed && error.message == "unexpected end" {
            throw ByteReader.endError(at: error.offset ?? bytes.count)
        }
        throw error
    }
}

/// Section ids and their required order.
enum SectionID: UInt8 {
    case custom = 0, type, `import`, function, table, memory, global, export, start, element, code, data, dataCount, tag

    /// Position in the mandatory section order (tags sit between memories and globals).
    var rank: Int {
        switch self {
        case .custom: 0
        case .type: 1
        case .import: 2
        case .function: 3
        case .table: 4
        case .memory: 5
        case .tag: 6
        case .global: 7
        case .export: 8
        case .start: 9
        case .element: 10
        case .dataCount: 11
        case .code: 12
        case .data: 13
        }
    }
}

/// The state of one module decode. Like the reference interpreter it reads the module as a
/// single stream and checks each sized item's extent afterwards, which decides which error
/// a malformed module reports.
struct ModuleDecoder {
    var reader: ByteReader
    let features: WasmFeatures
    var module = Module()
    /// Whether any function body uses a data index (memory.init, data.drop).
    var usesDataIndex = false
    /// Reused control-kind stack of `scanCode`.
    var blockKinds: [UInt8] = []

    init(bytes: [UInt8], features: WasmFeatures) {
        reader = ByteReader(bytes)
        self.features = features
        module.bytes = bytes
    }

    mutating func decode() throws(WasmError) -> Module {
        guard try reader.readFixedU32() == 0x6D73_6100 else { throw .malformed("magic header not detected", offset: 0) }
        guard try reader.readFixedU32() == 1 else { throw .malformed("unknown binary version", offset: 4) }
        var lastRank = 0
        while !reader.isAtEnd {
            let idOffset = reader.offset
            let rawID = try reader.peekByte()
            guard let id = SectionID(rawValue: rawID), id != .tag || features.contains(.exceptions) else {
                throw .malformed("malformed section id", offset: idOffset)
            }
            if id != .custom {
                guard id.rank > lastRank else {
                    throw .malformed("unexpected content after last section", offset: idOffset)
                }
                lastRank = id.rank
            }
            reader.offset += 1
            let size = try reader.readLength()
            let start = reader.offset
            switch id {
            case .custom: try readCustomSection(end: start + size)
            case .type: try readTypeSection()
            case .import: try readImportSection()
            case .function: try readFunctionSection()
            case .table: try readTableSection()
            case .memory: try readMemorySection()
            case .tag: try readTagSection()
            case .global: try readGlobalSection()
            case .export: try readExportSection()
            case .start: module.start = try reader.readU32()
            case .element: try readElementSection()
            case .dataCount: module.dataCount = try reader.readU32()
            case .code: try readCodeSection()
            case .data: try readDataSection()
            }
            guard reader.offset == start + size else { throw .malformed("section size mismatch", offset: start) }
        }
        guard module.functions.count == module.codes.count else {
            throw .malformed("function and code section have inconsistent lengths", offset: reader.offset)
        }
        if let count = module.dataCount, Int(count) != module.data.count {
            throw .malformed("data count and data section have inconsistent lengths", offset: reader.offset)
        }
        if module.dataCount == nil && usesDataIndex {
            throw .malformed("data count section required", offset: reader.offset)
        }
        return module
    }

    // MARK: Sections

    mutating func readCustomSection(end: Int) throws(WasmError) {
        let name = try reader.readWasmName()
        // A name longer than the section makes the remaining size negative; a size read
        // from the input may also reach past its end.
        guard reader.offset <= end, end <= reader.bytes.count else { throw ByteReader.endError(at: reader.bytes.count) }
        let payload = reader.offset..<end
        reader.offset = end
        module.customSections.append(CustomSection(name: name, range: payload))
        if name == "name" {
            module.names = NameSectionParser.parse(bytes: reader.bytes, range: payload)
        }
    }

    mutating func readTypeSection() throws(WasmError) {
        let count = try reader.readLength()
        for _ in 0..<count { module.appendRecursionGroup(try reader.readRecursionGroup(features)) }
    }

    mutating func readImportSection() throws(WasmError) {
        let count = try reader.readLength()
        for _ in 0..<count {
            let moduleName = try reader.readWasmName()
            let name = try reader.readWasmName()
            let kindOffset = reader.offset
            let descriptor: Import.Descriptor
            switch try reader.readByte() {
            case 0: descriptor = .function(typeIndex: try reader.readU32())
            case 1: descriptor = .table(try reader.readTableType(features))
            case 2: descriptor = .memory(MemoryType(try reader.readLimits(features)))
            case 3: descriptor = .global(try reader.readGlobalType(features))
            case 4 where features.contains(.exceptions): descriptor = .tag(try reader.readTagType())
            default: throw .malformed("malformed import kind", offset: kindOffset)
            }
            module.imports.append(Import(module: moduleName, name: name, descriptor: descriptor))
        }
    }

    mutating func readFunctionSection() throws(WasmError) {
        let count = try reader.readLength()
        for _ in 0..<count { module.functions.append(try reader.readU32()) }
    }

    mutating func readTableSection() throws(WasmError) {
        let count = try reader.readLength()
        for _ in 0..<count {
            // Function references: `0x40 0x00 tabletype expr` declares an initialiser.
            if features.contains(.functionReferences), try reader.peekByte() == 0x40 {
                reader.offset += 1
                let start = reader.offset
                guard try reader.readByte() == 0 else { throw .malformed("malformed table", offset: start) }
                let type = try reader.readTableType(features)
                module.tables.append(Table(type: type, initializer: try readConstExpression()))
            } else {
                module.tables.append(Table(type: try reader.readTableType(features)))
            }
        }
    }

    mutating func readMemorySection() throws(WasmError) {
        let count = try reader.readLength()
        for _ in 0..<count { module.memories.append(MemoryType(try reader.readLimits(features))) }
    }

    mutating func readTagSection() throws(WasmError) {
        let count = try reader.readLength()
        for _ in 0..<count { module.tags.append(try reader.readTagType()) }
    }

    mutating func readGlobalSection() throws(WasmError) {
        let count = try reader.readLength()
        for _ in 0..<count {
            let type = try reader.readGlobalType(features)
            module.globals.append(Global(type: type, initializer: try readConstExpression()))
        }
    }

    mutating func readExportSection() throws(WasmError) {
        let count = try reader.readLength()
        for _ in 0..<count {
            let name = try reader.readWasmName()
            let kindOffset = reader.offset
            let raw = try reader.readByte()
            guard let kind = ExternalKind(rawValue: raw), kind != .tag || features.contains(.exceptions) else {
                throw .malformed("malformed export kind", offset: kindOffset)
            }
            module.exports.append(Export(name: name, kind: kind, index: try reader.readU32()))
        }
    }

    mutating func readDataSection() throws(WasmError) {
        let count = try reader.readLength()
        for _ in 0..<count {
            let flagsOffset = reader.offset
            let mode: DataSegment.Mode
            switch try reader.readU32() {
            case 0: mode = .active(memory: 0, offset: try readConstExpression())
            case 1: mode = .passive
            case 2:
                let memory = try reader.readU32()
                mode = .active(memory: memory, offset: try readConstExpression())
            default: throw .malformed("malformed data segment kind", offset: flagsOffset)
            }
            let length = try reader.readLength()
            guard length <= reader.bytes.count - reader.offset else { throw ByteReader.endError(at: reader.bytes.count) }
            module.data.append(DataSegment(mode: mode, range: reader.offset..<reader.offset + length))
            reader.offset += length
        }
    }
}

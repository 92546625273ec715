import Platform
import WasmCore

/// A snapshot on disk (`wasmlab snapshot`, `wasmlab run --snapshot`): little-endian,
///
///     "WLSNAP01"  module length u64, module CRC-32 u32      the module it belongs to
///     memories: count u32, then each: pages u64, non-zero system pages u32,
///               then each: index u32, the page's bytes
///     globals:  count u32, then each: index u32, cell
///     tables:   count u32, then each: elements u32, then a cell each
///     dropped element segments, dropped data segments: count u32, a byte each
///     CRC-32 u32 of everything before it
///
/// where a cell is a kind byte (0: bits, 1: function index) and two u64 (low, high). A
/// snapshot holding references of its own instance cannot be written.
extension InstanceSnapshot {
    static let magic = Array("WLSNAP01".utf8)

    /// The snapshot as a file's bytes, for the module `module` (its binary).
    ///
    /// - Throws: `WasmError` when the snapshot is not portable.
    public func serialized(module: [UInt8]) throws(WasmError) -> [UInt8] {
        guard isPortable else { throw WasmError(.uninstantiable, "the snapshot holds references of its own instance") }
        var out = Self.magic
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        func cell(_ c: Cell) {
            switch c {
            case .bits(let low, let high), .local(let low, let high): out.append(0); u64(low); u64(high)
            case .function(let index): out.append(1); u64(UInt64(index)); u64(0)
            }
        }
        u64(UInt64(module.count))
        u32(CRC32.checksum(module))
        u32(UInt32(memories.count))
        for image in memories {
            u64(image.pageCount)
            let pages = image.pages()
            u32(UInt32(pages.count))
            for (index, bytes) in pages {
                u32(UInt32(index))
                out += bytes
            }
        }
        u32(UInt32(globals.count))
        for (index, c) in globals {
            u32(UInt32(index))
            cell(c)
        }
        u32(UInt32(tables.count))
        for cells in tables {
            u32(UInt32(cells.count))
            cells.forEach(cell)
        }
        for flags in [droppedElements, droppedData] {
            u32(UInt32(flags.count))
            out += flags.map { $0 ? 1 : 0 }
        }
        u32(CRC32.checksum(out))
        return out
    }

    /// A snapshot read from a file's bytes, for instances of `module` (its binary, the one
    /// the snapshot was taken of) compiled as `code`.
    ///
    /// - Throws: `WasmError` (`.malformed`) for damaged bytes or another module's snapshot.
    public convenience init(serialized bytes: [UInt8], module: [UInt8], code: any CompiledCode) throws(WasmError) {
        var reader = SnapshotReader(bytes: bytes)
        guard bytes.count >= Self.magic.count + 4, Array(bytes.prefix(Self.magic.count)) == Self.magic else {
            throw WasmError(.malformed, "not a WasmLab snapshot")
        }
        let body = bytes[..<(bytes.count - 4)]
        let stored = bytes.suffix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        guard CRC32.checksum(Array(body)) == stored else { throw WasmError(.malformed, "the snapshot is damaged (checksum mismatch)") }
        reader.offset = Self.magic.count
        guard try reader.u64() == UInt64(module.count), try reader.u32() == CRC32.checksum(module) else {
            throw WasmError(.malformed, "the snapshot was taken of another module")
        }
        var memories: [MemoryImage] = []
        for _ in 0 ..< (try reader.u32()) {
            let pageCount = try reader.u64()
            var pages: [(index: Int, bytes: ArraySlice<UInt8>)] = []
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            for _ in 0 ..< (try reader.u32()) { pages.append((Int(try reader.u32()), try reader.bytes(page))) }
            memories.append(try MemoryImage(pageCount: pageCount, pages: pages))
        }
        func cell() throws(WasmError) -> Cell {
            let kind = try reader.bytes(1).first!
            let low = try reader.u64(), high = try reader.u64()
            switch kind {
            case 0: return .bits(low, high)
            case 1: return .function(Int(low))
            default: throw WasmError(.malformed, "the snapshot is damaged (cell kind \(kind))")
            }
        }
        var globals: [(index: Int, cell: Cell)] = []
        for _ in 0 ..< (try reader.u32()) { globals.append((Int(try reader.u32()), try cell())) }
        var tables: [[Cell]] = []
        for _ in 0 ..< (try reader.u32()) {
            var cells: [Cell] = []
            for _ in 0 ..< (try reader.u32()) { cells.append(try cell()) }
            tables.append(cells)
        }
        let droppedElements = try reader.bytes(Int(try reader.u32())).map { $0 != 0 }
        let droppedData = try reader.bytes(Int(try reader.u32())).map { $0 != 0 }
        self.init(code: ObjectIdentifier(code), memories: memories, globals: globals, tables: tables,
                  droppedElements: droppedElements, droppedData: droppedData)
    }
}

/// Reads a snapshot file's fields, refusing to read past its end.
private struct SnapshotReader {
    let bytes: [UInt8]
    var offset = 0

    mutating func bytes(_ count: Int) throws(WasmError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - 4 - offset else { throw WasmError(.malformed, "the snapshot is truncated") }
        defer { offset += count }
        return bytes[offset ..< offset + count]
    }

    mutating func u32() throws(WasmError) -> UInt32 {
        try bytes(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func u64() throws(WasmError) -> UInt64 {
        try bytes(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}

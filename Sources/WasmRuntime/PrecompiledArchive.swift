import WasmCore

/// Fixed-width little-endian fields for precompiled modules (`Engine.precompile`): what
/// the engine writes in the header and what a tier writes for its code.
public struct ArchiveWriter {
    /// What was written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty archive.
    public init() {}

    /// Appends one byte.
    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    /// Appends four bytes, little-endian.
    public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    /// Appends eight bytes, little-endian.
    public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    /// Appends an `Int` as eight bytes.
    public mutating func int(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }
    /// Appends a byte, 1 or 0.
    public mutating func bool(_ v: Bool) { u8(v ? 1 : 0) }

    /// A length, then the bytes.
    public mutating func blob(_ v: [UInt8]) {
        u64(UInt64(v.count))
        bytes += v
    }

    /// Appends a string as a blob of its UTF-8 bytes.
    public mutating func string(_ v: String) { blob(Array(v.utf8)) }
}

/// Reads what `ArchiveWriter` wrote; running past the end or an implausible length is a
/// malformed archive, never a crash.
public struct ArchiveReader {
    let bytes: [UInt8]
    /// Where the next read starts.
    public private(set) var offset: Int
    /// Where reading stops (the bytes after it belong to someone else, e.g. a checksum).
    let end: Int

    /// A reader of `bytes` from `offset` up to `end` (default: the last byte).
    public init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = Swift.min(Swift.max(end ?? bytes.count, 0), bytes.count)
    }

    /// Whether every byte up to the end was read.
    public var isAtEnd: Bool { offset == end }

    static func truncated() -> WasmError { WasmError(.malformed, "precompiled module is truncated") }

    mutating func take(_ n: Int) throws(WasmError) -> ArraySlice<UInt8> {
        guard n >= 0, n <= end - offset else { throw Self.truncated() }
        defer { offset += n }
        return bytes[offset ..< offset + n]
    }

    /// Reads one byte.
    public mutating func u8() throws(WasmError) -> UInt8 { try take(1).first! }

    /// Reads four bytes, little-endian.
    public mutating func u32() throws(WasmError) -> UInt32 {
        try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Reads eight bytes, little-endian.
    public mutating func u64() throws(WasmError) -> UInt64 {
        try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Reads an `Int` written by `ArchiveWriter.int`.
    public mutating func int() throws(WasmError) -> Int { Int(truncatingIfNeeded: Int64(bitPattern: try u64())) }

    /// Reads a byte as a Boolean.
    public mutating func bool() throws(WasmError) -> Bool { try u8() != 0 }

    /// A count of items that each take at least `minimumSize` bytes: never more than the
    /// bytes left could hold (a corrupt count must not allocate gigabytes).
    public mutating func count(minimumSize: Int = 1) throws(WasmError) -> Int {
        let n = try u64()
        guard n <= UInt64(end - offset) / UInt64(max(minimumSize, 1)) else { throw Self.truncated() }
        return Int(n)
    }

    /// Reads a length and that many bytes.
    public mutating func blob() throws(WasmError) -> [UInt8] { Array(try take(try count())) }

    /// Reads a blob as UTF-8 text.
    public mutating func string() throws(WasmError) -> String {
        let raw = try blob()
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw WasmError(.malformed, "precompiled module has a malformed string")
        }
        return text
    }
}

/// A cursor over bytes with the primitive decoders of the binary format (LEB128 with the
/// spec's length and range limits, IEEE floats, names). Errors carry testsuite wording.
public struct ByteReader: Sendable {
    /// The bytes read.
    public let bytes: [UInt8]
    /// Where the next read starts.
    public var offset: Int
    /// One past the last byte this reader may consume (a section or function end).
    public var limit: Int

    /// `limit` is clamped to the bytes there are: a length read from the input may point
    /// past its end, and reads must then fail as "unexpected end", not index out of range.
    public init(_ bytes: [UInt8], offset: Int = 0, limit: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.limit = Swift.min(limit ?? bytes.count, bytes.count)
    }

    /// Whether the limit is reached.
    public var isAtEnd: Bool { offset >= limit }
    /// Bytes left before the limit.
    public var remaining: Int { limit - offset }

    /// One byte; "unexpected end" past the limit.
    @inlinable @inline(__always)
    public mutating func readByte() throws(WasmError) -> UInt8 {
        guard offset < limit else { throw endError() }
        let b = bytes[offset]
        offset += 1
        return b
    }

    /// The error of reading past `limit` (kept out of line: `readByte` is inlined widely).
    @usableFromInline @inline(never)
    func endError() -> WasmError {
        .malformed(limit < bytes.count ? "unexpected end of section or function" : "unexpected end", offset: offset)
    }

    /// The next `count` bytes.
    public mutating func readBytes(_ count: Int) throws(WasmError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw .malformed(limit < bytes.count ? "unexpected end of section or function" : "unexpected end", offset: offset)
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    /// Unsigned LEB128 of at most `bits` bits (u32: at most 5 bytes, unused bits zero).
    public mutating func readULEB(bits: Int) throws(WasmError) -> UInt64 {
        var result: UInt64 = 0
        var shift = 0
        let maxBytes = (bits + 6) / 7
        for i in 0..<maxBytes {
            let byte = try readByte()
            let payload = UInt64(byte & 0x7F)
            if i == maxBytes - 1 {
                // The last permitted byte: no continuation, and bits beyond `bits` must be zero.
                if byte & 0x80 != 0 { throw .malformed("integer representation too long", offset: offset - 1) }
                let used = bits - shift
                if used < 7 && payload >> UInt64(used) != 0 { throw .malformed("integer too large", offset: offset - 1) }
            }
            result |= payload << UInt64(shift)
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw .malformed("integer representation too long", offset: offset)
    }

    /// Signed LEB128 of at most `bits` bits; unused bits must be a sign extension.
    public mutating func readSLEB(bits: Int) throws(WasmError) -> Int64 {
        var result: Int64 = 0
        var shift = 0
        let maxBytes = (bits + 6) / 7
        for i in 0..<maxBytes {
            let byte = try readByte()
            let payload = Int64(byte & 0x7F)
            if i == maxBytes - 1 {
                if byte & 0x80 != 0 { throw .malformed("integer representation too long", offset: offset - 1) }
                let used = bits - shift  // payload bits that carry value, the rest must equal the sign
                if used < 7 {
                    let signAndRest = payload >> Int64(used - 1)
                    let allOnes = Int64((1 << (7 - used + 1)) - 1)
                    if signAndRest != 0 && signAndRest != allOnes { throw .malformed("integer too large", offset: offset - 1) }
                }
            }
            result |= payload << Int64(shift)
            shift += 7
            if byte & 0x80 == 0 {
                if shift < 64 && byte & 0x40 != 0 { result |= -1 << Int64(shift) }
                return result
            }
        }
        throw .malformed("integer representation too long", offset: offset)
    }

    // One-byte encodings (most indices and small constants) skip the general loop; a
    // single byte is always within the limits of these widths.
    /// An unsigned LEB128 of at most 32 bits.
    @inlinable @inline(__always)
    public mutating func readU32() throws(WasmError) -> UInt32 {
        if offset < limit, bytes[offset] < 0x80 {
            offset += 1
            return UInt32(bytes[offset - 1])
        }
        return UInt32(try readULEB(bits: 32))
    }

    /// A signed LEB128 of at most 32 bits.
    @inlinable @inline(__always)
    public mutating func readI32() throws(WasmError) -> Int32 {
        if offset < limit, bytes[offset] < 0x80 {
            offset += 1
            return Int32(bytes[offset - 1] ^ 0x40) - 0x40  // sign-extend bit 6
        }
        return Int32(truncatingIfNeeded: try readSLEB(bits: 32))
    }

    /// A signed LEB128 of at most 64 bits.
    @inlinable @inline(__always)
    public mutating func readI64() throws(WasmError) -> Int64 {
        if offset < limit, bytes[offset] < 0x80 {
            offset += 1
            return Int64(bytes[offset - 1] ^ 0x40) - 0x40
        }
        return try readSLEB(bits: 64)
    }
    /// The signed 33-bit block type index.
    public mutating func readS33() throws(WasmError) -> Int64 { try readSLEB(bits: 33) }

    /// Four bytes, little-endian (f32 constants).
    public mutating func readFixedU32() throws(WasmError) -> UInt32 {
        guard remaining >= 4 else { _ = try readBytes(4); return 0 }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[offset + i]) << UInt32(8 * i) }
        offset += 4
        return v
    }

    /// Eight bytes, little-endian (f64 constants).
    public mutating func readFixedU64() throws(WasmError) -> UInt64 {
        guard remaining >= 8 else { _ = try readBytes(8); return 0 }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
        offset += 8
        return v
    }

    /// A length-prefixed UTF-8 name.
    public mutating func readName() throws(WasmError) -> String {
        let length = Int(try readU32())
        guard length <= remaining else {
            throw .malformed(limit < bytes.count ? "unexpected end of section or function" : "unexpected end", offset: offset)
        }
        let raw = try readBytes(length)
        guard let text = UTF8Validation.decode(raw) else { throw .malformed("malformed UTF-8 encoding", offset: offset) }
        return text
    }
}

/// Strict UTF-8 validation (no overlongs, no surrogates, at most U+10FFFF).
public enum UTF8Validation {
    /// The text of `bytes`, nil unless it is well-formed UTF-8.
    public static func decode<C: Collection>(_ bytes: C) -> String? where C.Element == UInt8 {
        // Callers in other modules reach this unspecialised: check contiguous bytes
        // through a concrete buffer instead of a generic iterator.
        if let text = bytes.withContiguousStorageIfAvailable({ decode(buffer: $0) }) { return text }
        return decode(Array(bytes))
    }

    /// The text of `bytes`, nil unless it is well-formed UTF-8.
    public static func decode(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { decode(buffer: $0) }
    }

    /// The text of `bytes`, nil unless it is well-formed UTF-8.
    public static func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.withUnsafeBufferPointer { decode(buffer: $0) }
    }

    private static func decode(buffer bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var it = bytes.makeIterator()
        while let b0 = it.next() {
            if b0 < 0x80 { continue }
            let count: Int
            var min: UInt32
            var cp: UInt32
            switch b0 {
            case 0xC2...0xDF: count = 1; min = 0x80; cp = UInt32(b0 & 0x1F)
            case 0xE0...0xEF: count = 2; min = 0x800; cp = UInt32(b0 & 0x0F)
            case 0xF0...0xF4: count = 3; min = 0x10000; cp = UInt32(b0 & 0x07)
            default: return nil
            }
            for _ in 0..<count {
                guard let b = it.next(), b & 0xC0 == 0x80 else { return nil }
                cp = cp << 6 | UInt32(b & 0x3F)
            }
            if cp < min || cp > 0x10FFFF || (0xD800...0xDFFF).contains(cp) { return nil }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

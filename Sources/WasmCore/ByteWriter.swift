/// Little-endian and LEB128 encoders appended to a byte buffer: the binary format's
/// (`ByteReader` reads them), DWARF's and ELF's.
extension Array where Element == UInt8 {
    /// `value` as an unsigned LEB128 number.
    public mutating func appendULEB(_ value: UInt64) {
        var v = value
        repeat {
            var byte = UInt8(v & 0x7F)
            v >>= 7
            if v != 0 { byte |= 0x80 }
            append(byte)
        } while v != 0
    }

    /// `value` as an unsigned LEB128 number.
    public mutating func appendULEB(_ value: UInt32) { appendULEB(UInt64(value)) }
    /// `value` (not negative) as an unsigned LEB128 number.
    public mutating func appendULEB(_ value: Int) { appendULEB(UInt64(value)) }

    /// `value` as a signed LEB128 number.
    public mutating func appendSLEB(_ value: Int64) {
        var v = value
        while true {
            let byte = UInt8(v & 0x7F)
            v >>= 7
            let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0)
            append(done ? byte : byte | 0x80)
            if done { return }
        }
    }

    /// The low `count` bytes of `bits`, least significant first.
    public mutating func appendFixed(_ bits: UInt64, bytes count: Int) {
        for k in 0..<count { append(UInt8(truncatingIfNeeded: bits >> UInt64(8 * k))) }
    }

    /// `value` in its own width, least significant byte first.
    public mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

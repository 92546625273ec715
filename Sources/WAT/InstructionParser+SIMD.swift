import WasmCore

/// Text forms of the SIMD immediates: `v128.const shape lane*`, the sixteen lane indices
/// of `i8x16.shuffle`, a lane index, and `memidx? memarg lane` for the lane loads/stores.
extension ModuleParser {
    mutating func simdImmediate(_ info: OpcodeInfo, _ out: inout [UInt8]) throws(WasmError) {
        switch info.immediate {
        case .v128:
            try vectorLiteral(&out)
        case .shuffle:
            for _ in 0..<16 {
                guard c.atom != nil else { throw c.error("invalid lane length") }
                out.append(try laneIndex())
            }
            if c.atNat { throw c.error("invalid lane length") }
        case .lane:
            out.append(try laneIndex())
        case .memargLane:
            // `memidx? memarg lane`: a leading index is a memory only when a lane follows it.
            var hasMemory = false
            if case .id = c.peek().kind { hasMemory = true }
            if c.atNat, case .atom(let next) = c.peek(1).kind {
                hasMemory = isLaneToken(c.peek(1)) || next.hasPrefix("offset=") || next.hasPrefix("align=")
            }
            try memoryArgument(naturalAlignment: info.naturalAlignment, allowMemoryIndex: hasMemory, &out)
            out.append(try laneIndex())
        default:
            throw c.unexpected()
        }
    }

    private func isLaneToken(_ token: Token) -> Bool {
        if case .atom(let a) = token.kind, let first = a.utf8.first {
            return first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")
        }
        return false
    }

    /// A lane index: an unsigned literal below 256 (range per shape is the validator's).
    private mutating func laneIndex() throws(WasmError) -> UInt8 {
        guard let text = c.atom, c.atNat else { throw c.unexpected() }
        let value: UInt64?
        do { value = try NumericLiteral.unsigned(text, bits: 64) } catch { throw c.error("malformed lane index") }
        guard let value else { throw c.error("unexpected token") }
        guard value < 256 else { throw c.error("malformed lane index") }
        c.advance()
        return UInt8(value)
    }

    /// `shape lane*` of a `v128.const`, encoded as sixteen little-endian bytes.
    private mutating func vectorLiteral(_ out: inout [UInt8]) throws(WasmError) {
        guard let shape = c.atom else { throw c.unexpected() }
        let laneBits: Int
        let format: FloatFormat?
        switch shape {
        case "i8x16": (laneBits, format) = (8, nil)
        case "i16x8": (laneBits, format) = (16, nil)
        case "i32x4": (laneBits, format) = (32, nil)
        case "i64x2": (laneBits, format) = (64, nil)
        case "f32x4": (laneBits, format) = (32, .f32)
        case "f64x2": (laneBits, format) = (64, .f64)
        default: throw c.error("unexpected token")
        }
        c.advance()
        for _ in 0..<(128 / laneBits) {
            guard let text = c.atom else { throw c.unexpected() }
            let bits: UInt64?
            do {
                if let format { bits = try NumericLiteral.float(text, format) } else { bits = try NumericLiteral.integer(text, bits: laneBits) }
            } catch {
                throw c.error(error.message)
            }
            guard let bits else { throw c.error("unknown operator") }
            c.advance()
            out.appendFixed(bits, bytes: laneBits / 8)
        }
    }
}

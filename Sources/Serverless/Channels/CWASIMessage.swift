import WasmRuntime

/// CWASI's message from a caller: a JSON object with the strings `source_channel` (the
/// caller), `target_channel` (the callee, as its module's file name: `func_b.wasm`) and
/// `payload`. Other keys, of any JSON type, are ignored (later CWASI versions add `start`).
///
/// Read by a scanner of its own rather than a general JSON decoder: the payload is
/// megabytes, and a string without escapes is sliced out as it is, in one pass.
struct CWASIMessage: Equatable {
    var sourceChannel: String
    var targetChannel: String
    /// The payload's bytes (UTF-8, escapes decoded): in place, when read from a buffer
    /// and free of escapes.
    var body: CWASIPayload

    /// The payload's bytes, copied.
    var payload: [UInt8] { body.copy() }

    /// Deepest nesting of an ignored value.
    static let maxDepth = 64

    /// The message encoded in `bytes`; nil when they are not such an object (RFC 8259).
    init?(json bytes: [UInt8]) {
        guard var message = bytes.withUnsafeBufferPointer({ Self(json: $0) }) else { return nil }
        message.body = .decoded(message.payload)
        self = message
    }

    /// The message encoded in `buffer` (read in place: a guest's memory, say); a
    /// payload without escapes stays there (valid as long as `buffer` is).
    init?(json buffer: UnsafeBufferPointer<UInt8>) {
        var fields: (source: ScannedString?, target: ScannedString?, payload: ScannedString?)
        var scanner = Scanner(bytes: buffer)
        let parsed = scanner.object { key, scanner in
            switch key {
            case Array("source_channel".utf8): fields.source = scanner.string()
            case Array("target_channel".utf8): fields.target = scanner.string()
            case Array("payload".utf8): fields.payload = scanner.string()
            default: return scanner.skipValue(depth: 1)
            }
            return true
        } && scanner.atEnd
        guard parsed, let source = fields.source, let target = fields.target, let payload = fields.payload else { return nil }
        sourceChannel = String(decoding: source.bytes(in: buffer), as: UTF8.self)
        targetChannel = String(decoding: target.bytes(in: buffer), as: UTF8.self)
        switch payload {
        case .slice(let range): body = .borrowed(UnsafeBufferPointer(rebasing: buffer[range]))
        case .decoded(let bytes): body = .decoded(bytes)
        }
    }

    static func == (a: Self, b: Self) -> Bool {
        a.sourceChannel == b.sourceChannel && a.targetChannel == b.targetChannel && a.payload == b.payload
    }

    /// The function `target_channel` names: the file name without a leading path and
    /// without `.wasm` (`func_b.wasm` and `/func_b.wasm` name the route `/func_b`).
    var targetFunction: String {
        var name = Substring(targetChannel)
        if let slash = name.lastIndex(of: "/") { name = name[name.index(after: slash)...] }
        if name.hasSuffix(".wasm") { name = name.dropLast(5) }
        return String(name)
    }
}

/// A message's payload: the bytes between its quotes where the string has no escape
/// (borrowed from the buffer the message was read from), or else decoded.
enum CWASIPayload {
    case borrowed(UnsafeBufferPointer<UInt8>)
    case decoded([UInt8])

    var count: Int {
        switch self {
        case .borrowed(let bytes): bytes.count
        case .decoded(let bytes): bytes.count
        }
    }

    /// Runs `body` on the bytes where they are.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        switch self {
        case .borrowed(let bytes): body(UnsafeRawBufferPointer(bytes))
        case .decoded(let bytes): bytes.withUnsafeBytes(body)
        }
    }

    /// The bytes, owned (a large copy lands in pages filled in beforehand).
    func copy() -> [UInt8] {
        switch self {
        case .borrowed(let bytes):
            var copy = MovedPages.byteArray(capacity: bytes.count)
            copy.append(contentsOf: bytes)
            return copy
        case .decoded(let bytes): return bytes
        }
    }
}

/// A JSON string as read: where it lies in the text when it has no escape, or decoded.
private enum ScannedString {
    case slice(Range<Int>)
    case decoded([UInt8])

    func bytes(in text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        switch self {
        case .slice(let range): Array(text[range])
        case .decoded(let bytes): bytes
        }
    }
}

/// Reads JSON text from the front; each method returns nil (or false) on malformed input.
private struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool {
        mutating get {
            skipSpace()
            return at == bytes.count
        }
    }

    mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard at < bytes.count, bytes[at] == byte else { return false }
        at += 1
        return true
    }

    /// An object: `member` reads each value after its key (false: malformed).
    mutating func object(_ member: (_ key: [UInt8], inout Scanner) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            skipSpace()
            guard let key = string()?.bytes(in: bytes), take(UInt8(ascii: ":")) else { return false }
            skipSpace()
            guard member(key, &self) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    /// A string at the current position, escapes decoded.
    mutating func string() -> ScannedString? {
        skipSpace()
        guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
        at += 1
        let start = at
        // Fast path: up to the closing quote without an escape, sixteen bytes at a time
        // while none of them is a quote, a backslash or a control character.
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            func special(_ offset: Int) -> UInt64 { Self.special(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
            while at + 32 <= bytes.count, special(at) | special(at + 8) | special(at + 16) | special(at + 24) == 0 { at += 32 }
        }
        while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") {
            guard bytes[at] >= 0x20 else { return nil }
            at += 1
        }
        guard at < bytes.count else { return nil }
        if bytes[at] == UInt8(ascii: "\"") {
            at += 1
            return .slice(start ..< at - 1)
        }
        var result = Array(bytes[start ..< at])
        while at < bytes.count {
            let byte = bytes[at]
            at += 1
            switch byte {
            case UInt8(ascii: "\""):
                return .decoded(result)
            case UInt8(ascii: "\\"):
                guard at < bytes.count else { return nil }
                let escape = bytes[at]
                at += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): result.append(escape)
                case UInt8(ascii: "b"): result.append(0x08)
                case UInt8(ascii: "f"): result.append(0x0C)
                case UInt8(ascii: "n"): result.append(0x0A)
                case UInt8(ascii: "r"): result.append(0x0D)
                case UInt8(ascii: "t"): result.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4() else { return nil }
                    // A surrogate pair is one scalar; a lone surrogate is not text.
                    if scalar >= 0xD800 && scalar < 0xDC00, at + 1 < bytes.count,
                       bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") {
                        at += 2
                        guard let low = hex4() else { return nil }
                        if low >= 0xDC00 && low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            result.append(contentsOf: Array("\u{FFFD}".utf8))
                            scalar = low
                        }
                    }
                    result.append(contentsOf: Array(String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8))
                default:
                    return nil
                }
            default:
                guard byte >= 0x20 else { return nil }
                result.append(byte)
            }
        }
        return nil
    }

    /// Non-zero when any byte of `word` is `"`, `\` or below 0x20 (the bytes a string's
    /// fast path stops at), tested on all eight at once.
    static func special(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func zeroByte(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
        let below = (word &- ones &* 0x20) & ~word & highs
        return zeroByte(word ^ (ones &* 0x22)) | zeroByte(word ^ (ones &* 0x5C)) | below
    }

    private mutating func hex4() -> UInt32? {
        guard at + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0 ..< 4 {
            let b = bytes[at]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            at += 1
        }
        return value
    }

    /// Skips any JSON value nested at most `maxDepth` deep.
    mutating func skipValue(depth: Int) -> Bool {
        guard depth <= CWASIMessage.maxDepth else { return false }
        skipSpace()
        guard at < bytes.count else { return false }
        switch bytes[at] {
        case UInt8(ascii: "\""):
            return string() != nil
        case UInt8(ascii: "{"):
            return object { _, scanner in scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            at += 1
            if take(UInt8(ascii: "]")) { return true }
            repeat {
                guard skipValue(depth: depth + 1) else { return false }
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]"))
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default:
            return number()
        }
    }

    private mutating func literal(_ word: String) -> Bool {
        let text = Array(word.utf8)
        guard at + text.count <= bytes.count, Array(bytes[at ..< at + text.count]) == text else { return false }
        at += text.count
        return true
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func number() -> Bool {
        func digits(_ s: inout Scanner) -> Int {
            let from = s.at
            while s.at < s.bytes.count, s.bytes[s.at] >= UInt8(ascii: "0"), s.bytes[s.at] <= UInt8(ascii: "9") { s.at += 1 }
            return s.at - from
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
        guard at < bytes.count else { return false }
        if bytes[at] == UInt8(ascii: "0") {
            at += 1
        } else if digits(&self) == 0 {
            return false
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            guard digits(&self) > 0 else { return false }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard digits(&self) > 0 else { return false }
        }
        return true
    }
}

import Foundation
import TestSupport

/// Extracts the `(module binary "...")` modules of the spec testsuite's .wast files,
/// with the message expected when they appear in `assert_malformed` / `assert_invalid`.
/// Only enough of the script syntax is understood to find them.
struct WastBinary {
    var file: String
    var line: Int
    var bytes: [UInt8]
    /// The expected error message, nil for modules that must be accepted.
    var expectedError: String?
}

enum WastBinaryScanner {
    /// The testsuite root (`TestsuiteLocator`), nil when there is none.
    static func testsuiteDirectory() -> URL? {
        (try? TestsuiteLocator.locate(forSourceFile: #filePath)).map { URL(fileURLWithPath: $0) }
    }

    static func scan(directory: URL) throws -> [WastBinary] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".wast") }.sorted()
        var result: [WastBinary] = []
        for file in files {
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            result += scan(Array(data), file: file)
        }
        return result
    }

    static func scan(_ text: [UInt8], file: String) -> [WastBinary] {
        var found: [WastBinary] = []
        let module = Array("(module".utf8)
        var i = 0
        var line = 1, lineCountedTo = 0
        while i + module.count <= text.count {
            guard text[i] == module[0], text[i..<i + module.count].elementsEqual(module) else { i += 1; continue }
            let start = i
            while lineCountedTo < start {
                if text[lineCountedTo] == 10 { line += 1 }
                lineCountedTo += 1
            }
            i += module.count
            var p = skipSpace(text, i)
            if p < text.count && text[p] == UInt8(ascii: "$") {  // module name
                while p < text.count && !isSpace(text[p]) && text[p] != UInt8(ascii: ")") { p += 1 }
                p = skipSpace(text, p)
            }
            let binary = Array("binary".utf8)
            guard p + binary.count <= text.count, text[p..<p + binary.count].elementsEqual(binary) else { continue }
            p += binary.count
            var bytes: [UInt8] = []
            while true {
                p = skipSpace(text, p)
                guard p < text.count, text[p] == UInt8(ascii: "\"") else { break }
                guard let (s, next) = readString(text, p) else { break }
                bytes += s
                p = next
            }
            guard p < text.count, text[p] == UInt8(ascii: ")") else { continue }
            p = skipSpace(text, p + 1)
            var expected: String?
            var q = start
            while q > 0 && isSpace(text[q - 1]) { q -= 1 }
            let prefix = String(decoding: text[max(0, q - 20)..<q], as: UTF8.self)
            if prefix.hasSuffix("(assert_malformed") || prefix.hasSuffix("(assert_invalid") {
                if let (message, _) = readString(text, p) { expected = String(decoding: message, as: UTF8.self) }
            }
            found.append(WastBinary(file: file, line: line, bytes: bytes, expectedError: expected))
            i = p
        }
        return found
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }

    /// Skips white space and `;;` line comments.
    static func skipSpace(_ text: [UInt8], _ start: Int) -> Int {
        var p = start
        while p < text.count {
            if isSpace(text[p]) {
                p += 1
            } else if text[p] == UInt8(ascii: ";"), p + 1 < text.count, text[p + 1] == UInt8(ascii: ";") {
                while p < text.count && text[p] != 10 { p += 1 }
            } else {
                break
            }
        }
        return p
    }

    /// A string literal at `start` (the opening quote): its bytes and the offset after it.
    static func readString(_ text: [UInt8], _ start: Int) -> ([UInt8], Int)? {
        guard start < text.count, text[start] == UInt8(ascii: "\"") else { return nil }
        var out: [UInt8] = []
        var p = start + 1
        while p < text.count {
            let c = text[p]
            if c == UInt8(ascii: "\"") { return (out, p + 1) }
            if c != UInt8(ascii: "\\") { out.append(c); p += 1; continue }
            guard p + 1 < text.count else { return nil }
            let e = text[p + 1]
            switch e {
            case UInt8(ascii: "n"): out.append(10); p += 2
            case UInt8(ascii: "t"): out.append(9); p += 2
            case UInt8(ascii: "r"): out.append(13); p += 2
            case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): out.append(e); p += 2
            case UInt8(ascii: "u"):
                // \u{XXXX}: a code point, appended as UTF-8.
                guard let close = text[p...].firstIndex(of: UInt8(ascii: "}")),
                      let v = UInt32(String(decoding: text[(p + 3)..<close], as: UTF8.self), radix: 16),
                      let scalar = Unicode.Scalar(v) else { return nil }
                out += Array(String(Character(scalar)).utf8)
                p = close + 1
            default:
                guard p + 2 < text.count, let v = UInt8(String(decoding: text[(p + 1)...(p + 2)], as: UTF8.self), radix: 16) else {
                    return nil
                }
                out.append(v)
                p += 3
            }
        }
        return nil
    }
}

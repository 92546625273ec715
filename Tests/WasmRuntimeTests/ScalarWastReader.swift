import Foundation
import TestSupport

// A deliberately small reader for the scalar-arithmetic spec scripts (i32.wast, f32.wast,
// conversions.wast, ...). Those files hold one module of single-instruction functions
// followed by `assert_return` / `assert_trap` lines; this reader understands exactly that
// much so the numeric semantics can be checked before the WAT parser and the interpreter
// exist. Everything else (assert_invalid, assert_malformed, ...) is skipped.

/// A runtime value or expected result as written in a script.
enum ScalarValue: Equatable, CustomStringConvertible {
    case i32(UInt32), i64(UInt64), f32(UInt32), f64(UInt64)
    case f32CanonicalNaN, f32ArithmeticNaN, f64CanonicalNaN, f64ArithmeticNaN

    var description: String {
        switch self {
        case .i32(let v): "i32:0x" + String(v, radix: 16)
        case .i64(let v): "i64:0x" + String(v, radix: 16)
        case .f32(let v): "f32:0x\(String(v, radix: 16)) (\(Float(bitPattern: v)))"
        case .f64(let v): "f64:0x\(String(v, radix: 16)) (\(Double(bitPattern: v)))"
        case .f32CanonicalNaN: "f32 nan:canonical"
        case .f32ArithmeticNaN: "f32 nan:arithmetic"
        case .f64CanonicalNaN: "f64 nan:canonical"
        case .f64ArithmeticNaN: "f64 nan:arithmetic"
        }
    }

    /// Whether `actual` satisfies this expectation (bit-exact except for NaN classes).
    func accepts(_ actual: ScalarValue) -> Bool {
        switch (self, actual) {
        case (.f32CanonicalNaN, .f32(let bits)): bits & 0x7fff_ffff == 0x7fc0_0000
        case (.f32ArithmeticNaN, .f32(let bits)): bits & 0x7fc0_0000 == 0x7fc0_0000
        case (.f64CanonicalNaN, .f64(let bits)): bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000
        case (.f64ArithmeticNaN, .f64(let bits)): bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000
        default: self == actual
        }
    }
}

/// One `assert_return` or `assert_trap` of a script.
struct ScalarAssertion {
    enum Outcome { case values([ScalarValue]), trap(String) }
    var line: Int
    var export: String
    var arguments: [ScalarValue]
    var outcome: Outcome
}

/// The parsed script: export name -> instruction name, plus the assertions.
struct ScalarScript {
    var instructions: [String: String] = [:]
    var assertions: [ScalarAssertion] = []
    /// Assertions the reader could not understand (reported as failures by the tests).
    var unreadable: [String] = []
}

/// A parenthesised S-expression node.
indirect enum SExpr {
    case atom(String, line: Int)
    case string(String)
    case list([SExpr], line: Int)

    var atom: String? { if case .atom(let a, _) = self { a } else { nil } }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var items: [SExpr]? { if case .list(let l, _) = self { l } else { nil } }
    var head: String? { items?.first?.atom }
}

enum ScalarWastReader {
    /// The Wasm 2.0 set of the spec testsuite (`TestsuiteLocator`), nil when there is none.
    static func locateTestsuite(filePath: String = #filePath) -> URL? {
        (try? TestsuiteLocator.directory("wasm-2.0", forSourceFile: filePath)).map { URL(fileURLWithPath: $0) }
    }

    static func read(_ url: URL) throws -> ScalarScript {
        let text = try String(contentsOf: url, encoding: .utf8)
        return parseScript(try parseSExprs(text))
    }

    // MARK: S-expressions

    struct SyntaxError: Error, CustomStringConvertible {
        var description: String
    }

    static func parseSExprs(_ text: String) throws -> [SExpr] {
        let bytes = Array(text.utf8)
        var i = 0, line = 1
        var stack: [([SExpr], Int)] = [([], 1)]
        func isDelimiter(_ c: UInt8) -> Bool {
            c == 0x28 || c == 0x29 || c == 0x22 || c == 0x3b || c == 0x20 || c == 0x0a || c == 0x09 || c == 0x0d
        }
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case 0x0a: line += 1; i += 1
            case 0x20, 0x09, 0x0d: i += 1
            case 0x3b where i + 1 < bytes.count && bytes[i + 1] == 0x3b:  // ;; line comment
                while i < bytes.count && bytes[i] != 0x0a { i += 1 }
            case 0x28 where i + 1 < bytes.count && bytes[i + 1] == 0x3b:  // (; block comment ;)
                var depth = 0
                repeat {
                    if bytes[i] == 0x0a { line += 1 }
                    if bytes[i] == 0x28 && i + 1 < bytes.count && bytes[i + 1] == 0x3b { depth += 1; i += 2 }
                    else if bytes[i] == 0x3b && i + 1 < bytes.count && bytes[i + 1] == 0x29 { depth -= 1; i += 2 }
                    else { i += 1 }
                } while depth > 0 && i < bytes.count
            case 0x28:
                stack.append(([], line)); i += 1
            case 0x29:
                guard stack.count > 1, let (items, start) = stack.popLast() else {
                    throw SyntaxError(description: "unbalanced ) at line \(line)")
                }
                stack[stack.count - 1].0.append(.list(items, line: start)); i += 1
            case 0x22:
                var j = i + 1
                while j < bytes.count && bytes[j] != 0x22 { j += bytes[j] == 0x5c ? 2 : 1 }
                let content = String(decoding: bytes[(i + 1) ..< min(j, bytes.count)], as: UTF8.self)
                stack[stack.count - 1].0.append(.string(content)); i = j + 1
            default:
                var j = i
                while j < bytes.count && !isDelimiter(bytes[j]) { j += 1 }
                if j == i { j += 1 }  // a lone ';'
                stack[stack.count - 1].0.append(.atom(String(decoding: bytes[i ..< j], as: UTF8.self), line: line))
                i = j
            }
        }
        guard stack.count == 1 else { throw SyntaxError(description: "unbalanced ( at end") }
        return stack[0].0
    }

    // MARK: script

    static func parseScript(_ nodes: [SExpr]) -> ScalarScript {
        var script = ScalarScript()
        for node in nodes {
            guard let items = node.items, let head = node.head, case .list(_, let line) = node else { continue }
            switch head {
            case "module":
                for function in items where function.head == "func" {
                    guard let parts = function.items,
                          let export = parts.first(where: { $0.head == "export" })?.items?.dropFirst().first?.string,
                          let op = firstInstruction(in: Array(parts.dropFirst()))
                    else { continue }
                    script.instructions[export] = op
                }
            case "assert_return", "assert_trap":
                guard items.count >= 2, let invoke = items[1].items, invoke.first?.atom == "invoke",
                      invoke.count >= 2, let export = invoke[1].string
                else { script.unreadable.append("line \(line): \(head) without invoke"); continue }
                guard let arguments = values(Array(invoke.dropFirst(2))) else {
                    script.unreadable.append("line \(line): arguments"); continue
                }
                let outcome: ScalarAssertion.Outcome
                if head == "assert_trap" {
                    guard items.count == 3, let message = items[2].string else {
                        script.unreadable.append("line \(line): trap message"); continue
                    }
                    outcome = .trap(message)
                } else {
                    guard let results = values(Array(items.dropFirst(2))) else {
                        script.unreadable.append("line \(line): results"); continue
                    }
                    outcome = .values(results)
                }
                script.assertions.append(
                    ScalarAssertion(line: line, export: export, arguments: arguments, outcome: outcome))
            default:
                continue
            }
        }
        return script
    }

    /// The first `type.op` instruction of a function body, e.g. `f32.add`.
    static func firstInstruction(in nodes: [SExpr]) -> String? {
        for node in nodes {
            guard let head = node.head else { continue }
            if ["param", "result", "export", "local", "type"].contains(head) { continue }
            if head.hasPrefix("local.") || head.hasPrefix("global.") { continue }
            if head.contains(".") { return head }
            if let items = node.items, let inner = firstInstruction(in: Array(items.dropFirst())) { return inner }
        }
        return nil
    }

    static func values(_ nodes: [SExpr]) -> [ScalarValue]? {
        var result: [ScalarValue] = []
        for node in nodes {
            guard let items = node.items, items.count == 2, let kind = node.head, let literal = items[1].atom,
                  let value = constant(kind, literal)
            else { return nil }
            result.append(value)
        }
        return result
    }

    // MARK: literals

    static func constant(_ kind: String, _ literal: String) -> ScalarValue? {
        switch kind {
        case "i32.const":
            guard let v = integer(literal, bits: 32) else { return nil }
            return .i32(UInt32(truncatingIfNeeded: v))
        case "i64.const":
            return integer(literal, bits: 64).map { .i64($0) }
        case "f32.const":
            if literal == "nan:canonical" { return .f32CanonicalNaN }
            if literal == "nan:arithmetic" { return .f32ArithmeticNaN }
            return float32(literal).map { .f32($0) }
        case "f64.const":
            if literal == "nan:canonical" { return .f64CanonicalNaN }
            if literal == "nan:arithmetic" { return .f64ArithmeticNaN }
            return float64(literal).map { .f64($0) }
        default:
            return nil
        }
    }

    /// Splits an optional sign off a literal and removes `_` separators.
    static func signAndBody(_ literal: String) -> (negative: Bool, body: Substring) {
        let clean = literal.replacingOccurrences(of: "_", with: "")
        if clean.hasPrefix("-") { return (true, clean.dropFirst()) }
        if clean.hasPrefix("+") { return (false, clean.dropFirst()) }
        return (false, Substring(clean))
    }

    /// An integer literal as a bit pattern of `bits` width (signed or unsigned range).
    static func integer(_ literal: String, bits: Int) -> UInt64? {
        let (negative, body) = signAndBody(literal)
        let magnitude = body.hasPrefix("0x") ? UInt64(body.dropFirst(2), radix: 16) : UInt64(body, radix: 10)
        guard let magnitude else { return nil }
        let limit: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
        if negative {
            guard magnitude <= (limit >> 1) + 1 else { return nil }
            return (0 &- magnitude) & limit
        }
        return magnitude <= limit ? magnitude : nil
    }

    static func float32(_ literal: String) -> UInt32? {
        let (negative, body) = signAndBody(literal)
        let sign: UInt32 = negative ? 0x8000_0000 : 0
        if body == "inf" { return sign | 0x7f80_0000 }
        if body == "nan" { return sign | 0x7fc0_0000 }
        if body.hasPrefix("nan:0x") {
            guard let payload = UInt32(body.dropFirst(6), radix: 16), payload != 0, payload < 1 << 23 else { return nil }
            return sign | 0x7f80_0000 | payload
        }
        guard let value = Float(String(body)), value.isFinite else { return nil }
        return sign | value.bitPattern
    }

    static func float64(_ literal: String) -> UInt64? {
        let (negative, body) = signAndBody(literal)
        let sign: UInt64 = negative ? 0x8000_0000_0000_0000 : 0
        if body == "inf" { return sign | 0x7ff0_0000_0000_0000 }
        if body == "nan" { return sign | 0x7ff8_0000_0000_0000 }
        if body.hasPrefix("nan:0x") {
            guard let payload = UInt64(body.dropFirst(6), radix: 16), payload != 0, payload < 1 << 52 else { return nil }
            return sign | 0x7ff0_0000_0000_0000 | payload
        }
        guard let value = Double(String(body)), value.isFinite else { return nil }
        return sign | value.bitPattern
    }
}

import WAT
import WasmCore
import WasmRuntime

/// Command-line arguments as Wasm values (`run --invoke`), and results as text.
enum ValueParser {
    /// `text` as a value of `type`, written as the text format writes constants
    /// (`42`, `-7`, `0x2a`, `1_000`, `1.5`, `0x1p-3`, `-inf`, `nan`), or `null` for a reference.
    static func parse(_ text: String, as type: ValueType) throws(CLIError) -> Value {
        if case .ref(let refType) = type {
            guard text == "null" else { throw CLIError("'\(text)' is not a valid \(type): only null can be passed") }
            guard refType.isNullable else { throw CLIError("\(type) is not nullable: no value for it can be passed") }
            return .ref(.null(refType.heapType))
        }
        let bits: UInt64?
        do {
            bits = try NumericLiteral.bits(text, as: type)
        } catch {
            throw CLIError("'\(text)' is out of range for \(type)")
        }
        guard let bits else {
            if type == .v128 { throw CLIError("cannot pass a v128 argument from the command line") }
            throw CLIError("'\(text)' is not a valid \(type)")
        }
        switch type {
        case .i32: return .i32(UInt32(truncatingIfNeeded: bits))
        case .i64: return .i64(bits)
        case .f32: return .f32(UInt32(truncatingIfNeeded: bits))
        default: return .f64(bits)
        }
    }

    static func format(_ value: Value) -> String {
        switch value {
        case .i32(let v): "\(Int32(bitPattern: v)):i32"
        case .i64(let v): "\(Int64(bitPattern: v)):i64"
        case .f32(let v): "\(Float(bitPattern: v)):f32"
        case .f64(let v): "\(Double(bitPattern: v)):f64"
        case .v128(let v): v.bytes.map { String($0, radix: 16) }.joined(separator: " ") + ":v128"
        case .ref(let r): "\(r)"
        }
    }
}

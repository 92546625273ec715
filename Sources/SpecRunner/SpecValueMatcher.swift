import WAT
import WasmCore
import WasmRuntime

/// Converts between script values and runtime values and judges results the way the
/// spec interpreter does (exact bits for floats, NaN classes for nan:canonical/arithmetic).
enum SpecValueMatcher {
    static func runtimeValue(_ value: WastValue) -> Value {
        switch value {
        case .i32(let v): .i32(v)
        case .i64(let v): .i64(v)
        case .f32(let v): .f32(v)
        case .f64(let v): .f64(v)
        case .v128(let bytes): .v128(V128(bytes: bytes))
        case .refNull(let heap): .ref(.null(heap))
        case .refExtern(let v): .ref(.extern(UInt64(v)))
        case .refFunc: .ref(.null(.func))  // scripts never pass function references as arguments
        // A host reference in `any` has the encoding of the same extern one (see `Slot`).
        case .refHost(let v): .ref(.extern(UInt64(v)))
        }
    }

    static func matches(_ actual: Value, _ expected: WastExpected) -> Bool {
        switch expected {
        case .value(let v):
            switch (actual, v) {
            case (.i32(let a), .i32(let b)): return a == b
            case (.i64(let a), .i64(let b)): return a == b
            case (.f32(let a), .f32(let b)): return a == b
            case (.f64(let a), .f64(let b)): return a == b
            case (.v128(let a), .v128(let b)): return a.bytes == b
            case (.ref(.null), .refNull): return true
            case (.ref(.extern(let a)), .refExtern(let b)), (.ref(.extern(let a)), .refHost(let b)): return a == UInt64(b)
            default: return false
            }
        case .f32NaN(let canonical):
            guard case .f32(let bits) = actual else { return false }
            return isNaN32(bits, canonical: canonical)
        case .f64NaN(let canonical):
            guard case .f64(let bits) = actual else { return false }
            return isNaN64(bits, canonical: canonical)
        case .refFunc:
            if case .ref(.function) = actual { return true }
            return false
        case .refExtern(let payload):
            if let payload {
                guard case .ref(.extern(let a)) = actual else { return false }
                return UInt64(payload) == a
            }
            // Any non-null extern, internalised GC values included (`extern.convert_any`).
            switch actual {
            case .ref(.extern), .ref(.i31), .ref(.object): return true
            default: return false
            }
        case .refNull:
            if case .ref(.null) = actual { return true }
            return false
        case .refAbstract(let heap):
            // Any non-null reference of that type, by the runtime's own rule.
            return actual.matches(.ref(RefType(nullable: false, heap)))
        case .v128Lanes(let shape, let lanes):
            guard case .v128(let v) = actual else { return false }
            return matchesLanes(v.bytes, shape: shape, lanes)
        case .either(let options):
            return options.contains { matches(actual, $0) }
        }
    }

    static func isNaN32(_ bits: UInt32, canonical: Bool) -> Bool {
        let magnitude = bits & 0x7FFF_FFFF
        return canonical ? magnitude == 0x7FC0_0000 : (magnitude & 0x7FC0_0000) == 0x7FC0_0000
    }

    static func isNaN64(_ bits: UInt64, canonical: Bool) -> Bool {
        let magnitude = bits & 0x7FFF_FFFF_FFFF_FFFF
        let quiet: UInt64 = 0x7FF8_0000_0000_0000
        return canonical ? magnitude == quiet : (magnitude & quiet) == quiet
    }

    /// Lane-wise comparison of a v128 result; each lane is an exact value or a NaN class.
    static func matchesLanes(_ bytes: [UInt8], shape: String, _ lanes: [WastExpected]) -> Bool {
        let width: Int
        switch shape {
        case "i8x16": width = 1
        case "i16x8": width = 2
        case "i32x4", "f32x4": width = 4
        case "i64x2", "f64x2": width = 8
        default: return false
        }
        guard lanes.count * width == 16, bytes.count == 16 else { return false }
        for (i, lane) in lanes.enumerated() {
            var bits: UInt64 = 0
            for j in 0..<width { bits |= UInt64(bytes[i * width + j]) << UInt64(8 * j) }
            let actual: Value
            switch shape {
            case "f32x4": actual = .f32(UInt32(bits))
            case "f64x2": actual = .f64(bits)
            case "i64x2": actual = .i64(bits)
            default: actual = .i32(UInt32(truncatingIfNeeded: bits))
            }
            var want = lane
            // Integer lanes narrower than 32 bits compare modulo their width.
            if width < 4, case .value(.i32(let v)) = lane {
                want = .value(.i32(v & UInt32((1 << (8 * width)) - 1)))
            }
            if !matches(actual, want) { return false }
        }
        return true
    }

    static func describe(_ value: Value) -> String {
        switch value {
        case .i32(let v): "i32:\(v) (0x\(String(v, radix: 16)))"
        case .i64(let v): "i64:\(v) (0x\(String(v, radix: 16)))"
        case .f32(let v): "f32:\(Float(bitPattern: v)) (0x\(String(v, radix: 16)))"
        case .f64(let v): "f64:\(Double(bitPattern: v)) (0x\(String(v, radix: 16)))"
        case .v128(let v): "v128:" + v.bytes.map { String($0, radix: 16) }.joined(separator: " ")
        case .ref(let r): "ref:\(r)"
        }
    }

    static func describe(_ expected: WastExpected) -> String {
        switch expected {
        case .value(let v): describe(runtimeValue(v))
        case .f32NaN(let c): c ? "f32:nan:canonical" : "f32:nan:arithmetic"
        case .f64NaN(let c): c ? "f64:nan:canonical" : "f64:nan:arithmetic"
        case .refFunc: "ref.func"
        case .refExtern(let p): p.map { "ref.extern \($0)" } ?? "ref.extern"
        case .refNull: "ref.null"
        case .refAbstract(let heap): "ref.\(heap)"
        case .v128Lanes(let shape, let lanes): "v128 \(shape) " + lanes.map(describe).joined(separator: " ")
        case .either(let options): "either(" + options.map(describe).joined(separator: " | ") + ")"
        }
    }
}

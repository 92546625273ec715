import Testing
import WasmCore
@testable import WAT

@Suite struct NumericLiteralTests {
    @Test func integers() throws {
        #expect(try NumericLiteral.integer("0", bits: 32) == 0)
        #expect(try NumericLiteral.integer("-1", bits: 32) == 0xFFFF_FFFF)
        #expect(try NumericLiteral.integer("4294967295", bits: 32) == 0xFFFF_FFFF)
        #expect(try NumericLiteral.integer("-2147483648", bits: 32) == 0x8000_0000)
        #expect(try NumericLiteral.integer("+2147483647", bits: 32) == 0x7FFF_FFFF)
        #expect(try NumericLiteral.integer("0x1_0000", bits: 32) == 0x10000)
        #expect(try NumericLiteral.integer("1_000_000", bits: 32) == 1_000_000)
        #expect(try NumericLiteral.integer("-0x8000000000000000", bits: 64) == 0x8000_0000_0000_0000)
        #expect(try NumericLiteral.integer("0xffffffffffffffff", bits: 64) == .max)
        for bad in ["4294967296", "-2147483649", "+2147483648", "0x1_0000_0000"] {
            #expect(throws: WasmError.malformed("constant out of range")) { try NumericLiteral.integer(bad, bits: 32) }
        }
        #expect(throws: WasmError.malformed("constant out of range")) {
            try NumericLiteral.integer("18446744073709551616", bits: 64)
        }
        for notNumber in ["", "0x", "1x", "_1", "1_", "1__0", "0x_1", "+_1", "1.0", "nan", "abc"] {
            #expect(try NumericLiteral.integer(notNumber, bits: 32) == nil, "\(notNumber)")
        }
    }

    @Test func unsignedIndices() throws {
        #expect(try NumericLiteral.unsigned("0x10", bits: 32) == 16)
        #expect(try NumericLiteral.unsigned("-1", bits: 32) == nil)
        #expect(try NumericLiteral.unsigned("+1", bits: 32) == nil)
    }

    @Test func specialFloats() throws {
        #expect(try NumericLiteral.float("inf", .f32) == 0x7F80_0000)
        #expect(try NumericLiteral.float("-inf", .f32) == 0xFF80_0000)
        #expect(try NumericLiteral.float("nan", .f32) == 0x7FC0_0000)
        #expect(try NumericLiteral.float("-nan", .f64) == 0xFFF8_0000_0000_0000)
        #expect(try NumericLiteral.float("nan:0x1", .f32) == 0x7F80_0001)
        #expect(try NumericLiteral.float("+nan:0x7f_ffff", .f32) == 0x7FFF_FFFF)
        #expect(try NumericLiteral.float("nan:0xf_ffff_ffff_ffff", .f64) == 0x7FFF_FFFF_FFFF_FFFF)
        #expect(try NumericLiteral.float("-0", .f32) == 0x8000_0000)
        #expect(try NumericLiteral.float("-0.0e10", .f64) == 0x8000_0000_0000_0000)
        #expect(throws: WasmError.malformed("constant out of range")) { try NumericLiteral.float("nan:0x0", .f32) }
        #expect(throws: WasmError.malformed("constant out of range")) { try NumericLiteral.float("nan:0x80_0000", .f32) }
        for notNumber in [".0", "0.0e", "0x", "0x.", "0x0p", "0x0pA", "1x", "nan:1", "1e_1", "1._0", "0x1p+_1"] {
            #expect(try NumericLiteral.float(notNumber, .f64) == nil, "\(notNumber)")
        }
    }

    @Test func hexFloatRounding() throws {
        #expect(try NumericLiteral.float("0x1p-149", .f32) == 1)
        #expect(try NumericLiteral.float("0x1p-150", .f32) == 0)  // tie rounds to even (zero)
        #expect(try NumericLiteral.float("0x1.8p-149", .f32) == 2)  // tie rounds to even
        #expect(try NumericLiteral.float("0x1.000001p-149", .f32) == 1)
        #expect(try NumericLiteral.float("0x1.fffffep127", .f32) == 0x7F7F_FFFF)
        #expect(try NumericLiteral.float("0x1.fffffefffffff8000000p127", .f32) == 0x7F7F_FFFF)
        #expect(try NumericLiteral.float("0x1.00000100000000000p-50", .f32) == 0x2680_0000)
        #expect(try NumericLiteral.float("0x1.00000100000000001p-50", .f32) == 0x2680_0001)
        #expect(try NumericLiteral.float("0x1p-1074", .f64) == 1)
        #expect(try NumericLiteral.float("0x0.0000000000001p-1022", .f64) == 1)
        #expect(try NumericLiteral.float("0x1.fffffffffffffp1023", .f64) == 0x7FEF_FFFF_FFFF_FFFF)
        for tooBig in ["0x1p128", "0x1.ffffffp127", "-0x2p127"] {
            #expect(throws: WasmError.malformed("constant out of range")) { try NumericLiteral.float(tooBig, .f32) }
        }
        #expect(throws: WasmError.malformed("constant out of range")) {
            try NumericLiteral.float("0x1.fffffffffffff8p1023", .f64)
        }
        #expect(try NumericLiteral.float("0x1p-100000000000000", .f64) == 0)
    }

    /// Expected bits computed with exact rational arithmetic (f32 without going through f64).
    static let decimalCases: [(String, UInt32?, UInt64?)] = [
        ("1.1", 0x3f8ccccd, 0x3ff199999999999a),
        ("0.1", 0x3dcccccd, 0x3fb999999999999a),
        ("3.4028235e38", 0x7f7fffff, 0x47efffffe54daff8),
        ("1e-45", 0x1, 0x3696d601ad376ab9),
        ("7e-46", 0x0, 0x368ff868bf4d956a),
        // Just above the f32 midpoint 1+2^-24: rounding via f64 first would give 1.0.
        ("1.00000005960464477539062500001", 0x3f800001, 0x3ff0000010000000),
        ("1.000000059604644775390625", 0x3f800000, 0x3ff0000010000000),
        ("2.4703282292062328e-324", 0x0, 0x1),
        ("1e308", nil, 0x7fe1ccf385ebc8a0),
        ("123456789012345678901234567890", 0x6fc77488, 0x45f8ee90ff6c373e),
        ("0.000000000000000000000000000000000000011754942", 0x7fffff, 0x380fffffbb1dd6a1),
        ("8.98846567431158e307", nil, 0x7fe0000000000000),
        ("21250919909e-10", 0x40080182, 0x400100303acf4199),
        ("960566905443639394257e8", 0x6f9b301e, 0x45f36603b6c7f948),
        ("65e-33", 0xba8bfe9, 0x397517fd1d9907d9),
        ("33870412123024e-49", 0x490119d, 0x389202339c35bcd1),
        ("914761360679426581e-32", 0x2824c9ec, 0x3d04993d7f28e4bf),
        ("72e-43", 0x1412, 0x37641217793db4cd),
        ("786295579237787696e-37", 0x1fb9a8a7, 0x3bf73514d819c22c),
        ("9012421865441972121656e19", nil, 0x48708d9ed2460fdb),
        ("9576950468680998536945750e-17", 0x4cb6aa74, 0x4196d54e82bf4b1e),
        ("736177974007811463892027e-51", 0x12694dda, 0x3a4d29bb4a773838),
        ("793920e-17", 0x2d0baafa, 0x3da1755f4d1998ee),
    ]

    @Test func decimalRounding() throws {
        for (text, f32, f64) in Self.decimalCases {
            if let f32 {
                #expect(try NumericLiteral.float(text, .f32) == UInt64(f32), "\(text)")
            } else {
                #expect(throws: WasmError.self, "\(text)") { try NumericLiteral.float(text, .f32) }
            }
            if let f64 {
                #expect(try NumericLiteral.float(text, .f64) == f64, "\(text)")
            } else {
                #expect(throws: WasmError.self, "\(text)") { try NumericLiteral.float(text, .f64) }
            }
        }
        #expect(try NumericLiteral.float("1_000.000_1e+0_1", .f64) == NumericLiteral.float("10000.001", .f64))
        #expect(throws: WasmError.malformed("constant out of range")) { try NumericLiteral.float("1e39", .f32) }
        #expect(throws: WasmError.malformed("constant out of range")) { try NumericLiteral.float("1e1000000000000", .f64) }
        #expect(try NumericLiteral.float("1e-1000000000000", .f64) == 0)
        // Very long literals: digits past the significant ones act as a sticky tail.
        let half = "1.000000059604644775390625"  // 1 + 2^-24: ties to even in f32
        #expect(try NumericLiteral.float(half + String(repeating: "0", count: 5000), .f32) == 0x3F80_0000)
        #expect(try NumericLiteral.float(half + String(repeating: "0", count: 5000) + "1", .f32) == 0x3F80_0001)
        #expect(try NumericLiteral.float("0x1.000001" + String(repeating: "0", count: 5000) + "p0", .f32) == 0x3F80_0000)
        #expect(try NumericLiteral.float("0x1.000001" + String(repeating: "0", count: 5000) + "1p0", .f32) == 0x3F80_0001)
        #expect(try NumericLiteral.float("0x" + String(repeating: "0", count: 3000) + "1p0", .f64) == 0x3FF0_0000_0000_0000)
    }

    /// The 64-bit fast path and the big-integer path must agree everywhere.
    @Test func fastPathMatchesExactPath() {
        var rng = SystemRandomNumberGenerator()
        for format in [FloatFormat.f32, .f64] {
            for _ in 0..<3000 {
                let m = UInt64.random(in: 1...UInt64.max, using: &rng) >> UInt64.random(in: 0...63, using: &rng)
                let e = Int.random(in: -1200...1100, using: &rng)
                let fast = format.round(m, binaryExponent: e)
                let exact = format.round(BigUInt(m), BigUInt(1), binaryExponent: e)
                #expect(fast == exact, "\(m) * 2^\(e)")
            }
        }
    }
}

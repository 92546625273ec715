import WasmCore

/// Parsing of the text format's numeric literals. Functions return nil when the token is
/// not a number of the requested shape (the caller decides the error) and throw
/// "constant out of range" when it is one but does not fit.
public enum NumericLiteral {
    /// An unsigned integer literal (`uN`: decimal or hex, `_` separators, no sign).
    static func unsigned(_ text: String, bits: Int) throws(WasmError) -> UInt64? {
        var s = LiteralScanner(text)
        guard let (magnitude, overflow) = s.integerMagnitude(), s.isAtEnd else { return nil }
        if overflow || (bits < 64 && magnitude >> UInt64(bits) != 0) { throw .malformed("constant out of range") }
        return magnitude
    }

    /// An integer literal of `iN` (unsigned or signed, two's complement bits returned).
    static func integer(_ text: String, bits: Int) throws(WasmError) -> UInt64? {
        var s = LiteralScanner(text)
        let sign = s.sign()
        guard let (magnitude, overflow) = s.integerMagnitude(), s.isAtEnd else { return nil }
        if overflow { throw .malformed("constant out of range") }
        let mask: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
        let half: UInt64 = 1 << UInt64(bits - 1)
        switch sign {
        case nil:
            if magnitude & ~mask != 0 { throw .malformed("constant out of range") }
            return magnitude
        case .plus:
            if magnitude >= half { throw .malformed("constant out of range") }
            return magnitude
        case .minus:
            if magnitude > half { throw .malformed("constant out of range") }
            return (0 &- magnitude) & mask
        }
    }

    /// A float literal rounded to nearest-even in `format`; returns the IEEE bits.
    static func float(_ text: String, _ format: FloatFormat) throws(WasmError) -> UInt64? {
        var s = LiteralScanner(text)
        let negative = s.sign() == .minus
        let signBit: UInt64 = negative ? 1 << UInt64(format.totalBits - 1) : 0
        let rest = s.remainder
        if rest == "inf" { return signBit | format.infinityBits }
        if rest == "nan" { return signBit | format.canonicalNaNBits }
        if rest.hasPrefix("nan:0x") {
            var payloadScanner = LiteralScanner(String(rest.dropFirst(6)))
            guard let digits = payloadScanner.digits(hex: true), !digits.isEmpty, payloadScanner.isAtEnd else { return nil }
            var payload = BigUInt()
            for d in digits { payload.multiplyAdd(16, UInt32(d)) }
            let value = payload.bitLength <= 64 ? payload.low64 : .max
            if value == 0 || payload.bitLength > format.mantissaBits { throw .malformed("constant out of range") }
            return signBit | format.infinityBits | value
        }
        guard let magnitude = try s.floatMagnitude(format) else { return nil }
        return signBit | magnitude
    }
}

extension NumericLiteral {
    /// The bits of a value of numeric type `type` written as the text format writes
    /// constants (`42`, `-1`, `0xff`, `1_000`, `0x1p-3`, `inf`, `nan:0x1`); nil when `text`
    /// is no such literal or `type` is not numeric. Throws "constant out of range".
    public static func bits(_ text: String, as type: ValueType) throws(WasmError) -> UInt64? {
        switch type {
        case .i32: try integer(text, bits: 32)
        case .i64: try integer(text, bits: 64)
        case .f32: try float(text, .f32)
        case .f64: try float(text, .f64)
        default: nil
        }
    }
}

/// The IEEE binary formats the text format knows.
struct FloatFormat: Sendable {
    var totalBits: Int
    var mantissaBits: Int
    var exponentBits: Int

    static let f32 = FloatFormat(totalBits: 32, mantissaBits: 23, exponentBits: 8)
    static let f64 = FloatFormat(totalBits: 64, mantissaBits: 52, exponentBits: 11)

    var precision: Int { mantissaBits + 1 }
    var bias: Int { (1 << (exponentBits - 1)) - 1 }
    var maxExponent: Int { bias }
    /// Exponent of the least significant bit of the smallest subnormal (-149 / -1074).
    var minQuantumExponent: Int { 1 - bias - mantissaBits }
    var infinityBits: UInt64 { ((1 << UInt64(exponentBits)) - 1) << UInt64(mantissaBits) }
    var canonicalNaNBits: UInt64 { infinityBits | 1 << UInt64(mantissaBits - 1) }

    /// Rounds m * 2^binaryExponent (m non-zero) to nearest-even; nil on overflow. The fast
    /// path for literals whose digits fit in 64 bits.
    func round(_ m: UInt64, binaryExponent: Int) -> UInt64? {
        let p = precision
        let length = 64 - m.leadingZeroBitCount
        var e = max(length + binaryExponent - p, minQuantumExponent)
        let shift = e - binaryExponent
        var q: UInt64
        if shift <= 0 {
            q = m << UInt64(-shift)  // exact: fits in p bits
        } else {
            q = shift >= 64 ? 0 : m >> UInt64(shift)
            let halfBit = shift > 64 ? 0 : (m >> UInt64(shift - 1)) & 1
            let sticky = shift > 64 ? m != 0 : (shift == 1 ? false : m & ((1 << UInt64(shift - 1)) - 1) != 0)
            if halfBit == 1 && (sticky || q & 1 == 1) { q += 1 }
        }
        if q == 1 << UInt64(p) {
            q >>= 1
            e += 1
        }
        return pack(q, e)
    }

    /// The bits of q * 2^e for q < 2^p (normal when q has p bits, else subnormal).
    private func pack(_ q: UInt64, _ e: Int) -> UInt64? {
        let p = precision
        if q == 0 { return 0 }
        let topExponent = e + (64 - q.leadingZeroBitCount) - 1
        if topExponent > maxExponent { return nil }
        if q >= 1 << UInt64(p - 1) {
            let biased = UInt64(e + p - 1 + bias)
            return biased << UInt64(mantissaBits) | (q & ((1 << UInt64(mantissaBits)) - 1))
        }
        return q  // subnormal: e is the minimum quantum exponent
    }

    /// Rounds num/den * 2^binaryExponent (non-zero) to nearest-even; nil on overflow.
    func round(_ num: BigUInt, _ den: BigUInt, binaryExponent: Int) -> UInt64? {
        let p = precision
        var e = max(num.bitLength - den.bitLength + binaryExponent - p, minQuantumExponent)
        func quotient(_ e: Int) -> (UInt64, Int) {
            let shift = binaryExponent - e
            let n = shift >= 0 ? num << shift : num
            let d = shift < 0 ? den << -shift : den
            let (q, r) = BigUInt.divide(n, by: d, maxQuotientBits: p + 2)
            let twice = r << 1
            return (q, twice < d ? -1 : (d < twice ? 1 : 0))
        }
        var (q, cmp) = quotient(e)
        if q >= 1 << UInt64(p) {
            e += 1
            (q, cmp) = quotient(e)
        }
        if cmp > 0 || (cmp == 0 && q & 1 == 1) { q += 1 }
        if q == 1 << UInt64(p) {
            q >>= 1
            e += 1
        }
        return pack(q, e)
    }
}

/// A cursor over the characters of one literal token.
struct LiteralScanner {
    enum Sign { case plus, minus }
    private let chars: [UInt8]
    private var i = 0

    init(_ text: String) { chars = Array(text.utf8) }

    var isAtEnd: Bool { i == chars.count }
    var remainder: String { String(decoding: chars[i...], as: UTF8.self) }

    private func peek(_ k: Int = 0) -> UInt8? { i + k < chars.count ? chars[i + k] : nil }

    mutating func sign() -> Sign? {
        switch peek() {
        case UInt8(ascii: "+"): i += 1; return .plus
        case UInt8(ascii: "-"): i += 1; return .minus
        default: return nil
        }
    }

    private static func digitValue(_ c: UInt8, hex: Bool) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Digits with single `_` separators between them; [] when none, nil when a `_` is misplaced.
    mutating func digits(hex: Bool) -> [UInt8]? {
        var out: [UInt8] = []
        while let c = peek(), let v = Self.digitValue(c, hex: hex) {
            out.append(v)
            i += 1
            if peek() == UInt8(ascii: "_") {
                guard let n = peek(1), Self.digitValue(n, hex: hex) != nil else { return nil }
                i += 1
            }
        }
        if out.isEmpty && peek() == UInt8(ascii: "_") { return nil }
        return out
    }

    private mutating func hexPrefix() -> Bool {
        if peek() == UInt8(ascii: "0"), peek(1) == UInt8(ascii: "x") {
            i += 2
            return true
        }
        return false
    }

    /// The magnitude of `num | 0x hexnum`; `overflow` when it exceeds 64 bits.
    mutating func integerMagnitude() -> (UInt64, overflow: Bool)? {
        let hex = hexPrefix()
        guard let ds = digits(hex: hex), !ds.isEmpty else { return nil }
        var value: UInt64 = 0
        var overflow = false
        let radix: UInt64 = hex ? 16 : 10
        for d in ds {
            let (m, o1) = value.multipliedReportingOverflow(by: radix)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            overflow = overflow || o1 || o2
            value = a
        }
        return (value, overflow)
    }

    /// A decimal exponent's value, saturated far beyond any representable range.
    private mutating func exponent() -> Int? {
        let s = sign()
        guard let ds = digits(hex: false), !ds.isEmpty else { return nil }
        var v = 0
        for d in ds { v = min(v * 10 + Int(d), 1_000_000_000) }
        return s == .minus ? -v : v
    }

    /// The unsigned float forms (decimal or hex, with fraction and exponent).
    mutating func floatMagnitude(_ format: FloatFormat) throws(WasmError) -> UInt64? {
        let hex = hexPrefix()
        guard let intDigits = digits(hex: hex), !intDigits.isEmpty else { return nil }
        var fracDigits: [UInt8] = []
        if peek() == UInt8(ascii: ".") {
            i += 1
            guard let f = digits(hex: hex) else { return nil }
            fracDigits = f
        }
        var exp = 0
        if let c = peek(), hex ? (c == UInt8(ascii: "p") || c == UInt8(ascii: "P")) : (c == UInt8(ascii: "e") || c == UInt8(ascii: "E")) {
            i += 1
            guard let e = exponent() else { return nil }
            exp = e
        }
        guard isAtEnd else { return nil }
        var all = Array((intDigits + fracDigits).drop { $0 == 0 })
        if all.isEmpty { return 0 }
        var droppedDigits = 0
        let maxDigits = hex ? 40 : Self.maxDecimalDigits
        if all.count > maxDigits {
            // Midpoints between floats have at most 767 significant decimal digits (and 14
            // hex digits), so digits past that only matter as a non-zero "sticky" tail.
            let sticky = all[maxDigits...].contains { $0 != 0 }
            droppedDigits = all.count - maxDigits
            all.removeLast(droppedDigits)
            if sticky {
                all.append(1)
                droppedDigits -= 1
            }
        }
        var mantissa = BigUInt()
        for d in all { mantissa.multiplyAdd(hex ? 16 : 10, UInt32(d)) }
        let result: UInt64?
        if hex {
            let binExp = exp - 4 * fracDigits.count + 4 * droppedDigits
            let top = mantissa.bitLength + binExp
            if top - 1 > format.maxExponent { throw .malformed("constant out of range") }
            if top < format.minQuantumExponent - 1 { return 0 }
            if mantissa.bitLength <= 64 {
                result = format.round(mantissa.low64, binaryExponent: binExp)
            } else {
                result = format.round(mantissa, BigUInt(1), binaryExponent: binExp)
            }
        } else {
            let decExp = exp - fracDigits.count + droppedDigits
            let magnitude = all.count + decExp  // value < 10^magnitude
            if magnitude - 1 > (format.totalBits == 32 ? 39 : 309) { throw .malformed("constant out of range") }
            if magnitude < (format.totalBits == 32 ? -46 : -325) { return 0 }
            if mantissa.bitLength <= 64, decExp >= 0, decExp < 20,
                case (let n, false) = mantissa.low64.multipliedReportingOverflow(by: Self.powersOfTen[decExp])
            {
                result = format.round(n, binaryExponent: 0)
            } else if decExp >= 0 {
                var n = mantissa
                for _ in 0..<decExp { n.multiplyAdd(10, 0) }
                result = format.round(n, BigUInt(1), binaryExponent: 0)
            } else {
                result = format.round(mantissa, BigUInt.power(of: 10, -decExp), binaryExponent: 0)
            }
        }
        guard let result else { throw .malformed("constant out of range") }
        return result
    }
}

extension LiteralScanner {
    static let maxDecimalDigits = 800
    static let powersOfTen: [UInt64] = (0..<20).map { k in (0..<k).reduce(UInt64(1)) { r, _ in r * 10 } }
}

extension BigUInt {
    /// The low 64 bits.
    var low64: UInt64 {
        var v: UInt64 = 0
        for (k, limb) in limbs.prefix(2).enumerated() { v |= UInt64(limb) << UInt64(32 * k) }
        return v
    }
}

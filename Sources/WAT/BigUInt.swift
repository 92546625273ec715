/// A minimal arbitrary-precision unsigned integer, just enough to round decimal and
/// hexadecimal float literals exactly (no double rounding through Double).
struct BigUInt: Comparable {
    /// Little-endian 32-bit limbs without trailing zero limbs (zero is `[]`).
    private(set) var limbs: [UInt32]

    init(_ value: UInt64 = 0) {
        limbs = [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)]
        normalize()
    }

    private init(limbs: [UInt32]) {
        self.limbs = limbs
        normalize()
    }

    private mutating func normalize() {
        while let last = limbs.last, last == 0 { limbs.removeLast() }
    }

    var isZero: Bool { limbs.isEmpty }

    var bitLength: Int {
        guard let last = limbs.last else { return 0 }
        return (limbs.count - 1) * 32 + (32 - last.leadingZeroBitCount)
    }

    /// self = self * factor + addend.
    mutating func multiplyAdd(_ factor: UInt32, _ addend: UInt32) {
        var carry = UInt64(addend)
        for i in limbs.indices {
            let t = UInt64(limbs[i]) * UInt64(factor) + carry
            limbs[i] = UInt32(truncatingIfNeeded: t)
            carry = t >> 32
        }
        if carry != 0 { limbs.append(UInt32(carry)) }
        normalize()
    }

    static func << (lhs: BigUInt, shift: Int) -> BigUInt {
        guard shift > 0, !lhs.isZero else { return lhs }
        let limbShift = shift / 32
        let bitShift = shift % 32
        var out = [UInt32](repeating: 0, count: limbShift)
        out.reserveCapacity(limbShift + lhs.limbs.count + 1)
        if bitShift == 0 {
            out.append(contentsOf: lhs.limbs)
        } else {
            var carry: UInt32 = 0
            for limb in lhs.limbs {
                out.append(limb << UInt32(bitShift) | carry)
                carry = limb >> UInt32(32 - bitShift)
            }
            out.append(carry)
        }
        return BigUInt(limbs: out)
    }

    /// lhs - rhs; requires lhs >= rhs.
    static func - (lhs: BigUInt, rhs: BigUInt) -> BigUInt {
        var out = lhs.limbs
        var borrow: Int64 = 0
        for i in out.indices {
            let r = i < rhs.limbs.count ? Int64(rhs.limbs[i]) : 0
            var t = Int64(out[i]) - r - borrow
            if t < 0 { t += 1 << 32; borrow = 1 } else { borrow = 0 }
            out[i] = UInt32(t)
        }
        return BigUInt(limbs: out)
    }

    static func < (lhs: BigUInt, rhs: BigUInt) -> Bool {
        if lhs.limbs.count != rhs.limbs.count { return lhs.limbs.count < rhs.limbs.count }
        for i in lhs.limbs.indices.reversed() where lhs.limbs[i] != rhs.limbs[i] {
            return lhs.limbs[i] < rhs.limbs[i]
        }
        return false
    }

    /// Divides when the quotient is known to fit in `maxQuotientBits` bits (at most 63):
    /// restoring division, one quotient bit at a time.
    static func divide(_ num: BigUInt, by den: BigUInt, maxQuotientBits: Int) -> (quotient: UInt64, remainder: BigUInt) {
        var rem = num
        var q: UInt64 = 0
        for bit in stride(from: maxQuotientBits - 1, through: 0, by: -1) {
            let candidate = den << bit
            if !(rem < candidate) {
                rem = rem - candidate
                q |= 1 << UInt64(bit)
            }
        }
        return (q, rem)
    }

    static func power(of base: UInt32, _ exponent: Int) -> BigUInt {
        var r = BigUInt(1)
        for _ in 0..<max(exponent, 0) { r.multiplyAdd(base, 0) }
        return r
    }
}

// Unary and binary float operators whose Wasm meaning differs from Swift's library
// functions (min/max signed zeros and NaNs) or must not touch NaN payloads (abs/neg/copysign).
//
// NaN policy: wherever Wasm produces a NaN from a NaN input, these functions return that
// input with its quiet bit set. Canonical inputs stay canonical and everything else
// becomes an arithmetic NaN, which is exactly what the spec permits.

extension Numerics {
    /// Sets the quiet bit of a NaN (leaves sign and payload alone).
    @inlinable @inline(__always)
    public static func quiet(_ nan: Float) -> Float {
        Float(bitPattern: nan.bitPattern | 0x0040_0000)
    }

    /// Sets the quiet bit of a NaN (leaves sign and payload alone).
    @inlinable @inline(__always)
    public static func quiet(_ nan: Double) -> Double {
        Double(bitPattern: nan.bitPattern | 0x0008_0000_0000_0000)
    }

    // MARK: f32

    /// `f32.min`: NaN if either operand is NaN; `-0` is smaller than `+0`.
    @inlinable
    public static func f32Min(_ lhs: Float, _ rhs: Float) -> Float {
        if lhs < rhs { return lhs }
        if rhs < lhs { return rhs }
        // Equal values differ at most in the sign of zero; OR picks -0.
        if lhs == rhs { return Float(bitPattern: lhs.bitPattern | rhs.bitPattern) }
        return quiet(lhs.isNaN ? lhs : rhs)
    }

    /// `f32.max`: NaN if either operand is NaN; `+0` is larger than `-0`.
    @inlinable
    public static func f32Max(_ lhs: Float, _ rhs: Float) -> Float {
        if lhs > rhs { return lhs }
        if rhs > lhs { return rhs }
        // Equal values differ at most in the sign of zero; AND picks +0.
        if lhs == rhs { return Float(bitPattern: lhs.bitPattern & rhs.bitPattern) }
        return quiet(lhs.isNaN ? lhs : rhs)
    }

    /// `f32.nearest`: round to integral, ties to even, sign of zero kept.
    @inlinable
    public static func f32Nearest(_ value: Float) -> Float {
        if value.isNaN { return quiet(value) }
        return value.rounded(.toNearestOrEven)
    }

    /// `f32.ceil`.
    @inlinable
    public static func f32Ceil(_ value: Float) -> Float {
        if value.isNaN { return quiet(value) }
        return value.rounded(.up)
    }

    /// `f32.floor`.
    @inlinable
    public static func f32Floor(_ value: Float) -> Float {
        if value.isNaN { return quiet(value) }
        return value.rounded(.down)
    }

    /// `f32.trunc`.
    @inlinable
    public static func f32Trunc(_ value: Float) -> Float {
        if value.isNaN { return quiet(value) }
        return value.rounded(.towardZero)
    }

    /// `f32.sqrt`: correctly rounded; negative non-zero operands give a NaN.
    @inlinable
    public static func f32Sqrt(_ value: Float) -> Float {
        if value.isNaN { return quiet(value) }
        return value.squareRoot()
    }

    /// `f32.abs`: clears the sign bit, NaN payloads included.
    @inlinable
    public static func f32Abs(_ value: Float) -> Float {
        Float(bitPattern: value.bitPattern & 0x7fff_ffff)
    }

    /// `f32.neg`: flips the sign bit, NaN payloads included.
    @inlinable
    public static func f32Neg(_ value: Float) -> Float {
        Float(bitPattern: value.bitPattern ^ 0x8000_0000)
    }

    /// `f32.copysign`: magnitude of `lhs`, sign of `rhs`, NaN payloads included.
    @inlinable
    public static func f32Copysign(_ lhs: Float, _ rhs: Float) -> Float {
        Float(bitPattern: (lhs.bitPattern & 0x7fff_ffff) | (rhs.bitPattern & 0x8000_0000))
    }

    // MARK: f64

    /// `f64.min`: NaN if either operand is NaN; `-0` is smaller than `+0`.
    @inlinable
    public static func f64Min(_ lhs: Double, _ rhs: Double) -> Double {
        if lhs < rhs { return lhs }
        if rhs < lhs { return rhs }
        if lhs == rhs { return Double(bitPattern: lhs.bitPattern | rhs.bitPattern) }
        return quiet(lhs.isNaN ? lhs : rhs)
    }

    /// `f64.max`: NaN if either operand is NaN; `+0` is larger than `-0`.
    @inlinable
    public static func f64Max(_ lhs: Double, _ rhs: Double) -> Double {
        if lhs > rhs { return lhs }
        if rhs > lhs { return rhs }
        if lhs == rhs { return Double(bitPattern: lhs.bitPattern & rhs.bitPattern) }
        return quiet(lhs.isNaN ? lhs : rhs)
    }

    /// `f64.nearest`: round to integral, ties to even, sign of zero kept.
    @inlinable
    public static func f64Nearest(_ value: Double) -> Double {
        if value.isNaN { return quiet(value) }
        return value.rounded(.toNearestOrEven)
    }

    /// `f64.ceil`.
    @inlinable
    public static func f64Ceil(_ value: Double) -> Double {
        if value.isNaN { return quiet(value) }
        return value.rounded(.up)
    }

    /// `f64.floor`.
    @inlinable
    public static func f64Floor(_ value: Double) -> Double {
        if value.isNaN { return quiet(value) }
        return value.rounded(.down)
    }

    /// `f64.trunc`.
    @inlinable
    public static func f64Trunc(_ value: Double) -> Double {
        if value.isNaN { return quiet(value) }
        return value.rounded(.towardZero)
    }

    /// `f64.sqrt`: correctly rounded; negative non-zero operands give a NaN.
    @inlinable
    public static func f64Sqrt(_ value: Double) -> Double {
        if value.isNaN { return quiet(value) }
        return value.squareRoot()
    }

    /// `f64.abs`: clears the sign bit, NaN payloads included.
    @inlinable
    public static func f64Abs(_ value: Double) -> Double {
        Double(bitPattern: value.bitPattern & 0x7fff_ffff_ffff_ffff)
    }

    /// `f64.neg`: flips the sign bit, NaN payloads included.
    @inlinable
    public static func f64Neg(_ value: Double) -> Double {
        Double(bitPattern: value.bitPattern ^ 0x8000_0000_0000_0000)
    }

    /// `f64.copysign`: magnitude of `lhs`, sign of `rhs`, NaN payloads included.
    @inlinable
    public static func f64Copysign(_ lhs: Double, _ rhs: Double) -> Double {
        Double(bitPattern: (lhs.bitPattern & 0x7fff_ffff_ffff_ffff)
            | (rhs.bitPattern & 0x8000_0000_0000_0000))
    }
}

// Integer -> float conversions and the f32 <-> f64 conversions.
//
// Swift's `Float(_: Int64)` etc. lower to LLVM `sitofp`/`uitofp`, which round once, to
// nearest-even, from the exact integer (on x86-64 the unsigned 64-bit cases are expanded
// to sequences that preserve this, i.e. no double rounding). `NumericsTests` checks this
// against conversions.wast and against an integer-only reference on random inputs, so
// the plain initialisers are used here.

extension Numerics {
    /// `f32.convert_i32_s`.
    @inlinable
    public static func f32ConvertI32S(_ value: UInt32) -> Float { Float(Int32(bitPattern: value)) }

    /// `f32.convert_i32_u`.
    @inlinable
    public static func f32ConvertI32U(_ value: UInt32) -> Float { Float(value) }

    /// `f32.convert_i64_s`: rounded once from the exact value.
    @inlinable
    public static func f32ConvertI64S(_ value: UInt64) -> Float { Float(Int64(bitPattern: value)) }

    /// `f32.convert_i64_u`: rounded once from the exact value.
    @inlinable
    public static func f32ConvertI64U(_ value: UInt64) -> Float { Float(value) }

    /// `f64.convert_i32_s` (exact).
    @inlinable
    public static func f64ConvertI32S(_ value: UInt32) -> Double { Double(Int32(bitPattern: value)) }

    /// `f64.convert_i32_u` (exact).
    @inlinable
    public static func f64ConvertI32U(_ value: UInt32) -> Double { Double(value) }

    /// `f64.convert_i64_s`.
    @inlinable
    public static func f64ConvertI64S(_ value: UInt64) -> Double { Double(Int64(bitPattern: value)) }

    /// `f64.convert_i64_u`.
    @inlinable
    public static func f64ConvertI64U(_ value: UInt64) -> Double { Double(value) }

    /// `f32.demote_f64`: correctly rounded; a NaN keeps its sign and the top 22 payload
    /// bits and becomes quiet (canonical stays canonical).
    @inlinable
    public static func f32DemoteF64(_ value: Double) -> Float {
        if value.isNaN {
            let bits = value.bitPattern
            let sign = UInt32(truncatingIfNeeded: bits >> 32) & 0x8000_0000
            let payload = UInt32(truncatingIfNeeded: bits >> 29) & 0x003f_ffff
            return Float(bitPattern: sign | 0x7fc0_0000 | payload)
        }
        return Float(value)
    }

    /// `f64.promote_f32`: exact; a NaN keeps its sign and payload and becomes quiet.
    @inlinable
    public static func f64PromoteF32(_ value: Float) -> Double {
        if value.isNaN {
            let bits = UInt64(value.bitPattern)
            let sign = (bits & 0x8000_0000) << 32
            let payload = (bits & 0x003f_ffff) << 29
            return Double(bitPattern: sign | 0x7ff8_0000_0000_0000 | payload)
        }
        return Double(value)
    }
}

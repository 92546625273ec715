import WasmCore

// Float -> integer conversions, trapping (`trunc`) and saturating (`trunc_sat`).
//
// The range tests are written against exactly representable bounds so that they decide
// on the *truncated* value: a float converts iff trunc(x) fits. For a signed N-bit target
// the open interval is (-2^(N-1) - 1, 2^(N-1)); when -2^(N-1) - 1 is not representable in
// the source format (f32 for N = 32 and 64, f64 for N = 64) no float lies strictly between
// it and -2^(N-1), so `x >= -2^(N-1)` is the same test. Unsigned: (-1, 2^N).
// Every comparison is false for NaN, so NaN is only told apart on the failure path.
// Once in range, Swift's `Int32(_:)`/`UInt32(_:)` initialisers truncate toward zero and
// their own range preconditions (which accept exactly these intervals, including
// (-1, 0) for unsigned targets) cannot fire.

extension Numerics {
    // MARK: trapping

    /// `i32.trunc_f32_s`.
    @inlinable
    public static func i32TruncF32S(_ value: Float) throws(TrapReason) -> UInt32 {
        guard value >= -0x1p31 && value < 0x1p31 else { throw truncFailure(value.isNaN) }
        return UInt32(bitPattern: Int32(value))
    }

    /// `i32.trunc_f32_u`.
    @inlinable
    public static func i32TruncF32U(_ value: Float) throws(TrapReason) -> UInt32 {
        guard value > -1 && value < 0x1p32 else { throw truncFailure(value.isNaN) }
        return UInt32(value)
    }

    /// `i32.trunc_f64_s`: e.g. -2147483648.9 converts, -2147483649.0 overflows.
    @inlinable
    public static func i32TruncF64S(_ value: Double) throws(TrapReason) -> UInt32 {
        guard value > -2147483649.0 && value < 0x1p31 else { throw truncFailure(value.isNaN) }
        return UInt32(bitPattern: Int32(value))
    }

    /// `i32.trunc_f64_u`: e.g. 4294967295.9 converts, 4294967296.0 overflows.
    @inlinable
    public static func i32TruncF64U(_ value: Double) throws(TrapReason) -> UInt32 {
        guard value > -1 && value < 0x1p32 else { throw truncFailure(value.isNaN) }
        return UInt32(value)
    }

    /// `i64.trunc_f32_s`.
    @inlinable
    public static func i64TruncF32S(_ value: Float) throws(TrapReason) -> UInt64 {
        guard value >= -0x1p63 && value < 0x1p63 else { throw truncFailure(value.isNaN) }
        return UInt64(bitPattern: Int64(value))
    }

    /// `i64.trunc_f32_u`.
    @inlinable
    public static func i64TruncF32U(_ value: Float) throws(TrapReason) -> UInt64 {
        guard value > -1 && value < 0x1p64 else { throw truncFailure(value.isNaN) }
        return UInt64(value)
    }

    /// `i64.trunc_f64_s`.
    @inlinable
    public static func i64TruncF64S(_ value: Double) throws(TrapReason) -> UInt64 {
        guard value >= -0x1p63 && value < 0x1p63 else { throw truncFailure(value.isNaN) }
        return UInt64(bitPattern: Int64(value))
    }

    /// `i64.trunc_f64_u`.
    @inlinable
    public static func i64TruncF64U(_ value: Double) throws(TrapReason) -> UInt64 {
        guard value > -1 && value < 0x1p64 else { throw truncFailure(value.isNaN) }
        return UInt64(value)
    }

    @inlinable @inline(__always)
    static func truncFailure(_ isNaN: Bool) -> TrapReason {
        isNaN ? .invalidConversionToInteger : .integerOverflow
    }

    // MARK: saturating

    /// `i32.trunc_sat_f32_s`: NaN gives 0, out-of-range values clamp.
    @inlinable
    public static func i32TruncSatF32S(_ value: Float) -> UInt32 {
        if value >= -0x1p31 && value < 0x1p31 { return UInt32(bitPattern: Int32(value)) }
        if value.isNaN { return 0 }
        return UInt32(bitPattern: value < 0 ? Int32.min : Int32.max)
    }

    /// `i32.trunc_sat_f32_u`: NaN gives 0, out-of-range values clamp.
    @inlinable
    public static func i32TruncSatF32U(_ value: Float) -> UInt32 {
        if value > -1 && value < 0x1p32 { return UInt32(value) }
        if value.isNaN { return 0 }
        return value < 0 ? 0 : .max
    }

    /// `i32.trunc_sat_f64_s`: NaN gives 0, out-of-range values clamp.
    @inlinable
    public static func i32TruncSatF64S(_ value: Double) -> UInt32 {
        if value > -2147483649.0 && value < 0x1p31 { return UInt32(bitPattern: Int32(value)) }
        if value.isNaN { return 0 }
        return UInt32(bitPattern: value < 0 ? Int32.min : Int32.max)
    }

    /// `i32.trunc_sat_f64_u`: NaN gives 0, out-of-range values clamp.
    @inlinable
    public static func i32TruncSatF64U(_ value: Double) -> UInt32 {
        if value > -1 && value < 0x1p32 { return UInt32(value) }
        if value.isNaN { return 0 }
        return value < 0 ? 0 : .max
    }

    /// `i64.trunc_sat_f32_s`: NaN gives 0, out-of-range values clamp.
    @inlinable
    public static func i64TruncSatF32S(_ value: Float) -> UInt64 {
        if value >= -0x1p63 && value < 0x1p63 { return UInt64(bitPattern: Int64(value)) }
        if value.isNaN { return 0 }
        return UInt64(bitPattern: value < 0 ? Int64.min : Int64.max)
    }

    /// `i64.trunc_sat_f32_u`: NaN gives 0, out-of-range values clamp.
    @inlinable
    public static func i64TruncSatF32U(_ value: Float) -> UInt64 {
        if value > -1 && value < 0x1p64 { return UInt64(value) }
        if value.isNaN { return 0 }
        return value < 0 ? 0 : .max
    }

    /// `i64.trunc_sat_f64_s`: NaN gives 0, out-of-range values clamp.
    @inlinable
    public static func i64TruncSatF64S(_ value: Double) -> UInt64 {
        if value >= -0x1p63 && value < 0x1p63 { return UInt64(bitPattern: Int64(value)) }
        if value.isNaN { return 0 }
        return UInt64(bitPattern: value < 0 ? Int64.min : Int64.max)
    }

    /// `i64.trunc_sat_f64_u`: NaN gives 0, out-of-range values clamp.
    @inlinable
    public static func i64TruncSatF64U(_ value: Double) -> UInt64 {
        if value > -1 && value < 0x1p64 { return UInt64(value) }
        if value.isNaN { return 0 }
        return value < 0 ? 0 : .max
    }
}

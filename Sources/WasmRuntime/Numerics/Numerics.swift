import WasmCore

/// Exact WebAssembly semantics of the scalar numeric instructions that Swift's operators
/// do not already match one-to-one.
///
/// Every tier calls these (the interpreter directly, JITs as fallbacks or for constant
/// folding), so each function is `@inlinable` and works on the raw representation the
/// tiers keep on their stacks: integers as `UInt32`/`UInt64` bit patterns, floats as
/// `Float`/`Double` values (whose bit patterns Swift preserves, NaN payloads included).
///
/// Instructions that *are* one-liners are intentionally absent: `&+`, `&-`, `&*`,
/// `&<<`/`&>>` (Swift masks the shift count exactly like Wasm), `leadingZeroBitCount`,
/// `trailingZeroBitCount`, `nonzeroBitCount`, sign extension via `Int8(truncatingIfNeeded:)`,
/// `Float`/`Double` `+ - * /` (IEEE 754 round-to-nearest-even; NaN results are quiet, which
/// the spec's `nan:arithmetic` accepts), `Float(bitPattern:)` reinterpretation and the
/// comparisons.
public enum Numerics {}

// MARK: - Integer division and remainder

extension Numerics {
    /// `i32.div_s`: traps on a zero divisor and on `INT32_MIN / -1`.
    @inlinable
    public static func i32DivS(_ lhs: UInt32, _ rhs: UInt32) throws(TrapReason) -> UInt32 {
        if rhs == 0 { throw .integerDivideByZero }
        let a = Int32(bitPattern: lhs), b = Int32(bitPattern: rhs)
        if a == .min && b == -1 { throw .integerOverflow }
        return UInt32(bitPattern: a / b)
    }

    /// `i32.div_u`: traps on a zero divisor.
    @inlinable
    public static func i32DivU(_ lhs: UInt32, _ rhs: UInt32) throws(TrapReason) -> UInt32 {
        if rhs == 0 { throw .integerDivideByZero }
        return lhs / rhs
    }

    /// `i32.rem_s`: traps on a zero divisor; `INT32_MIN % -1` is 0 (Swift's `%` would trap).
    @inlinable
    public static func i32RemS(_ lhs: UInt32, _ rhs: UInt32) throws(TrapReason) -> UInt32 {
        if rhs == 0 { throw .integerDivideByZero }
        let b = Int32(bitPattern: rhs)
        if b == -1 { return 0 }
        return UInt32(bitPattern: Int32(bitPattern: lhs) % b)
    }

    /// `i32.rem_u`: traps on a zero divisor.
    @inlinable
    public static func i32RemU(_ lhs: UInt32, _ rhs: UInt32) throws(TrapReason) -> UInt32 {
        if rhs == 0 { throw .integerDivideByZero }
        return lhs % rhs
    }

    /// `i64.div_s`: traps on a zero divisor and on `INT64_MIN / -1`.
    @inlinable
    public static func i64DivS(_ lhs: UInt64, _ rhs: UInt64) throws(TrapReason) -> UInt64 {
        if rhs == 0 { throw .integerDivideByZero }
        let a = Int64(bitPattern: lhs), b = Int64(bitPattern: rhs)
        if a == .min && b == -1 { throw .integerOverflow }
        return UInt64(bitPattern: a / b)
    }

    /// `i64.div_u`: traps on a zero divisor.
    @inlinable
    public static func i64DivU(_ lhs: UInt64, _ rhs: UInt64) throws(TrapReason) -> UInt64 {
        if rhs == 0 { throw .integerDivideByZero }
        return lhs / rhs
    }

    /// `i64.rem_s`: traps on a zero divisor; `INT64_MIN % -1` is 0.
    @inlinable
    public static func i64RemS(_ lhs: UInt64, _ rhs: UInt64) throws(TrapReason) -> UInt64 {
        if rhs == 0 { throw .integerDivideByZero }
        let b = Int64(bitPattern: rhs)
        if b == -1 { return 0 }
        return UInt64(bitPattern: Int64(bitPattern: lhs) % b)
    }

    /// `i64.rem_u`: traps on a zero divisor.
    @inlinable
    public static func i64RemU(_ lhs: UInt64, _ rhs: UInt64) throws(TrapReason) -> UInt64 {
        if rhs == 0 { throw .integerDivideByZero }
        return lhs % rhs
    }
}

// MARK: - Rotations

extension Numerics {
    /// `i32.rotl` (count taken modulo 32).
    @inlinable
    public static func i32Rotl(_ value: UInt32, _ count: UInt32) -> UInt32 {
        let k = count & 31
        return (value &<< k) | (value &>> ((32 &- k) & 31))
    }

    /// `i32.rotr` (count taken modulo 32).
    @inlinable
    public static func i32Rotr(_ value: UInt32, _ count: UInt32) -> UInt32 {
        let k = count & 31
        return (value &>> k) | (value &<< ((32 &- k) & 31))
    }

    /// `i64.rotl` (count taken modulo 64).
    @inlinable
    public static func i64Rotl(_ value: UInt64, _ count: UInt64) -> UInt64 {
        let k = count & 63
        return (value &<< k) | (value &>> ((64 &- k) & 63))
    }

    /// `i64.rotr` (count taken modulo 64).
    @inlinable
    public static func i64Rotr(_ value: UInt64, _ count: UInt64) -> UInt64 {
        let k = count & 63
        return (value &>> k) | (value &<< ((64 &- k) & 63))
    }
}

import WasmCore

/// How a sequence of values (parameters, results, locals, operand homes) is laid out in
/// 64-bit slots: one slot per value, two for `v128` (low half first). Every tier and the
/// host-call path use this one rule, so arguments and results line up across calls.
///
///     types   [i32, v128, f64]
///     slots   | i32 | v128 low | v128 high | f64 |
///     offset    0     8          16          24        (bytes)
public enum SlotLayout {
    /// Slots a value of `type` occupies.
    @inline(__always)
    public static func width(_ type: ValueType) -> Int { type == .v128 ? 2 : 1 }

    /// Total slots of `types`.
    public static func slotCount(_ types: [ValueType]) -> Int {
        var n = 0
        for t in types { n += width(t) }
        return n
    }

    /// Byte offset of each value of `types`.
    public static func byteOffsets(_ types: [ValueType]) -> [Int] {
        var offsets: [Int] = []
        offsets.reserveCapacity(types.count)
        var at = 0
        for t in types {
            offsets.append(at)
            at += width(t) * 8
        }
        return offsets
    }

    /// Writes `values` in this layout at `base`.
    public static func store(_ values: [Value], at base: UnsafeMutableRawPointer) {
        var at = 0
        for v in values {
            base.storeBytes(of: Slot.encode(v), toByteOffset: at, as: UInt64.self)
            if case .v128(let x) = v {
                base.storeBytes(of: x.high, toByteOffset: at + 8, as: UInt64.self)
                at += 16
            } else {
                at += 8
            }
        }
    }

    /// Reads values of `types` in this layout from `base`.
    public static func load(_ types: [ValueType], from base: UnsafeRawPointer) -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(types.count)
        var at = 0
        for t in types {
            let low = base.load(fromByteOffset: at, as: UInt64.self)
            if t == .v128 {
                values.append(.v128(V128(low: low, high: base.load(fromByteOffset: at + 8, as: UInt64.self))))
                at += 16
            } else {
                values.append(Slot.decode(low, as: t))
                at += 8
            }
        }
        return values
    }
}

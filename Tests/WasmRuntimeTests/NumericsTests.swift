import Foundation
import Testing
import WasmCore
@testable import WasmRuntime

/// An operation under test: operands in, one result out, or a trap.
private typealias ScalarOp = @Sendable ([ScalarValue]) throws(TrapReason) -> ScalarValue?

// Operand extraction; a wrong operand type yields nil, reported as a failure.
private func i32(_ v: ScalarValue) -> UInt32? { if case .i32(let x) = v { x } else { nil } }
private func i64(_ v: ScalarValue) -> UInt64? { if case .i64(let x) = v { x } else { nil } }
private func f32(_ v: ScalarValue) -> Float? { if case .f32(let x) = v { Float(bitPattern: x) } else { nil } }
private func f64(_ v: ScalarValue) -> Double? { if case .f64(let x) = v { Double(bitPattern: x) } else { nil } }
private func bool(_ b: Bool) -> ScalarValue { .i32(b ? 1 : 0) }

private func unary<A>(_ get: @escaping @Sendable (ScalarValue) -> A?, _ f: @escaping @Sendable (A) throws(TrapReason) -> ScalarValue) -> ScalarOp {
    { (args) throws(TrapReason) in
        guard args.count == 1, let a = get(args[0]) else { return nil }
        return try f(a)
    }
}

private func binary<A>(_ get: @escaping @Sendable (ScalarValue) -> A?, _ f: @escaping @Sendable (A, A) throws(TrapReason) -> ScalarValue) -> ScalarOp {
    { (args) throws(TrapReason) in
        guard args.count == 2, let a = get(args[0]), let b = get(args[1]) else { return nil }
        return try f(a, b)
    }
}

/// Every scalar instruction of the covered scripts. One-liners use plain Swift operators
/// on purpose: this table is also the check that those operators match Wasm.
private let scalarOps: [String: ScalarOp] = {
    var ops: [String: ScalarOp] = [:]
    typealias N = Numerics
    // i32
    ops["i32.add"] = binary(i32) { .i32($0 &+ $1) }
    ops["i32.sub"] = binary(i32) { .i32($0 &- $1) }
    ops["i32.mul"] = binary(i32) { .i32($0 &* $1) }
    ops["i32.div_s"] = binary(i32) { (a, b) throws(TrapReason) in .i32(try N.i32DivS(a, b)) }
    ops["i32.div_u"] = binary(i32) { (a, b) throws(TrapReason) in .i32(try N.i32DivU(a, b)) }
    ops["i32.rem_s"] = binary(i32) { (a, b) throws(TrapReason) in .i32(try N.i32RemS(a, b)) }
    ops["i32.rem_u"] = binary(i32) { (a, b) throws(TrapReason) in .i32(try N.i32RemU(a, b)) }
    ops["i32.and"] = binary(i32) { .i32($0 & $1) }
    ops["i32.or"] = binary(i32) { .i32($0 | $1) }
    ops["i32.xor"] = binary(i32) { .i32($0 ^ $1) }
    ops["i32.shl"] = binary(i32) { .i32($0 &<< $1) }
    ops["i32.shr_s"] = binary(i32) { .i32(UInt32(bitPattern: Int32(bitPattern: $0) &>> Int32(bitPattern: $1))) }
    ops["i32.shr_u"] = binary(i32) { .i32($0 &>> $1) }
    ops["i32.rotl"] = binary(i32) { .i32(N.i32Rotl($0, $1)) }
    ops["i32.rotr"] = binary(i32) { .i32(N.i32Rotr($0, $1)) }
    ops["i32.clz"] = unary(i32) { .i32(UInt32($0.leadingZeroBitCount)) }
    ops["i32.ctz"] = unary(i32) { .i32(UInt32($0.trailingZeroBitCount)) }
    ops["i32.popcnt"] = unary(i32) { .i32(UInt32($0.nonzeroBitCount)) }
    ops["i32.extend8_s"] = unary(i32) { .i32(UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: $0)))) }
    ops["i32.extend16_s"] = unary(i32) { .i32(UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: $0)))) }
    ops["i32.eqz"] = unary(i32) { bool($0 == 0) }
    ops["i32.eq"] = binary(i32) { bool($0 == $1) }
    ops["i32.ne"] = binary(i32) { bool($0 != $1) }
    ops["i32.lt_s"] = binary(i32) { bool(Int32(bitPattern: $0) < Int32(bitPattern: $1)) }
    ops["i32.lt_u"] = binary(i32) { bool($0 < $1) }
    ops["i32.le_s"] = binary(i32) { bool(Int32(bitPattern: $0) <= Int32(bitPattern: $1)) }
    ops["i32.le_u"] = binary(i32) { bool($0 <= $1) }
    ops["i32.gt_s"] = binary(i32) { bool(Int32(bitPattern: $0) > Int32(bitPattern: $1)) }
    ops["i32.gt_u"] = binary(i32) { bool($0 > $1) }
    ops["i32.ge_s"] = binary(i32) { bool(Int32(bitPattern: $0) >= Int32(bitPattern: $1)) }
    ops["i32.ge_u"] = binary(i32) { bool($0 >= $1) }
    // i64
    ops["i64.add"] = binary(i64) { .i64($0 &+ $1) }
    ops["i64.sub"] = binary(i64) { .i64($0 &- $1) }
    ops["i64.mul"] = binary(i64) { .i64($0 &* $1) }
    ops["i64.div_s"] = binary(i64) { (a, b) throws(TrapReason) in .i64(try N.i64DivS(a, b)) }
    ops["i64.div_u"] = binary(i64) { (a, b) throws(TrapReason) in .i64(try N.i64DivU(a, b)) }
    ops["i64.rem_s"] = binary(i64) { (a, b) throws(TrapReason) in .i64(try N.i64RemS(a, b)) }
    ops["i64.rem_u"] = binary(i64) { (a, b) throws(TrapReason) in .i64(try N.i64RemU(a, b)) }
    ops["i64.and"] = binary(i64) { .i64($0 & $1) }
    ops["i64.or"] = binary(i64) { .i64($0 | $1) }
    ops["i64.xor"] = binary(i64) { .i64($0 ^ $1) }
    ops["i64.shl"] = binary(i64) { .i64($0 &<< $1) }
    ops["i64.shr_s"] = binary(i64) { .i64(UInt64(bitPattern: Int64(bitPattern: $0) &>> Int64(bitPattern: $1))) }
    ops["i64.shr_u"] = binary(i64) { .i64($0 &>> $1) }
    ops["i64.rotl"] = binary(i64) { .i64(N.i64Rotl($0, $1)) }
    ops["i64.rotr"] = binary(i64) { .i64(N.i64Rotr($0, $1)) }
    ops["i64.clz"] = unary(i64) { .i64(UInt64($0.leadingZeroBitCount)) }
    ops["i64.ctz"] = unary(i64) { .i64(UInt64($0.trailingZeroBitCount)) }
    ops["i64.popcnt"] = unary(i64) { .i64(UInt64($0.nonzeroBitCount)) }
    ops["i64.extend8_s"] = unary(i64) { .i64(UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: $0)))) }
    ops["i64.extend16_s"] = unary(i64) { .i64(UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: $0)))) }
    ops["i64.extend32_s"] = unary(i64) { .i64(UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: $0)))) }
    ops["i64.eqz"] = unary(i64) { bool($0 == 0) }
    ops["i64.eq"] = binary(i64) { bool($0 == $1) }
    ops["i64.ne"] = binary(i64) { bool($0 != $1) }
    ops["i64.lt_s"] = binary(i64) { bool(Int64(bitPattern: $0) < Int64(bitPattern: $1)) }
    ops["i64.lt_u"] = binary(i64) { bool($0 < $1) }
    ops["i64.le_s"] = binary(i64) { bool(Int64(bitPattern: $0) <= Int64(bitPattern: $1)) }
    ops["i64.le_u"] = binary(i64) { bool($0 <= $1) }
    ops["i64.gt_s"] = binary(i64) { bool(Int64(bitPattern: $0) > Int64(bitPattern: $1)) }
    ops["i64.gt_u"] = binary(i64) { bool($0 > $1) }
    ops["i64.ge_s"] = binary(i64) { bool(Int64(bitPattern: $0) >= Int64(bitPattern: $1)) }
    ops["i64.ge_u"] = binary(i64) { bool($0 >= $1) }
    // f32
    let r32: @Sendable (Float) -> ScalarValue = { x in ScalarValue.f32(x.bitPattern) }
    ops["f32.add"] = binary(f32) { r32($0 + $1) }
    ops["f32.sub"] = binary(f32) { r32($0 - $1) }
    ops["f32.mul"] = binary(f32) { r32($0 * $1) }
    ops["f32.div"] = binary(f32) { r32($0 / $1) }
    ops["f32.min"] = binary(f32) { r32(N.f32Min($0, $1)) }
    ops["f32.max"] = binary(f32) { r32(N.f32Max($0, $1)) }
    ops["f32.copysign"] = binary(f32) { r32(N.f32Copysign($0, $1)) }
    ops["f32.sqrt"] = unary(f32) { r32(N.f32Sqrt($0)) }
    ops["f32.ceil"] = unary(f32) { r32(N.f32Ceil($0)) }
    ops["f32.floor"] = unary(f32) { r32(N.f32Floor($0)) }
    ops["f32.trunc"] = unary(f32) { r32(N.f32Trunc($0)) }
    ops["f32.nearest"] = unary(f32) { r32(N.f32Nearest($0)) }
    ops["f32.abs"] = unary(f32) { r32(N.f32Abs($0)) }
    ops["f32.neg"] = unary(f32) { r32(N.f32Neg($0)) }
    ops["f32.eq"] = binary(f32) { bool($0 == $1) }
    ops["f32.ne"] = binary(f32) { bool($0 != $1) }
    ops["f32.lt"] = binary(f32) { bool($0 < $1) }
    ops["f32.le"] = binary(f32) { bool($0 <= $1) }
    ops["f32.gt"] = binary(f32) { bool($0 > $1) }
    ops["f32.ge"] = binary(f32) { bool($0 >= $1) }
    // f64
    let r64: @Sendable (Double) -> ScalarValue = { x in ScalarValue.f64(x.bitPattern) }
    ops["f64.add"] = binary(f64) { r64($0 + $1) }
    ops["f64.sub"] = binary(f64) { r64($0 - $1) }
    ops["f64.mul"] = binary(f64) { r64($0 * $1) }
    ops["f64.div"] = binary(f64) { r64($0 / $1) }
    ops["f64.min"] = binary(f64) { r64(N.f64Min($0, $1)) }
    ops["f64.max"] = binary(f64) { r64(N.f64Max($0, $1)) }
    ops["f64.copysign"] = binary(f64) { r64(N.f64Copysign($0, $1)) }
    ops["f64.sqrt"] = unary(f64) { r64(N.f64Sqrt($0)) }
    ops["f64.ceil"] = unary(f64) { r64(N.f64Ceil($0)) }
    ops["f64.floor"] = unary(f64) { r64(N.f64Floor($0)) }
    ops["f64.trunc"] = unary(f64) { r64(N.f64Trunc($0)) }
    ops["f64.nearest"] = unary(f64) { r64(N.f64Nearest($0)) }
    ops["f64.abs"] = unary(f64) { r64(N.f64Abs($0)) }
    ops["f64.neg"] = unary(f64) { r64(N.f64Neg($0)) }
    ops["f64.eq"] = binary(f64) { bool($0 == $1) }
    ops["f64.ne"] = binary(f64) { bool($0 != $1) }
    ops["f64.lt"] = binary(f64) { bool($0 < $1) }
    ops["f64.le"] = binary(f64) { bool($0 <= $1) }
    ops["f64.gt"] = binary(f64) { bool($0 > $1) }
    ops["f64.ge"] = binary(f64) { bool($0 >= $1) }
    // conversions
    ops["i64.extend_i32_s"] = unary(i32) { .i64(UInt64(bitPattern: Int64(Int32(bitPattern: $0)))) }
    ops["i64.extend_i32_u"] = unary(i32) { .i64(UInt64($0)) }
    ops["i32.wrap_i64"] = unary(i64) { .i32(UInt32(truncatingIfNeeded: $0)) }
    ops["i32.trunc_f32_s"] = unary(f32) { (x) throws(TrapReason) in .i32(try N.i32TruncF32S(x)) }
    ops["i32.trunc_f32_u"] = unary(f32) { (x) throws(TrapReason) in .i32(try N.i32TruncF32U(x)) }
    ops["i32.trunc_f64_s"] = unary(f64) { (x) throws(TrapReason) in .i32(try N.i32TruncF64S(x)) }
    ops["i32.trunc_f64_u"] = unary(f64) { (x) throws(TrapReason) in .i32(try N.i32TruncF64U(x)) }
    ops["i64.trunc_f32_s"] = unary(f32) { (x) throws(TrapReason) in .i64(try N.i64TruncF32S(x)) }
    ops["i64.trunc_f32_u"] = unary(f32) { (x) throws(TrapReason) in .i64(try N.i64TruncF32U(x)) }
    ops["i64.trunc_f64_s"] = unary(f64) { (x) throws(TrapReason) in .i64(try N.i64TruncF64S(x)) }
    ops["i64.trunc_f64_u"] = unary(f64) { (x) throws(TrapReason) in .i64(try N.i64TruncF64U(x)) }
    ops["i32.trunc_sat_f32_s"] = unary(f32) { .i32(N.i32TruncSatF32S($0)) }
    ops["i32.trunc_sat_f32_u"] = unary(f32) { .i32(N.i32TruncSatF32U($0)) }
    ops["i32.trunc_sat_f64_s"] = unary(f64) { .i32(N.i32TruncSatF64S($0)) }
    ops["i32.trunc_sat_f64_u"] = unary(f64) { .i32(N.i32TruncSatF64U($0)) }
    ops["i64.trunc_sat_f32_s"] = unary(f32) { .i64(N.i64TruncSatF32S($0)) }
    ops["i64.trunc_sat_f32_u"] = unary(f32) { .i64(N.i64TruncSatF32U($0)) }
    ops["i64.trunc_sat_f64_s"] = unary(f64) { .i64(N.i64TruncSatF64S($0)) }
    ops["i64.trunc_sat_f64_u"] = unary(f64) { .i64(N.i64TruncSatF64U($0)) }
    ops["f32.convert_i32_s"] = unary(i32) { r32(N.f32ConvertI32S($0)) }
    ops["f32.convert_i32_u"] = unary(i32) { r32(N.f32ConvertI32U($0)) }
    ops["f32.convert_i64_s"] = unary(i64) { r32(N.f32ConvertI64S($0)) }
    ops["f32.convert_i64_u"] = unary(i64) { r32(N.f32ConvertI64U($0)) }
    ops["f64.convert_i32_s"] = unary(i32) { r64(N.f64ConvertI32S($0)) }
    ops["f64.convert_i32_u"] = unary(i32) { r64(N.f64ConvertI32U($0)) }
    ops["f64.convert_i64_s"] = unary(i64) { r64(N.f64ConvertI64S($0)) }
    ops["f64.convert_i64_u"] = unary(i64) { r64(N.f64ConvertI64U($0)) }
    ops["f32.demote_f64"] = unary(f64) { r32(N.f32DemoteF64($0)) }
    ops["f64.promote_f32"] = unary(f32) { r64(N.f64PromoteF32($0)) }
    ops["f32.reinterpret_i32"] = unary(i32) { .f32($0) }
    ops["f64.reinterpret_i64"] = unary(i64) { .f64($0) }
    ops["i32.reinterpret_f32"] = unary(f32) { .i32($0.bitPattern) }
    ops["i64.reinterpret_f64"] = unary(f64) { .i64($0.bitPattern) }
    return ops
}()

/// Runs every assertion of a script against `scalarOps`; returns the failure descriptions
/// and the number of assertions checked.
private func runScript(_ name: String) throws -> (failures: [String], checked: Int) {
    guard let dir = ScalarWastReader.locateTestsuite() else {
        return (["spec testsuite not found (set WASMLAB_TESTSUITE)"], 0)
    }
    let script = try ScalarWastReader.read(dir.appendingPathComponent(name))
    var failures = script.unreadable.map { "\(name) \($0)" }
    for assertion in script.assertions {
        let where_ = "\(name):\(assertion.line) \(assertion.export)\(assertion.arguments)"
        guard let opName = script.instructions[assertion.export], let op = scalarOps[opName] else {
            failures.append("\(where_): no implementation"); continue
        }
        let outcome: Result<ScalarValue?, TrapReason>
        do throws(TrapReason) { outcome = .success(try op(assertion.arguments)) } catch { outcome = .failure(error) }
        switch (assertion.outcome, outcome) {
        case (.values(let expected), .success(let actual?)):
            if expected.count != 1 || !expected[0].accepts(actual) {
                failures.append("\(where_): expected \(expected), got \(actual)")
            }
        case (.trap(let message), .failure(let trap)):
            if trap.message != message { failures.append("\(where_): expected trap \(message), got \(trap)") }
        case (_, .success(nil)):
            failures.append("\(where_): operand types do not match \(opName)")
        case (_, .success(let actual?)):
            failures.append("\(where_): expected \(assertion.outcome), got \(actual)")
        case (_, .failure(let trap)):
            failures.append("\(where_): expected \(assertion.outcome), trapped \(trap)")
        }
    }
    return (failures, script.assertions.count)
}

@Suite struct NumericsSpecTests {
    /// Script, and the minimum number of assertions the reader must find in it (guards
    /// against the reader silently skipping lines).
    static let scripts: [(String, Int)] = [
        ("i32.wast", 370), ("i64.wast", 380), ("f32.wast", 2500), ("f64.wast", 2500),
        ("f32_bitwise.wast", 360), ("f64_bitwise.wast", 360), ("f32_cmp.wast", 2400),
        ("f64_cmp.wast", 2400), ("conversions.wast", 590), ("float_misc.wast", 470),
    ]

    @Test(arguments: scripts)
    func specScript(_ script: (String, Int)) throws {
        let (failures, checked) = try runScript(script.0)
        #expect(checked >= script.1, "only \(checked) assertions read from \(script.0)")
        if !failures.isEmpty {
            Issue.record("\(script.0): \(failures.count) failures:\n\(failures.prefix(40).joined(separator: "\n"))")
        }
    }
}

// MARK: - Direct checks of the edge cases the spec scripts exercise only partly

@Suite struct NumericsEdgeCaseTests {
    typealias N = Numerics

    @Test func integerDivisionTraps() throws {
        #expect(throws: TrapReason.integerDivideByZero) { try N.i32DivS(1, 0) }
        #expect(throws: TrapReason.integerDivideByZero) { try N.i32DivU(1, 0) }
        #expect(throws: TrapReason.integerDivideByZero) { try N.i32RemS(0x8000_0000, 0) }
        #expect(throws: TrapReason.integerDivideByZero) { try N.i64RemU(1, 0) }
        #expect(throws: TrapReason.integerOverflow) { try N.i32DivS(0x8000_0000, 0xffff_ffff) }
        #expect(throws: TrapReason.integerOverflow) { try N.i64DivS(1 << 63, .max) }
        #expect(try N.i32RemS(0x8000_0000, 0xffff_ffff) == 0)
        #expect(try N.i64RemS(1 << 63, .max) == 0)
        #expect(try N.i32DivS(UInt32(bitPattern: -7), 2) == UInt32(bitPattern: -3))
        #expect(try N.i32RemS(UInt32(bitPattern: -7), 2) == UInt32(bitPattern: -1))
        #expect(try N.i64DivU(.max, 2) == UInt64.max / 2)
    }

    @Test func minMaxSignedZerosAndNaNs() {
        #expect(N.f32Min(0.0, -0.0).bitPattern == 0x8000_0000)
        #expect(N.f32Min(-0.0, 0.0).bitPattern == 0x8000_0000)
        #expect(N.f32Max(-0.0, 0.0).bitPattern == 0)
        #expect(N.f64Max(0.0, -0.0).bitPattern == 0)
        #expect(N.f64Min(0.0, -0.0).bitPattern == 0x8000_0000_0000_0000)
        let snan = Float(bitPattern: 0x7fa0_0001)
        #expect(N.f32Min(1, snan).bitPattern == 0x7fe0_0001)
        #expect(N.f32Max(snan, .infinity).bitPattern == 0x7fe0_0001)
        #expect(N.f64Min(.nan, 1).isNaN)
    }

    @Test func bitOperationsKeepNaNPayloads() {
        let snan: UInt32 = 0x7fa0_0001
        #expect(N.f32Abs(Float(bitPattern: 0x8000_0000 | snan)).bitPattern == snan)
        #expect(N.f32Neg(Float(bitPattern: snan)).bitPattern == 0x8000_0000 | snan)
        #expect(N.f32Copysign(Float(bitPattern: snan), -1).bitPattern == 0x8000_0000 | snan)
        let snan64: UInt64 = 0x7ff0_0000_0000_0001
        #expect(N.f64Neg(Double(bitPattern: snan64)).bitPattern == 0x8000_0000_0000_0000 | snan64)
        #expect(N.f64Abs(Double(bitPattern: snan64 | 1 << 63)).bitPattern == snan64)
        #expect(N.f64Copysign(-2, Double(bitPattern: snan64)).bitPattern == 2.0.bitPattern)
    }

    @Test func rounding() {
        #expect(N.f32Nearest(2.5) == 2 && N.f32Nearest(3.5) == 4 && N.f32Nearest(-2.5) == -2)
        #expect(N.f32Nearest(-0.5).bitPattern == 0x8000_0000)
        #expect(N.f64Nearest(0x1.fffffffffffffp51) == 0x1p52)  // 2^52 - 0.5 ties to even
        #expect(N.f64Ceil(-0.5).bitPattern == (-0.0).bitPattern)
        #expect(N.f32Floor(-0.5) == -1 && N.f64Trunc(-1.9) == -1)
        #expect(N.f32Nearest(Float(bitPattern: 0x7fa0_0000)).bitPattern == 0x7fe0_0000)
        #expect(N.f64Sqrt(-1).isNaN && N.f64Sqrt(-0.0).bitPattern == (-0.0).bitPattern)
    }

    @Test func truncationBounds() throws {
        #expect(try N.i32TruncF64S(-2147483648.9) == 0x8000_0000)
        #expect(throws: TrapReason.integerOverflow) { try N.i32TruncF64S(-2147483649.0) }
        #expect(try N.i32TruncF64S(2147483647.9) == 0x7fff_ffff)
        #expect(throws: TrapReason.integerOverflow) { try N.i32TruncF64S(2147483648.0) }
        #expect(try N.i32TruncF64U(4294967295.9) == 0xffff_ffff)
        #expect(throws: TrapReason.integerOverflow) { try N.i32TruncF64U(4294967296.0) }
        #expect(try N.i32TruncF64U(-0.9) == 0)
        #expect(throws: TrapReason.integerOverflow) { try N.i32TruncF64U(-1.0) }
        #expect(try N.i32TruncF32S(-0x1p31) == 0x8000_0000)
        #expect(throws: TrapReason.integerOverflow) { try N.i32TruncF32S(0x1p31) }
        #expect(try N.i64TruncF64S(-0x1p63) == 1 << 63)
        #expect(throws: TrapReason.integerOverflow) { try N.i64TruncF64S(0x1p63) }
        #expect(try N.i64TruncF64U(0x1.fffffffffffffp63) == 0xffff_ffff_ffff_f800)
        #expect(throws: TrapReason.integerOverflow) { try N.i64TruncF64U(0x1p64) }
        #expect(throws: TrapReason.integerOverflow) { try N.i64TruncF32U(-.infinity) }
        #expect(throws: TrapReason.invalidConversionToInteger) { try N.i64TruncF32S(.nan) }
        #expect(throws: TrapReason.invalidConversionToInteger) { try N.i32TruncF64U(-.nan) }
    }

    @Test func saturatingTruncation() {
        #expect(N.i32TruncSatF64S(-1e10) == 0x8000_0000 && N.i32TruncSatF64S(1e10) == 0x7fff_ffff)
        #expect(N.i32TruncSatF32U(-5) == 0 && N.i32TruncSatF32U(.infinity) == .max)
        #expect(N.i64TruncSatF64S(.nan) == 0 && N.i64TruncSatF32U(-.nan) == 0)
        #expect(N.i64TruncSatF32S(-.infinity) == 1 << 63 && N.i64TruncSatF64U(0x1p64) == .max)
        #expect(N.i32TruncSatF64S(-2147483648.9) == 0x8000_0000)
    }

    @Test func demoteAndPromoteQuietNaNs() {
        let demoted = N.f32DemoteF64(Double(bitPattern: 0xfff0_0000_2000_0000))  // sNaN, low payload bit 29
        #expect(demoted.bitPattern == 0xffc0_0001)
        #expect(N.f32DemoteF64(.nan).bitPattern == 0x7fc0_0000)
        let promoted = N.f64PromoteF32(Float(bitPattern: 0x7f80_0001))
        #expect(promoted.bitPattern == 0x7ff8_0000_2000_0000)
        #expect(N.f64PromoteF32(Float(bitPattern: 0xffc0_0000)).bitPattern == 0xfff8_0000_0000_0000)
        #expect(N.f32DemoteF64(0x1.fffffefffffffp127) == Float.greatestFiniteMagnitude)
        #expect(N.f32DemoteF64(0x1.ffffffp127) == .infinity)
        #expect(N.f32DemoteF64(0x1p-150).bitPattern == 0)  // tie to even at the bottom
        #expect(N.f32DemoteF64(0x1.0000000000001p-150).bitPattern == 1)
    }

    @Test func rotations() {
        #expect(N.i32Rotl(0x8000_0001, 1) == 3 && N.i32Rotl(0x1234_5678, 32) == 0x1234_5678)
        #expect(N.i32Rotr(1, 1) == 0x8000_0000 && N.i32Rotr(0xf, 0xffff_fffc) == 0xf0)
        #expect(N.i64Rotl(1 << 63, 65) == 1 && N.i64Rotr(2, 0) == 2)
    }
}

// MARK: - Integer -> float conversions against an integer-only reference

/// Correctly rounded (ties to even) conversion of `magnitude` (with a sign) to an IEEE
/// binary format with `mantissaBits` stored bits, using only integer arithmetic. Returns
/// the bit pattern; exponents of 64-bit integers never overflow f32 or f64.
private func referenceConvert(_ magnitude: UInt64, negative: Bool, mantissaBits: Int, bias: Int) -> UInt64 {
    if magnitude == 0 { return 0 }
    var exponent = 63 - magnitude.leadingZeroBitCount
    var mantissa: UInt64
    if exponent <= mantissaBits {
        mantissa = magnitude << UInt64(mantissaBits - exponent)
    } else {
        let shift = UInt64(exponent - mantissaBits)
        mantissa = magnitude >> shift
        let rest = magnitude & ((1 << shift) - 1)
        let half: UInt64 = 1 << (shift - 1)
        if rest > half || (rest == half && mantissa & 1 == 1) { mantissa += 1 }
        if mantissa == 1 << UInt64(mantissaBits + 1) { mantissa >>= 1; exponent += 1 }
    }
    let sign: UInt64 = negative ? 1 << UInt64(mantissaBits + (mantissaBits == 23 ? 8 : 11)) : 0
    return sign | UInt64(exponent + bias) << UInt64(mantissaBits) | (mantissa & ((1 << UInt64(mantissaBits)) - 1))
}

@Suite struct IntToFloatConversionTests {
    typealias N = Numerics

    /// Random values plus values sitting on and next to every rounding boundary.
    static func samples() -> [UInt64] {
        var generator = SystemRandomNumberGenerator()
        var values: [UInt64] = [0, 1, .max, 1 << 63, (1 << 63) - 1, (1 << 63) + 1, 0xffff_ffff, 1 << 32]
        for top in 24 ..< 64 {
            let high: UInt64 = 1 << UInt64(top)
            for low in [top - 24, top - 25, top - 53, top - 54] where low >= 0 {
                let step: UInt64 = 1 << UInt64(low)
                for delta in [step, step - 1, step + 1, 3 * step, 3 * step - 1, 3 * step + 1] {
                    values.append(high | delta)
                    values.append(high &- delta)
                }
            }
        }
        for _ in 0 ..< 20_000 {
            let v = UInt64.random(in: .min ... .max, using: &generator)
            values.append(v >> UInt64.random(in: 0 ..< 64, using: &generator))
        }
        return values
    }

    @Test func matchesReference() {
        var mismatches: [String] = []
        for v in Self.samples() {
            let s = Int64(bitPattern: v)
            let magnitude = s < 0 ? 0 &- v : v
            let checks: [(String, UInt64, UInt64)] = [
                ("f32.convert_i64_u", UInt64(N.f32ConvertI64U(v).bitPattern),
                 referenceConvert(v, negative: false, mantissaBits: 23, bias: 127)),
                ("f32.convert_i64_s", UInt64(N.f32ConvertI64S(v).bitPattern),
                 referenceConvert(magnitude, negative: s < 0, mantissaBits: 23, bias: 127)),
                ("f64.convert_i64_u", N.f64ConvertI64U(v).bitPattern,
                 referenceConvert(v, negative: false, mantissaBits: 52, bias: 1023)),
                ("f64.convert_i64_s", N.f64ConvertI64S(v).bitPattern,
                 referenceConvert(magnitude, negative: s < 0, mantissaBits: 52, bias: 1023)),
                ("f32.convert_i32_u", UInt64(N.f32ConvertI32U(UInt32(truncatingIfNeeded: v)).bitPattern),
                 referenceConvert(v & 0xffff_ffff, negative: false, mantissaBits: 23, bias: 127)),
            ]
            for (name, actual, expected) in checks where actual != expected {
                mismatches.append("\(name)(0x\(String(v, radix: 16))): 0x\(String(actual, radix: 16)) != 0x\(String(expected, radix: 16))")
            }
        }
        if !mismatches.isEmpty {
            Issue.record("\(mismatches.count) mismatches:\n\(mismatches.prefix(20).joined(separator: "\n"))")
        }
    }

    @Test func knownDoubleRoundingTraps() {
        // Rounding to f64 first and then to f32 would give the wrong answer for these.
        #expect(N.f32ConvertI64U(0x8000_0080_0000_0001) == 0x1.000002p63)
        #expect(N.f32ConvertI64S(0x0020_0000_2000_0001) == 0x1.000002p53)
        #expect(N.f32ConvertI64S(UInt64(bitPattern: -0x0020_0000_2000_0001)) == -0x1.000002p53)
        #expect(N.f64ConvertI64U(0xffff_ffff_ffff_fbff) == 0x1.fffffffffffffp63)
        #expect(N.f64ConvertI64U(0xffff_ffff_ffff_fc00) == 0x1p64)
    }
}

// MARK: - Float -> int range decisions next to every bound

@Suite struct TruncationBoundaryTests {
    typealias N = Numerics

    /// Whether trunc(x) lies in [lo, end), decided on the (exact) integer part; both
    /// bounds are powers of two or zero, so they are exact doubles.
    static func fits(_ x: Double, _ lo: Double, _ end: Double) -> Bool {
        let t = x.rounded(.towardZero)
        return t >= lo && t < end
    }

    /// The bounds and a few neighbours on each side, in both formats.
    static func neighbours(of bound: Double) -> [Double] {
        var values: [Double] = []
        var up = bound, down = bound
        for _ in 0 ..< 3 { values += [up, down]; up = up.nextUp; down = down.nextDown }
        var f = Float(bound), g = Float(bound)
        for _ in 0 ..< 3 { values += [Double(f), Double(g)]; f = f.nextUp; g = g.nextDown }
        return values + [bound - 0.5, bound + 0.5, bound - 1, bound + 1]
    }

    @Test func decisionsMatchExactPredicate() {
        let bounds: [Double] = [-0x1p31, 0x1p31, -1, 0, 0x1p32, -0x1p63, 0x1p63, 0x1p64, -2147483649]
        var mismatches: [String] = []
        func check(_ name: String, _ x: Double, _ ok: Bool, _ expected: Bool) {
            if ok != expected { mismatches.append("\(name)(\(x)): \(ok ? "converted" : "trapped")") }
        }
        for bound in bounds {
            for x in Self.neighbours(of: bound) {
                let i32s = Self.fits(x, -0x1p31, 0x1p31), i32u = Self.fits(x, 0, 0x1p32)
                let i64s = Self.fits(x, -0x1p63, 0x1p63), i64u = Self.fits(x, 0, 0x1p64)
                check("i32.trunc_f64_s", x, (try? N.i32TruncF64S(x)) != nil, i32s)
                check("i32.trunc_f64_u", x, (try? N.i32TruncF64U(x)) != nil, i32u)
                check("i64.trunc_f64_s", x, (try? N.i64TruncF64S(x)) != nil, i64s)
                check("i64.trunc_f64_u", x, (try? N.i64TruncF64U(x)) != nil, i64u)
                let f = Float(x)
                guard Double(f) == x else { continue }
                check("i32.trunc_f32_s", x, (try? N.i32TruncF32S(f)) != nil, i32s)
                check("i32.trunc_f32_u", x, (try? N.i32TruncF32U(f)) != nil, i32u)
                check("i64.trunc_f32_s", x, (try? N.i64TruncF32S(f)) != nil, i64s)
                check("i64.trunc_f32_u", x, (try? N.i64TruncF32U(f)) != nil, i64u)
                // Saturating agrees with trapping wherever the latter converts.
                if let v = try? N.i32TruncF64S(x) { #expect(N.i32TruncSatF64S(x) == v) }
                if let v = try? N.i64TruncF32U(f) { #expect(N.i64TruncSatF32U(f) == v) }
            }
        }
        if !mismatches.isEmpty { Issue.record("\(mismatches.count) wrong decisions:\n\(mismatches.joined(separator: "\n"))") }
    }
}

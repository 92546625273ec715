import Testing
import Assembler
@testable import JIT

// Floating point: results bit-exact except that any NaN stands for a NaN where Wasm
// allows any (arithmetic and rounding); abs, neg and copysign keep NaN payloads exactly.
extension ARM64MacroAssemblerTests {
    static let doubles: [UInt64] = [0, 0x8000_0000_0000_0000, 1.0.bitPattern, (-1.0).bitPattern, 0.5.bitPattern,
                                    1.5.bitPattern, (-2.5).bitPattern, 3.0.bitPattern, 0.1.bitPattern, 1e300.bitPattern,
                                    (-1e-300).bitPattern, Double.leastNonzeroMagnitude.bitPattern,
                                    (-Double.greatestFiniteMagnitude).bitPattern, (4503599627370497.0).bitPattern,
                                    Double.infinity.bitPattern, (-Double.infinity).bitPattern,
                                    0x7FF8_0000_0000_0000, 0x7FF8_0000_DEAD_BEEF, 0xFFF8_0000_0000_0001,
                                    0x7FF0_0000_0000_0001]
    static let floats: [UInt64] = ([0, 0x8000_0000, Float(1).bitPattern, Float(-1).bitPattern, Float(0.5).bitPattern,
                                    Float(-2.5).bitPattern, Float(3).bitPattern, Float(0.1).bitPattern,
                                    Float(1e30).bitPattern, Float.leastNonzeroMagnitude.bitPattern,
                                    (-Float.greatestFiniteMagnitude).bitPattern, Float(8388609).bitPattern,
                                    Float.infinity.bitPattern, (-Float.infinity).bitPattern,
                                    0x7FC0_0000, 0x7FC0_BEEF, 0xFFC0_0001, 0x7F80_0001] as [UInt32]).map { UInt64($0) }
    static func fpValues(_ isF64: Bool) -> [UInt64] { isF64 ? doubles : floats }

    static func isNaN(_ bits: UInt64, _ isF64: Bool) -> Bool {
        isF64 ? Double(bitPattern: bits).isNaN : Float(bitPattern: UInt32(truncatingIfNeeded: bits)).isNaN
    }

    /// `op` on the value(s) as Swift computes it (the f32 bits zero-extended).
    static func fp(_ isF64: Bool, _ l: UInt64, _ r: UInt64 = 0, _ f: (Double, Double) -> Double,
                   _ g: (Float, Float) -> Float) -> UInt64 {
        if isF64 { return f(Double(bitPattern: l), Double(bitPattern: r)).bitPattern }
        return UInt64(g(Float(bitPattern: UInt32(truncatingIfNeeded: l)), Float(bitPattern: UInt32(truncatingIfNeeded: r))).bitPattern)
    }

    static func floatBinary(_ op: FloatBinaryOp, _ isF64: Bool, _ l: UInt64, _ r: UInt64) -> UInt64 {
        switch op {
        case .add: fp(isF64, l, r, +, +)
        case .sub: fp(isF64, l, r, -, -)
        case .mul: fp(isF64, l, r, *, *)
        case .div: fp(isF64, l, r, /, /)
        }
    }

    static func floatUnary(_ op: FloatUnaryOp, _ isF64: Bool, _ v: UInt64) -> UInt64 {
        let sign: UInt64 = isF64 ? 1 << 63 : 1 << 31
        switch op {
        case .sqrt: return fp(isF64, v, 0, { a, _ in a.squareRoot() }, { a, _ in a.squareRoot() })
        case .ceil: return fp(isF64, v, 0, { a, _ in a.rounded(.up) }, { a, _ in a.rounded(.up) })
        case .floor: return fp(isF64, v, 0, { a, _ in a.rounded(.down) }, { a, _ in a.rounded(.down) })
        case .trunc: return fp(isF64, v, 0, { a, _ in a.rounded(.towardZero) }, { a, _ in a.rounded(.towardZero) })
        case .abs: return v & ~sign
        case .neg: return v ^ sign
        }
    }

    static func floatCompare(_ op: FloatCompareOp, _ isF64: Bool, _ l: UInt64, _ r: UInt64) -> Bool {
        let (a, b) = isF64 ? (Double(bitPattern: l), Double(bitPattern: r))
                           : (Double(Float(bitPattern: UInt32(l))), Double(Float(bitPattern: UInt32(r))))
        switch op {
        case .eq: return a == b
        case .ne: return a != b
        case .lt: return a < b
        case .gt: return a > b
        case .le: return a <= b
        case .ge: return a >= b
        }
    }

    /// Operand registers of a float case: d16 = lhs, d17 = rhs, d18 and d19 sentinels.
    enum FloatForm: CaseIterable { case distinct, dstIsLHS, dstIsRHS, sameRegister }
    static let floatSentinel: UInt64 = 0x5EE5_1818_5EE5_1818

    static func floatRegisters(_ form: FloatForm) -> (dst: ARM64FPRegister, lhs: ARM64FPRegister, rhs: ARM64FPRegister) {
        let v16 = ARM64FPRegister(16), v17 = ARM64FPRegister(17), v18 = ARM64FPRegister(18)
        switch form {
        case .distinct: return (v18, v16, v17)
        case .dstIsLHS: return (v16, v16, v17)
        case .dstIsRHS: return (v17, v16, v17)
        case .sameRegister: return (v18, v16, v16)
        }
    }

    /// Runs `emit` for every case of `forms` × values × values (rhs ignored by unary
    /// operations) and checks d16 ... d19 afterwards: the destination holds `want` (any NaN
    /// for a NaN unless `exactNaN`), the others are unchanged.
    func checkFloat(_ name: String, isF64: Bool, unary: Bool = false, exactNaN: Bool,
                    emit: (inout Masm, _ dst: ARM64FPRegister, _ lhs: ARM64FPRegister, _ rhs: ARM64FPRegister) -> Void,
                    want: (UInt64, UInt64) -> UInt64) throws {
        let emu = try Emulated()
        let values = Self.fpValues(isF64)
        var m = Masm()
        var inputs: [UInt64] = [], cases: [(FloatForm, UInt64, UInt64, ARM64FPRegister, UInt64)] = []
        for form in unary ? [FloatForm.distinct, .dstIsLHS] : FloatForm.allCases {
            for l in values {
                for r in unary ? [0] : values where form != .sameRegister || l == r {
                    let (dst, lhs, rhs) = Self.floatRegisters(form)
                    m.a.mov(Self.caseNumber, imm: UInt64(cases.count))
                    m.a.loadPair(ARM64FPRegister(16), ARM64FPRegister(17), .postIndex(Self.inputs, 16), .d)
                    m.a.fmov(ARM64FPRegister(18), ARM64FPRegister(19), .f64)
                    emit(&m, dst, lhs, rhs)
                    m.a.storePair(ARM64FPRegister(16), ARM64FPRegister(17), .postIndex(Self.results, 16), .d)
                    m.a.storePair(ARM64FPRegister(18), ARM64FPRegister(19), .postIndex(Self.results, 16), .d)
                    inputs += [l, r]
                    cases.append((form, l, r, dst, want(l, r)))
                }
            }
        }
        m.a.ret()
        try emu.runBatch(&m, inputs: inputs, d: [19: Self.floatSentinel], name)
        var failures = 0
        for (i, (form, l, r, dst, value)) in cases.enumerated() where failures < 10 {
            var regs = [l, r, Self.floatSentinel, Self.floatSentinel]
            regs[Int(dst.index) - 16] = value
            let got = (0..<4).map { emu.result(4 * i + $0) }
            let ok = (0..<4).allSatisfy { k in
                guard k == Int(dst.index) - 16, !exactNaN, Self.isNaN(value, isF64) else { return got[k] == regs[k] }
                return Self.isNaN(got[k], isF64) && (isF64 || got[k] >> 32 == 0)
            }
            if !ok { failures += 1 }
            #expect(ok, "\(name) \(isF64 ? "f64" : "f32") \(form) \(hex(l)) \(hex(r)): d16...d19 \(got.map(hex)), want \(regs.map(hex))")
        }
    }

    @Test(arguments: [FloatBinaryOp.add, .sub, .mul, .div])
    func floatBinary(_ op: FloatBinaryOp) throws {
        for isF64 in [false, true] {
            try checkFloat("\(op)", isF64: isF64, exactNaN: false, emit: { m, dst, lhs, rhs in
                m.floatBinary(op, isF64: isF64, dst: dst, lhs: lhs, rhs: rhs)
            }, want: { Self.floatBinary(op, isF64, $0, $1) })
        }
    }

    @Test(arguments: [FloatUnaryOp.sqrt, .ceil, .floor, .trunc, .abs, .neg])
    func floatUnary(_ op: FloatUnaryOp) throws {
        for isF64 in [false, true] {
            try checkFloat("\(op)", isF64: isF64, unary: true, exactNaN: op == .abs || op == .neg, emit: { m, dst, lhs, _ in
                m.floatUnary(op, isF64: isF64, dst: dst, src: lhs)
            }, want: { l, _ in Self.floatUnary(op, isF64, l) })
        }
    }

    @Test func copySign() throws {
        for isF64 in [false, true] {
            let sign: UInt64 = isF64 ? 1 << 63 : 1 << 31
            try checkFloat("copysign", isF64: isF64, exactNaN: true, emit: { m, dst, lhs, rhs in
                m.copySign(isF64: isF64, dst: dst, lhs: lhs, rhs: rhs)
            }, want: { l, r in l & ~sign | r & sign })
        }
    }

    @Test func floatCompares() throws {
        let emu = try Emulated()
        var m = Masm()
        var inputs: [UInt64] = [], expected: [(String, UInt64)] = []
        for isF64 in [false, true] {
            for op in [FloatCompareOp.eq, .ne, .lt, .gt, .le, .ge] {
                for l in Self.fpValues(isF64) {
                    for r in Self.fpValues(isF64) {
                        m.a.loadPair(ARM64FPRegister(16), ARM64FPRegister(17), .postIndex(Self.inputs, 16), .d)
                        m.floatCompare(op, isF64: isF64, dst: .x11, lhs: ARM64FPRegister(16), rhs: ARM64FPRegister(17))
                        let flags = m.floatCompareFlags(op, isF64: isF64, lhs: ARM64FPRegister(16), rhs: ARM64FPRegister(17))
                        let c = try #require(flags)
                        m.setCondition(.x12, c)
                        m.setCondition(.x13, m.invert(c))
                        m.a.storePair(.x11, .x12, .postIndex(Self.results, 16))
                        m.a.storePair(.x13, .zr, .postIndex(Self.results, 16))
                        inputs += [l, r]
                        let want: UInt64 = Self.floatCompare(op, isF64, l, r) ? 1 : 0
                        expected.append(("\(op) \(isF64 ? "f64" : "f32") \(hex(l)) \(hex(r))", want))
                    }
                }
            }
        }
        m.a.ret()
        try emu.runBatch(&m, inputs: inputs, "float compares")
        for (i, (what, want)) in expected.enumerated() {
            let got = (0..<3).map { emu.result(4 * i + $0) }
            #expect(got == [want, want, 1 - want], "\(what): floatCompare, flags, inverted flags \(got)")
        }
    }

    @Test func intToFloat() throws {
        let emu = try Emulated()
        var m = Masm()
        var inputs: [UInt64] = [], expected: [(String, UInt64)] = []
        for fromI64 in [false, true] {
            for toF64 in [false, true] {
                // 32-bit sources with junk above: the conversion reads the w register.
                for v in fromI64 ? Self.values64 + [0x0020_0000_0000_0001, 0x7FFF_FF80_0000_0000]
                                 : Self.values32.map({ $0 | 0xABCD_0000_0000_0000 }) + [0x0100_0001] {
                    m.a.load(.x9, .postIndex(Self.inputs, 8))
                    m.intToFloat(dst: ARM64FPRegister(20), src: .x9, fromI64: fromI64, toF64: toF64)
                    m.a.store(ARM64FPRegister(20), .postIndex(Self.results, 8), .d)
                    inputs.append(v)
                    let s = fromI64 ? Int64(bitPattern: v) : Int64(Int32(truncatingIfNeeded: v))
                    let want = toF64 ? Double(s).bitPattern : UInt64(Float(s).bitPattern)
                    expected.append(("i\(fromI64 ? 64 : 32) -> f\(toF64 ? 64 : 32) \(hex(v))", want))
                }
            }
        }
        m.a.ret()
        try emu.runBatch(&m, inputs: inputs, "intToFloat")
        for (i, (what, want)) in expected.enumerated() { #expect(emu.result(i) == want, "\(what)") }
    }

    /// Zero, the fmov immediates and literals each load in one instruction; literals are
    /// shared by equal bits (an f32 and the f64 with the same 64 bits too) and 8-aligned.
    @Test func floatConstants() throws {
        let emu = try Emulated()
        let constants: [(bits: UInt64, isF64: Bool, kind: String)] = [
            (0, true, "zero"), (0, false, "zero"), (1.0.bitPattern, true, "fmov"), ((-2.0).bitPattern, true, "fmov"),
            (0.125.bitPattern, true, "fmov"), (31.0.bitPattern, true, "fmov"), (UInt64(Float(1).bitPattern), false, "fmov"),
            (UInt64(Float(-0.5).bitPattern), false, "fmov"), (0x8000_0000_0000_0000, true, "literal"),
            (0.1.bitPattern, true, "literal"), ((1.0 / 3).bitPattern, true, "literal"), (0.1.bitPattern, true, "literal"),
            (0x7FF4_0000_0000_0001, true, "literal"), (Double.infinity.bitPattern, true, "literal"),
            (0x8000_0000, false, "literal"), (UInt64(Float(0.1).bitPattern), false, "literal"),
            (UInt64(Float(0.1).bitPattern), true, "literal"), (0x7F80_0001, false, "literal"),
            (UInt64(Float(0.1).bitPattern), false, "literal"),
        ]
        var m = Masm()
        m.a.nop()  // the table is aligned whatever the code's length
        for (i, c) in constants.enumerated() {
            let start = m.offset
            let d = ARM64FPRegister(UInt8(16 + i % 8))
            m.loadFloatConstant(d, bits: c.bits, isF64: c.isF64)
            #expect(m.offset - start == 4, "\(hex(c.bits)) in one instruction")
            let word = m.a.word(at: start)
            // fmov s/d from wzr/xzr, fmov #imm8, ldr s/d literal (sizes and operands masked).
            let kind = word & 0x7F3F_FFE0 == 0x1E27_03E0 ? "zero"
                : word & 0xFF20_1FE0 == 0x1E20_1000 ? "fmov" : word & 0x3F00_0000 == 0x1C00_0000 ? "literal" : "?"
            #expect(kind == c.kind, "\(hex(c.bits)): \(hex(UInt64(word)))")
            m.a.store(d, .postIndex(Self.results, 8), .d)
        }
        var table = m.floatConstants
        let literals = table.sortedByBits()
        #expect(literals.count == 8)
        m.a.ret()
        try emu.runBatch(&m, inputs: [], "float constants")
        for l in literals { #expect(m.a.offset(of: l.label)! % 8 == 0) }
        #expect(m.floatConstants.isEmpty)
        for (i, c) in constants.enumerated() {
            #expect(emu.result(i) == (c.isF64 ? c.bits : c.bits & 0xFFFF_FFFF), "\(hex(c.bits))")
        }
    }
}

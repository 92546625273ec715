import Testing
import Assembler
import Emulation
import WasmCore
import WasmRuntime
@testable import JIT

/// `ARM64MacroAssembler`'s operations run under the emulator and compared with Swift's
/// own Wasm-semantics results. Most tests emit many cases into one straight-line program
/// (inputs read from a table through x24, results written through x25, the case number
/// in x27) so one emulator run checks hundreds of them; cases that trap run one by one.
@Suite(.enabled(if: arm64EmulatorAvailable))
struct ARM64MacroAssemblerTests {
    typealias Masm = ARM64MacroAssembler
    func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
    /// Harness registers, left alone by macro operations: the input and result cursors,
    /// a scratch register for harness code, and the number of the running case.
    static let inputs = ARM64Register.x24, results = ARM64Register.x25
    static let harnessScratch = ARM64Register.x26, caseNumber = ARM64Register.x27

    /// An emulator with code, frame, memory view, linear memory and data buffers in host
    /// memory. Code goes to fresh addresses on every run (unicorn keeps translations).
    final class Emulated {
        enum Outcome: Equatable {
            case returned(UInt64)
            case trap(TrapReason)
            /// The pc (the faulting block's start) as an offset into the run's code.
            case fault(pcOffset: Int, address: UInt64)
        }

        let machine: ARM64Machine
        private var regions: [ARM64Machine.Region] = []
        private var allocations: [UnsafeMutableRawPointer] = []
        private let code: UnsafeMutableRawPointer
        private static let codeBytes = 32 << 20
        private var codeUsed = 0
        /// Where the last run's code starts.
        private(set) var codeStart: UInt64 = 0
        /// x23: the frame base of `.slot` operands (slots up to 128 KiB).
        let frame: UnsafeMutableRawPointer
        /// x20: a MemoryView (base and byteCount at `RuntimeLayout`'s offsets).
        let view: UnsafeMutableRawPointer
        /// x21 by default: two accessible pages, then a third the resolver refuses.
        let memory: UnsafeMutableRawPointer
        static let memoryBytes = 2 * ARM64Machine.pageSize
        private let inputTable: UnsafeMutableRawPointer
        private let resultTable: UnsafeMutableRawPointer
        private static let tableBytes = 4 << 20

        init() throws {
            machine = try ARM64Machine()
            code = UnsafeMutableRawPointer.allocate(byteCount: Self.codeBytes, alignment: ARM64Machine.pageSize)
            regions.append(.init(start: Self.address(code), count: Self.codeBytes, permissions: .readExecute))
            allocations.append(code)
            frame = UnsafeMutableRawPointer.allocate(byteCount: 32 * ARM64Machine.pageSize, alignment: ARM64Machine.pageSize)
            view = UnsafeMutableRawPointer.allocate(byteCount: ARM64Machine.pageSize, alignment: ARM64Machine.pageSize)
            memory = UnsafeMutableRawPointer.allocate(byteCount: 3 * ARM64Machine.pageSize, alignment: ARM64Machine.pageSize)
            inputTable = UnsafeMutableRawPointer.allocate(byteCount: Self.tableBytes, alignment: ARM64Machine.pageSize)
            resultTable = UnsafeMutableRawPointer.allocate(byteCount: Self.tableBytes, alignment: ARM64Machine.pageSize)
            for (p, bytes) in [(frame, 32 * ARM64Machine.pageSize), (view, ARM64Machine.pageSize),
                               (memory, Self.memoryBytes), (inputTable, Self.tableBytes), (resultTable, Self.tableBytes)] {
                p.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
                regions.append(.init(start: Self.address(p), count: bytes, permissions: .readWrite))
                allocations.append(p)
            }
            machine.resolve = { [unowned self] address, _ in
                regions.first { $0.start <= address && address < $0.start + UInt64($0.count) }
            }
            setView(base: memory, byteCount: UInt64(Self.memoryBytes))
        }

        deinit {
            machine.unmapAll()
            for p in allocations { p.deallocate() }
        }

        static func address(_ p: UnsafeRawPointer) -> UInt64 { UInt64(UInt(bitPattern: p)) }

        func setView(base: UnsafeRawPointer, byteCount: UInt64) {
            view.storeBytes(of: Self.address(base), toByteOffset: Int(RuntimeLayout.viewBase), as: UInt64.self)
            view.storeBytes(of: byteCount, toByteOffset: Int(RuntimeLayout.viewByteCount), as: UInt64.self)
        }

        func result(_ i: Int) -> UInt64 { resultTable.load(fromByteOffset: i * 8, as: UInt64.self) }

        /// Finishes `masm`'s code (each trap stub sets x0 = reason + 1, x1 = 0xDEAD and
        /// returns; then the float constants), places it at fresh addresses and runs it
        /// with x20 = view, x21 = memory, x23 = frame, x24 = inputs, x25 = results, then
        /// `x` and `d` applied.
        func run(_ masm: inout Masm, inputs: [UInt64] = [], x: [Int: UInt64] = [:], d: [Int: UInt64] = [:]) throws -> Outcome {
            for reason in masm.trapLabels.sortedReasons() {
                masm.a.bind(masm.trapLabels[reason]!)
                masm.a.mov(.x0, imm: UInt64(reason.rawValue) + 1)
                masm.a.mov(.x1, imm: 0xDEAD)
                masm.a.ret()
            }
            masm.emitFloatConstants()
            masm.a.finish()
            codeUsed = (codeUsed + 63) & ~63
            precondition(codeUsed + masm.a.offset <= Self.codeBytes, "code arena full")
            let start = code + codeUsed
            _ = masm.a.copyBytes(to: UnsafeMutableRawBufferPointer(start: start, count: masm.a.offset))
            codeUsed += masm.a.offset
            codeStart = Self.address(start)
            precondition(inputs.count * 8 <= Self.tableBytes, "too many inputs")
            for (i, v) in inputs.enumerated() { inputTable.storeBytes(of: v, toByteOffset: i * 8, as: UInt64.self) }
            for (n, v) in [(1, 0), (19, 0), (20, Self.address(view)), (21, Self.address(memory)), (23, Self.address(frame)),
                           (24, Self.address(inputTable)), (25, Self.address(resultTable)), (27, UInt64.max)] {
                machine.setX(n, v)
            }
            for (n, v) in x { machine.setX(n, v) }
            for (n, v) in d { machine.setD(n, v) }
            switch try machine.run(from: codeStart) {
            case .returned:
                if machine.x(1) == 0xDEAD { return .trap(TrapReason(rawValue: UInt8(machine.x(0) - 1))!) }
                return .returned(machine.x(0))
            case .fault(let pc, let address, _):
                return .fault(pcOffset: Int(Int64(bitPattern: pc &- codeStart)), address: address)
            case .stopped:
                Issue.record("the run stopped")
                return .returned(0)
            }
        }

        /// Runs a batch: expects it to return, else reports which case did not.
        func runBatch(_ masm: inout Masm, inputs: [UInt64], x: [Int: UInt64] = [:], d: [Int: UInt64] = [:],
                      _ what: String) throws {
            let outcome = try run(&masm, inputs: inputs, x: x, d: d)
            if case .returned = outcome { return }
            Issue.record("\(what): case \(Int64(bitPattern: machine.x(27))) ended the run with \(outcome)")
        }
    }

    // MARK: Wasm semantics in Swift

    static let values32: [UInt64] = [0, 1, 2, 7, 31, 32, 33, 63, 64, 0xFFF, 0x1000, 0xFF_FFFF, 0x7FFF_FFFF,
                                     0x8000_0000, 0x8000_0001, 0xFFFF_FFFE, 0xFFFF_FFFF, 0x1234_5678, 0xDEAD_BEEF]
    static let values64: [UInt64] = [0, 1, 2, 7, 31, 32, 63, 64, 65, 0xFFF, 0x1000, 0x7FFF_FFFF, 0x8000_0000,
                                     0xFFFF_FFFF, 0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000,
                                     0x8000_0000_0000_0001, 0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF,
                                     0x1234_5678_9ABC_DEF0, 0x00FF_00FF_00FF_00FF]
    static func values(_ is64: Bool) -> [UInt64] { is64 ? values64 : values32 }

    static func binary<U: FixedWidthInteger & UnsignedInteger, S: FixedWidthInteger & SignedInteger>(
        _ op: IntBinaryOp, _ l: U, _ r: U, _: S.Type
    ) -> Result<U, TrapReason> {
        let bits = U(U.bitWidth)
        let count = r & (bits - 1)
        let sl = S(truncatingIfNeeded: l), sr = S(truncatingIfNeeded: r)
        switch op {
        case .add: return .success(l &+ r)
        case .sub: return .success(l &- r)
        case .mul: return .success(l &* r)
        case .and: return .success(l & r)
        case .or: return .success(l | r)
        case .xor: return .success(l ^ r)
        case .shl: return .success(l << count)
        case .shrS: return .success(U(truncatingIfNeeded: sl >> S(count)))
        case .shrU: return .success(l >> count)
        case .rotl: return .success(count == 0 ? l : l << count | l >> (bits - count))
        case .rotr: return .success(count == 0 ? l : l >> count | l << (bits - count))
        case .divS, .divU, .remS, .remU:
            if r == 0 { return .failure(.integerDivideByZero) }
            switch op {
            case .divU: return .success(l / r)
            case .remU: return .success(l % r)
            case .divS:
                if sl == S.min && sr == -1 { return .failure(.integerOverflow) }
                return .success(U(truncatingIfNeeded: sl / sr))
            default: return .success(sr == -1 ? 0 : U(truncatingIfNeeded: sl % sr))
            }
        }
    }

    static func binary(_ op: IntBinaryOp, is64: Bool, _ l: UInt64, _ r: UInt64) -> Result<UInt64, TrapReason> {
        if is64 { return binary(op, l, r, Int64.self) }
        return binary(op, UInt32(truncatingIfNeeded: l), UInt32(truncatingIfNeeded: r), Int32.self).map { UInt64($0) }
    }

    static func compare(_ op: IntCompareOp, is64: Bool, _ l: UInt64, _ r: UInt64) -> Bool {
        let (ul, ur) = is64 ? (l, r) : (l & 0xFFFF_FFFF, r & 0xFFFF_FFFF)
        let (sl, sr) = is64 ? (Int64(bitPattern: l), Int64(bitPattern: r))
                            : (Int64(Int32(truncatingIfNeeded: l)), Int64(Int32(truncatingIfNeeded: r)))
        switch op {
        case .eq: return ul == ur
        case .ne: return ul != ur
        case .ltS: return sl < sr
        case .ltU: return ul < ur
        case .gtS: return sl > sr
        case .gtU: return ul > ur
        case .leS: return sl <= sr
        case .leU: return ul <= ur
        case .geS: return sl >= sr
        case .geU: return ul >= ur
        }
    }

    // MARK: intBinary

    static let binaryOps: [IntBinaryOp] = [.add, .sub, .mul, .and, .or, .xor, .shl, .shrS, .shrU, .rotl, .rotr,
                                           .divS, .divU, .remS, .remU]

    /// How a case passes its operands: x9 = lhs, x10 = rhs, x11 and x12 hold sentinels.
    enum Form: CaseIterable {
        case distinct, dstIsLHS, dstIsRHS, sameRegister, immediate, immediateZeroExtended, slot, farSlot
    }
    static let sentinel11: UInt64 = 0x5EE5_1111_5EE5_1111, sentinel12: UInt64 = 0x5EE5_1212_5EE5_1212
    static let nearSlot: Int32 = 16, farSlot: Int32 = 0x1_0008

    /// Emits `op` on x9 and x10 in `form`; returns the destination.
    static func emitBinary(_ m: inout Masm, _ op: IntBinaryOp, is64: Bool, _ form: Form, rhs r: UInt64) -> ARM64Register {
        let signExtended = is64 ? Int64(bitPattern: r) : Int64(Int32(truncatingIfNeeded: r))
        switch form {
        case .distinct: m.intBinary(op, is64: is64, dst: .x11, lhs: .x9, rhs: .reg(.x10)); return .x11
        case .dstIsLHS: m.intBinary(op, is64: is64, dst: .x9, lhs: .x9, rhs: .reg(.x10)); return .x9
        case .dstIsRHS: m.intBinary(op, is64: is64, dst: .x10, lhs: .x9, rhs: .reg(.x10)); return .x10
        case .sameRegister: m.intBinary(op, is64: is64, dst: .x11, lhs: .x9, rhs: .reg(.x9)); return .x11
        case .immediate: m.intBinary(op, is64: is64, dst: .x11, lhs: .x9, rhs: .imm(signExtended)); return .x11
        case .immediateZeroExtended:
            m.intBinary(op, is64: is64, dst: .x9, lhs: .x9, rhs: .imm(Int64(bitPattern: r))); return .x9
        case .slot, .farSlot:
            let slot = form == .slot ? nearSlot : farSlot
            m.storeSlot(slot, register: .x10)
            m.intBinary(op, is64: is64, dst: .x9, lhs: .x9, rhs: .slot(slot))
            return .x9
        }
    }

    /// The registers x9 ... x12 after a case: the inputs and sentinels, `dst` replaced.
    static func expectedRegisters(_ l: UInt64, _ r: UInt64, dst: ARM64Register, _ value: UInt64) -> [UInt64] {
        var regs = [l, r, sentinel11, sentinel12]
        regs[Int(dst.rawValue) - 9] = value
        return regs
    }

    @Test(arguments: binaryOps)
    func intBinary(_ op: IntBinaryOp) throws {
        let emu = try Emulated()
        for is64 in [false, true] {
            let values = Self.values(is64)
            var cases: [(form: Form, l: UInt64, r: UInt64)] = []
            for form in Form.allCases {
                for l in values {
                    for r in values where form != .sameRegister || l == r { cases.append((form, l, r)) }
                }
            }
            // Cases that return run in one program; those that trap one by one.
            var m = Masm()
            var inputs: [UInt64] = [], expected: [(form: Form, l: UInt64, r: UInt64, regs: [UInt64])] = []
            for (form, l, r) in cases {
                switch Self.binary(op, is64: is64, l, form == .sameRegister ? l : r) {
                case .failure(let reason):
                    var single = Masm()
                    let dst = Self.emitBinary(&single, op, is64: is64, form, rhs: r)
                    single.a.mov(.x0, dst)
                    single.a.ret()
                    let outcome = try emu.run(&single, x: [9: l, 10: r, 11: Self.sentinel11, 12: Self.sentinel12])
                    #expect(outcome == .trap(reason), "\(op) \(is64 ? 64 : 32) \(form) \(hex(l)) \(hex(r))")
                case .success(let value):
                    m.a.mov(Self.caseNumber, imm: UInt64(expected.count))
                    m.a.loadPair(.x9, .x10, .postIndex(Self.inputs, 16))
                    m.a.mov(.x11, .x13)
                    let dst = Self.emitBinary(&m, op, is64: is64, form, rhs: r)
                    m.a.storePair(.x9, .x10, .postIndex(Self.results, 16))
                    m.a.storePair(.x11, .x12, .postIndex(Self.results, 16))
                    inputs += [l, r]
                    expected.append((form, l, r, Self.expectedRegisters(l, r, dst: dst, value)))
                }
            }
            m.a.ret()
            try emu.runBatch(&m, inputs: inputs, x: [12: Self.sentinel12, 13: Self.sentinel11], "\(op) \(is64 ? 64 : 32)")
            var failures = 0
            for (i, c) in expected.enumerated() {
                let got = (0..<4).map { emu.result(i * 4 + $0) }
                guard got != c.regs, failures < 10 else { continue }
                failures += 1
                Issue.record("\(op) \(is64 ? 64 : 32) \(c.form) lhs \(hex(c.l)) rhs \(hex(c.r)): x9...x12 \(got.map(hex)), want \(c.regs.map(hex))")
            }
        }
    }

    /// Division traps come before any register changes, and immediate divisors drop the
    /// checks they make unnecessary.
    @Test func divisionChecksFollowImmediateDivisors() throws {
        func words(_ op: IntBinaryOp, _ rhs: MacroOperand<ARM64Register>, is64: Bool = true) -> Int {
            var m = Masm()
            m.intBinary(op, is64: is64, dst: .x9, lhs: .x9, rhs: rhs)
            return m.a.offset / 4
        }
        #expect(words(.divS, .reg(.x10)) == 5)  // cbz, cmn, ccmp, b.vs, sdiv
        #expect(words(.divS, .imm(3)) == 2)     // mov, sdiv
        #expect(words(.divS, .imm(-1)) == 4)    // mov, cmp, b.vs, sdiv
        #expect(words(.divS, .imm(0)) == 2)     // cbz xzr, sdiv
        #expect(words(.remS, .reg(.x10)) == 3)  // cbz, sdiv, msub: INT_MIN % -1 needs no check
        #expect(words(.remS, .imm(-1)) == 3)    // mov, sdiv, msub
        #expect(words(.divU, .imm(0xFFFF_FFFF), is64: false) == 2)
        #expect(words(.remU, .reg(.x10)) == 3)
    }

    // MARK: compares, selects, unary operations

    @Test func compares() throws {
        let emu = try Emulated()
        let ops: [IntCompareOp] = [.eq, .ne, .ltS, .ltU, .gtS, .gtU, .leS, .leU, .geS, .geU]
        for is64 in [false, true] {
            var m = Masm()
            var inputs: [UInt64] = [], expected: [(String, UInt64)] = []
            for op in ops {
                for l in Self.values(is64) {
                    for r in Self.values(is64) {
                        let signExtended = is64 ? Int64(bitPattern: r) : Int64(Int32(truncatingIfNeeded: r))
                        for (name, rhs) in [("reg", MacroOperand<ARM64Register>.reg(.x10)), ("imm", .imm(signExtended)),
                                            ("imm zero-extended", .imm(Int64(bitPattern: r))),
                                            ("slot", .slot(Self.farSlot))] {
                            m.a.loadPair(.x9, .x10, .postIndex(Self.inputs, 16))
                            if case .slot(let s) = rhs { m.storeSlot(s, register: .x10) }
                            let c = m.compare(op, is64: is64, lhs: .x9, rhs: rhs)
                            m.setCondition(.x11, c)
                            m.setCondition(.x12, m.invert(c))
                            m.a.storePair(.x11, .x12, .postIndex(Self.results, 16))
                            inputs += [l, r]
                            let want: UInt64 = Self.compare(op, is64: is64, l, r) ? 1 : 0
                            expected.append(("\(op) \(is64 ? 64 : 32) \(name) \(hex(l)) \(hex(r))", want))
                        }
                    }
                }
            }
            m.a.ret()
            try emu.runBatch(&m, inputs: inputs, "compares")
            for (i, (what, want)) in expected.enumerated() {
                #expect(emu.result(2 * i) == want && emu.result(2 * i + 1) == 1 - want, "\(what)")
            }
        }
    }

    @Test func testZeroAndSelect() throws {
        let emu = try Emulated()
        let conditions: [UInt64] = [0, 1, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 0xFFFF_FFFF_0000_0000]
        var m = Masm()
        var inputs: [UInt64] = [], expected: [UInt64] = []
        for c in conditions {
            for is64 in [false, true] {
                m.a.loadPair(.x9, .x10, .postIndex(Self.inputs, 16))
                let zero = m.testZero(.x9, is64: is64)
                m.setCondition(.x11, zero)
                m.a.store(.x11, .postIndex(Self.results, 8))
                inputs += [c, 0]
                expected.append((is64 ? c : c & 0xFFFF_FFFF) == 0 ? 1 : 0)
            }
            // The compiler's select: nonzero condition (32-bit) picks ifTrue (x10) over x11.
            m.a.loadPair(.x9, .x10, .postIndex(Self.inputs, 16))
            m.a.loadPair(.x11, .x12, .postIndex(Self.inputs, 16))
            let nonZero = m.invert(m.testZero(.x9, is64: false))
            m.select(.x11, ifTrue: .x10, cond: nonZero)
            m.a.storePair(.x11, .x10, .postIndex(Self.results, 16))
            let ifTrue: UInt64 = 0x1111_2222_3333_4444, ifFalse: UInt64 = 0xAAAA_BBBB_CCCC_DDDD
            inputs += [c, ifTrue, ifFalse, 0]
            expected += [c & 0xFFFF_FFFF != 0 ? ifTrue : ifFalse, ifTrue]
        }
        m.a.ret()
        try emu.runBatch(&m, inputs: inputs, "testZero/select")
        #expect((0..<expected.count).map { emu.result($0) } == expected)
    }

    @Test func unaryOperations() throws {
        let emu = try Emulated()
        var m = Masm()
        var inputs: [UInt64] = [], expected: [(String, UInt64)] = []
        for is64 in [false, true] {
            for v in Self.values(is64) + [0x8000, 0x0010_0000, 0x4000_0000_0000_0000, 0xF0F0_F0F0_0F0F_0F0F] {
                let x = is64 ? v : v & 0xFFFF_FFFF
                let x32 = UInt32(truncatingIfNeeded: x)
                for op in [IntUnaryOp.clz, .ctz, .popcnt] {
                    for inPlace in [false, true] {
                        m.a.load(.x9, .postIndex(Self.inputs, 8))
                        let dst: ARM64Register = inPlace ? .x9 : .x10
                        m.intUnary(op, is64: is64, dst: dst, src: .x9)
                        m.a.store(dst, .postIndex(Self.results, 8))
                        inputs.append(x)
                        let want = switch op {
                        case .clz: is64 ? x.leadingZeroBitCount : x32.leadingZeroBitCount
                        case .ctz: is64 ? x.trailingZeroBitCount : x32.trailingZeroBitCount
                        case .popcnt: is64 ? x.nonzeroBitCount : x32.nonzeroBitCount
                        }
                        expected.append(("\(op) \(is64 ? 64 : 32) \(hex(x))", UInt64(want)))
                    }
                }
            }
        }
        m.a.ret()
        try emu.runBatch(&m, inputs: inputs, "unary")
        for (i, (what, want)) in expected.enumerated() { #expect(emu.result(i) == want, "\(what)") }
    }

    @Test func extensions() throws {
        let emu = try Emulated()
        var m = Masm()
        var inputs: [UInt64] = [], expected: [(String, UInt64)] = []
        let sources: [UInt64] = [0, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000,
                                 0xFFFF_FFFF, 0x1234_5678_9ABC_DEF0, 0xFEDC_BA98_7654_3210, 0xFFFF_FFFF_FFFF_FFFF]
        for src in sources {
            for fromBits in [8, 16, 32, 64] {
                for signed in [false, true] {
                    for to64 in [false, true] {
                        for inPlace in [false, true] {
                            m.a.load(.x9, .postIndex(Self.inputs, 8))
                            let dst: ARM64Register = inPlace ? .x9 : .x10
                            m.extend(dst: dst, src: .x9, fromBits: fromBits, signed: signed, to64: to64)
                            m.a.store(dst, .postIndex(Self.results, 8))
                            inputs.append(src)
                            let mask: UInt64 = fromBits == 64 ? ~0 : (1 << fromBits) - 1
                            var want = src & mask
                            if signed && fromBits < 64 && want >> (fromBits - 1) & 1 == 1 { want |= ~mask }
                            if !to64 { want &= 0xFFFF_FFFF }
                            expected.append(("\(signed ? "s" : "u")\(fromBits)->\(to64 ? 64 : 32) \(hex(src))", want))
                        }
                    }
                }
            }
        }
        m.a.ret()
        try emu.runBatch(&m, inputs: inputs, "extend")
        for (i, (what, want)) in expected.enumerated() { #expect(emu.result(i) == want, "\(what)") }
    }

    @Test func slotOperandsAtAnyOffset() throws {
        let emu = try Emulated()
        for slot: Int32 in [0, 8, 248, 256, 4096, 32760, 32768, 0x1_0000, 0x1_FFF8] {
            var m = Masm()
            m.storeSlot(slot, register: .x10)
            m.intBinary(.sub, is64: true, dst: .x9, lhs: .x9, rhs: .slot(slot))
            _ = m.compare(.eq, is64: true, lhs: .x9, rhs: .slot(slot))
            m.setCondition(.x11, .eq)
            m.a.add(.x0, .x9, .x11)
            m.a.ret()
            #expect(try emu.run(&m, x: [9: 1000, 10: 1000 - 42]) == .returned(42), "slot \(slot)")
        }
    }
}

/// Whether unicorn can be loaded (the tests are skipped without it).
let arm64EmulatorAvailable = (try? ARM64Machine()) != nil

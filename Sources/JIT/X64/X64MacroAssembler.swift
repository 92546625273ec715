import Assembler
import WasmCore
import WasmRuntime

/// `MacroAssembler` for x86-64: Wasm-level operations on top of `X64Assembler`.
/// Register roles are in `X64Regs`, the calling convention in `X64ABI`, frames and the
/// entry trampoline in `X64Frames`.
struct X64MacroAssembler: MacroAssembler {
    typealias GPR = X64Register
    typealias FPR = XMMRegister
    typealias Label = Assembler.Label
    typealias Condition = X64Condition

    static let allocatableGPRs = X64Regs.allocatable
    /// roundss/roundsd are SSE4.1.
    static var roundsFloats: Bool { X64CPU.hasSSE41 }
    static let allocatableFPRs = X64Regs.allocatableFloat
    static let localFPRs = X64Regs.localsFloat

    var a: X64Assembler
    /// The current function's trap stubs (see `emitFunctionTrapStubs`).
    var trapLabels = TrapLabelTable()
    var pendingTrapLabel: Label?
    /// The current function's float constants (emitted after its trap stubs).
    var floatConstants = FloatConstantTable()
    var fuelOutLabel: Label?
    /// The current function's out-of-line poll paths: (entry, where to go on).
    var pollSlowPaths: [(entry: Label, resume: Label)] = []
    /// The module's stubs the functions' stubs call, and its trap exit.
    var moduleTrapLabels = TrapLabelTable()
    var modulePendingLabel: Label?
    var exitLabel: Label?
    /// Where the module's stubs start, and where `TrapGuard` resumes faults.
    var moduleStubsOffset = 0
    var faultResumeOffset = 0
    var trapTable = TrapTable()
    var handlerTable = HandlerTable()
    /// Module-wide stubs emitted after all functions (see X64MacroAssembler+Exceptions.swift).
    var unwindLabel: Label?
    var tailCallOtherLabel: Label?
    var pollServiceLabel: Label?
    /// Whether to keep the listing notes below (`wasmlab disasm`); off for normal compiles.
    var recordsListing = false
    var notes: [JITListing.Note] = []
    var isolation: [JITListing.IsolationSite] = []
    var moduleMarks: [JITListing.Event] = []
    /// How memory accesses are kept in bounds (from the store's `BoundsStrategy`).
    let addressing: MemoryAddressing

    /// Whether `poll` spends fuel (the store meters fuel); the interrupt flag is always polled.
    let countsFuel: Bool

    /// `capacity`: expected code bytes (growing the buffer copies it).
    /// Whether r12 holds memory 0's view. Only the explicit check reads the view on every
    /// access; under the other strategies the view is loaded where needed and r12 holds a
    /// local.
    var keepsMemoryView: Bool { addressing == .explicitCheck }
    let localGPRs: [X64Register]

    /// guard and masked reserve memory 0 once, at a fixed address (`BoundsStrategy`).
    var memoryBaseIsFixed: Bool { addressing == .guardRegion || addressing == .mask32 }

    init(addressing: MemoryAddressing = .explicitCheck, capacity: Int = 1 << 14, countsFuel: Bool = true) {
        self.addressing = addressing
        localGPRs = addressing == .explicitCheck ? X64Regs.locals : X64Regs.locals + [X64Regs.memoryView]
        self.countsFuel = countsFuel
        a = X64Assembler(capacity: capacity)
    }

    var offset: Int { a.offset }
    mutating func newLabel() -> Label { a.newLabel() }
    mutating func bind(_ label: Label) { a.bind(label) }
    mutating func truncateMachineCode(to offset: Int) { a.truncate(to: offset) }
    mutating func callStub(_ label: Label) { a.call(label) }
    mutating func rewind(to offset: Int) { a.dropBytes(from: offset) }
    func invert(_ cond: Condition) -> Condition { cond.inverted }

    @inline(__always) static func width(_ is64: Bool) -> X64Width { is64 ? .b64 : .b32 }
    @inline(__always) static func fits32(_ v: Int64) -> Bool { v >= Int64(Int32.min) && v <= Int64(Int32.max) }

    // MARK: data movement

    mutating func move(_ dst: GPR, _ src: MacroOperand<GPR>, is64: Bool) {
        switch src {
        case .reg(let r): if r != dst { a.mov(dst, r) }
        case .imm(let v): a.mov(dst, imm: is64 ? UInt64(bitPattern: v) : UInt64(UInt32(truncatingIfNeeded: v)))
        case .slot(let s): a.load(dst, base: X64Regs.fp, s, is64: is64)
        }
    }

    mutating func storeSlot(_ slot: Int32, _ src: MacroOperand<GPR>) {
        switch src {
        case .reg(let r): a.store(base: X64Regs.fp, slot, r)
        case .imm(let v):
            if Self.fits32(v) {
                a.store(base: X64Regs.fp, slot, imm: Int32(v))
            } else {
                a.mov(X64Regs.scratch, imm: UInt64(bitPattern: v))
                a.store(base: X64Regs.fp, slot, X64Regs.scratch)
            }
        case .slot(let s): copySlot(slot, from: s)
        }
    }

    mutating func copySlot(_ dst: Int32, from src: Int32) {
        guard dst != src else { return }
        a.copy(base: X64Regs.fp, to: dst, from: src, via: X64Regs.scratch)
    }

    /// Offsets patched later are emitted with a 32-bit displacement (any value >= 128).
    static let patchableSlot: Int32 = 0x10000

    mutating func saveSlot(from src: Int32) -> Int {
        a.copy(base: X64Regs.fp, to: Self.patchableSlot, from: src, via: X64Regs.scratch)
        return a.offset - 4
    }

    mutating func restoreSlot(to dst: Int32) -> Int {
        a.load(X64Regs.scratch, base: X64Regs.fp, Self.patchableSlot)
        let at = a.offset - 4
        a.store(base: X64Regs.fp, dst, X64Regs.scratch)
        return at
    }

    mutating func patchSlotOffset(at: Int, _ offset: Int32) { a.patch32(at: at, offset) }

    mutating func loadFloat(_ dst: FPR, slot: Int32, isF64: Bool) { a.load(dst, X64Address.slot(slot), isF64 ? .f64 : .f32) }
    mutating func storeFloat(_ slot: Int32, _ src: FPR, isF64: Bool) { a.store(X64Address.slot(slot), src, isF64 ? .f64 : .f32) }
    mutating func moveFloat(_ dst: FPR, _ src: FPR) { a.mov(dst, src) }

    /// Zero is `xorps`; anything else a RIP-relative load from the function's constants
    /// (one instruction, no integer register).
    mutating func loadFloatConstant(_ dst: FPR, bits: UInt64, isF64: Bool) {
        if bits == 0 {
            a.logic(.xor, dst, dst)
            return
        }
        let label: Label
        if let l = floatConstants.label(bits) {
            label = l
        } else {
            label = a.newLabel()
            floatConstants.add(bits, label)
        }
        a.load(dst, X64Memory(label: label), isF64 ? .f64 : .f32)
    }
    mutating func bitsToFloat(_ dst: FPR, _ src: GPR, isF64: Bool) { a.mov(dst, src, Self.width(isF64)) }
    mutating func floatToBits(_ dst: GPR, _ src: FPR, isF64: Bool) { a.mov(dst, src, Self.width(isF64)) }

    mutating func loadGlobal(_ dst: GPR, index: Int) {
        a.load(X64Regs.scratch, base: X64Regs.instance, RuntimeLayout.contextGlobals)
        a.load(X64Regs.scratch, base: X64Regs.scratch, Int32(index * 8))
        a.load(dst, base: X64Regs.scratch, 0)
    }

    mutating func storeGlobal(index: Int, _ src: GPR) {
        a.load(X64Regs.scratch, base: X64Regs.instance, RuntimeLayout.contextGlobals)
        a.load(X64Regs.scratch, base: X64Regs.scratch, Int32(index * 8))
        a.store(base: X64Regs.scratch, 0, src)
    }

    mutating func loadFunctionRecord(_ dst: GPR, index: Int) {
        a.load(dst, base: X64Regs.instance, RuntimeLayout.contextFunctions)
        a.load(dst, base: dst, Int32(index * 8))
    }

    // MARK: integer arithmetic

    /// Puts `rhs` in a register (scratch `into` unless it already is one).
    mutating func materialize(_ rhs: MacroOperand<GPR>, into r: GPR, is64: Bool) -> GPR {
        if case .reg(let x) = rhs { return x }
        move(r, rhs, is64: is64)
        return r
    }

    mutating func intBinary(_ op: IntBinaryOp, is64: Bool, dst: GPR, lhs: GPR, rhs: MacroOperand<GPR>) {
        let w = Self.width(is64)
        var rhs = rhs
        if dst != lhs, let m = Self.leaOperand(op, is64: is64, lhs: lhs, rhs: rhs) {
            // Three-operand add: lea computes it without a copy (and wraps at 32 bits with
            // a 32-bit destination); it leaves the flags alone, which nothing reads here.
            if is64 { a.lea(dst, m) } else { a.lea32(dst, m) }
            return
        }
        if dst != lhs {
            if rhs == .reg(dst) {
                a.mov(X64Regs.scratch3, dst)
                rhs = .reg(X64Regs.scratch3)
            }
            a.mov(dst, lhs)
        }
        switch op {
        case .add, .sub, .and, .or, .xor:
            let alu: X64ALU = switch op {
            case .add: .add
            case .sub: .sub
            case .and: .and
            case .or: .or
            default: .xor
            }
            switch rhs {
            case .reg(let r): a.alu(alu, dst, r, w)
            case .slot(let s): a.alu(alu, dst, X64Address.slot(s), w)
            case .imm(let v):
                if !is64 || Self.fits32(v) {
                    a.alu(alu, dst, imm: Int32(truncatingIfNeeded: v), w)
                } else {
                    a.mov(X64Regs.scratch, imm: UInt64(bitPattern: v))
                    a.alu(alu, dst, X64Regs.scratch, w)
                }
            }
        case .mul:
            if case .imm(let v) = rhs, !is64 || Self.fits32(v) {
                a.imul(dst, dst, imm: Int32(truncatingIfNeeded: v), w)
            } else {
                a.imul(dst, materialize(rhs, into: X64Regs.scratch, is64: is64), w)
            }
        case .shl, .shrS, .shrU, .rotl, .rotr:
            let s: X64Shift = switch op {
            case .shl: .shl
            case .shrS: .sar
            case .shrU: .shr
            case .rotl: .rol
            default: .ror
            }
            if case .imm(let v) = rhs {
                a.shift(s, dst, imm: UInt8(truncatingIfNeeded: v) & (is64 ? 63 : 31), w)
            } else {
                move(X64Regs.scratch2, rhs, is64: is64)
                a.shift(s, dst, w)
            }
        case .divS, .divU, .remS, .remU:
            divide(op, is64: is64, dst: dst, rhs: rhs)
        }
    }

    /// The address form of `lhs + rhs` / `lhs - imm` for `lea`, when there is one.
    static func leaOperand(_ op: IntBinaryOp, is64: Bool, lhs: GPR, rhs: MacroOperand<GPR>) -> X64Memory? {
        switch (op, rhs) {
        case (.add, .reg(let r)): return X64Memory(base: lhs, index: r)
        case (.add, .imm(let v)) where !is64 || fits32(v):
            return X64Memory(base: lhs, displacement: Int32(truncatingIfNeeded: v))
        case (.sub, .imm(let v)) where !is64 || (fits32(v) && v != Int64(Int32.min)):
            return X64Memory(base: lhs, displacement: Int32(truncatingIfNeeded: 0 &- v))
        default: return nil
        }
    }

    /// x86 division: dividend in rdx:rax, divisor in rcx; traps checked explicitly.
    private mutating func divide(_ op: IntBinaryOp, is64: Bool, dst: GPR, rhs: MacroOperand<GPR>) {
        let w = Self.width(is64)
        move(X64Regs.scratch2, rhs, is64: is64)
        a.mov(X64Regs.scratch, dst)
        var knownNonZero = false, knownNotMinusOne = false
        if case .imm(let v) = rhs {
            let value = is64 ? v : Int64(Int32(truncatingIfNeeded: v))
            knownNonZero = value != 0
            knownNotMinusOne = value != -1
        }
        if !knownNonZero {
            a.test(X64Regs.scratch2, X64Regs.scratch2, w)
            trapIf(.equal, .integerDivideByZero)
        }
        let done = a.newLabel()
        switch op {
        case .divU, .remU:
            a.xor(X64Regs.scratch3, X64Regs.scratch3, .b32)
            a.div(X64Regs.scratch2, w)
        default:
            let normal = a.newLabel()
            if !knownNotMinusOne {
                a.cmp(X64Regs.scratch2, imm: -1, w)
                a.j(.notEqual, normal)
                if op == .divS {
                    // INT_MIN / -1 overflows; anything else / -1 is a negation.
                    if is64 {
                        a.mov(X64Regs.scratch3, imm: UInt64(1) << 63)
                        a.cmp(X64Regs.scratch, X64Regs.scratch3)
                    } else {
                        a.cmp(X64Regs.scratch, imm: Int32.min, .b32)
                    }
                    trapIf(.equal, .integerOverflow)
                } else {
                    a.xor(X64Regs.scratch3, X64Regs.scratch3, .b32)
                    a.jmp(done)
                }
            }
            a.bind(normal)
            a.signExtendAccumulator(w)
            a.idiv(X64Regs.scratch2, w)
        }
        a.bind(done)
        a.mov(dst, op == .divS || op == .divU ? X64Regs.scratch : X64Regs.scratch3, w)
    }

    mutating func intUnary(_ op: IntUnaryOp, is64: Bool, dst: GPR, src: GPR) {
        let w = Self.width(is64)
        switch op {
        case .clz: a.lzcnt(dst, src, w)
        case .ctz: a.tzcnt(dst, src, w)
        case .popcnt: a.popcnt(dst, src, w)
        }
    }

    mutating func extend(dst: GPR, src: GPR, fromBits: Int, signed: Bool, to64: Bool) {
        let from: X64Width = fromBits == 8 ? .b8 : fromBits == 16 ? .b16 : fromBits == 32 ? .b32 : .b64
        if signed {
            a.signExtend(dst, src, from, to64: to64)
            if !to64 { a.mov(dst, dst, .b32) }
        } else {
            a.zeroExtend(dst, src, from)
        }
    }

    mutating func compare(_ op: IntCompareOp, is64: Bool, lhs: GPR, rhs: MacroOperand<GPR>) -> Condition {
        let w = Self.width(is64)
        switch rhs {
        case .reg(let r): a.cmp(lhs, r, w)
        case .slot(let s): a.cmp(lhs, X64Address.slot(s), w)
        case .imm(let v):
            if !is64 || Self.fits32(v) {
                a.cmp(lhs, imm: Int32(truncatingIfNeeded: v), w)
            } else {
                a.mov(X64Regs.scratch, imm: UInt64(bitPattern: v))
                a.cmp(lhs, X64Regs.scratch, w)
            }
        }
        switch op {
        case .eq: return .equal
        case .ne: return .notEqual
        case .ltS: return .less
        case .ltU: return .below
        case .gtS: return .greater
        case .gtU: return .above
        case .leS: return .lessOrEqual
        case .leU: return .belowOrEqual
        case .geS: return .greaterOrEqual
        case .geU: return .aboveOrEqual
        }
    }

    mutating func testZero(_ src: GPR, is64: Bool) -> Condition {
        a.test(src, src, Self.width(is64))
        return .equal
    }

    mutating func setCondition(_ dst: GPR, _ cond: Condition) {
        a.set(cond, dst)
        a.zeroExtend(dst, dst, .b8)
    }

    mutating func select(_ dst: GPR, ifTrue: GPR, cond: Condition) { a.cmov(cond, dst, ifTrue) }

    // MARK: floating point

    mutating func floatBinary(_ op: FloatBinaryOp, isF64: Bool, dst: FPR, lhs: FPR, rhs: FPR) {
        var rhs = rhs
        if dst != lhs {
            if rhs == dst {
                a.mov(X64Regs.floatScratch, rhs)
                rhs = X64Regs.floatScratch
            }
            a.mov(dst, lhs)
        }
        let o: X64FloatOp = switch op {
        case .add: .add
        case .sub: .sub
        case .mul: .mul
        case .div: .div
        }
        a.float(o, dst, rhs, isF64 ? .f64 : .f32)
    }

    mutating func floatBinary(_ op: FloatBinaryOp, isF64: Bool, dst: FPR, lhs: FPR, rhsSlot: Int32) {
        if dst != lhs { a.mov(dst, lhs) }
        let o: X64FloatOp = switch op {
        case .add: .add
        case .sub: .sub
        case .mul: .mul
        case .div: .div
        }
        a.float(o, dst, X64Address.slot(rhsSlot), isF64 ? .f64 : .f32)
    }

    mutating func floatUnary(_ op: FloatUnaryOp, isF64: Bool, dst: FPR, src: FPR) {
        let fw: X64FloatWidth = isF64 ? .f64 : .f32
        switch op {
        case .sqrt: a.float(.sqrt, dst, src, fw)
        case .ceil: a.round(dst, src, mode: 2, fw)
        case .floor: a.round(dst, src, mode: 1, fw)
        case .trunc: a.round(dst, src, mode: 3, fw)
        case .abs, .neg:
            // Sign-bit manipulation in integer registers keeps NaN payloads intact.
            let w = Self.width(isF64)
            a.mov(X64Regs.scratch, src, w)
            if isF64 {
                a.mov(X64Regs.scratch2, imm: op == .abs ? ~(UInt64(1) << 63) : UInt64(1) << 63)
                a.alu(op == .abs ? .and : .xor, X64Regs.scratch, X64Regs.scratch2)
            } else {
                a.alu(op == .abs ? .and : .xor, X64Regs.scratch, imm: op == .abs ? Int32.max : Int32.min, .b32)
            }
            a.mov(dst, X64Regs.scratch, w)
        }
    }

    mutating func copySign(isF64: Bool, dst: FPR, lhs: FPR, rhs: FPR) {
        let w = Self.width(isF64)
        a.mov(X64Regs.scratch, lhs, w)
        a.mov(X64Regs.scratch3, rhs, w)
        a.mov(X64Regs.scratch2, imm: isF64 ? UInt64(1) << 63 : 0x8000_0000)
        a.and(X64Regs.scratch3, X64Regs.scratch2, w)
        a.not(X64Regs.scratch2, w)
        a.and(X64Regs.scratch, X64Regs.scratch2, w)
        a.or(X64Regs.scratch, X64Regs.scratch3, w)
        a.mov(dst, X64Regs.scratch, w)
    }

    mutating func floatCompare(_ op: FloatCompareOp, isF64: Bool, dst: GPR, lhs: FPR, rhs: FPR) {
        let fw: X64FloatWidth = isF64 ? .f64 : .f32
        switch op {
        case .eq, .ne:
            // Unordered sets PF: eq needs ZF && !PF, ne needs !ZF || PF.
            a.ucomis(lhs, rhs, fw)
            a.set(op == .eq ? .equal : .notEqual, dst)
            a.set(op == .eq ? .noParity : .parity, X64Regs.scratch)
            if op == .eq { a.and(dst, X64Regs.scratch, .b32) } else { a.or(dst, X64Regs.scratch, .b32) }
            a.zeroExtend(dst, dst, .b8)
        case .lt, .le:
            a.ucomis(rhs, lhs, fw)
            setCondition(dst, op == .lt ? .above : .aboveOrEqual)
        case .gt, .ge:
            a.ucomis(lhs, rhs, fw)
            setCondition(dst, op == .gt ? .above : .aboveOrEqual)
        }
    }

    mutating func floatCompareFlags(_ op: FloatCompareOp, isF64: Bool, lhs: FPR, rhs: FPR) -> Condition? {
        // Unordered sets CF and ZF: above/aboveOrEqual are false for NaNs, their inversions true.
        let fw: X64FloatWidth = isF64 ? .f64 : .f32
        switch op {
        case .eq, .ne: return nil
        case .lt, .le:
            a.ucomis(rhs, lhs, fw)
            return op == .lt ? .above : .aboveOrEqual
        case .gt, .ge:
            a.ucomis(lhs, rhs, fw)
            return op == .gt ? .above : .aboveOrEqual
        }
    }

    mutating func intToFloat(dst: FPR, src: GPR, fromI64: Bool, toF64: Bool) {
        a.logic(.xor, dst, dst)
        a.convertFromInt(dst, src, from: fromI64 ? .b64 : .b32, to: toF64 ? .f64 : .f32)
    }
}

import WasmCore

// Peephole fusion during the single pass. Two patterns dominate compiled C:
//
//   local.get x; i32.const c; i32.add      ->  i32AddI dst x c        (no const32)
//   ...; i32.lt_s; br_if L                   ->  brI32LtS a b rel       (no compare, no temp)
//
// Both work on the last emitted instruction only, while it is still the last one
// (`lastDestination` is set), so no label can sit between it and the consumer: every
// place that binds a label (block end, else, loop header) clears `lastDestination`.
// The removed instruction wrote only a temporary home that its consumer pops.

/// A condition the branch absorbed: the fused op and its operands before `rel`.
struct FusedCondition {
    var op: IOp
    var a: UInt32
    var b: UInt32?
}

extension Translator {
    /// Start word of the last instruction when it is `op dst ...` with dst == `slot`.
    func lastProducer(into slot: UInt32) -> (op: IOp, start: Int)? {
        guard let word = lastDestination, word > 0, code[word] == slot,
              let op = IOp(rawValue: UInt16(truncatingIfNeeded: code[word - 1])) else { return nil }
        return (op, word - 1)
    }

    /// When the last instruction put a constant that fits `imm` into the temporary `slot`,
    /// removes it and returns the constant (i64 constants: only those that sign-extend
    /// from 32 bits).
    mutating func takeConstant(_ slot: UInt32, wide64: Bool) -> UInt32? {
        guard let (op, start) = lastProducer(into: slot) else { return nil }
        if op == .const32 && !wide64 && code.count == start + 3 {
            let value = code[start + 2]
            code.removeLast(3)
            lastDestination = nil
            return value
        }
        if op == .const64 && wide64 && code.count == start + 4 {
            let lo = code[start + 2], hi = code[start + 3]
            guard hi == (Int32(bitPattern: lo) < 0 ? 0xFFFF_FFFF : 0) else { return nil }
            code.removeLast(4)
            lastDestination = nil
            return lo
        }
        return nil
    }

    /// Emits a binary op, folding a constant operand into an immediate form when the op
    /// has one. `a`/`b` are the operand slots, `dst` the result home; `top` is the home of
    /// the right operand (where a just-emitted constant would be).
    mutating func emitBinary(_ op: IOp, dst: UInt32, _ a: UInt32, _ b: UInt32, top: UInt32) {
        if let immOp = Translator.immediateForm(op) {
            let wide = Translator.isI64(op)
            if b == top, a != top, let imm = takeConstant(b, wide64: wide) {
                let value = op == .i32Sub ? 0 &- imm : imm
                emitProducer(immOp, dst, a, value)
                return
            }
            // A constant on the left: commutative ops swap, compares mirror.
            if a == dst, b != dst, op != .i32Sub, let swapped = Translator.swappedForm(immOp), let imm = takeConstant(a, wide64: wide) {
                emitProducer(swapped, dst, b, imm)
                return
            }
        }
        emitProducer(op, dst, a, b)
    }

    /// Removes the compare that produced `condition` (a temporary at `home`) and returns
    /// the fused branch that is taken when the condition is true, or false if `negate`.
    mutating func takeCondition(_ condition: UInt32, home: UInt32, negate: Bool) -> FusedCondition? {
        guard condition == home, let (op, start) = lastProducer(into: condition) else { return nil }
        var fused: FusedCondition
        switch op {
        case .i32Eqz where code.count == start + 3:
            fused = FusedCondition(op: negate ? .brIf : .brIfNot, a: code[start + 2])
        case .i64Eqz where code.count == start + 3:
            fused = FusedCondition(op: negate ? .brOnNonNull : .brOnNull, a: code[start + 2])
        case _ where code.count == start + 4:
            let compare = negate ? Translator.negatedCompare(op) : op
            guard let compare, let branch = Translator.branchForm(compare) else { return nil }
            fused = FusedCondition(op: branch, a: code[start + 2], b: code[start + 3])
        default:
            return nil
        }
        code.removeLast(code.count - start)
        lastDestination = nil
        return fused
    }

    /// Emits a conditional branch on `fused` (or on the plain `condition` slot, taken when
    /// nonzero, or zero if `negate`); returns (rel word, anchor) to link.
    mutating func emitConditionalJump(_ fused: FusedCondition?, condition: UInt32, negate: Bool) -> (word: Int, anchor: Int) {
        let anchor = code.count
        guard let fused else {
            emit(negate ? .brIfNot : .brIf, condition, 0)
            return (anchor + 2, anchor)
        }
        if let b = fused.b {
            emit(fused.op, fused.a, b, 0)
            return (anchor + 3, anchor)
        }
        emit(fused.op, fused.a, 0)
        return (anchor + 2, anchor)
    }

    // MARK: op families

    static func isI64(_ op: IOp) -> Bool {
        switch op {
        case .i64Add, .i64Sub, .i64Mul, .i64And, .i64Or, .i64Xor, .i64Shl, .i64ShrS, .i64ShrU: true
        default: false
        }
    }

    /// The immediate form of a binary op (`i32.sub` becomes an add of the negation).
    static func immediateForm(_ op: IOp) -> IOp? {
        switch op {
        case .i32Add, .i32Sub: .i32AddI
        case .i32Mul: .i32MulI
        case .i32And: .i32AndI
        case .i32Or: .i32OrI
        case .i32Xor: .i32XorI
        case .i32Shl: .i32ShlI
        case .i32ShrS: .i32ShrSI
        case .i32ShrU: .i32ShrUI
        case .i64Add: .i64AddI
        case .i64Mul: .i64MulI
        case .i64And: .i64AndI
        case .i64Or: .i64OrI
        case .i64Xor: .i64XorI
        case .i64Shl: .i64ShlI
        case .i64ShrS: .i64ShrSI
        case .i64ShrU: .i64ShrUI
        case .i32Eq: .i32EqI
        case .i32Ne: .i32NeI
        case .i32LtS: .i32LtSI
        case .i32LtU: .i32LtUI
        case .i32GtS: .i32GtSI
        case .i32GtU: .i32GtUI
        case .i32LeS: .i32LeSI
        case .i32LeU: .i32LeUI
        case .i32GeS: .i32GeSI
        case .i32GeU: .i32GeUI
        default: nil
        }
    }

    /// The immediate form for `imm <op> x`, written as `x <op'> imm`.
    static func swappedForm(_ immOp: IOp) -> IOp? {
        switch immOp {
        case .i32AddI, .i32MulI, .i32AndI, .i32OrI, .i32XorI, .i64AddI, .i64MulI, .i64AndI, .i64OrI, .i64XorI,
             .i32EqI, .i32NeI: immOp
        case .i32LtSI: .i32GtSI
        case .i32LtUI: .i32GtUI
        case .i32GtSI: .i32LtSI
        case .i32GtUI: .i32LtUI
        case .i32LeSI: .i32GeSI
        case .i32LeUI: .i32GeUI
        case .i32GeSI: .i32LeSI
        case .i32GeUI: .i32LeUI
        default: nil
        }
    }

    /// The integer compare that is true exactly when `op` is false.
    static func negatedCompare(_ op: IOp) -> IOp? {
        switch op {
        case .i32Eq: .i32Ne
        case .i32Ne: .i32Eq
        case .i32LtS: .i32GeS
        case .i32LtU: .i32GeU
        case .i32GtS: .i32LeS
        case .i32GtU: .i32LeU
        case .i32LeS: .i32GtS
        case .i32LeU: .i32GtU
        case .i32GeS: .i32LtS
        case .i32GeU: .i32LtU
        case .i32EqI: .i32NeI
        case .i32NeI: .i32EqI
        case .i32LtSI: .i32GeSI
        case .i32LtUI: .i32GeUI
        case .i32GtSI: .i32LeSI
        case .i32GtUI: .i32LeUI
        case .i32LeSI: .i32GtSI
        case .i32LeUI: .i32GtUI
        case .i32GeSI: .i32LtSI
        case .i32GeUI: .i32LtUI
        default: nil
        }
    }

    /// The compare-and-branch op of a compare.
    static func branchForm(_ op: IOp) -> IOp? {
        switch op {
        case .i32Eq: .brI32Eq
        case .i32Ne: .brI32Ne
        case .i32LtS: .brI32LtS
        case .i32LtU: .brI32LtU
        case .i32GtS: .brI32GtS
        case .i32GtU: .brI32GtU
        case .i32LeS: .brI32LeS
        case .i32LeU: .brI32LeU
        case .i32GeS: .brI32GeS
        case .i32GeU: .brI32GeU
        case .i32EqI: .brI32EqI
        case .i32NeI: .brI32NeI
        case .i32LtSI: .brI32LtSI
        case .i32LtUI: .brI32LtUI
        case .i32GtSI: .brI32GtSI
        case .i32GtUI: .brI32GtUI
        case .i32LeSI: .brI32LeSI
        case .i32LeUI: .brI32LeUI
        case .i32GeSI: .brI32GeSI
        case .i32GeUI: .brI32GeUI
        default: nil
        }
    }
}

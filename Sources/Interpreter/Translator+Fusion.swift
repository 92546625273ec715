import WasmCore

// Peephole fusion during the single pass. Two patterns dominate compiled C:
//
//   local.get x; i32.const c; i32.add      ->  i32AddI dst x c        (no const32)
//   ...; i32.lt_s; br_if L                   ->  brI32LtS a b rel       (no compare, no temp)
//
// Both work on the last emitted instruction only, while it is still the last one
// (`lastDestination` is set), so no label can sit between it and the consumer: every
// place that binds a label (block end, else, loop header) clears `lastDestination`.
// The removed instruction wrote only a temporary home that its consumer pops. The other
// forms (64-bit immediates, multiply-add, summed addresses, select on a compare) follow the
// same rule; increment-and-branch alone looks back two instructions, guarded by
// `lastIncrement` and `fusionBarrier` instead.

/// A condition the branch absorbed: the fused op and its operands before `rel`.
struct FusedCondition {
    var op: IOp
    /// Operand words between the op and `rel`: a slot, then a slot or an immediate.
    var operands: [UInt32]
}

extension Translator {
    /// Start word of the last instruction when it is `op dst ...` with dst == `slot`. A
    /// SIMD producer (`family opcode|length dst ...`) is not: the word before its
    /// destination carries its length in the high half, which no op word has.
    func lastProducer(into slot: UInt32) -> (op: IOp, start: Int)? {
        guard let word = lastDestination, word > 0, code[word] == slot, code[word - 1] >> 16 == 0,
              let op = IOp(rawValue: UInt16(truncatingIfNeeded: code[word - 1])) else { return nil }
        return (op, word - 1)
    }

    /// When the last instruction put a constant that fits `imm` into the temporary `slot`,
    /// removes it and returns the constant: `const32` for 32-bit immediates, `const64` (any
    /// i64 or f64 constant) for the wide forms.
    mutating func takeConstant(_ slot: UInt32, wide64: Bool) -> UInt64? {
        guard let (op, start) = lastProducer(into: slot) else { return nil }
        if op == .const32 && !wide64 && code.count == start + 3 {
            let value = code[start + 2]
            truncate(to: start)
            lastDestination = nil
            return UInt64(value)
        }
        if op == .const64 && wide64 && code.count == start + 4 {
            let value = UInt64(code[start + 2]) | UInt64(code[start + 3]) << 32
            truncate(to: start)
            lastDestination = nil
            return value
        }
        return nil
    }

    /// Drops the code from word `start` on (an instruction taken back by a fusion).
    mutating func truncate(to start: Int) {
        code.removeLast(code.count - start)
        if let increment = lastIncrement, increment >= start { lastIncrement = nil }
        if let increment = previousIncrement, increment >= start { previousIncrement = nil }
        if let copy = lastCopy, copy >= start { lastCopy = nil }
        if let sum = lastLoadSum, sum >= start { lastLoadSum = nil }
        if let shift = lastShift, shift >= start { lastShift = nil }
    }

    /// `start`, a position the translator tracked (`lastIncrement`, `lastShift`, `lastCopy`,
    /// ...), when the instruction there is `op`, `words` long, ends at `end` (default: it is
    /// the last one) and no label lies after its start; nil otherwise.
    func tracked(_ start: Int?, is op: IOp, words: Int, endingAt end: Int? = nil) -> Int? {
        guard let start, start + words == (end ?? code.count), start >= fusionBarrier,
              code[start] == UInt32(op.rawValue) else { return nil }
        return start
    }

    /// When the instruction at `start` (a tracked position) is the last one, is `op t x imm`
    /// into the temporary `slot`, and no label lies after it, removes it and returns `(x, imm)`.
    mutating func takeImmediateProducer(_ op: IOp, at start: Int?, into slot: UInt32) -> (UInt32, UInt32)? {
        guard let start = tracked(start, is: op, words: 4), code[start + 1] == slot else { return nil }
        let operands = (code[start + 2], code[start + 3])
        truncate(to: start)
        return operands
    }

    /// Emits `immOp dst a imm` with a one- or two-word immediate.
    mutating func emitImmediate(_ immOp: IOp, dst: UInt32, _ a: UInt32, _ imm: UInt64, wide: Bool) {
        if immOp == .i32AddI {
            previousIncrement = lastIncrement
            lastIncrement = code.count
        }
        if immOp == .i32ShrUI || immOp == .i32AndI { lastShift = code.count }
        if wide {
            emitProducer(immOp, dst, a, UInt32(truncatingIfNeeded: imm), UInt32(truncatingIfNeeded: imm >> 32))
        } else {
            emitProducer(immOp, dst, a, UInt32(truncatingIfNeeded: imm))
        }
    }

    /// When the last instruction is a two-slot `op` into the temporary `slot` (its home at
    /// `home`), removes it and returns its operands.
    mutating func takeBinary(_ op: IOp, into slot: UInt32, home: UInt32) -> (UInt32, UInt32)? {
        takeProducer(operands: 2, into: slot, home: home) { $0 == op }.map { ($0.1, $0.2) }
    }

    /// When the last instruction is `op dst w1 ... wn` (n = `count`, at most 4) into the
    /// temporary `slot` (its home at `home`) and `accepts(op)`, removes it and returns the op
    /// and its operand words (those past `count` are 0).
    mutating func takeProducer(operands count: Int, into slot: UInt32, home: UInt32, where accepts: (IOp) -> Bool)
        -> (op: IOp, UInt32, UInt32, UInt32, UInt32)? {
        guard slot == home, let (last, start) = lastProducer(into: slot), accepts(last), code.count == start + 2 + count else {
            return nil
        }
        func word(_ k: Int) -> UInt32 { k < count ? code[start + 2 + k] : 0 }
        let taken = (last, word(0), word(1), word(2), word(3))
        truncate(to: start)
        lastDestination = nil
        return taken
    }

    /// After `local.set` retargeted the `i32AddI` just emitted (at `start`) to a local: when the
    /// instruction right before it is an `i32AddI` too, with no label between, the two become
    /// one `i32AddI2` (second add's words first, where a retarget would look; run in order).
    mutating func fuseIncrementPair(at start: Int) {
        guard lastIncrement == start, tracked(start, is: .i32AddI, words: 4) != nil,
              let first = tracked(previousIncrement, is: .i32AddI, words: 4, endingAt: start) else { return }
        // Plain words, no slices: a slice alive during the mutation would copy all of `code`.
        let (d1, a1, i1) = (code[first + 1], code[first + 2], code[first + 3])
        let (d2, a2, i2) = (code[start + 1], code[start + 2], code[start + 3])
        code.removeLast(code.count - first)
        code.append(contentsOf: [UInt32(IOp.i32AddI2.rawValue), d2, a2, i2, d1, a1, i1])
        lastIncrement = nil
        previousIncrement = nil
        lastDestination = nil
    }

    /// `f64.mul` feeding `f64.add`/`f64.sub` as one op; false when the pattern is not there.
    mutating func emitMultiplyAdd(_ op: IOp, dst: UInt32, _ a: UInt32, _ b: UInt32, top: UInt32) -> Bool {
        guard op == .f64Add || op == .f64Sub else { return false }
        if a != top, let (x, y) = takeBinary(.f64Mul, into: b, home: top) {
            emitProducer(op == .f64Add ? .f64MulAdd : .f64SubMul, dst, x, y, a)
            return true
        }
        if b != dst, let (x, y) = takeBinary(.f64Mul, into: a, home: dst) {
            emitProducer(op == .f64Add ? .f64MulAdd : .f64MulSub, dst, x, y, b)
            return true
        }
        return false
    }

    /// Emits a load or store whose address is the temporary `address` (home `home`); an
    /// `i32.add` that just computed it is folded into the access.
    mutating func emitMemoryAccess(_ op: IOp, dst: UInt32?, address: UInt32, home: UInt32, value: UInt32?, offset: UInt32) {
        // The sum of an `f64AddLoad` stored as it is (the value's home is the slot above the
        // address's): one op that loads, adds and stores, each access checked as before.
        if op == .f64Store, let value, address != value,
           let (_, a, source, sourceOffset, _) = takeProducer(operands: 3, into: value, home: home + 8, where: { $0 == .f64AddLoad }) {
            emit(.f64AddLoadStore, a, source, sourceOffset, address, offset)
            return
        }
        // A table lookup: the index just extracted by shift-and-mask (`table[(x >> s) & m]`),
        // or just shifted (`table[x << s]`, the same with a full mask).
        if op == .i32Load, let dst {
            if let (last, x, s, m, _) = takeProducer(operands: 3, into: address, home: home, where: {
                $0 == .i32ShrUAndI || $0 == .i32ShlAndI
            }) {
                emitProducer(last == .i32ShrUAndI ? .i32LoadShrUAnd : .i32LoadShlAnd, dst, x, s, m, offset)
                return
            }
            if let (x, s) = takeBinary(.i32ShlI, into: address, home: home) {
                emitProducer(.i32LoadShlAnd, dst, x, s, UInt32.max, offset)
                return
            }
        }
        // `x + imm` just computed into the address temporary: the access adds it itself (the
        // sum still wraps to 32 bits before the offset, so the same accesses trap).
        if let fused = Translator.immediateAddressedForm(op), let (x, imm) = takeBinary(.i32AddI, into: address, home: home) {
            if let dst { emitProducer(fused, dst, x, imm, offset) } else if let value { emit(fused, x, imm, value, offset) }
            return
        }
        // `a + (x << s)`, an array element.
        if let fused = Translator.scaledAddressedForm(op),
           let (_, a, x, s, _) = takeProducer(operands: 3, into: address, home: home, where: { $0 == .i32AddShlI }) {
            if let dst { emitProducer(fused, dst, a, x, s, offset) } else if let value { emit(fused, a, x, s, value, offset) }
            return
        }
        if let fused = Translator.addressedForm(op), let (x, y) = takeBinary(.i32Add, into: address, home: home) {
            if let dst { emitProducer(fused, dst, x, y, offset) } else if let value { emit(fused, x, y, value, offset) }
            return
        }
        if let dst { emitProducer(op, dst, address, offset) } else if let value { emit(op, address, value, offset) }
    }

    /// For a commutative `op` of `a` and `b` (`emitBinary`'s operands): when the last
    /// instruction is `producer t x k` (k an immediate, the low word of a wide one) into either
    /// operand's temporary, replaces it with `fused dst other x k`.
    mutating func fuseOperand(_ producer: IOp, into fused: IOp, dst: UInt32, _ a: UInt32, _ b: UInt32, top: UInt32) -> Bool {
        guard a != b else { return false }
        let words = Translator.hasWideImmediate(producer) ? 3 : 2
        if b == top, a != top, let (_, x, k, _, _) = takeProducer(operands: words, into: b, home: top, where: { $0 == producer }) {
            emitProducer(fused, dst, a, x, k)
            return true
        }
        if a == dst, b != top, let (_, x, k, _, _) = takeProducer(operands: words, into: a, home: dst, where: { $0 == producer }) {
            emitProducer(fused, dst, b, x, k)
            return true
        }
        return false
    }

    /// Emits a binary op, folding a constant operand into an immediate form when the op
    /// has one. `a`/`b` are the operand slots, `dst` the result home; `top` is the home of
    /// the right operand (where a just-emitted constant would be).
    mutating func emitBinary(_ op: IOp, dst: UInt32, _ a: UInt32, _ b: UInt32, top: UInt32) {
        if emitMultiplyAdd(op, dst: dst, a, b, top: top) { return }
        // `a + (x << s)` (an array element's address), `a + x * imm` (an element of an array
        // of structs), `a ^ (x >> s)` on i64 (hash mixing).
        if op == .i32Add, fuseOperand(.i32ShlI, into: .i32AddShlI, dst: dst, a, b, top: top)
            || fuseOperand(.i32MulI, into: .i32AddMulI, dst: dst, a, b, top: top) {
            return
        }
        if op == .i64Xor, fuseOperand(.i64ShrUI, into: .i64XorShrUI, dst: dst, a, b, top: top) { return }
        // `f64.load` straight into the right operand (gemm's `c[j] += x * b[j]` loads
        // between the multiply and the add, so the multiply-add form does not apply).
        if op == .f64Add || op == .f64Mul, b == top, a != top {
            if let (address, offset) = takeBinary(.f64Load, into: b, home: top) {
                emitProducer(op == .f64Add ? .f64AddLoad : .f64MulLoad, dst, a, address, offset)
                return
            }
            // The same load at `x + imm` (its `i32AddI` already folded into it).
            if let (_, x, imm, offset, _) = takeProducer(operands: 3, into: b, home: top, where: { $0 == .i64LoadAI }) {
                // A sum of loads (a stencil): the f64AddLoadAI just before produced `a`.
                if op == .f64Add, a == dst, let start = tracked(lastLoadSum, is: .f64AddLoadAI, words: 6), code[start + 1] == a {
                    code[start] = UInt32(IOp.f64AddLoad2AI.rawValue)
                    code.append(contentsOf: [x, imm, offset])
                    lastDestination = start + 1
                    lastLoadSum = nil
                    return
                }
                if op == .f64Add { lastLoadSum = code.count }
                emitProducer(op == .f64Add ? .f64AddLoadAI : .f64MulLoadAI, dst, a, x, imm, offset)
                return
            }
        }
        // `a ^ table[(x >> s) & m]`: the lookup just loaded into the right operand.
        if op == .i32Xor, a != top, let (last, x, s, m, offset) = takeProducer(operands: 4, into: b, home: top, where: {
            $0 == .i32LoadShrUAnd || $0 == .i32LoadShlAnd
        }) {
            emitProducer(last == .i32LoadShrUAnd ? .i32XorLoadShrUAnd : .i32XorLoadShlAnd, dst, a, x, s, m, offset)
            return
        }
        if let immOp = Translator.immediateForm(op) {
            let wide = Translator.hasWideImmediate(immOp)
            if b == top, a != top, let imm = takeConstant(b, wide64: wide) {
                // A one-immediate op right before, into the temporary this consumes (no label
                // between): `(x >> s) & m`, `(x + c) & m` (the sum wraps before the mask either
                // way) and `(x & m) << s` = `(x << s) & (m << s)` are one op each.
                if immOp == .i32AndI, a == dst, let (x, s) = takeImmediateProducer(.i32ShrUI, at: lastShift, into: a) {
                    emitProducer(.i32ShrUAndI, dst, x, s, UInt32(truncatingIfNeeded: imm))
                    return
                }
                if immOp == .i32AndI, a == dst, let (x, c) = takeImmediateProducer(.i32AddI, at: lastIncrement, into: a) {
                    emitProducer(.i32AddAndI, dst, x, c, UInt32(truncatingIfNeeded: imm))
                    return
                }
                if immOp == .i32ShlI, a == dst, let (x, m) = takeImmediateProducer(.i32AndI, at: lastShift, into: a) {
                    let s = UInt32(truncatingIfNeeded: imm) & 31
                    emitProducer(.i32ShlAndI, dst, x, s, m &<< s)
                    return
                }
                // x - c is x + (-c); a rotation right by c is one left by -c (counts are masked).
                let negated = op == .i32Sub || op == .i64Sub || op == .i32Rotr || op == .i64Rotr
                emitImmediate(immOp, dst: dst, a, negated ? 0 &- imm : imm, wide: wide)
                return
            }
            // A constant on the left: commutative ops swap, compares mirror.
            if a == dst, b != dst, !Translator.isNegatedImmediate(op), let swapped = Translator.swappedForm(immOp),
               let imm = takeConstant(a, wide64: wide) {
                emitImmediate(swapped, dst: dst, b, imm, wide: wide)
                return
            }
        }
        emitProducer(op, dst, a, b)
    }

    /// Removes the compare that produced `condition` (a temporary at `home`) and returns
    /// the fused branch that is taken when the condition is true, or false if `negate`.
    mutating func takeCondition(_ condition: UInt32, home: UInt32, negate: Bool) -> FusedCondition? {
        guard condition == home, let (op, start) = lastProducer(into: condition) else { return nil }
        let length = code.count - start
        var fused: FusedCondition
        switch op {
        case .i32Eqz where length == 3:
            let operand = code[start + 2]
            fused = FusedCondition(op: negate ? .brIf : .brIfNot, operands: [operand])
            // `(x & m) == 0`: the bit test right before it, into the same temporary.
            if operand == home, let test = tracked(lastShift, is: .i32AndI, words: 4, endingAt: start), code[test + 1] == operand {
                fused = FusedCondition(op: negate ? .brI32AndI : .brI32AndNotI, operands: [code[test + 2], code[test + 3]])
                truncate(to: test)
                lastDestination = nil
                return fused
            }
        case .i64Eqz where length == 3:
            fused = FusedCondition(op: negate ? .brOnNonNull : .brOnNull, operands: [code[start + 2]])
        default:
            // A compare of two slots (4 words), one with a 32-bit (4) or 64-bit (5) immediate.
            let wordCount = Translator.hasWideImmediate(op) ? 5 : 4
            guard length == wordCount, let branch = Translator.branchForm(op, negated: negate) else { return nil }
            fused = FusedCondition(op: branch, operands: Array(code[(start + 2)..<code.count]))
        }
        truncate(to: start)
        lastDestination = nil
        return fused
    }

    /// Removes an i32 compare that just produced the `select` condition (a temporary at
    /// `home`); returns the fused select op and the compare's operands.
    mutating func takeSelectCondition(_ condition: UInt32, home: UInt32) -> (IOp, UInt32, UInt32)? {
        guard condition == home, let (op, start) = lastProducer(into: condition), code.count == start + 4,
              let fused = Translator.selectForm(op) else { return nil }
        let operands = (code[start + 2], code[start + 3])
        truncate(to: start)
        lastDestination = nil
        return (fused, operands.0, operands.1)
    }

    /// Emits a conditional branch on `fused` (or on the plain `condition` slot, taken when
    /// nonzero, or zero if `negate`); returns (rel word, anchor) to link.
    mutating func emitConditionalJump(_ fused: FusedCondition?, condition: UInt32, negate: Bool) -> (word: Int, anchor: Int) {
        var candidate = fused
        let anchor = code.count
        // `x += imm` (x at words 1 and 2) right before the branch, no label between.
        let increment = tracked(lastIncrement, is: .i32AddI, words: 4).flatMap { code[$0 + 1] == code[$0 + 2] ? $0 : nil }
        // `x += imm; br_if x` (a count down to zero) is `x != 0` after the increment.
        if candidate == nil, let start = increment, code[start + 1] == condition {
            candidate = FusedCondition(op: negate ? .brI32EqI : .brI32NeI, operands: [condition, 0])
        }
        guard var fused = candidate else {
            emit(negate ? .brIfNot : .brIf, condition, 0)
            return (anchor + 2, anchor)
        }
        // `y <op> x` on the incremented x (`end != i` as clang writes it) is `x <mirror> y`.
        if let start = increment, fused.operands.count == 2, fused.operands[0] != fused.operands[1],
           code[start + 1] == fused.operands[1], let mirrored = Translator.mirroredBranch(fused.op) {
            fused = FusedCondition(op: mirrored, operands: [fused.operands[1], fused.operands[0]])
        }
        // `x += imm` right before a branch on `x <op> y` (the end of a counted loop): one op.
        if let start = increment, fused.operands.count == 2, code[start + 1] == fused.operands[0],
           let op = Translator.incrementForm(fused.op) {
            // [i32AddI x x imm] + [br x y rel]  ->  [incBr x imm y rel]
            code[start] = UInt32(op.rawValue)
            code[start + 2] = code[start + 3]
            code[start + 3] = fused.operands[1]
            code.append(0)
            lastDestination = nil
            lastIncrement = nil
            return (code.count - 1, start)
        }
        code.append(UInt32(fused.op.rawValue))
        code.append(contentsOf: fused.operands)
        code.append(0)
        lastDestination = nil
        return (code.count - 1, anchor)
    }
}

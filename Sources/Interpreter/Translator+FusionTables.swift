import WasmCore

// The op families of peephole fusion (Translator+Fusion.swift): which plain op has an
// immediate form, how a constant on the left swaps, and which compare-and-branch op
// tests a compare (or its negation).
extension Translator {
    /// Whether an immediate form takes a 64-bit immediate (two words).
    static func hasWideImmediate(_ op: IOp) -> Bool {
        switch op {
        case .i64AddI, .i64MulI, .i64AndI, .i64OrI, .i64XorI,
             .i64ShlI, .i64ShrSI, .i64ShrUI, .i64RotlI, .i64EqI,
             .i64NeI, .i64LtSI, .i64LtUI, .i64GtSI, .i64GtUI,
             .i64LeSI, .i64LeUI, .i64GeSI, .i64GeUI, .f64AddI,
             .f64SubI, .f64MulI, .f64DivI, .f64EqI, .f64NeI,
             .f64LtI, .f64GtI, .f64LeI, .f64GeI:
            true
        default: false
        }
    }

    /// Plain ops whose immediate form takes the negated constant (x - c = x + -c,
    /// rotr c = rotl -c): a constant on their left cannot be swapped.
    static func isNegatedImmediate(_ op: IOp) -> Bool {
        op == .i32Sub || op == .i64Sub || op == .i32Rotr || op == .i64Rotr
    }

    /// The immediate form of a binary op.
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
        case .i32Rotl, .i32Rotr: .i32RotlI
        case .i64Add, .i64Sub: .i64AddI
        case .i64Mul: .i64MulI
        case .i64And: .i64AndI
        case .i64Or: .i64OrI
        case .i64Xor: .i64XorI
        case .i64Shl: .i64ShlI
        case .i64ShrS: .i64ShrSI
        case .i64ShrU: .i64ShrUI
        case .i64Rotl, .i64Rotr: .i64RotlI
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
        case .i64Eq: .i64EqI
        case .i64Ne: .i64NeI
        case .i64LtS: .i64LtSI
        case .i64LtU: .i64LtUI
        case .i64GtS: .i64GtSI
        case .i64GtU: .i64GtUI
        case .i64LeS: .i64LeSI
        case .i64LeU: .i64LeUI
        case .i64GeS: .i64GeSI
        case .i64GeU: .i64GeUI
        case .f64Add: .f64AddI
        case .f64Sub: .f64SubI
        case .f64Mul: .f64MulI
        case .f64Div: .f64DivI
        case .f64Eq: .f64EqI
        case .f64Ne: .f64NeI
        case .f64Lt: .f64LtI
        case .f64Gt: .f64GtI
        case .f64Le: .f64LeI
        case .f64Ge: .f64GeI
        default: nil
        }
    }

    /// The immediate form for `imm <op> x`, written as `x <op'> imm` (float compares
    /// mirror exactly, NaN included).
    static func swappedForm(_ immOp: IOp) -> IOp? {
        switch immOp {
        case .i32AddI, .i32MulI, .i32AndI, .i32OrI, .i32XorI, .i64AddI, .i64MulI, .i64AndI, .i64OrI, .i64XorI,
             .f64AddI, .f64MulI: immOp
        case .i32EqI: .i32EqI
        case .i32NeI: .i32NeI
        case .i32LtSI: .i32GtSI
        case .i32LtUI: .i32GtUI
        case .i32GtSI: .i32LtSI
        case .i32GtUI: .i32LtUI
        case .i32LeSI: .i32GeSI
        case .i32LeUI: .i32GeUI
        case .i32GeSI: .i32LeSI
        case .i32GeUI: .i32LeUI
        case .i64EqI: .i64EqI
        case .i64NeI: .i64NeI
        case .i64LtSI: .i64GtSI
        case .i64LtUI: .i64GtUI
        case .i64GtSI: .i64LtSI
        case .i64GtUI: .i64LtUI
        case .i64LeSI: .i64GeSI
        case .i64LeUI: .i64GeUI
        case .i64GeSI: .i64LeSI
        case .i64GeUI: .i64LeUI
        case .f64EqI: .f64EqI
        case .f64NeI: .f64NeI
        case .f64LtI: .f64GtI
        case .f64GtI: .f64LtI
        case .f64LeI: .f64GeI
        case .f64GeI: .f64LeI
        default: nil
        }
    }

    /// The compare-and-branch op taken when compare `op` holds, or when it does not if
    /// `negated` (integers: the opposite compare; floats: the `Not` forms, true on NaN).
    /// The register-form i32 compare-and-branch with its operands swapped (`a < b` is `b > a`).
    static func mirroredBranch(_ op: IOp) -> IOp? {
        switch op {
        case .brI32Eq: .brI32Eq
        case .brI32Ne: .brI32Ne
        case .brI32LtS: .brI32GtS
        case .brI32LtU: .brI32GtU
        case .brI32GtS: .brI32LtS
        case .brI32GtU: .brI32LtU
        case .brI32LeS: .brI32GeS
        case .brI32LeU: .brI32GeU
        case .brI32GeS: .brI32LeS
        case .brI32GeU: .brI32LeU
        default: nil
        }
    }

    static func branchForm(_ op: IOp, negated: Bool) -> IOp? {
        switch (op, negated) {
        case (.i32Eq, false): .brI32Eq
        case (.i32Eq, true): .brI32Ne
        case (.i32Ne, false): .brI32Ne
        case (.i32Ne, true): .brI32Eq
        case (.i32LtS, false): .brI32LtS
        case (.i32LtS, true): .brI32GeS
        case (.i32LtU, false): .brI32LtU
        case (.i32LtU, true): .brI32GeU
        case (.i32GtS, false): .brI32GtS
        case (.i32GtS, true): .brI32LeS
        case (.i32GtU, false): .brI32GtU
        case (.i32GtU, true): .brI32LeU
        case (.i32LeS, false): .brI32LeS
        case (.i32LeS, true): .brI32GtS
        case (.i32LeU, false): .brI32LeU
        case (.i32LeU, true): .brI32GtU
        case (.i32GeS, false): .brI32GeS
        case (.i32GeS, true): .brI32LtS
        case (.i32GeU, false): .brI32GeU
        case (.i32GeU, true): .brI32LtU
        case (.i32EqI, false): .brI32EqI
        case (.i32EqI, true): .brI32NeI
        case (.i32NeI, false): .brI32NeI
        case (.i32NeI, true): .brI32EqI
        case (.i32LtSI, false): .brI32LtSI
        case (.i32LtSI, true): .brI32GeSI
        case (.i32LtUI, false): .brI32LtUI
        case (.i32LtUI, true): .brI32GeUI
        case (.i32GtSI, false): .brI32GtSI
        case (.i32GtSI, true): .brI32LeSI
        case (.i32GtUI, false): .brI32GtUI
        case (.i32GtUI, true): .brI32LeUI
        case (.i32LeSI, false): .brI32LeSI
        case (.i32LeSI, true): .brI32GtSI
        case (.i32LeUI, false): .brI32LeUI
        case (.i32LeUI, true): .brI32GtUI
        case (.i32GeSI, false): .brI32GeSI
        case (.i32GeSI, true): .brI32LtSI
        case (.i32GeUI, false): .brI32GeUI
        case (.i32GeUI, true): .brI32LtUI
        case (.i64Eq, false): .brI64Eq
        case (.i64Eq, true): .brI64Ne
        case (.i64Ne, false): .brI64Ne
        case (.i64Ne, true): .brI64Eq
        case (.i64LtS, false): .brI64LtS
        case (.i64LtS, true): .brI64GeS
        case (.i64LtU, false): .brI64LtU
        case (.i64LtU, true): .brI64GeU
        case (.i64GtS, false): .brI64GtS
        case (.i64GtS, true): .brI64LeS
        case (.i64GtU, false): .brI64GtU
        case (.i64GtU, true): .brI64LeU
        case (.i64LeS, false): .brI64LeS
        case (.i64LeS, true): .brI64GtS
        case (.i64LeU, false): .brI64LeU
        case (.i64LeU, true): .brI64GtU
        case (.i64GeS, false): .brI64GeS
        case (.i64GeS, true): .brI64LtS
        case (.i64GeU, false): .brI64GeU
        case (.i64GeU, true): .brI64LtU
        case (.i64EqI, false): .brI64EqI
        case (.i64EqI, true): .brI64NeI
        case (.i64NeI, false): .brI64NeI
        case (.i64NeI, true): .brI64EqI
        case (.i64LtSI, false): .brI64LtSI
        case (.i64LtSI, true): .brI64GeSI
        case (.i64LtUI, false): .brI64LtUI
        case (.i64LtUI, true): .brI64GeUI
        case (.i64GtSI, false): .brI64GtSI
        case (.i64GtSI, true): .brI64LeSI
        case (.i64GtUI, false): .brI64GtUI
        case (.i64GtUI, true): .brI64LeUI
        case (.i64LeSI, false): .brI64LeSI
        case (.i64LeSI, true): .brI64GtSI
        case (.i64LeUI, false): .brI64LeUI
        case (.i64LeUI, true): .brI64GtUI
        case (.i64GeSI, false): .brI64GeSI
        case (.i64GeSI, true): .brI64LtSI
        case (.i64GeUI, false): .brI64GeUI
        case (.i64GeUI, true): .brI64LtUI
        case (.f64Eq, false): .brF64Eq
        case (.f64Eq, true): .brF64Ne
        case (.f64Ne, false): .brF64Ne
        case (.f64Ne, true): .brF64Eq
        case (.f64Lt, false): .brF64Lt
        case (.f64Lt, true): .brF64NotLt
        case (.f64Gt, false): .brF64Gt
        case (.f64Gt, true): .brF64NotGt
        case (.f64Le, false): .brF64Le
        case (.f64Le, true): .brF64NotLe
        case (.f64Ge, false): .brF64Ge
        case (.f64Ge, true): .brF64NotGe
        case (.f64EqI, false): .brF64EqI
        case (.f64EqI, true): .brF64NeI
        case (.f64NeI, false): .brF64NeI
        case (.f64NeI, true): .brF64EqI
        case (.f64LtI, false): .brF64LtI
        case (.f64LtI, true): .brF64NotLtI
        case (.f64GtI, false): .brF64GtI
        case (.f64GtI, true): .brF64NotGtI
        case (.f64LeI, false): .brF64LeI
        case (.f64LeI, true): .brF64NotLeI
        case (.f64GeI, false): .brF64GeI
        case (.f64GeI, true): .brF64NotGeI
        default: nil
        }
    }

    /// The access addressed by the sum of two slots that does what `op` does (loads that
    /// leave the same slot bits share one: `i64.load32_u` is `i32.load`).
    static func addressedForm(_ op: IOp) -> IOp? {
        switch op {
        case .i32Load, .f32Load, .i64Load32U: .i32LoadA
        case .i64Load, .f64Load: .i64LoadA
        case .i32Load8S: .i32Load8SA
        case .i32Load8U, .i64Load8U: .i32Load8UA
        case .i32Load16S: .i32Load16SA
        case .i32Load16U, .i64Load16U: .i32Load16UA
        case .i32Store, .f32Store, .i64Store32: .i32StoreA
        case .i64Store, .f64Store: .i64StoreA
        case .i32Store8, .i64Store8: .i32Store8A
        case .i32Store16, .i64Store16: .i32Store16A
        default: nil
        }
    }

    /// The fused `select` on an i32 compare (register or immediate form) or an i64 compare
    /// (register form).
    static func selectForm(_ op: IOp) -> IOp? {
        switch op {
        case .i32Eq: .selectI32Eq
        case .i32Ne: .selectI32Ne
        case .i32LtS: .selectI32LtS
        case .i32LtU: .selectI32LtU
        case .i32GtS: .selectI32GtS
        case .i32GtU: .selectI32GtU
        case .i32LeS: .selectI32LeS
        case .i32LeU: .selectI32LeU
        case .i32GeS: .selectI32GeS
        case .i32GeU: .selectI32GeU
        case .i32EqI: .selectI32EqI
        case .i32NeI: .selectI32NeI
        case .i32LtSI: .selectI32LtSI
        case .i32LtUI: .selectI32LtUI
        case .i32GtSI: .selectI32GtSI
        case .i32GtUI: .selectI32GtUI
        case .i32LeSI: .selectI32LeSI
        case .i32LeUI: .selectI32LeUI
        case .i32GeSI: .selectI32GeSI
        case .i32GeUI: .selectI32GeUI
        case .i64Eq: .selectI64Eq
        case .i64Ne: .selectI64Ne
        case .i64LtS: .selectI64LtS
        case .i64LtU: .selectI64LtU
        case .i64GtS: .selectI64GtS
        case .i64GtU: .selectI64GtU
        case .i64LeS: .selectI64LeS
        case .i64LeU: .selectI64LeU
        case .i64GeS: .selectI64GeS
        case .i64GeU: .selectI64GeU
        default: nil
        }
    }

    /// The form of a load or store whose address is `a + (x << s)` (an `i32AddShlI` just before).
    static func scaledAddressedForm(_ op: IOp) -> IOp? {
        switch op {
        case .i32Load, .f32Load, .i64Load32U: .i32LoadAS
        case .i64Load, .f64Load: .i64LoadAS
        case .i32Store, .f32Store, .i64Store32: .i32StoreAS
        case .i64Store, .f64Store: .i64StoreAS
        default: nil
        }
    }

    /// The form of a load or store whose address is `x + imm` (an `i32AddI` just before).
    static func immediateAddressedForm(_ op: IOp) -> IOp? {
        switch op {
        case .i32Load, .f32Load, .i64Load32U: .i32LoadAI
        case .i64Load, .f64Load: .i64LoadAI
        case .i32Load8U, .i64Load8U: .i32Load8UAI
        case .i32Store, .f32Store, .i64Store32: .i32StoreAI
        case .i64Store, .f64Store: .i64StoreAI
        case .i32Store8, .i64Store8: .i32Store8AI
        default: nil
        }
    }

    /// The increment-and-branch op of an i32 compare-and-branch.
    static func incrementForm(_ branch: IOp) -> IOp? {
        switch branch {
        case .brI32Eq: .incBrI32Eq
        case .brI32Ne: .incBrI32Ne
        case .brI32LtS: .incBrI32LtS
        case .brI32LtU: .incBrI32LtU
        case .brI32GtS: .incBrI32GtS
        case .brI32GtU: .incBrI32GtU
        case .brI32LeS: .incBrI32LeS
        case .brI32LeU: .incBrI32LeU
        case .brI32GeS: .incBrI32GeS
        case .brI32GeU: .incBrI32GeU
        case .brI32EqI: .incBrI32EqI
        case .brI32NeI: .incBrI32NeI
        case .brI32LtSI: .incBrI32LtSI
        case .brI32LtUI: .incBrI32LtUI
        case .brI32GtSI: .incBrI32GtSI
        case .brI32GtUI: .incBrI32GtUI
        case .brI32LeSI: .incBrI32LeSI
        case .brI32LeUI: .incBrI32LeUI
        case .brI32GeSI: .incBrI32GeSI
        case .brI32GeUI: .incBrI32GeUI
        default: nil
        }
    }
}

/// The interpreter's internal instruction set. Code is a stream of 32-bit words: the
/// op, then its operands. Value operands are byte offsets from the frame base (`fp`);
/// branch targets are word offsets relative to the start of the branching instruction.
/// Generated numeric cases follow the Wasm opcode names. Layouts:
///
///     unary      op dst a                 binary   op dst a b
///     load       op dst addr offset       store    op addr value offset
///     copy       op dst src               const32  op dst bits      const64 op dst lo hi
///     br         op rel                   brIf/brIfNot op cond rel
///     brTable    op index count rel*count (the last entry is the default)
///     call       op function argBase      callIndirect op typeID table argBase indexSlot
///     enter      op firstLocal count      (zeroes the declared locals)
///     select     op dst a b cond
///
/// Wasm 3.0 proposals (handlers in Executor+Proposals.swift, Executor+Exceptions.swift):
///
///     loadX      op dst addr mem offLo offHi kind    (any memory, memory64, 64-bit offsets;
///     storeX     op addr value mem offLo offHi kind   kind = raw IOp of the plain access)
///     memorySizeX op dst mem          memoryGrowX op dst delta mem
///     memoryFillX op d v n mem        memoryCopyX op d s n dstMem srcMem
///     memoryInitX op d s n segment mem
///     clampIndex op dst src           (i64 table index -> saturated u32; tables hold < 2^32)
///     widenGrowResult op slot         (u32 -1 -> u64 -1 after table.grow on a table64)
///     callRef    op argBase ref
///     returnCall op function argBase slots           \  each followed by the fallback
///     returnCallIndirect op typeID table argBase index slots  >  for host callees:
///     returnCallRef op argBase ref slots             /  result moves and `ret`
///     brOnNull / brOnNonNull op ref rel
///     throw      op tag argBase       throwRef op ref
///     tryTable   op skip count (kind tag dst rel)*count [ret]  (clauses; skipped when run)
///     v128 values (two slots): copy128 op dst src; const128 op dst w0 w1 w2 w3;
///     select128 op dst a b cond; globalGet128 op dst global; globalSet128 op src global;
///     SIMD families (Executor+SIMD*.swift): op (opcode | words << 16) dst a b c imm*
///
/// Fused forms (made by Translator+Fusion.swift, run by Executor+Fused.swift):
///
///     binary with an immediate   op dst a imm     (i64: imm sign-extended from 32 bits)
///     compare and branch         op a b rel       (branch when `a <op> b`)
///     compare imm and branch     op a imm rel
///     i64/f64 with an immediate  op dst a lo hi   (the 64-bit constant, low word first)
///     i64/f64 compare imm branch op a lo hi rel
///     f64 branch on a false compare (brF64NotLt ...: taken when `!(a < b)`, also for NaN)
///     f64 multiply-add           op dst x y c     (f64MulAdd: x*y + c, f64MulSub: x*y - c,
///                                                  f64SubMul: c - x*y)
///     load, address a + b        op dst a b offset
///     store, address a + b       op a b value offset
///     select on a compare        op dst a b x y   (selectI32LtU ...: x <op> y ? a : b)
///     increment and branch       op x imm y rel   (x += imm; branch when x <op> y)
///     f64 op with a loaded operand op dst a addr offset (f64AddLoad: a + [addr + offset])
///     field extraction           op dst x s m     (i32ShrUAndI: (x >> s) & m, i32ShlAndI: (x << s) & m)
///     load of an extracted index op dst x s m offset (i32LoadShrUAnd: i32 at ((x >> s) & m) + offset)
///     access at x + imm          op dst x imm offset / op x imm value offset (i32LoadAI, i32StoreAI)
///     scaled index               op dst a x s (i32AddShlI: a + (x << s)); accesses at a + (x << s):
///                                op dst a x s offset / op a x s value offset (i32LoadAS, i64StoreAS)
///
/// Every branch with a negative `rel` (only loops are targets of those) polls the interrupt
/// word and counts fuel: that is the loop check.
enum IOp: UInt16, CaseIterable {
    case copy128
    case const128
    case select128
    case globalGet128
    case globalSet128
    case v128Lanes
    case v128Memory
    case v128Int
    case v128Float
    case v128Convert
    case v128Relaxed
    case unreachable
    case copy
    case const32
    case const64
    case br
    case brIf
    case brIfNot
    case brTable
    case enter
    case ret
    case call
    case callIndirect
    case select
    case globalGet
    case globalSet
    case tableGet
    case tableSet
    case tableSize
    case tableGrow
    case tableFill
    case tableCopy
    case tableInit
    case elemDrop
    case memorySize
    case memoryGrow
    case memoryInit
    case dataDrop
    case memoryCopy
    case memoryFill
    case refNull
    case refIsNull
    case refFunc
    case refAsNonNull
    case i32Load
    case i64Load
    case f32Load
    case f64Load
    case i32Load8S
    case i32Load8U
    case i32Load16S
    case i32Load16U
    case i64Load8S
    case i64Load8U
    case i64Load16S
    case i64Load16U
    case i64Load32S
    case i64Load32U
    case i32Store
    case i64Store
    case f32Store
    case f64Store
    case i32Store8
    case i32Store16
    case i64Store8
    case i64Store16
    case i64Store32
    case i32Eqz
    case i32Eq
    case i32Ne
    case i32LtS
    case i32LtU
    case i32GtS
    case i32GtU
    case i32LeS
    case i32LeU
    case i32GeS
    case i32GeU
    case i64Eqz
    case i64Eq
    case i64Ne
    case i64LtS
    case i64LtU
    case i64GtS
    case i64GtU
    case i64LeS
    case i64LeU
    case i64GeS
    case i64GeU
    case i32Clz
    case i32Ctz
    case i32Popcnt
    case i32Add
    case i32Sub
    case i32Mul
    case i32DivS
    case i32DivU
    case i32RemS
    case i32RemU
    case i32And
    case i32Or
    case i32Xor
    case i32Shl
    case i32ShrS
    case i32ShrU
    case i32Rotl
    case i32Rotr
    case i64Clz
    case i64Ctz
    case i64Popcnt
    case i64Add
    case i64Sub
    case i64Mul
    case i64DivS
    case i64DivU
    case i64RemS
    case i64RemU
    case i64And
    case i64Or
    case i64Xor
    case i64Shl
    case i64ShrS
    case i64ShrU
    case i64Rotl
    case i64Rotr
    case f32Eq
    case f32Ne
    case f32Lt
    case f32Gt
    case f32Le
    case f32Ge
    case f64Eq
    case f64Ne
    case f64Lt
    case f64Gt
    case f64Le
    case f64Ge
    case f32Abs
    case f32Neg
    case f32Ceil
    case f32Floor
    case f32Trunc
    case f32Nearest
    case f32Sqrt
    case f32Add
    case f32Sub
    case f32Mul
    case f32Div
    case f32Min
    case f32Max
    case f32Copysign
    case f64Abs
    case f64Neg
    case f64Ceil
    case f64Floor
    case f64Trunc
    case f64Nearest
    case f64Sqrt
    case f64Add
    case f64Sub
    case f64Mul
    case f64Div
    case f64Min
    case f64Max
    case f64Copysign
    case i32WrapI64
    case i32TruncF32S
    case i32TruncF32U
    case i32TruncF64S
    case i32TruncF64U
    case i64ExtendI32S
    case i64ExtendI32U
    case i64TruncF32S
    case i64TruncF32U
    case i64TruncF64S
    case i64TruncF64U
    case f32ConvertI32S
    case f32ConvertI32U
    case f32ConvertI64S
    case f32ConvertI64U
    case f32DemoteF64
    case f64ConvertI32S
    case f64ConvertI32U
    case f64ConvertI64S
    case f64ConvertI64U
    case f64PromoteF32
    case i32ReinterpretF32
    case i64ReinterpretF64
    case f32ReinterpretI32
    case f64ReinterpretI64
    case i32Extend8S
    case i32Extend16S
    case i64Extend8S
    case i64Extend16S
    case i64Extend32S
    case i32TruncSatF32S
    case i32TruncSatF32U
    case i32TruncSatF64S
    case i32TruncSatF64U
    case i64TruncSatF32S
    case i64TruncSatF32U
    case i64TruncSatF64S
    case i64TruncSatF64U
    case loadX
    case storeX
    case memorySizeX
    case memoryGrowX
    case memoryFillX
    case memoryCopyX
    case memoryInitX
    case clampIndex
    case widenGrowResult
    case callRef
    case returnCall
    case returnCallIndirect
    case returnCallRef
    case brOnNull
    case brOnNonNull
    case `throw`
    case throwRef
    case tryTable
    // Fused forms: keep the families contiguous (Translator+Fusion maps between them).
    case i32AddI
    case i32MulI
    case i32AndI
    case i32OrI
    case i32XorI
    case i32ShlI
    case i32ShrSI
    case i32ShrUI
    case i64AddI
    case i64MulI
    case i64AndI
    case i64OrI
    case i64XorI
    case i64ShlI
    case i64ShrSI
    case i64ShrUI
    case i32EqI
    case i32NeI
    case i32LtSI
    case i32LtUI
    case i32GtSI
    case i32GtUI
    case i32LeSI
    case i32LeUI
    case i32GeSI
    case i32GeUI
    case brI32Eq
    case brI32Ne
    case brI32LtS
    case brI32LtU
    case brI32GtS
    case brI32GtU
    case brI32LeS
    case brI32LeU
    case brI32GeS
    case brI32GeU
    case brI32EqI
    case brI32NeI
    case brI32LtSI
    case brI32LtUI
    case brI32GtSI
    case brI32GtUI
    case brI32LeSI
    case brI32LeUI
    case brI32GeSI
    case brI32GeUI
    // i64 and f64 fused forms take a full 64-bit immediate (lo hi); Executor+Fused64.swift.
    case i32RotlI
    case i64RotlI
    case i64EqI
    case i64NeI
    case i64LtSI
    case i64LtUI
    case i64GtSI
    case i64GtUI
    case i64LeSI
    case i64LeUI
    case i64GeSI
    case i64GeUI
    case brI64Eq
    case brI64Ne
    case brI64LtS
    case brI64LtU
    case brI64GtS
    case brI64GtU
    case brI64LeS
    case brI64LeU
    case brI64GeS
    case brI64GeU
    case brI64EqI
    case brI64NeI
    case brI64LtSI
    case brI64LtUI
    case brI64GtSI
    case brI64GtUI
    case brI64LeSI
    case brI64LeUI
    case brI64GeSI
    case brI64GeUI
    case f64AddI
    case f64SubI
    case f64MulI
    case f64DivI
    case f64EqI
    case f64NeI
    case f64LtI
    case f64GtI
    case f64LeI
    case f64GeI
    case brF64Eq
    case brF64Ne
    case brF64Lt
    case brF64Gt
    case brF64Le
    case brF64Ge
    case brF64NotLt
    case brF64NotGt
    case brF64NotLe
    case brF64NotGe
    case brF64EqI
    case brF64NeI
    case brF64LtI
    case brF64GtI
    case brF64LeI
    case brF64GeI
    case brF64NotLtI
    case brF64NotGtI
    case brF64NotLeI
    case brF64NotGeI
    // f64 multiply then add/sub (two roundings, as unfused); loads and stores addressed by
    // the sum of two slots (the `i32.add` before them).
    case f64MulAdd
    case f64MulSub
    case f64SubMul
    case i32LoadA
    case i64LoadA
    case i32Load8SA
    case i32Load8UA
    case i32Load16SA
    case i32Load16UA
    case i32StoreA
    case i64StoreA
    case i32Store8A
    case i32Store16A
    // select on an i32 compare: op dst a b x y (dst = x <op> y ? a : b; y an immediate in the I forms)
    case selectI32Eq
    case selectI32Ne
    case selectI32LtS
    case selectI32LtU
    case selectI32GtS
    case selectI32GtU
    case selectI32LeS
    case selectI32LeU
    case selectI32GeS
    case selectI32GeU
    case selectI32EqI
    case selectI32NeI
    case selectI32LtSI
    case selectI32LtUI
    case selectI32GtSI
    case selectI32GtUI
    case selectI32LeSI
    case selectI32LeUI
    case selectI32GeSI
    case selectI32GeUI
    // x += imm, then branch on x <op> y: op x imm y rel (y an immediate in the I forms)
    case incBrI32Eq
    case incBrI32Ne
    case incBrI32LtS
    case incBrI32LtU
    case incBrI32GtS
    case incBrI32GtU
    case incBrI32LeS
    case incBrI32LeU
    case incBrI32GeS
    case incBrI32GeU
    case incBrI32EqI
    case incBrI32NeI
    case incBrI32LtSI
    case incBrI32LtUI
    case incBrI32GtSI
    case incBrI32GtUI
    case incBrI32LeSI
    case incBrI32LeUI
    case incBrI32GeSI
    case incBrI32GeUI
    // f64 add/mul whose right operand an f64.load just produced: op dst a addr offset
    // (dst = a <op> f64 at addr + offset)
    case f64AddLoad
    case f64MulLoad
    // (x >> s) & m, a byte or field extracted for a table index (CRC, hashing, decoders):
    // op dst x s m
    case i32ShrUAndI
    // (x << s) & m: `(x & m') << s` with m = m' << s, a masked index scaled to bytes
    // (s already taken mod 32): op dst x s m
    case i32ShlAndI
    // i32.load from a field-extracted address, the table lookup of CRC and hash loops:
    // op dst x s m offset (dst = i32 at ((x >> s) & m) + offset, or (x << s) & m)
    case i32LoadShrUAnd
    case i32LoadShlAnd
    // a ^ that table entry (CRC's combining of its lookups): op dst a x s m offset
    case i32XorLoadShrUAnd
    case i32XorLoadShlAnd
    // loads and stores whose address is `x + imm` (wrapped to 32 bits, then + offset): the
    // pointer arithmetic in front of most accesses. op dst x imm offset / op x imm value offset
    case i32LoadAI
    case i64LoadAI
    case i32Load8UAI
    case i32StoreAI
    case i64StoreAI
    case i32Store8AI
    // f64 add/mul whose right operand an f64.load at x + imm just produced (stencils):
    // op dst a x imm offset (dst = a <op> f64 at (x + imm) + offset)
    case f64AddLoadAI
    case f64MulLoadAI
    // (x + c) & m, the byte-range test of lexers (`(c - 'a') & 255 < 26`): op dst x c m
    case i32AddAndI
    // a + (x << s), an array element's address: op dst a x s
    case i32AddShlI
    // accesses at a + (x << s) (wrapped to 32 bits, then + offset):
    // op dst a x s offset / op a x s value offset
    case i32LoadAS
    case i64LoadAS
    case i32StoreAS
    case i64StoreAS
    // select on an i64 compare: op dst a b x y (dst = x <op> y ? a : b)
    case selectI64Eq
    case selectI64Ne
    case selectI64LtS
    case selectI64LtU
    case selectI64GtS
    case selectI64GtU
    case selectI64LeS
    case selectI64LeU
    case selectI64GeS
    case selectI64GeU
}

extension IOp {
    /// The op of an instruction word. Cases carry no explicit raw values, so a case's tag
    /// is its raw value, and the translator writes only valid ops: decoding is a plain
    /// reinterpretation (`IOp(rawValue:)` is an out-of-line switch the dispatch loop
    /// cannot afford). IOpTests checks the tag/raw-value identity for every case.
    @inline(__always)
    static func decode(_ word: UInt32) -> IOp {
        if MemoryLayout<IOp>.size == 1 {
            return unsafeBitCast(UInt8(truncatingIfNeeded: word), to: IOp.self)
        }
        return unsafeBitCast(UInt16(truncatingIfNeeded: word), to: IOp.self)
    }

    /// The op of the instruction at `pc`, read as only the bytes that hold it (the op is
    /// the low half of the word, first in memory on little-endian hosts): one `movzwl`
    /// in the dispatch instead of a 32-bit load and a truncation.
    @inline(__always)
    static func decode(at pc: UnsafePointer<UInt32>) -> IOp {
        #if _endian(little)
        if MemoryLayout<IOp>.size == 2 {
            return unsafeBitCast(UnsafeRawPointer(pc).load(as: UInt16.self), to: IOp.self)
        }
        #endif
        return decode(pc.pointee)
    }
}

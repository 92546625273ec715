// Layouts of the interpreter's ops. The ops themselves are listed once, in
// Instructions.iops; tools/gen-iops writes the `IOp` enum, `Translator.directOp` and the
// fusion families from it (IOp.generated.swift).
//
// Code is a stream of 32-bit words: the
// op, then its operands. Value operands are byte offsets from the frame base (`fp`);
// branch targets are word offsets relative to the start of the branching instruction.
// Generated numeric cases follow the Wasm opcode names. Layouts:
//
//     unary      op dst a                 binary   op dst a b
//     load       op dst addr offset       store    op addr value offset
//     copy       op dst src               const32  op dst bits      const64 op dst lo hi
//     br         op rel                   brIf/brIfNot op cond rel
//     brTable    op index count rel*count (the last entry is the default)
//     call       op function argBase      callIndirect op typeID table argBase indexSlot
//     enter      op firstLocal count      (zeroes the declared locals)
//     select     op dst a b cond
//
// Wasm 3.0 proposals (handlers in Executor+Proposals.swift, Executor+Exceptions.swift):
//
//     loadX      op dst addr mem offLo offHi kind    (any memory, memory64, 64-bit offsets;
//     storeX     op addr value mem offLo offHi kind   kind = raw IOp of the plain access)
//     memorySizeX op dst mem          memoryGrowX op dst delta mem
//     memoryFillX op d v n mem        memoryCopyX op d s n dstMem srcMem
//     memoryInitX op d s n segment mem
//     clampIndex op dst src           (i64 table index -> saturated u32; tables hold < 2^32)
//     widenGrowResult op slot         (u32 -1 -> u64 -1 after table.grow on a table64)
//     callRef    op argBase ref
//     returnCall op function argBase slots           \  each followed by the fallback
//     returnCallIndirect op typeID table argBase index slots  >  for host callees:
//     returnCallRef op argBase ref slots             /  result moves and `ret`
//     brOnNull / brOnNonNull op ref rel
//     throw      op tag argBase       throwRef op ref
//     tryTable   op skip count (kind tag dst rel)*count [ret]  (clauses; skipped when run)
//     v128 values (two slots): copy128 op dst src; const128 op dst w0 w1 w2 w3;
//     select128 op dst a b cond; globalGet128 op dst global; globalSet128 op src global;
//     SIMD families (Executor+SIMD*.swift): op (opcode | words << 16) dst a b c imm*
//
// Fused forms (made by Translator+Fusion.swift, run by Executor+Fused.swift):
//
//     binary with an immediate   op dst a imm     (i64: imm sign-extended from 32 bits)
//     compare and branch         op a b rel       (branch when `a <op> b`)
//     compare imm and branch     op a imm rel
//     i64/f64 with an immediate  op dst a lo hi   (the 64-bit constant, low word first)
//     i64/f64 compare imm branch op a lo hi rel
//     f64 branch on a false compare (brF64NotLt ...: taken when `!(a < b)`, also for NaN)
//     f64 multiply-add           op dst x y c     (f64MulAdd: x*y + c, f64MulSub: x*y - c,
//                                                  f64SubMul: c - x*y)
//     load, address a + b        op dst a b offset
//     store, address a + b       op a b value offset
//     select on a compare        op dst a b x y   (selectI32LtU ...: x <op> y ? a : b)
//     increment and branch       op x imm y rel   (x += imm; branch when x <op> y)
//     f64 op with a loaded operand op dst a addr offset (f64AddLoad: a + [addr + offset])
//     field extraction           op dst x s m     (i32ShrUAndI: (x >> s) & m, i32ShlAndI: (x << s) & m)
//     load of an extracted index op dst x s m offset (i32LoadShrUAnd: i32 at ((x >> s) & m) + offset)
//     access at x + imm          op dst x imm offset / op x imm value offset (i32LoadAI, i32StoreAI)
//     scaled index               op dst a x s (i32AddShlI: a + (x << s)); accesses at a + (x << s):
//                                op dst a x s offset / op a x s value offset (i32LoadAS, i64StoreAS)
//     bit test and branch        op x imm rel     (brI32AndI: x & imm != 0, brI32AndNotI: == 0)
//     struct element             op dst a x imm   (i32AddMulI: a + x * imm)
//     two increments             op d2 a2 i2 d1 a1 i1 (i32AddI2: d1 = a1 + i1, then d2 = a2 + i2)
//     sum stored                 op a addr off dstAddr dstOff (f64AddLoadStore)
//     sum of two loads           op dst a x1 i1 off1 x2 i2 off2 (f64AddLoad2AI)
//     hash mixing                op dst a x s     (i64XorShrUI: a ^ (x >> s))
//     copy then call             op function argBase dst src (callDefinedCopy)
//
// Every branch with a negative `rel` (only loops are targets of those) polls the interrupt
// word and counts fuel: that is the loop check.

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

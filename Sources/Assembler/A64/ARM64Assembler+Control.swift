// Control flow: branches to labels and through registers, traps, barriers, PC-relative
// addresses and the system registers the runtime saves (flags, FP control).
extension ARM64Assembler {
    /// `b label` (±128 MiB).
    public mutating func b(_ label: Label) { emit(0x1400_0000, to: label, .branch26) }
    /// `bl label` (±128 MiB): calls, the return address in x30.
    public mutating func bl(_ label: Label) { emit(0x9400_0000, to: label, .branch26) }
    /// `b.cond label` (±1 MiB).
    public mutating func b(_ cond: ARM64Condition, _ label: Label) {
        emit(0x5400_0000 | UInt32(cond.rawValue), to: label, .branch19)
    }
    /// `cbz t, label` (±1 MiB): branches when `t` is zero, flags untouched.
    public mutating func cbz(_ t: ARM64Register, _ label: Label, _ width: ARM64Width = .b64) {
        emit(width.sf | 0x3400_0000 | t.zrCode, to: label, .branch19)
    }
    /// `cbnz t, label` (±1 MiB).
    public mutating func cbnz(_ t: ARM64Register, _ label: Label, _ width: ARM64Width = .b64) {
        emit(width.sf | 0x3500_0000 | t.zrCode, to: label, .branch19)
    }
    /// `tbz t, #bit, label` (±32 KiB): branches when bit `bit` (0...63) of `t` is clear.
    public mutating func tbz(_ t: ARM64Register, bit: Int, _ label: Label) {
        emit(testBit(0x3600_0000, t, bit), to: label, .branch14)
    }
    /// `tbnz t, #bit, label` (±32 KiB): branches when the bit is set.
    public mutating func tbnz(_ t: ARM64Register, bit: Int, _ label: Label) {
        emit(testBit(0x3700_0000, t, bit), to: label, .branch14)
    }

    private func testBit(_ base: UInt32, _ t: ARM64Register, _ bit: Int) -> UInt32 {
        precondition(bit >= 0 && bit < 64, "bit number out of range")
        return UInt32(bit >> 5) << 31 | base | UInt32(bit & 31) << 19 | t.zrCode
    }

    /// `br n`.
    public mutating func br(_ n: ARM64Register) { emit(0xD61F_0000 | n.zrCode << 5) }
    /// `blr n`: calls the address in `n`.
    public mutating func blr(_ n: ARM64Register) { emit(0xD63F_0000 | n.zrCode << 5) }
    /// `ret n` (x30 by default).
    public mutating func ret(_ n: ARM64Register = .lr) { emit(0xD65F_0000 | n.zrCode << 5) }

    /// `brk #imm16`: a breakpoint (SIGTRAP); the immediate tells which.
    public mutating func brk(_ imm16: UInt16 = 0) { emit(0xD420_0000 | UInt32(imm16) << 5) }
    /// `udf #imm16`: permanently undefined (SIGILL), the counterpart of x86's ud2.
    public mutating func udf(_ imm16: UInt16 = 0) { emit(UInt32(imm16)) }
    /// `nop`.
    public mutating func nop() { emit(0xD503_201F) }

    /// `dmb option`: orders memory accesses before it against those after it.
    public mutating func dmb(_ option: ARM64Barrier = .ish) { emit(0xD503_30BF | option.rawValue << 8) }
    /// `dsb option`: also waits for the accesses to complete.
    public mutating func dsb(_ option: ARM64Barrier = .ish) { emit(0xD503_309F | option.rawValue << 8) }
    /// `isb`: refetches the following instructions (after code was modified).
    public mutating func isb() { emit(0xD503_3FDF) }

    /// `mrs t, register`.
    public mutating func mrs(_ t: ARM64Register, _ register: ARM64SystemRegister) {
        emit(0xD530_0000 | register.rawValue << 5 | t.zrCode)
    }
    /// `msr register, t`.
    public mutating func msr(_ register: ARM64SystemRegister, _ t: ARM64Register) {
        emit(0xD510_0000 | register.rawValue << 5 | t.zrCode)
    }

    /// `adr d, label` (±1 MiB): the label's address.
    public mutating func adr(_ d: ARM64Register, _ label: Label) {
        emit(0x1000_0000 | d.zrCode, to: label, .adr)
    }

    /// `adrp d, label` (±4 GiB): the address of the label's 4 KiB page; `addPageOffset`
    /// adds the rest. Resolved by `link`, which knows the load address.
    public mutating func adrp(_ d: ARM64Register, _ label: Label) {
        use(label, .adrp)
        emit(0x9000_0000 | d.zrCode)
    }

    /// `add d, n, #:lo12:label`: the low 12 bits of the label's address (after `adrp`).
    public mutating func addPageOffset(_ d: ARM64Register, _ n: ARM64Register, _ label: Label) {
        use(label, .pageOffset)
        emit(0x9100_0000 | n.spCode << 5 | d.spCode)
    }

    /// `d = address of label` as a movz and three movks (the load address plus the
    /// label's offset, any distance), the counterpart of x86's `movAbsolute`.
    public mutating func movAbsolute(_ d: ARM64Register, label: Label) {
        use(label, .absoluteMoves)
        movz(d, 0, shift: 0)
        for shift in [16, 32, 48] { movk(d, 0, shift: shift) }
    }

    /// Jumps to `targets[index]` (a 32-bit index), or to `defaultTarget` when `index` is
    /// out of range, through a table of 32-bit label differences placed after the jump.
    /// Clobbers `scratch` and `scratch2`.
    ///
    /// ```
    ///     cmp   w_index, #count     (through scratch when count does not encode)
    ///     b.hs  default
    ///     adr   scratch, table
    ///     ldrsw scratch2, [scratch, w_index, uxtw #2]
    ///     add   scratch, scratch, scratch2
    ///     br    scratch
    /// table:
    ///     .word target0 - table ...
    /// ```
    public mutating func jumpTable(index: ARM64Register, targets: [Label], defaultTarget: Label,
                                   scratch: ARM64Register, scratch2: ARM64Register) {
        precondition(scratch != index && scratch2 != index && scratch != scratch2, "jump table registers overlap")
        cmp(index, imm: Int64(targets.count), .b32, scratch: scratch)
        b(.hs, defaultTarget)
        let table = newLabel()
        adr(scratch, table)
        load(scratch2, .indexed(scratch, index, .uxtw, scaled: true), .ldrsw)
        add(scratch, scratch, scratch2)
        br(scratch)
        bind(table)
        for t in targets { emitLabelDifference(t, from: table) }
    }
}

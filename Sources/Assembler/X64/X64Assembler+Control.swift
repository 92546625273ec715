// Control flow: jumps, calls, returns, traps.
extension X64Assembler {
    /// `ret`.
    public mutating func ret() { emit(0xC3) }
    /// `ud2`: guaranteed invalid instruction (SIGILL).
    public mutating func ud2() { emit(0x0F, 0x0B) }
    /// `int3`, a breakpoint: filler that traps if ever run.
    public mutating func int3() { emit(0xCC) }
    /// `nop`.
    public mutating func nop() { emit(0x90) }

    /// `call r`.
    public mutating func call(_ r: X64Register) { op(0xFF, reg: 2, rm: r.rawValue, w: false) }
    /// `call [m]`.
    public mutating func call(_ m: X64Memory) { op(0xFF, reg: 2, m, w: false) }

    /// `call rel32` to a label.
    public mutating func call(_ label: Label) {
        emit(0xE8)
        fixups.append(Fixup(at: count, label: label.id, kind: .rel32(trailing: 0)))
        emit32(0)
    }

    /// `jmp r`.
    public mutating func jmp(_ r: X64Register) { op(0xFF, reg: 4, rm: r.rawValue, w: false) }
    /// `jmp [m]`.
    public mutating func jmp(_ m: X64Memory) { op(0xFF, reg: 4, m, w: false) }

    /// `jmp label` (short form for near backward targets).
    public mutating func jmp(_ label: Label) {
        let target = labelOffsets[Int(label.id)]
        if target >= 0 {
            let short = Int(target) - (count + 2)
            if short >= -128 {
                emit(0xEB, UInt8(bitPattern: Int8(short)))
                return
            }
            emit(0xE9)
            emit32(target - Int32(count + 4))
            return
        }
        emit(0xE9)
        fixups.append(Fixup(at: count, label: label.id, kind: .rel32(trailing: 0)))
        emit32(0)
    }

    /// `jcc label` (short form for near backward targets).
    public mutating func j(_ cond: X64Condition, _ label: Label) {
        let target = labelOffsets[Int(label.id)]
        if target >= 0 {
            let short = Int(target) - (count + 2)
            if short >= -128 {
                emit(0x70 | cond.rawValue, UInt8(bitPattern: Int8(short)))
                return
            }
            emit(0x0F, 0x80 | cond.rawValue)
            emit32(target - Int32(count + 4))
            return
        }
        emit(0x0F, 0x80 | cond.rawValue)
        fixups.append(Fixup(at: count, label: label.id, kind: .rel32(trailing: 0)))
        emit32(0)
    }

    /// `jcc rel8` over a short forward distance the caller patches with `patchShortJump`.
    /// Returns the offset of the displacement byte.
    public mutating func jShort(_ cond: X64Condition) -> Int {
        emit(0x70 | cond.rawValue, 0)
        return count - 1
    }

    /// Points the short jump whose displacement byte is at `at` to the current offset.
    public mutating func patchShortJump(at: Int) {
        let d = count - (at + 1)
        precondition(d <= 127, "short jump too far")
        patch8(at: at, UInt8(d))
    }
}

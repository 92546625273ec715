import Assembler
import WasmRuntime

// Linear-memory accesses: memory 0 with 32-bit addresses per `MemoryAddressing`, any other
// with an explicit check (`MemoryAccess.isPlain`).
extension X64MacroAssembler {
    /// The operand of an access of `size` bytes at `address + offset` (uses rax).
    ///
    /// - `.explicitCheck` (software): compares `address + offset + size` with `byteCount`.
    ///   Safe because `address` holds a zero-extended 32-bit value and `offset < 2^32`, so
    ///   the 64-bit sum cannot wrap, and `byteCount` counts only committed bytes.
    /// - `.guardRegion` (guard): no compare. Safe because `address + offset < 2^33` lies in
    ///   the memory's 8 GiB + 64 KiB reservation, whose uncommitted part is `PROT_NONE`:
    ///   the access faults and `TrapGuard` finds its PC in the trap sites recorded by
    ///   `accessSite(_:)`.
    /// - `.mask32` (masked): the sum is truncated to 32 bits, so the access stays in the
    ///   4 GiB + 64 KiB reservation; wrapping sums do not trap (not spec-conforming).
    /// - `.none` (unchecked): no protection at all (measurement only).
    mutating func checkedAddress(_ address: GPR, offset: UInt64, size: Int) -> X64Memory {
        switch addressing {
        case .explicitCheck: break
        case .guardRegion, .none:
            return operand(X64Regs.memoryBase, address, offset: offset)
        case .mask32:
            isolating(.addressMask)
            if offset <= UInt64(Int32.max) {
                a.lea32(X64Regs.scratch, mem(address, Int32(offset)))
            } else {
                a.mov(X64Regs.scratch, imm: offset)
                isolating(.addressMask)
                a.add(X64Regs.scratch, address, .b32)
            }
            return mem(X64Regs.memoryBase, X64Regs.scratch, scale: 1)
        }
        let end = offset + UInt64(size)
        isolating(.boundsCheck)
        if end <= UInt64(Int32.max) {
            a.lea(X64Regs.scratch, mem(address, Int32(end)))
        } else {
            a.mov(X64Regs.scratch, imm: end)
            isolating(.boundsCheck)
            a.add(X64Regs.scratch, address)
        }
        isolating(.boundsCheck)
        a.cmp(X64Regs.scratch, mem(X64Regs.memoryView, RuntimeLayout.viewByteCount))
        isolating(.boundsCheck)
        trapIf(.above, .outOfBoundsMemoryAccess)
        return operand(X64Regs.memoryBase, address, offset: offset)
    }

    /// `[base + address + offset]`: one operand while `offset` fits a displacement, else
    /// the sum in rax first.
    private mutating func operand(_ base: GPR, _ address: GPR, offset: UInt64) -> X64Memory {
        if offset <= UInt64(Int32.max) { return mem(base, address, scale: 1, Int32(offset)) }
        a.mov(X64Regs.scratch, imm: offset)
        a.add(X64Regs.scratch, address)
        return mem(base, X64Regs.scratch, scale: 1)
    }

    /// The operand of an access that is not plain: another memory, or 64-bit addresses.
    /// `address + offset + size` is compared with that memory's byte count under every
    /// strategy (uses rax and rdx); a memory64 sum that wraps past 2^64 traps too (the
    /// carry of the add). For a 32-bit address the sum cannot wrap, as in
    /// `.explicitCheck`.
    mutating func checkedAddress(_ address: GPR, offset: UInt64, size: Int, in access: MemoryAccess) -> X64Memory {
        guard !access.isPlain else { return checkedAddress(address, offset: offset, size: size) }
        let view = access.memory == 0 && keepsMemoryView ? X64Regs.memoryView : loadView(access.memory, into: X64Regs.scratch3)
        let (end, wraps) = offset.addingReportingOverflow(UInt64(size))
        if wraps {
            trap(.outOfBoundsMemoryAccess)
        } else {
            isolating(.boundsCheck)
            a.mov(X64Regs.scratch, imm: end)
            isolating(.boundsCheck)
            a.add(X64Regs.scratch, address)
            if access.address64 {
                isolating(.boundsCheck)
                trapIf(.below, .outOfBoundsMemoryAccess)
            }
            isolating(.boundsCheck)
            a.cmp(X64Regs.scratch, mem(view, RuntimeLayout.viewByteCount))
            isolating(.boundsCheck)
            trapIf(.above, .outOfBoundsMemoryAccess)
        }
        var base = X64Regs.memoryBase
        if access.memory != 0 {
            a.load(X64Regs.scratch3, mem(X64Regs.scratch3, RuntimeLayout.viewBase))
            base = X64Regs.scratch3
        }
        return operand(base, address, offset: offset)
    }

    /// Loads the `MemoryView` pointer of memory `index` of the running instance.
    @discardableResult
    mutating func loadView(_ index: UInt32, into r: GPR) -> GPR {
        a.load(r, mem(X64Regs.instance, RuntimeLayout.contextMemoryViews))
        a.load(r, mem(r, Int32(index) * 8))
        return r
    }

    static func width(bytes: Int) -> X64Width {
        switch bytes {
        case 1: .b8
        case 2: .b16
        case 4: .b32
        default: .b64
        }
    }

    mutating func load(_ access: MemoryAccess, dst: GPR, address: GPR, offset: UInt64) {
        let m = checkedAddress(address, offset: offset, size: access.bytes, in: access)
        let w = Self.width(bytes: access.bytes)
        accessSite(access)
        if access.signed {
            a.loadSigned(dst, m, w, to64: access.to64)
        } else {
            a.load(dst, m, w)
        }
    }

    mutating func loadFloat(_ access: MemoryAccess, dst: FPR, address: GPR, offset: UInt64) {
        let m = checkedAddress(address, offset: offset, size: access.bytes, in: access)
        accessSite(access)
        a.load(dst, m, access.bytes == 8 ? .f64 : .f32)
    }

    mutating func store(_ access: MemoryAccess, address: GPR, offset: UInt64, value: MacroOperand<GPR>) {
        let w = Self.width(bytes: access.bytes)
        var source = value
        if case .slot = value {
            move(X64Regs.scratch2, value, is64: true)
            source = .reg(X64Regs.scratch2)
        } else if case .imm(let v) = value, access.bytes == 8, !Self.fits32(v) {
            move(X64Regs.scratch2, value, is64: true)
            source = .reg(X64Regs.scratch2)
        }
        let m = checkedAddress(address, offset: offset, size: access.bytes, in: access)
        accessSite(access)
        switch source {
        case .reg(let r): a.store(m, r, w)
        case .imm(let v): a.store(m, imm: Int32(truncatingIfNeeded: v), w)
        case .slot: preconditionFailure("slot operands are loaded above")
        }
    }

    mutating func storeFloat(_ access: MemoryAccess, address: GPR, offset: UInt64, value: FPR) {
        let m = checkedAddress(address, offset: offset, size: access.bytes, in: access)
        accessSite(access)
        a.store(m, value, access.bytes == 8 ? .f64 : .f32)
    }

    /// Records the next instruction as a memory access that may fault on purpose (a plain
    /// one under a strategy without an explicit check).
    mutating func accessSite(_ access: MemoryAccess) {
        guard addressing != .explicitCheck, access.isPlain else { return }
        trapTable.addSite(offset: a.offset, reason: .outOfBoundsMemoryAccess)
        if addressing != .none { isolating(.guardedAccess) }
    }

    mutating func memorySize(_ dst: GPR, memory: UInt32) {
        let view = memory == 0 && keepsMemoryView ? X64Regs.memoryView : loadView(memory, into: dst)
        a.load(dst, mem(view, RuntimeLayout.viewByteCount))
        a.shift(.shr, dst, imm: 16)
    }

    mutating func reloadMemory() {
        let view = keepsMemoryView ? X64Regs.memoryView : loadView(0, into: X64Regs.scratch)
        a.load(X64Regs.memoryBase, mem(view, RuntimeLayout.viewBase))
    }
}

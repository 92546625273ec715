import Assembler
import WasmRuntime

// Linear-memory accesses: memory 0 with 32-bit addresses per `MemoryAddressing`, any other
// with an explicit check (`MemoryAccess.isPlain`), with the safety arguments of
// X64MacroAssembler+Memory.swift. A64 has no base + index + offset address, so a nonzero
// offset is added into scratch first; the access itself is always one instruction, the
// one `accessSite(_:)` records.
extension ARM64MacroAssembler {
    /// The address of an access of `size` bytes at `address + offset` (uses x16, x17).
    ///
    /// - `.explicitCheck`: `x16 = address + offset + size` (no wrap: `address < 2^32`,
    ///   `offset < 2^32`), compared with `byteCount`; the access is then at
    ///   `[memoryBase + x16, #-size]`, or `[memoryBase, address]` for offset 0.
    /// - `.guardRegion`, `.none`: `[memoryBase, address + offset]`, no compare.
    /// - `.mask32`: `[memoryBase, (address + offset) mod 2^32]` (a w register add).
    mutating func checkedAddress(_ address: GPR, offset: UInt64, size: Int) -> ARM64Address {
        let base = ARM64Regs.memoryBase, s = ARM64Regs.scratch
        switch addressing {
        case .explicitCheck: break
        case .guardRegion, .none:
            return indexed(base, address, offset: offset)
        case .mask32:
            // `address` is zero-extended already: only a sum needs the 32-bit wrap.
            guard offset != 0 else { return .indexed(base, address) }
            let start = a.offset
            a.add(s, address, imm: Int64(offset), .b32, scratch: s)
            isolating(from: start, .addressMask)
            return .indexed(base, s)
        }
        let start = a.offset
        a.add(s, address, imm: Int64(offset) + Int64(size), scratch: s)
        a.load(ARM64Regs.scratch2, .offset(ARM64Regs.memoryView, Int(RuntimeLayout.viewByteCount)))
        a.cmp(s, ARM64Regs.scratch2)
        trapIf(.hi, .outOfBoundsMemoryAccess)
        isolating(from: start, .boundsCheck)
        guard offset != 0 else { return .indexed(base, address) }
        a.add(s, base, s)
        return .unscaled(s, -size)
    }

    /// The address of an access that is not plain: another memory, or 64-bit addresses.
    /// `address + offset + size` is compared with that memory's byte count under every
    /// strategy (uses x16, x17); a memory64 sum that wraps past 2^64 (it comes out below
    /// the address) traps too.
    mutating func checkedAddress(_ address: GPR, offset: UInt64, size: Int, in access: MemoryAccess) -> ARM64Address {
        guard !access.isPlain else { return checkedAddress(address, offset: offset, size: size) }
        let s = ARM64Regs.scratch, v = ARM64Regs.scratch2
        let start = a.offset
        let view = access.memory == 0 ? ARM64Regs.memoryView : loadView(access.memory, into: v)
        let (end, wraps) = offset.addingReportingOverflow(UInt64(size))
        if wraps {
            trap(.outOfBoundsMemoryAccess)
        } else {
            a.add(s, address, imm: Int64(bitPattern: end), scratch: s)
            if access.address64 {
                a.cmp(s, address)
                trapIf(.lo, .outOfBoundsMemoryAccess)
            }
            a.load(v, .offset(view, Int(RuntimeLayout.viewByteCount)))
            a.cmp(s, v)
            trapIf(.hi, .outOfBoundsMemoryAccess)
        }
        isolating(from: start, .boundsCheck)
        var base = ARM64Regs.memoryBase
        if access.memory != 0 {
            a.load(v, .offset(loadView(access.memory, into: v), Int(RuntimeLayout.viewBase)))
            base = v
        }
        return indexed(base, address, offset: offset)
    }

    /// `[base, address + offset]`: the sum in x16 first unless `offset` is 0.
    private mutating func indexed(_ base: GPR, _ address: GPR, offset: UInt64) -> ARM64Address {
        guard offset != 0 else { return .indexed(base, address) }
        a.add(ARM64Regs.scratch, address, imm: Int64(bitPattern: offset), scratch: ARM64Regs.scratch)
        return .indexed(base, ARM64Regs.scratch)
    }

    /// Loads the `MemoryView` pointer of memory `index` of the running instance (the
    /// compiler keeps `index` below 4096, so its offset encodes).
    @discardableResult
    mutating func loadView(_ index: UInt32, into r: GPR) -> GPR {
        a.load(r, .offset(ARM64Regs.instance, Int(RuntimeLayout.contextMemoryViews)))
        a.load(r, .offset(r, Int(index) * 8))
        return r
    }

    /// Marks every instruction emitted since `start` (see `isolating`).
    private mutating func isolating(from start: Int, _ kind: JITListing.IsolationSite.Kind) {
        guard recordsListing else { return }
        for o in stride(from: start, to: a.offset, by: 4) {
            isolation.append(JITListing.IsolationSite(codeOffset: o, kind: kind))
        }
    }

    mutating func load(_ access: MemoryAccess, dst: GPR, address: GPR, offset: UInt64) {
        let m = checkedAddress(address, offset: offset, size: access.bytes, in: access)
        let kind: ARM64Load = switch (access.bytes, access.signed) {
        case (1, false): .ldrb
        case (1, true): access.to64 ? .ldrsbX : .ldrsbW
        case (2, false): .ldrh
        case (2, true): access.to64 ? .ldrshX : .ldrshW
        case (4, true) where access.to64: .ldrsw
        case (4, _): .ldrW
        default: .ldrX
        }
        accessSite(access)
        a.load(dst, m, kind)
    }

    mutating func loadFloat(_ access: MemoryAccess, dst: FPR, address: GPR, offset: UInt64) {
        let m = checkedAddress(address, offset: offset, size: access.bytes, in: access)
        accessSite(access)
        a.load(dst, m, access.bytes == 8 ? .d : .s)
    }

    mutating func store(_ access: MemoryAccess, address: GPR, offset: UInt64, value: MacroOperand<GPR>) {
        // Immediates and slots go to scratch3 first: the address uses x16 and x17.
        let w: ARM64Width = access.bytes == 8 ? .b64 : .b32
        let r = materialize(value, into: ARM64Regs.scratch3, is64: w == .b64)
        probeStoreEnd(address, offset: offset, size: access.bytes, in: access)
        let m = checkedAddress(address, offset: offset, size: access.bytes, in: access)
        let kind: ARM64Store = switch access.bytes {
        case 1: .strb
        case 2: .strh
        case 4: .strW
        default: .strX
        }
        accessSite(access)
        a.store(r, m, kind)
    }

    mutating func storeFloat(_ access: MemoryAccess, address: GPR, offset: UInt64, value: FPR) {
        probeStoreEnd(address, offset: offset, size: access.bytes, in: access)
        let m = checkedAddress(address, offset: offset, size: access.bytes, in: access)
        accessSite(access)
        a.store(value, m, access.bytes == 8 ? .d : .s)
    }

    /// A64 may perform part of a store that crosses into a guard page before it faults
    /// (an unaligned access is not single-copy atomic), and Wasm forbids any write by a
    /// trapping store. So where stores may fault (guard pages, and the masked strategy's
    /// reservation past the memory's size) a store of more than one byte first loads its
    /// last byte: that load faults, before anything is written, exactly when the store
    /// would reach past the memory (its first byte then is inside or faults too).
    private mutating func probeStoreEnd(_ address: GPR, offset: UInt64, size: Int, in access: MemoryAccess) {
        guard addressing == .guardRegion || addressing == .mask32, size > 1, access.isPlain else { return }
        let s = ARM64Regs.scratch
        if addressing == .mask32 {
            // The store's own address (the 32-bit sum), then its last byte.
            if offset == 0 {
                a.add(s, address, imm12: size - 1)
            } else {
                a.add(s, address, imm: Int64(offset), .b32, scratch: s)
                a.add(s, s, imm12: size - 1)
            }
        } else {
            a.add(s, address, imm: Int64(offset) + Int64(size - 1), scratch: s)
        }
        accessSite(access)
        a.load(ARM64Regs.scratch2, .indexed(ARM64Regs.memoryBase, s), .ldrb)
    }

    /// Records the next instruction as a memory access that may fault on purpose (a plain
    /// one under a strategy without an explicit check).
    mutating func accessSite(_ access: MemoryAccess) {
        guard addressing != .explicitCheck, access.isPlain else { return }
        trapTable.addSite(offset: a.offset, reason: .outOfBoundsMemoryAccess)
        if addressing != .none { isolating(.guardedAccess) }
    }

    mutating func memorySize(_ dst: GPR, memory: UInt32) {
        let view = memory == 0 ? ARM64Regs.memoryView : loadView(memory, into: dst)
        a.load(dst, .offset(view, Int(RuntimeLayout.viewByteCount)))
        a.lsr(dst, dst, imm: 16)
    }

    mutating func reloadMemory() {
        a.load(ARM64Regs.memoryBase, .offset(ARM64Regs.memoryView, Int(RuntimeLayout.viewBase)))
    }
}

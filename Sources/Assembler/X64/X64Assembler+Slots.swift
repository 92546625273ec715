// Loads and stores at `[base + displacement]` with a plain base register: the JIT's most
// frequent instructions (frame slots, spills, pinned-local saves). Each entry point writes
// the same bytes as `load`/`store`/`mov` with an `X64Memory`, but after one capacity check
// and without the operand enum, the optional index or the width switch, and a copy through
// a scratch register is one call instead of two (Docs/JIT.md "Compile speed", step 7).
extension X64Assembler {
    /// `mov dst, [base + displacement]`: 64-bit, or 32-bit zero-extending.
    public mutating func load(_ dst: X64Register, base: X64Register, _ displacement: Int32, is64: Bool = true) {
        reserve(8)
        count &+= Self.writeMemoryOp(storage.base + count, 0x8B, reg: dst.rawValue, base: base, displacement, w: is64)
    }

    /// `mov [base + displacement], src`: 64-bit, or the low 32 bits.
    public mutating func store(base: X64Register, _ displacement: Int32, _ src: X64Register, is64: Bool = true) {
        reserve(8)
        count &+= Self.writeMemoryOp(storage.base + count, 0x89, reg: src.rawValue, base: base, displacement, w: is64)
    }

    /// `mov qword [base + displacement], imm` (sign-extended to 64 bits).
    public mutating func store(base: X64Register, _ displacement: Int32, imm: Int32) {
        reserve(12)
        let p = storage.base + count
        let n = Self.writeMemoryOp(p, 0xC7, reg: 0, base: base, displacement, w: true)
        UnsafeMutableRawPointer(p + n).storeBytes(of: UInt32(bitPattern: imm).littleEndian, as: UInt32.self)
        count &+= n + 4
    }

    /// `mov via, [base + from]; mov [base + to], via` (64-bit).
    public mutating func copy(base: X64Register, to: Int32, from: Int32, via: X64Register) {
        reserve(16)
        let p = storage.base + count
        let n = Self.writeMemoryOp(p, 0x8B, reg: via.rawValue, base: base, from, w: true)
        count &+= n + Self.writeMemoryOp(p + n, 0x89, reg: via.rawValue, base: base, to, w: true)
    }

    /// Writes `[REX] opcode ModRM [SIB] [disp]` for `reg` and `[base + displacement]` at `p`
    /// (room for 8 bytes) and returns how many.
    @inline(__always)
    static func writeMemoryOp(_ p: UnsafeMutablePointer<UInt8>, _ opcode: UInt8, reg: UInt8, base: X64Register,
                              _ displacement: Int32, w: Bool) -> Int {
        let rex: UInt8 = 0x40 | (w ? 8 : 0) | (reg >> 3 & 1) << 2 | (base.high & 1)
        let n = writeOpcode(p, opcode, prefix: 0, rex: rex, forceREX: false, twoByte: false)
        return n + writeModRM(p + n, r: (reg & 7) << 3, base: base, X64Memory(base: base, displacement: displacement))
    }
}

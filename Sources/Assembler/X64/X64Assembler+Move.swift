// Data movement: mov, loads and stores of every width, lea, push/pop, cmov, setcc.
extension X64Assembler {
    /// `mov dst, src` (32-bit moves zero the upper half).
    public mutating func mov(_ dst: X64Register, _ src: X64Register, _ width: X64Width = .b64) {
        op(0x89, reg: src.rawValue, rm: dst.rawValue, w: width == .b64)
    }

    /// Loads `value` into `dst` with the shortest encoding (`xor` for 0 would clobber flags,
    /// so zero uses `mov r32, 0`).
    public mutating func mov(_ dst: X64Register, imm value: UInt64) {
        if value <= UInt64(UInt32.max) {
            rex(w: false, r: 0, x: 0, b: dst.high)
            emit(0xB8 | dst.low)
            emit32(Int32(truncatingIfNeeded: value))
        } else if Int64(bitPattern: value) >= Int64(Int32.min) && Int64(bitPattern: value) < 0 {
            rex(w: true, r: 0, x: 0, b: dst.high)
            emit(0xC7)
            modrm(reg: 0, rm: dst.rawValue)
            emit32(Int32(truncatingIfNeeded: value))
        } else {
            rex(w: true, r: 0, x: 0, b: dst.high)
            emit(0xB8 | dst.low)
            emit64(value)
        }
    }

    /// `mov dst, imm64` whose value is the absolute address of `label` once the code is
    /// placed (`finish(baseAddress:)`).
    public mutating func movAbsolute(_ dst: X64Register, label: Label) {
        rex(w: true, r: 0, x: 0, b: dst.high)
        emit(0xB8 | dst.low)
        fixups.append(Fixup(at: count, label: label.id, kind: .absolute64))
        emit64(0)
    }

    /// Zero-extending load of `width` bits (8 and 16 use movzx; 32 zeroes the upper half).
    public mutating func load(_ dst: X64Register, _ m: X64Memory, _ width: X64Width = .b64) {
        switch width {
        case .b8: op(0xB6, reg: dst.rawValue, m, w: false, twoByte: true)
        case .b16: op(0xB7, reg: dst.rawValue, m, w: false, twoByte: true)
        case .b32: op(0x8B, reg: dst.rawValue, m, w: false)
        case .b64: op(0x8B, reg: dst.rawValue, m, w: true)
        }
    }

    /// Sign-extending load of `width` bits into a 32-bit (`to64: false`) or 64-bit register.
    public mutating func loadSigned(_ dst: X64Register, _ m: X64Memory, _ width: X64Width, to64: Bool) {
        switch width {
        case .b8: op(0xBE, reg: dst.rawValue, m, w: to64, twoByte: true)
        case .b16: op(0xBF, reg: dst.rawValue, m, w: to64, twoByte: true)
        case .b32: op(0x63, reg: dst.rawValue, m, w: true)
        case .b64: op(0x8B, reg: dst.rawValue, m, w: true)
        }
    }

    /// Stores the low `width` bits of `src`.
    public mutating func store(_ m: X64Memory, _ src: X64Register, _ width: X64Width = .b64) {
        switch width {
        case .b8: op(0x88, reg: src.rawValue, m, w: false, byteReg: true)
        case .b16: op(0x89, reg: src.rawValue, m, w: false, prefix: 0x66)
        case .b32: op(0x89, reg: src.rawValue, m, w: false)
        case .b64: op(0x89, reg: src.rawValue, m, w: true)
        }
    }

    /// Stores an immediate (sign-extended to 64 bits for `.b64`).
    public mutating func store(_ m: X64Memory, imm: Int32, _ width: X64Width = .b64) {
        switch width {
        case .b8:
            op(0xC6, reg: 0, m, w: false, trailing: 1)
            emit(UInt8(truncatingIfNeeded: imm))
        case .b16:
            op(0xC7, reg: 0, m, w: false, trailing: 2, prefix: 0x66)
            emit16(Int16(truncatingIfNeeded: imm))
        case .b32, .b64:
            op(0xC7, reg: 0, m, w: width == .b64, trailing: 4)
            emit32(imm)
        }
    }

    /// `movzx dst, src` (8/16 bits) or `mov dst32, src32` (32 bits).
    public mutating func zeroExtend(_ dst: X64Register, _ src: X64Register, _ width: X64Width) {
        switch width {
        case .b8: op(0xB6, reg: dst.rawValue, rm: src.rawValue, w: false, byteRegs: true, twoByte: true)
        case .b16: op(0xB7, reg: dst.rawValue, rm: src.rawValue, w: false, twoByte: true)
        case .b32: mov(dst, src, .b32)
        case .b64: if dst != src { mov(dst, src) }
        }
    }

    /// Sign-extends the low `width` bits of `src` into 32 or 64 bits of `dst`.
    public mutating func signExtend(_ dst: X64Register, _ src: X64Register, _ width: X64Width, to64: Bool) {
        switch width {
        case .b8: op(0xBE, reg: dst.rawValue, rm: src.rawValue, w: to64, byteRegs: true, twoByte: true)
        case .b16: op(0xBF, reg: dst.rawValue, rm: src.rawValue, w: to64, twoByte: true)
        case .b32: op(0x63, reg: dst.rawValue, rm: src.rawValue, w: true)
        case .b64: if dst != src { mov(dst, src) }
        }
    }

    /// `lea dst, [m]` (64-bit).
    public mutating func lea(_ dst: X64Register, _ m: X64Memory) {
        op(0x8D, reg: dst.rawValue, m, w: true)
    }

    /// `lea dst32, [m]` (result truncated to 32 bits and zero-extended).
    public mutating func lea32(_ dst: X64Register, _ m: X64Memory) {
        op(0x8D, reg: dst.rawValue, m, w: false)
    }

    /// `push r`.
    public mutating func push(_ r: X64Register) {
        rex(w: false, r: 0, x: 0, b: r.high)
        emit(0x50 | r.low)
    }

    /// `pop r`.
    public mutating func pop(_ r: X64Register) {
        rex(w: false, r: 0, x: 0, b: r.high)
        emit(0x58 | r.low)
    }

    /// `push qword [m]`.
    public mutating func push(_ m: X64Memory) { op(0xFF, reg: 6, m, w: false) }
    /// `pop qword [m]`.
    public mutating func pop(_ m: X64Memory) { op(0x8F, reg: 0, m, w: false) }

    /// `push imm32` (sign-extended to 64 bits).
    public mutating func push(imm: Int32) {
        if imm >= -128 && imm <= 127 {
            emit(0x6A, UInt8(bitPattern: Int8(imm)))
        } else {
            emit(0x68)
            emit32(imm)
        }
    }

    /// `cmovcc dst, src`.
    public mutating func cmov(_ cond: X64Condition, _ dst: X64Register, _ src: X64Register, _ width: X64Width = .b64) {
        op(0x40 | cond.rawValue, reg: dst.rawValue, rm: src.rawValue, w: width == .b64, twoByte: true)
    }

    /// `cmovcc dst, [m]`.
    public mutating func cmov(_ cond: X64Condition, _ dst: X64Register, _ m: X64Memory, _ width: X64Width = .b64) {
        op(0x40 | cond.rawValue, reg: dst.rawValue, m, w: width == .b64, twoByte: true)
    }

    /// `setcc dst8` (only the low byte is written).
    public mutating func set(_ cond: X64Condition, _ dst: X64Register) {
        op(0x90 | cond.rawValue, reg: 0, rm: dst.rawValue, w: false, byteRegs: true, twoByte: true)
    }

    /// `xchg a, b`.
    public mutating func xchg(_ a: X64Register, _ b: X64Register, _ width: X64Width = .b64) {
        op(0x87, reg: a.rawValue, rm: b.rawValue, w: width == .b64)
    }

    /// `bswap r`.
    public mutating func bswap(_ r: X64Register, _ width: X64Width = .b64) {
        rex(w: width == .b64, r: 0, x: 0, b: r.high)
        emit(0x0F, 0xC8 | r.low)
    }
}

// Loads and stores: integer and floating-point registers, single and paired, with
// immediate, register and PC-relative (literal) addresses.
extension ARM64Assembler {
    /// Whether `[base, #offset]` encodes for an access of 2^`sizeShift` bytes: scaled
    /// unsigned 12-bit, or unscaled signed 9-bit.
    public static func isEncodable(offset: Int, sizeShift: Int) -> Bool {
        isScaled(offset: offset, sizeShift: sizeShift) || (offset >= -256 && offset <= 255)
    }

    @inline(__always)
    static func isScaled(offset: Int, sizeShift: Int) -> Bool {
        offset >= 0 && offset & ((1 << sizeShift) - 1) == 0 && offset >> sizeShift < 4096
    }

    /// One load or store; `fields` holds size, V and opc, `t` the register number.
    @inline(__always)
    mutating func loadStore(_ fields: UInt32, _ t: UInt32, _ address: ARM64Address, sizeShift: Int) {
        func imm9(_ offset: Int) -> UInt32 {
            precondition(offset >= -256 && offset <= 255, "unscaled offset out of range")
            return (UInt32(truncatingIfNeeded: offset) & 0x1FF) << 12
        }
        func writeback(_ base: ARM64Register) {
            precondition(fields >> 26 & 1 == 1 || base == .sp || base.rawValue != t,
                         "writeback base is also the transferred register")
        }
        switch address {
        case .offset(let base, let offset) where Self.isScaled(offset: offset, sizeShift: sizeShift):
            emit(0x3900_0000 | fields | UInt32(offset >> sizeShift) << 10 | base.spCode << 5 | t)
        case .offset(let base, let offset), .unscaled(let base, let offset):
            emit(0x3800_0000 | fields | imm9(offset) | base.spCode << 5 | t)
        case .preIndex(let base, let offset):
            writeback(base)
            emit(0x3800_0C00 | fields | imm9(offset) | base.spCode << 5 | t)
        case .postIndex(let base, let offset):
            writeback(base)
            emit(0x3800_0400 | fields | imm9(offset) | base.spCode << 5 | t)
        case .indexed(let base, let index, let extend, let scaled):
            precondition(extend == .uxtw || extend == .lsl || extend == .sxtw || extend == .sxtx,
                         "addresses extend the index with uxtw, lsl, sxtw or sxtx")
            emit(0x3820_0800 | fields | index.zrCode << 16 | extend.rawValue << 13 | (scaled ? 1 << 12 : 0)
                 | base.spCode << 5 | t)
        }
    }

    /// Loads `t` (the w register for 32-bit loads and sign extension to 32 bits).
    public mutating func load(_ t: ARM64Register, _ address: ARM64Address, _ kind: ARM64Load = .ldrX) {
        loadStore(kind.fields, t.zrCode, address, sizeShift: kind.sizeShift)
    }

    /// Stores the low bytes of `t`.
    public mutating func store(_ t: ARM64Register, _ address: ARM64Address, _ kind: ARM64Store = .strX) {
        loadStore(kind.fields, t.zrCode, address, sizeShift: kind.sizeShift)
    }

    /// Loads the s, d or q register `t`.
    public mutating func load(_ t: ARM64FPRegister, _ address: ARM64Address, _ size: ARM64FPAccess) {
        loadStore(1 << 26 | size.fields | 1 << 22, t.code, address, sizeShift: size.sizeShift)
    }

    /// Stores the s, d or q register `t`.
    public mutating func store(_ t: ARM64FPRegister, _ address: ARM64Address, _ size: ARM64FPAccess) {
        loadStore(1 << 26 | size.fields, t.code, address, sizeShift: size.sizeShift)
    }

    // MARK: any offset

    /// The address `[base, #offset]` for any `offset`: as is when it encodes, else `offset`
    /// moved to `scratch` as an index.
    mutating func address(base: ARM64Register, offset: Int64, sizeShift: Int, scratch: ARM64Register) -> ARM64Address {
        if let o = Int(exactly: offset), Self.isEncodable(offset: o, sizeShift: sizeShift) { return .offset(base, o) }
        precondition(scratch != base && scratch != .sp && scratch != .zr, "scratch register would clobber the base")
        mov(scratch, imm: UInt64(bitPattern: offset))
        return .indexed(base, scratch)
    }

    /// Loads from `[base + offset]` for any `offset` (through `scratch` when it does not encode).
    public mutating func load(_ t: ARM64Register, base: ARM64Register, offset: Int64, _ kind: ARM64Load = .ldrX,
                              scratch: ARM64Register) {
        load(t, address(base: base, offset: offset, sizeShift: kind.sizeShift, scratch: scratch), kind)
    }

    /// Stores to `[base + offset]` for any `offset` (through `scratch`, which must not be `t`).
    public mutating func store(_ t: ARM64Register, base: ARM64Register, offset: Int64, _ kind: ARM64Store = .strX,
                               scratch: ARM64Register) {
        precondition(scratch != t, "scratch register would clobber the stored value")
        store(t, address(base: base, offset: offset, sizeShift: kind.sizeShift, scratch: scratch), kind)
    }

    /// Loads an FP register from `[base + offset]` for any `offset`.
    public mutating func load(_ t: ARM64FPRegister, base: ARM64Register, offset: Int64, _ size: ARM64FPAccess,
                              scratch: ARM64Register) {
        load(t, address(base: base, offset: offset, sizeShift: size.sizeShift, scratch: scratch), size)
    }

    /// Stores an FP register to `[base + offset]` for any `offset`.
    public mutating func store(_ t: ARM64FPRegister, base: ARM64Register, offset: Int64, _ size: ARM64FPAccess,
                               scratch: ARM64Register) {
        store(t, address(base: base, offset: offset, sizeShift: size.sizeShift, scratch: scratch), size)
    }

    // MARK: pairs

    /// ldp/stp: `opc` and V select the register kind, `load` the direction.
    @inline(__always)
    mutating func pair(_ fields: UInt32, load: Bool, _ t1: UInt32, _ t2: UInt32, _ address: ARM64Address,
                       sizeShift: Int) {
        let mode: UInt32, base: ARM64Register, offset: Int
        switch address {
        case .offset(let b, let o): (mode, base, offset) = (2, b, o)
        case .preIndex(let b, let o): (mode, base, offset) = (3, b, o)
        case .postIndex(let b, let o): (mode, base, offset) = (1, b, o)
        case .unscaled, .indexed: preconditionFailure("pairs take an offset, pre- or post-indexed address")
        }
        let scaled = offset >> sizeShift
        precondition(scaled << sizeShift == offset && scaled >= -64 && scaled < 64, "pair offset out of range")
        precondition(!load || t1 != t2, "ldp into the same register twice")
        emit(0x2800_0000 | fields | mode << 23 | (load ? 1 << 22 : 0)
             | (UInt32(truncatingIfNeeded: scaled) & 0x7F) << 15 | t2 << 10 | base.spCode << 5 | t1)
    }

    /// `ldp t1, t2, address` (offset, pre- or post-indexed; offset a multiple of the register
    /// size, -64...63 of them).
    public mutating func loadPair(_ t1: ARM64Register, _ t2: ARM64Register, _ address: ARM64Address,
                                  _ width: ARM64Width = .b64) {
        pair(width == .b64 ? 2 << 30 : 0, load: true, t1.zrCode, t2.zrCode, address, sizeShift: width == .b64 ? 3 : 2)
    }
    /// `stp t1, t2, address`.
    public mutating func storePair(_ t1: ARM64Register, _ t2: ARM64Register, _ address: ARM64Address,
                                   _ width: ARM64Width = .b64) {
        pair(width == .b64 ? 2 << 30 : 0, load: false, t1.zrCode, t2.zrCode, address, sizeShift: width == .b64 ? 3 : 2)
    }
    /// `ldp` of two s, d or q registers.
    public mutating func loadPair(_ t1: ARM64FPRegister, _ t2: ARM64FPRegister, _ address: ARM64Address,
                                  _ size: ARM64FPAccess) {
        pair(1 << 26 | UInt32(size.sizeShift - 2) << 30, load: true, t1.code, t2.code, address,
             sizeShift: size.sizeShift)
    }
    /// `stp` of two s, d or q registers.
    public mutating func storePair(_ t1: ARM64FPRegister, _ t2: ARM64FPRegister, _ address: ARM64Address,
                                   _ size: ARM64FPAccess) {
        pair(1 << 26 | UInt32(size.sizeShift - 2) << 30, load: false, t1.code, t2.code, address,
             sizeShift: size.sizeShift)
    }

    // MARK: literals

    /// `ldr t, label` (±1 MiB): a 32-bit (`ldrW`), 64-bit (`ldrX`) or sign-extended 32-bit
    /// (`ldrsw`) load from a PC-relative address (constant pools).
    public mutating func load(_ t: ARM64Register, literal label: Label, _ kind: ARM64Load = .ldrX) {
        let opc: UInt32
        switch kind {
        case .ldrW: opc = 0
        case .ldrX: opc = 1
        case .ldrsw: opc = 2
        default: preconditionFailure("literal loads are ldr w, ldr x and ldrsw")
        }
        emit(opc << 30 | 0x1800_0000 | t.zrCode, to: label, .branch19)
    }

    /// `ldr s/d/q t, label` (±1 MiB).
    public mutating func load(_ t: ARM64FPRegister, literal label: Label, _ size: ARM64FPAccess) {
        emit(UInt32(size.sizeShift - 2) << 30 | 0x1C00_0000 | t.code, to: label, .branch19)
    }
}

// Integer arithmetic, logic, shifts, bit fields, multiplication and division, conditional
// selects and compares.

/// The logical operations with an immediate form.
public enum ARM64Logical: UInt32, Sendable {
    case and = 0, orr = 1, eor = 2
    /// `and` that sets the flags.
    case ands = 3
}

extension ARM64Assembler {
    // MARK: add and subtract

    /// `add/adds/sub/subs d, n, m{, shift #amount}`: `op` is 0 add, 1 adds, 2 sub, 3 subs.
    /// With sp as `d` or `n` (add/sub only) the extended-register form is used, as
    /// assemblers do.
    @inline(__always)
    mutating func addSub(_ op: UInt32, _ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register,
                         _ width: ARM64Width, _ shift: ARM64Shift, _ amount: Int) {
        if d == .sp || n == .sp {
            precondition(shift == .lsl && amount <= 4, "sp operands take no shift beyond lsl #4")
            addSub(op, d, n, m, width, extend: width == .b64 ? .uxtx : .uxtw, amount: amount)
            return
        }
        precondition(shift != .ror, "add/sub take no ror")
        precondition(amount >= 0 && amount < width.bits, "shift amount out of range")
        emit(width.sf | op << 29 | 0x0B00_0000 | shift.rawValue << 22 | m.zrCode << 16 | UInt32(amount) << 10
             | n.zrCode << 5 | d.zrCode)
    }

    /// The extended-register form: `m` extended (and shifted left by 0...4) before the
    /// operation. Takes sp as `n`, and as `d` when the flags are not set.
    mutating func addSub(_ op: UInt32, _ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register,
                         _ width: ARM64Width, extend: ARM64Extend, amount: Int) {
        precondition(amount >= 0 && amount <= 4, "extend shift out of range")
        let rd = op & 1 == 1 ? d.zrCode : d.spCode
        emit(width.sf | op << 29 | 0x0B20_0000 | m.zrCode << 16 | extend.rawValue << 13 | UInt32(amount) << 10
             | n.spCode << 5 | rd)
    }

    /// Immediate form: `imm12` (0...4095), shifted left by 12 when `shifted`.
    @inline(__always)
    mutating func addSub(_ op: UInt32, _ d: ARM64Register, _ n: ARM64Register, imm12: Int, shifted: Bool,
                         _ width: ARM64Width) {
        precondition(imm12 >= 0 && imm12 < 4096, "add/sub immediate out of range")
        let rd = op & 1 == 1 ? d.zrCode : d.spCode
        emit(width.sf | op << 29 | 0x1100_0000 | (shifted ? 1 << 22 : 0) | UInt32(imm12) << 10 | n.spCode << 5 | rd)
    }

    /// `add d, n, m{, shift #amount}`.
    public mutating func add(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64,
                             shift: ARM64Shift = .lsl, amount: Int = 0) {
        addSub(0, d, n, m, width, shift, amount)
    }
    /// `adds d, n, m{, shift #amount}`.
    public mutating func adds(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64,
                              shift: ARM64Shift = .lsl, amount: Int = 0) {
        addSub(1, d, n, m, width, shift, amount)
    }
    /// `sub d, n, m{, shift #amount}`.
    public mutating func sub(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64,
                             shift: ARM64Shift = .lsl, amount: Int = 0) {
        addSub(2, d, n, m, width, shift, amount)
    }
    /// `subs d, n, m{, shift #amount}`.
    public mutating func subs(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64,
                              shift: ARM64Shift = .lsl, amount: Int = 0) {
        addSub(3, d, n, m, width, shift, amount)
    }
    /// `cmp n, m{, shift #amount}` (`subs zr, n, m`).
    public mutating func cmp(_ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64,
                             shift: ARM64Shift = .lsl, amount: Int = 0) {
        addSub(3, .zr, n, m, width, shift, amount)
    }
    /// `cmn n, m` (`adds zr, n, m`).
    public mutating func cmn(_ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        addSub(1, .zr, n, m, width, .lsl, 0)
    }
    /// `neg d, m` (`sub d, zr, m`).
    public mutating func neg(_ d: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        addSub(2, d, .zr, m, width, .lsl, 0)
    }

    /// `add d, n, m, extend #amount` (the extended-register form: `add x0, x1, w2, uxtw`).
    public mutating func add(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, extend: ARM64Extend,
                             amount: Int = 0, _ width: ARM64Width = .b64) {
        addSub(0, d, n, m, width, extend: extend, amount: amount)
    }
    /// `sub d, n, m, extend #amount`.
    public mutating func sub(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, extend: ARM64Extend,
                             amount: Int = 0, _ width: ARM64Width = .b64) {
        addSub(2, d, n, m, width, extend: extend, amount: amount)
    }
    /// `cmp n, m, extend #amount`.
    public mutating func cmp(_ n: ARM64Register, _ m: ARM64Register, extend: ARM64Extend, amount: Int = 0,
                             _ width: ARM64Width = .b64) {
        addSub(3, .zr, n, m, width, extend: extend, amount: amount)
    }

    /// `add d, n, #imm12{, lsl #12}` (takes sp).
    public mutating func add(_ d: ARM64Register, _ n: ARM64Register, imm12: Int, shifted: Bool = false,
                             _ width: ARM64Width = .b64) {
        addSub(0, d, n, imm12: imm12, shifted: shifted, width)
    }
    /// `adds d, n, #imm12{, lsl #12}`.
    public mutating func adds(_ d: ARM64Register, _ n: ARM64Register, imm12: Int, shifted: Bool = false,
                              _ width: ARM64Width = .b64) {
        addSub(1, d, n, imm12: imm12, shifted: shifted, width)
    }
    /// `sub d, n, #imm12{, lsl #12}` (takes sp).
    public mutating func sub(_ d: ARM64Register, _ n: ARM64Register, imm12: Int, shifted: Bool = false,
                             _ width: ARM64Width = .b64) {
        addSub(2, d, n, imm12: imm12, shifted: shifted, width)
    }
    /// `subs d, n, #imm12{, lsl #12}`.
    public mutating func subs(_ d: ARM64Register, _ n: ARM64Register, imm12: Int, shifted: Bool = false,
                              _ width: ARM64Width = .b64) {
        addSub(3, d, n, imm12: imm12, shifted: shifted, width)
    }
    /// `cmp n, #imm12{, lsl #12}`.
    public mutating func cmp(_ n: ARM64Register, imm12: Int, shifted: Bool = false, _ width: ARM64Width = .b64) {
        addSub(3, .zr, n, imm12: imm12, shifted: shifted, width)
    }
    /// `cmn n, #imm12{, lsl #12}`.
    public mutating func cmn(_ n: ARM64Register, imm12: Int, shifted: Bool = false, _ width: ARM64Width = .b64) {
        addSub(1, .zr, n, imm12: imm12, shifted: shifted, width)
    }

    /// The add/sub immediate field for `value`: `(imm12, shifted)`, nil when it needs more
    /// than 12 significant bits or has low bits under a shifted 12-bit value.
    public static func addSubImmediate(_ value: UInt64) -> (imm12: Int, shifted: Bool)? {
        if value < 4096 { return (Int(value), false) }
        if value & 0xFFF == 0 && value >> 12 < 4096 { return (Int(value >> 12), true) }
        return nil
    }

    /// `d = n + imm` for any `imm` (taken modulo 2^32 for `.b32`): one add or sub when it
    /// encodes, two when it has at most 24 significant bits, else through `scratch`.
    public mutating func add(_ d: ARM64Register, _ n: ARM64Register, imm: Int64, _ width: ARM64Width = .b64,
                             scratch: ARM64Register) {
        let v = width == .b64 ? imm : Int64(Int32(truncatingIfNeeded: imm))
        let (op, magnitude): (UInt32, UInt64) = v < 0 ? (2, 0 &- UInt64(bitPattern: v)) : (0, UInt64(bitPattern: v))
        if let (imm12, shifted) = Self.addSubImmediate(magnitude) {
            addSub(op, d, n, imm12: imm12, shifted: shifted, width)
        } else if magnitude < 1 << 24 {
            addSub(op, d, n, imm12: Int(magnitude >> 12), shifted: true, width)
            addSub(op, d, d, imm12: Int(magnitude & 0xFFF), shifted: false, width)
        } else {
            precondition(scratch != n, "scratch register would clobber the operand")
            mov(scratch, imm: UInt64(bitPattern: v), width)
            addSub(0, d, n, scratch, width, .lsl, 0)
        }
    }

    /// `d = n - imm` for any `imm` (see `add(_:_:imm:_:scratch:)`).
    public mutating func sub(_ d: ARM64Register, _ n: ARM64Register, imm: Int64, _ width: ARM64Width = .b64,
                             scratch: ARM64Register) {
        add(d, n, imm: 0 &- imm, width, scratch: scratch)
    }

    /// Sets the flags for `n - imm` for any `imm` (modulo 2^32 for `.b32`): cmp or cmn
    /// immediate when it encodes, else through `scratch`.
    public mutating func cmp(_ n: ARM64Register, imm: Int64, _ width: ARM64Width = .b64, scratch: ARM64Register) {
        let v = width == .b64 ? imm : Int64(Int32(truncatingIfNeeded: imm))
        if let (imm12, shifted) = Self.addSubImmediate(UInt64(bitPattern: v)) {
            addSub(3, .zr, n, imm12: imm12, shifted: shifted, width)
        } else if v < 0, let (imm12, shifted) = Self.addSubImmediate(0 &- UInt64(bitPattern: v)) {
            addSub(1, .zr, n, imm12: imm12, shifted: shifted, width)
        } else {
            precondition(scratch != n, "scratch register would clobber the operand")
            mov(scratch, imm: UInt64(bitPattern: v), width)
            addSub(3, .zr, n, scratch, width, .lsl, 0)
        }
    }

    // MARK: logic

    /// `op d, n, m{, shift #amount}`; `invert` gives bic, orn, eon and bics.
    @inline(__always)
    mutating func logical(_ op: ARM64Logical, _ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register,
                          _ width: ARM64Width, shift: ARM64Shift, amount: Int, invert: Bool) {
        precondition(amount >= 0 && amount < width.bits, "shift amount out of range")
        emit(width.sf | op.rawValue << 29 | 0x0A00_0000 | shift.rawValue << 22 | (invert ? 1 << 21 : 0)
             | m.zrCode << 16 | UInt32(amount) << 10 | n.zrCode << 5 | d.zrCode)
    }

    /// `op d, n, m{, shift #amount}` (and, orr, eor, ands).
    public mutating func logical(_ op: ARM64Logical, _ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register,
                                 _ width: ARM64Width = .b64, shift: ARM64Shift = .lsl, amount: Int = 0) {
        logical(op, d, n, m, width, shift: shift, amount: amount, invert: false)
    }
    /// `and d, n, m`.
    public mutating func and(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        logical(.and, d, n, m, width, shift: .lsl, amount: 0, invert: false)
    }
    /// `orr d, n, m`.
    public mutating func orr(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        logical(.orr, d, n, m, width, shift: .lsl, amount: 0, invert: false)
    }
    /// `eor d, n, m`.
    public mutating func eor(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        logical(.eor, d, n, m, width, shift: .lsl, amount: 0, invert: false)
    }
    /// `ands d, n, m`.
    public mutating func ands(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        logical(.ands, d, n, m, width, shift: .lsl, amount: 0, invert: false)
    }
    /// `bic d, n, m` (n and not m).
    public mutating func bic(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        logical(.and, d, n, m, width, shift: .lsl, amount: 0, invert: true)
    }
    /// `orn d, n, m` (n or not m).
    public mutating func orn(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        logical(.orr, d, n, m, width, shift: .lsl, amount: 0, invert: true)
    }
    /// `eon d, n, m` (n xor not m).
    public mutating func eon(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        logical(.eor, d, n, m, width, shift: .lsl, amount: 0, invert: true)
    }
    /// `tst n, m` (`ands zr, n, m`).
    public mutating func tst(_ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        logical(.ands, .zr, n, m, width, shift: .lsl, amount: 0, invert: false)
    }
    /// `mvn d, m` (`orn d, zr, m`).
    public mutating func mvn(_ d: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        logical(.orr, d, .zr, m, width, shift: .lsl, amount: 0, invert: true)
    }

    /// `mov d, n`: `orr d, zr, n`, or `add d, n, #0` when either is sp.
    public mutating func mov(_ d: ARM64Register, _ n: ARM64Register, _ width: ARM64Width = .b64) {
        if d == .sp || n == .sp {
            addSub(0, d, n, imm12: 0, shifted: false, width)
        } else {
            logical(.orr, d, .zr, n, width, shift: .lsl, amount: 0, invert: false)
        }
    }

    /// `op d, n, #imm` with an encodable bitmask immediate (`logicalImmediate`). `d` may be
    /// sp, except for ands.
    public mutating func logical(_ op: ARM64Logical, _ d: ARM64Register, _ n: ARM64Register, bitmask imm: UInt64,
                                 _ width: ARM64Width = .b64) {
        guard let field = Self.logicalImmediate(imm, width) else { preconditionFailure("not a bitmask immediate") }
        let rd = op == .ands ? d.zrCode : d.spCode
        emit(width.sf | op.rawValue << 29 | 0x1200_0000 | field << 10 | n.zrCode << 5 | rd)
    }

    /// `tst n, #imm` with an encodable bitmask immediate.
    public mutating func tst(_ n: ARM64Register, bitmask imm: UInt64, _ width: ARM64Width = .b64) {
        logical(.ands, .zr, n, bitmask: imm, width)
    }

    /// `d = n op imm` for any `imm` (its low 32 bits for `.b32`): the immediate form when
    /// `imm` is a bitmask immediate, a move for the trivial masks, else through `scratch`.
    public mutating func logical(_ op: ARM64Logical, _ d: ARM64Register, _ n: ARM64Register, imm: UInt64,
                                 _ width: ARM64Width = .b64, scratch: ARM64Register) {
        let ones: UInt64 = width == .b64 ? ~0 : 0xFFFF_FFFF
        let v = imm & ones
        if Self.logicalImmediate(v, width) != nil {
            logical(op, d, n, bitmask: v, width)
            return
        }
        switch (op, v) {
        case (.and, 0): mov(d, imm: 0, width)
        case (.orr, 0), (.eor, 0), (.and, ones): mov(d, n, width)
        case (.orr, ones): mov(d, imm: ones, width)
        case (.eor, ones): mvn(d, n, width)
        case (.ands, 0): ands(d, n, .zr, width)
        case (.ands, ones): ands(d, n, n, width)
        default:
            precondition(scratch != n, "scratch register would clobber the operand")
            mov(scratch, imm: v, width)
            logical(op, d, n, scratch, width, shift: .lsl, amount: 0, invert: false)
        }
    }

    /// `tst n, #imm` for any `imm` (see `logical(_:_:_:imm:_:scratch:)`).
    public mutating func tst(_ n: ARM64Register, imm: UInt64, _ width: ARM64Width = .b64, scratch: ARM64Register) {
        let v = imm & (width == .b64 ? ~0 : 0xFFFF_FFFF)
        if Self.logicalImmediate(v, width) != nil {
            logical(.ands, .zr, n, bitmask: v, width)
        } else {
            precondition(scratch != n, "scratch register would clobber the operand")
            mov(scratch, imm: v, width)
            tst(n, scratch, width)
        }
    }

    /// The N:immr:imms field (13 bits) encoding `value` as a bitmask immediate of `width`,
    /// nil when it is not one. A bitmask immediate is an element of 2, 4, ..., 64 bits
    /// repeated to fill the width, the element being a run of 1 to size-1 ones rotated
    /// right by 0 to size-1: never all zeros or all ones.
    public static func logicalImmediate(_ value: UInt64, _ width: ARM64Width) -> UInt32? {
        if width == .b32 {
            guard value >> 32 == 0 else { return nil }
            return logicalImmediate(value | value << 32, .b64).flatMap { $0 & 0x1000 == 0 ? $0 : nil }
        }
        guard value != 0 && value != ~0 else { return nil }
        // The smallest element size whose repetition is `value`.
        var size = 64
        while size > 2 {
            let half = size / 2
            let mask = (UInt64(1) << half) - 1
            guard value & mask == (value >> half) & mask else { break }
            size = half
        }
        let mask: UInt64 = size == 64 ? ~0 : (1 << size) - 1
        let element = value & mask
        // Rotate the element right so that its run of ones starts at bit 0: a run that
        // wraps around starts just above the highest zero below a one.
        let rotation: Int
        if element & 1 == 0 {
            rotation = element.trailingZeroBitCount
        } else {
            let zeros = ~element & mask
            rotation = (64 - zeros.leadingZeroBitCount) % size  // one past the highest zero
        }
        let run = rotation == 0 ? element : ((element >> rotation) | (element << (size - rotation))) & mask
        let ones = run.trailingZeroBitCount == 0 ? (~run).trailingZeroBitCount : 0
        guard ones > 0 && run == (UInt64(1) << ones) - 1 else { return nil }  // not one contiguous run
        // `run` rotated right by `immr` gives the element back: immr = (size - rotation) % size.
        let immr = UInt32((size - rotation) % size)
        // imms: the size as a prefix of ones over a zero (0b0xxxxx for 32, ..., 0b11110x
        // for 2), then the run length minus one; N is set for 64-bit elements only.
        let n: UInt32 = size == 64 ? 1 : 0
        let imms = UInt32(truncatingIfNeeded: ~(size * 2 - 1)) & 0x3F | UInt32(ones - 1)
        return n << 12 | immr << 6 | imms
    }

    /// The value a bitmask immediate field (N:immr:imms) stands for, nil for reserved ones.
    public static func decodeLogicalImmediate(_ field: UInt32, _ width: ARM64Width) -> UInt64? {
        let n = field >> 12 & 1, immr = Int(field >> 6 & 0x3F), imms = Int(field & 0x3F)
        guard width == .b64 || n == 0 else { return nil }
        // The element size is 2^(position of the highest bit of N:~imms).
        let combined = n << 6 | (~UInt32(imms) & 0x3F)
        guard combined != 0 else { return nil }
        let size = 1 << (31 - combined.leadingZeroBitCount)
        guard size >= 2 else { return nil }
        let ones = (imms & (size - 1)) + 1
        guard ones < size else { return nil }
        let mask: UInt64 = size == 64 ? ~0 : (1 << size) - 1
        let run = (UInt64(1) << ones) - 1
        let r = immr & (size - 1)
        var element = r == 0 ? run : ((run >> r) | (run << (size - r))) & mask
        var s = size
        while s < 64 {
            element |= element << s
            s *= 2
        }
        return width == .b64 ? element : element & 0xFFFF_FFFF
    }

    // MARK: move wide and constants

    /// movn (0), movz (2), movk (3): `imm16` shifted left by `shift` (0, 16, 32, 48).
    @inline(__always)
    mutating func moveWide(_ opc: UInt32, _ d: ARM64Register, _ imm16: UInt16, shift: Int, _ width: ARM64Width) {
        precondition(shift & 15 == 0 && shift >= 0 && shift < width.bits, "move-wide shift out of range")
        emit(width.sf | opc << 29 | 0x1280_0000 | UInt32(shift / 16) << 21 | UInt32(imm16) << 5 | d.zrCode)
    }

    /// `movz d, #0; movk d, #0, lsl #16`: a 32-bit constant set later by
    /// `patchConstant32(at:_:)` (an offset known only after the code that uses it); its offset.
    public mutating func movPatchable32(_ d: ARM64Register) -> Int {
        let at = count
        movz(d, 0)
        movk(d, 0, shift: 16)
        return at
    }

    /// Rewrites the pair `movPatchable32` emitted at `at` to move `value`.
    public mutating func patchConstant32(at: Int, _ value: UInt32) {
        let field: UInt32 = 0xFFFF << 5
        patch(at: at, word(at: at) & ~field | (value & 0xFFFF) << 5)
        patch(at: at + 4, word(at: at + 4) & ~field | (value >> 16) << 5)
    }

    /// `movz d, #imm16, lsl #shift`: d = imm16 << shift.
    public mutating func movz(_ d: ARM64Register, _ imm16: UInt16, shift: Int = 0, _ width: ARM64Width = .b64) {
        moveWide(2, d, imm16, shift: shift, width)
    }
    /// `movn d, #imm16, lsl #shift`: d = ~(imm16 << shift).
    public mutating func movn(_ d: ARM64Register, _ imm16: UInt16, shift: Int = 0, _ width: ARM64Width = .b64) {
        moveWide(0, d, imm16, shift: shift, width)
    }
    /// `movk d, #imm16, lsl #shift`: replaces the 16 bits at `shift`, keeping the others.
    public mutating func movk(_ d: ARM64Register, _ imm16: UInt16, shift: Int = 0, _ width: ARM64Width = .b64) {
        moveWide(3, d, imm16, shift: shift, width)
    }

    /// `d = value` (its low 32 bits for `.b32`) in the fewest instructions: one movz, movn
    /// or orr when one does, else a movz, movn or orr followed by movks. A 64-bit value
    /// whose upper half is zero is built in the w register (which zero-extends).
    public mutating func mov(_ d: ARM64Register, imm value: UInt64, _ width: ARM64Width = .b64) {
        precondition(d != .sp, "constants cannot be moved to sp")
        if width == .b64 && value >> 32 == 0 {
            mov(d, imm: value, .b32)
            return
        }
        let v = width == .b64 ? value : value & 0xFFFF_FFFF
        let chunks = width.bits / 16
        var nonZero = 0, nonOnes = 0
        for i in 0 ..< chunks {
            let c = UInt16(truncatingIfNeeded: v >> (16 * i))
            if c != 0 { nonZero += 1 }
            if c != 0xFFFF { nonOnes += 1 }
        }
        let fill: UInt16 = nonOnes < nonZero ? 0xFFFF : 0
        let plain = max(1, min(nonZero, nonOnes))
        if plain > 1 && Self.logicalImmediate(v, width) != nil {
            logical(.orr, d, .zr, bitmask: v, width)
        } else if plain > 2, let base = Self.bitmaskBase(for: v, width, within: plain) {
            logical(.orr, d, .zr, bitmask: base, width)
            for i in 0 ..< chunks where UInt16(truncatingIfNeeded: (base ^ v) >> (16 * i)) != 0 {
                movk(d, UInt16(truncatingIfNeeded: v >> (16 * i)), shift: 16 * i, width)
            }
        } else {
            movWide(d, v, fill: fill, width)
        }
    }

    /// movz (`fill` 0) or movn (`fill` 0xFFFF) for the first 16-bit chunk of `v` that is
    /// not `fill`, then movk for each other such chunk.
    mutating func movWide(_ d: ARM64Register, _ v: UInt64, fill: UInt16, _ width: ARM64Width) {
        var first = true
        for i in 0 ..< width.bits / 16 {
            let c = UInt16(truncatingIfNeeded: v >> (16 * i))
            guard c != fill else { continue }
            if !first {
                movk(d, c, shift: 16 * i, width)
            } else if fill == 0 {
                movz(d, c, shift: 16 * i, width)
            } else {
                movn(d, ~c, shift: 16 * i, width)
            }
            first = false
        }
        if first { moveWide(fill == 0 ? 2 : 0, d, 0, shift: 0, width) }
    }

    /// A bitmask immediate that agrees with `value` on all 16-bit chunks but one or two, so
    /// that orr and movks take fewer than `limit` instructions; nil when none is found. The
    /// candidates replace one or two chunks by another chunk of `value`, 0 or 0xFFFF.
    static func bitmaskBase(for value: UInt64, _ width: ARM64Width, within limit: Int) -> UInt64? {
        let chunks = width.bits / 16
        let ones: UInt64 = width == .b64 ? ~0 : 0xFFFF_FFFF
        var best: UInt64?, bestCount = limit
        for i in 0 ..< chunks {
            for j in i ..< chunks {
                let replaced = UInt64(0xFFFF) << (16 * i) | UInt64(0xFFFF) << (16 * j)
                let changed = i == j ? 1 : 2
                guard 1 + changed < bestCount else { continue }
                for k in 0 ... chunks + 1 {
                    let filler: UInt64 = k < chunks ? value >> (16 * k) & 0xFFFF : (k == chunks ? 0 : 0xFFFF)
                    let spread = filler << (16 * i) | filler << (16 * j)
                    let candidate = (value & ~replaced | spread) & ones
                    var differing = 0
                    for c in 0 ..< chunks where (candidate ^ value) >> (16 * c) & 0xFFFF != 0 { differing += 1 }
                    guard differing > 0 && 1 + differing < bestCount && logicalImmediate(candidate, width) != nil
                    else { continue }
                    best = candidate
                    bestCount = 1 + differing
                }
            }
        }
        return best
    }

    // MARK: shifts and bit fields

    /// sbfm (0), bfm (1), ubfm (2).
    @inline(__always)
    mutating func bitfield(_ opc: UInt32, _ d: ARM64Register, _ n: ARM64Register, immr: Int, imms: Int,
                           _ width: ARM64Width) {
        precondition(immr >= 0 && immr < width.bits && imms >= 0 && imms < width.bits,
                     "bit-field position out of range")
        let nBit: UInt32 = width == .b64 ? 1 << 22 : 0
        emit(width.sf | opc << 29 | 0x1300_0000 | nBit | UInt32(immr) << 16 | UInt32(imms) << 10
             | n.zrCode << 5 | d.zrCode)
    }

    /// `sbfm d, n, #immr, #imms`.
    public mutating func sbfm(_ d: ARM64Register, _ n: ARM64Register, immr: Int, imms: Int,
                              _ width: ARM64Width = .b64) {
        bitfield(0, d, n, immr: immr, imms: imms, width)
    }
    /// `bfm d, n, #immr, #imms`.
    public mutating func bfm(_ d: ARM64Register, _ n: ARM64Register, immr: Int, imms: Int, _ width: ARM64Width = .b64) {
        bitfield(1, d, n, immr: immr, imms: imms, width)
    }
    /// `ubfm d, n, #immr, #imms`.
    public mutating func ubfm(_ d: ARM64Register, _ n: ARM64Register, immr: Int, imms: Int,
                              _ width: ARM64Width = .b64) {
        bitfield(2, d, n, immr: immr, imms: imms, width)
    }

    /// `lsl d, n, #amount` (0 ..< width).
    public mutating func lsl(_ d: ARM64Register, _ n: ARM64Register, imm amount: Int, _ width: ARM64Width = .b64) {
        precondition(amount >= 0 && amount < width.bits, "shift amount out of range")
        bitfield(2, d, n, immr: (width.bits - amount) % width.bits, imms: width.bits - 1 - amount, width)
    }
    /// `lsr d, n, #amount`.
    public mutating func lsr(_ d: ARM64Register, _ n: ARM64Register, imm amount: Int, _ width: ARM64Width = .b64) {
        bitfield(2, d, n, immr: amount, imms: width.bits - 1, width)
    }
    /// `asr d, n, #amount`.
    public mutating func asr(_ d: ARM64Register, _ n: ARM64Register, imm amount: Int, _ width: ARM64Width = .b64) {
        bitfield(0, d, n, immr: amount, imms: width.bits - 1, width)
    }
    /// `ror d, n, #amount` (`extr d, n, n, #amount`).
    public mutating func ror(_ d: ARM64Register, _ n: ARM64Register, imm amount: Int, _ width: ARM64Width = .b64) {
        extr(d, n, n, lsb: amount, width)
    }

    /// `extr d, n, m, #lsb`: bits lsb ..< lsb + width of the concatenation n:m.
    public mutating func extr(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, lsb: Int,
                              _ width: ARM64Width = .b64) {
        precondition(lsb >= 0 && lsb < width.bits, "extract position out of range")
        let nBit: UInt32 = width == .b64 ? 1 << 22 : 0
        emit(width.sf | 0x1380_0000 | nBit | m.zrCode << 16 | UInt32(lsb) << 10 | n.zrCode << 5 | d.zrCode)
    }

    /// `ubfx d, n, #lsb, #bits`: the unsigned field at `lsb`.
    public mutating func ubfx(_ d: ARM64Register, _ n: ARM64Register, lsb: Int, bits: Int, _ width: ARM64Width = .b64) {
        precondition(bits >= 1 && lsb + bits <= width.bits, "bit field out of range")
        bitfield(2, d, n, immr: lsb, imms: lsb + bits - 1, width)
    }
    /// `sbfx d, n, #lsb, #bits`: the signed field at `lsb`.
    public mutating func sbfx(_ d: ARM64Register, _ n: ARM64Register, lsb: Int, bits: Int, _ width: ARM64Width = .b64) {
        precondition(bits >= 1 && lsb + bits <= width.bits, "bit field out of range")
        bitfield(0, d, n, immr: lsb, imms: lsb + bits - 1, width)
    }
    /// `ubfiz d, n, #lsb, #bits`: the low `bits` of n moved to `lsb`, the rest zero.
    public mutating func ubfiz(_ d: ARM64Register, _ n: ARM64Register, lsb: Int, bits: Int,
                               _ width: ARM64Width = .b64) {
        precondition(bits >= 1 && lsb + bits <= width.bits, "bit field out of range")
        bitfield(2, d, n, immr: (width.bits - lsb) % width.bits, imms: bits - 1, width)
    }
    /// `bfi d, n, #lsb, #bits`: the low `bits` of n inserted at `lsb`, other bits kept.
    public mutating func bfi(_ d: ARM64Register, _ n: ARM64Register, lsb: Int, bits: Int, _ width: ARM64Width = .b64) {
        precondition(bits >= 1 && lsb + bits <= width.bits, "bit field out of range")
        bitfield(1, d, n, immr: (width.bits - lsb) % width.bits, imms: bits - 1, width)
    }
    /// `bfxil d, n, #lsb, #bits`: the field at `lsb` of n into the low bits of d.
    public mutating func bfxil(_ d: ARM64Register, _ n: ARM64Register, lsb: Int, bits: Int,
                               _ width: ARM64Width = .b64) {
        precondition(bits >= 1 && lsb + bits <= width.bits, "bit field out of range")
        bitfield(1, d, n, immr: lsb, imms: lsb + bits - 1, width)
    }

    /// `sxtb d, n`: sign-extends the low byte (to 32 or 64 bits).
    public mutating func sxtb(_ d: ARM64Register, _ n: ARM64Register, _ width: ARM64Width = .b64) {
        bitfield(0, d, n, immr: 0, imms: 7, width)
    }
    /// `sxth d, n`.
    public mutating func sxth(_ d: ARM64Register, _ n: ARM64Register, _ width: ARM64Width = .b64) {
        bitfield(0, d, n, immr: 0, imms: 15, width)
    }
    /// `sxtw xd, wn`.
    public mutating func sxtw(_ d: ARM64Register, _ n: ARM64Register) {
        bitfield(0, d, n, immr: 0, imms: 31, .b64)
    }
    /// `uxtb wd, wn` (the w write also clears the upper half).
    public mutating func uxtb(_ d: ARM64Register, _ n: ARM64Register) {
        bitfield(2, d, n, immr: 0, imms: 7, .b32)
    }
    /// `uxth wd, wn`.
    public mutating func uxth(_ d: ARM64Register, _ n: ARM64Register) {
        bitfield(2, d, n, immr: 0, imms: 15, .b32)
    }

    // MARK: two- and one-source operations

    /// Data-processing (2 source): udiv 2, sdiv 3, lslv 8, lsrv 9, asrv 10, rorv 11.
    @inline(__always)
    mutating func dataProcessing2(_ opcode: UInt32, _ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register,
                                  _ width: ARM64Width) {
        emit(width.sf | 0x1AC0_0000 | m.zrCode << 16 | opcode << 10 | n.zrCode << 5 | d.zrCode)
    }

    /// `udiv d, n, m` (x / 0 = 0: no trap).
    public mutating func udiv(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        dataProcessing2(2, d, n, m, width)
    }
    /// `sdiv d, n, m` (x / 0 = 0, INT_MIN / -1 = INT_MIN: no trap).
    public mutating func sdiv(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        dataProcessing2(3, d, n, m, width)
    }
    /// `lsl d, n, m` (lslv: the amount modulo the width).
    public mutating func lsl(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        dataProcessing2(8, d, n, m, width)
    }
    /// `lsr d, n, m` (lsrv).
    public mutating func lsr(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        dataProcessing2(9, d, n, m, width)
    }
    /// `asr d, n, m` (asrv).
    public mutating func asr(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        dataProcessing2(10, d, n, m, width)
    }
    /// `ror d, n, m` (rorv).
    public mutating func ror(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        dataProcessing2(11, d, n, m, width)
    }

    /// Data-processing (1 source): rbit 0, rev16 1, rev (32) / rev32 (64) 2, rev (64) 3,
    /// clz 4, cls 5.
    @inline(__always)
    mutating func dataProcessing1(_ opcode: UInt32, _ d: ARM64Register, _ n: ARM64Register, _ width: ARM64Width) {
        emit(width.sf | 0x5AC0_0000 | opcode << 10 | n.zrCode << 5 | d.zrCode)
    }

    /// `rbit d, n`: reverses the bit order (ctz is `rbit` then `clz`).
    public mutating func rbit(_ d: ARM64Register, _ n: ARM64Register, _ width: ARM64Width = .b64) {
        dataProcessing1(0, d, n, width)
    }
    /// `clz d, n`.
    public mutating func clz(_ d: ARM64Register, _ n: ARM64Register, _ width: ARM64Width = .b64) {
        dataProcessing1(4, d, n, width)
    }
    /// `cls d, n`: leading bits equal to the sign bit, not counting it.
    public mutating func cls(_ d: ARM64Register, _ n: ARM64Register, _ width: ARM64Width = .b64) {
        dataProcessing1(5, d, n, width)
    }
    /// `rev d, n`: reverses the byte order of the whole register.
    public mutating func rev(_ d: ARM64Register, _ n: ARM64Register, _ width: ARM64Width = .b64) {
        dataProcessing1(width == .b64 ? 3 : 2, d, n, width)
    }
    /// `rev16 d, n`: reverses the bytes in each 16-bit half-word.
    public mutating func rev16(_ d: ARM64Register, _ n: ARM64Register, _ width: ARM64Width = .b64) {
        dataProcessing1(1, d, n, width)
    }

    // MARK: multiply

    /// Data-processing (3 source): madd/msub (`subtract`), and the long forms.
    @inline(__always)
    mutating func dataProcessing3(_ base: UInt32, _ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register,
                                  _ a: ARM64Register) {
        emit(base | m.zrCode << 16 | a.zrCode << 10 | n.zrCode << 5 | d.zrCode)
    }

    /// `madd d, n, m, a`: d = a + n * m.
    public mutating func madd(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ a: ARM64Register,
                              _ width: ARM64Width = .b64) {
        dataProcessing3(width.sf | 0x1B00_0000, d, n, m, a)
    }
    /// `msub d, n, m, a`: d = a - n * m (remainder: a - (a / m) * m).
    public mutating func msub(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ a: ARM64Register,
                              _ width: ARM64Width = .b64) {
        dataProcessing3(width.sf | 0x1B00_8000, d, n, m, a)
    }
    /// `mul d, n, m`.
    public mutating func mul(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        madd(d, n, m, .zr, width)
    }
    /// `mneg d, n, m`: d = -(n * m).
    public mutating func mneg(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ width: ARM64Width = .b64) {
        msub(d, n, m, .zr, width)
    }
    /// `smull xd, wn, wm`: the 64-bit product of two signed 32-bit values.
    public mutating func smull(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register) {
        dataProcessing3(0x9B20_0000, d, n, m, .zr)
    }
    /// `umull xd, wn, wm`.
    public mutating func umull(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register) {
        dataProcessing3(0x9BA0_0000, d, n, m, .zr)
    }
    /// `smulh xd, xn, xm`: the high 64 bits of the signed 128-bit product.
    public mutating func smulh(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register) {
        dataProcessing3(0x9B40_0000, d, n, m, .zr)
    }
    /// `umulh xd, xn, xm`.
    public mutating func umulh(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register) {
        dataProcessing3(0x9BC0_0000, d, n, m, .zr)
    }

    // MARK: conditional select and compare

    /// csel (0), csinc (1), csinv (2), csneg (3).
    @inline(__always)
    mutating func conditionalSelect(_ op: UInt32, _ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register,
                                    _ cond: ARM64Condition, _ width: ARM64Width) {
        emit(width.sf | (op >> 1) << 30 | 0x1A80_0000 | m.zrCode << 16 | UInt32(cond.rawValue) << 12
             | (op & 1) << 10 | n.zrCode << 5 | d.zrCode)
    }

    /// `csel d, n, m, cond`: d = cond ? n : m.
    public mutating func csel(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ cond: ARM64Condition,
                              _ width: ARM64Width = .b64) {
        conditionalSelect(0, d, n, m, cond, width)
    }
    /// `csinc d, n, m, cond`: d = cond ? n : m + 1.
    public mutating func csinc(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ cond: ARM64Condition,
                               _ width: ARM64Width = .b64) {
        conditionalSelect(1, d, n, m, cond, width)
    }
    /// `csinv d, n, m, cond`: d = cond ? n : ~m.
    public mutating func csinv(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ cond: ARM64Condition,
                               _ width: ARM64Width = .b64) {
        conditionalSelect(2, d, n, m, cond, width)
    }
    /// `csneg d, n, m, cond`: d = cond ? n : -m.
    public mutating func csneg(_ d: ARM64Register, _ n: ARM64Register, _ m: ARM64Register, _ cond: ARM64Condition,
                               _ width: ARM64Width = .b64) {
        conditionalSelect(3, d, n, m, cond, width)
    }
    /// `cset d, cond`: d = cond ? 1 : 0.
    public mutating func cset(_ d: ARM64Register, _ cond: ARM64Condition, _ width: ARM64Width = .b64) {
        conditionalSelect(1, d, .zr, .zr, cond.inverted, width)
    }
    /// `csetm d, cond`: d = cond ? -1 : 0.
    public mutating func csetm(_ d: ARM64Register, _ cond: ARM64Condition, _ width: ARM64Width = .b64) {
        conditionalSelect(2, d, .zr, .zr, cond.inverted, width)
    }
    /// `cinc d, n, cond`: d = cond ? n + 1 : n.
    public mutating func cinc(_ d: ARM64Register, _ n: ARM64Register, _ cond: ARM64Condition,
                              _ width: ARM64Width = .b64) {
        conditionalSelect(1, d, n, n, cond.inverted, width)
    }
    /// `cneg d, n, cond`: d = cond ? -n : n.
    public mutating func cneg(_ d: ARM64Register, _ n: ARM64Register, _ cond: ARM64Condition,
                              _ width: ARM64Width = .b64) {
        conditionalSelect(3, d, n, n, cond.inverted, width)
    }

    /// ccmn (0) / ccmp (1) with a register or a 5-bit immediate as the second operand.
    @inline(__always)
    mutating func conditionalCompare(_ op: UInt32, _ n: ARM64Register, _ second: UInt32, immediate: Bool,
                                     nzcv: UInt8, _ cond: ARM64Condition, _ width: ARM64Width) {
        precondition(nzcv < 16, "nzcv is four bits")
        emit(width.sf | op << 30 | 0x3A40_0000 | second << 16 | UInt32(cond.rawValue) << 12
             | (immediate ? 1 << 11 : 0) | n.zrCode << 5 | UInt32(nzcv))
    }

    /// `ccmp n, m, #nzcv, cond`: the flags of `n - m` when cond holds, else `nzcv`.
    public mutating func ccmp(_ n: ARM64Register, _ m: ARM64Register, nzcv: UInt8, _ cond: ARM64Condition,
                              _ width: ARM64Width = .b64) {
        conditionalCompare(1, n, m.zrCode, immediate: false, nzcv: nzcv, cond, width)
    }
    /// `ccmp n, #imm5, #nzcv, cond`.
    public mutating func ccmp(_ n: ARM64Register, imm5: Int, nzcv: UInt8, _ cond: ARM64Condition,
                              _ width: ARM64Width = .b64) {
        precondition(imm5 >= 0 && imm5 < 32, "ccmp immediate out of range")
        conditionalCompare(1, n, UInt32(imm5), immediate: true, nzcv: nzcv, cond, width)
    }
    /// `ccmn n, m, #nzcv, cond`: the flags of `n + m` when cond holds, else `nzcv`.
    public mutating func ccmn(_ n: ARM64Register, _ m: ARM64Register, nzcv: UInt8, _ cond: ARM64Condition,
                              _ width: ARM64Width = .b64) {
        conditionalCompare(0, n, m.zrCode, immediate: false, nzcv: nzcv, cond, width)
    }
    /// `ccmn n, #imm5, #nzcv, cond`.
    public mutating func ccmn(_ n: ARM64Register, imm5: Int, nzcv: UInt8, _ cond: ARM64Condition,
                              _ width: ARM64Width = .b64) {
        precondition(imm5 >= 0 && imm5 < 32, "ccmn immediate out of range")
        conditionalCompare(0, n, UInt32(imm5), immediate: true, nzcv: nzcv, cond, width)
    }
}

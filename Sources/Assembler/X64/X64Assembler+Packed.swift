// Packed SSE2/SSE4.1 operations on whole XMM registers (Wasm's v128).

/// A packed operation `op dst, src` on XMM registers: `66 0F xx /r` for integers and
/// doubles, `0F xx /r` for singles, `66 0F 38 xx /r` for the SSE4.1 ones.
public enum X64PackedOp: CaseIterable, Sendable {
    case paddb, paddw, paddd, paddq, psubb, psubw, psubd, psubq
    case pmullw, pmuludq, pmulld
    case pand, pandn, por, pxor
    case pcmpeqb, pcmpeqw, pcmpeqd, pcmpgtb, pcmpgtw, pcmpgtd
    case paddsb, paddsw, paddusb, paddusw, psubsb, psubsw, psubusb, psubusw
    case pminub, pmaxub, pminsw, pmaxsw, pavgb, pavgw
    case pminsb, pmaxsb, pminuw, pmaxuw, pminsd, pmaxsd, pminud, pmaxud
    /// Shifts of every lane by the count in the source's low 64 bits.
    case psllw, pslld, psllq, psrlw, psrld, psrlq, psraw, psrad
    case packsswb, packssdw, packuswb, packusdw
    case punpcklqdq
    case addps, subps, mulps, divps, sqrtps, addpd, subpd, mulpd, divpd, sqrtpd

    /// (mandatory prefix, 0 for none; opcode byte; whether it is in the 0F 38 map).
    var encoding: (prefix: UInt8, opcode: UInt8, map38: Bool) {
        switch self {
        case .paddb: (0x66, 0xFC, false)
        case .paddw: (0x66, 0xFD, false)
        case .paddd: (0x66, 0xFE, false)
        case .paddq: (0x66, 0xD4, false)
        case .psubb: (0x66, 0xF8, false)
        case .psubw: (0x66, 0xF9, false)
        case .psubd: (0x66, 0xFA, false)
        case .psubq: (0x66, 0xFB, false)
        case .pmullw: (0x66, 0xD5, false)
        case .pmuludq: (0x66, 0xF4, false)
        case .pmulld: (0x66, 0x40, true)
        case .pand: (0x66, 0xDB, false)
        case .pandn: (0x66, 0xDF, false)
        case .por: (0x66, 0xEB, false)
        case .pxor: (0x66, 0xEF, false)
        case .pcmpeqb: (0x66, 0x74, false)
        case .pcmpeqw: (0x66, 0x75, false)
        case .pcmpeqd: (0x66, 0x76, false)
        case .pcmpgtb: (0x66, 0x64, false)
        case .pcmpgtw: (0x66, 0x65, false)
        case .pcmpgtd: (0x66, 0x66, false)
        case .paddsb: (0x66, 0xEC, false)
        case .paddsw: (0x66, 0xED, false)
        case .paddusb: (0x66, 0xDC, false)
        case .paddusw: (0x66, 0xDD, false)
        case .psubsb: (0x66, 0xE8, false)
        case .psubsw: (0x66, 0xE9, false)
        case .psubusb: (0x66, 0xD8, false)
        case .psubusw: (0x66, 0xD9, false)
        case .pminub: (0x66, 0xDA, false)
        case .pmaxub: (0x66, 0xDE, false)
        case .pminsw: (0x66, 0xEA, false)
        case .pmaxsw: (0x66, 0xEE, false)
        case .pavgb: (0x66, 0xE0, false)
        case .pavgw: (0x66, 0xE3, false)
        case .pminsb: (0x66, 0x38, true)
        case .pmaxsb: (0x66, 0x3C, true)
        case .pminuw: (0x66, 0x3A, true)
        case .pmaxuw: (0x66, 0x3E, true)
        case .pminsd: (0x66, 0x39, true)
        case .pmaxsd: (0x66, 0x3D, true)
        case .pminud: (0x66, 0x3B, true)
        case .pmaxud: (0x66, 0x3F, true)
        case .psllw: (0x66, 0xF1, false)
        case .pslld: (0x66, 0xF2, false)
        case .psllq: (0x66, 0xF3, false)
        case .psrlw: (0x66, 0xD1, false)
        case .psrld: (0x66, 0xD2, false)
        case .psrlq: (0x66, 0xD3, false)
        case .psraw: (0x66, 0xE1, false)
        case .psrad: (0x66, 0xE2, false)
        case .packsswb: (0x66, 0x63, false)
        case .packssdw: (0x66, 0x6B, false)
        case .packuswb: (0x66, 0x67, false)
        case .packusdw: (0x66, 0x2B, true)
        case .punpcklqdq: (0x66, 0x6C, false)
        case .addps: (0, 0x58, false)
        case .subps: (0, 0x5C, false)
        case .mulps: (0, 0x59, false)
        case .divps: (0, 0x5E, false)
        case .sqrtps: (0, 0x51, false)
        case .addpd: (0x66, 0x58, false)
        case .subpd: (0x66, 0x5C, false)
        case .mulpd: (0x66, 0x59, false)
        case .divpd: (0x66, 0x5E, false)
        case .sqrtpd: (0x66, 0x51, false)
        }
    }

    /// Whether the operation needs SSE4.1 (the others are SSE2, in every x86-64).
    public var needsSSE41: Bool { encoding.map38 }
}

/// Shifts of every lane by an immediate count (`66 0F 71/72/73 /digit ib`).
public enum X64PackedShift: CaseIterable, Sendable {
    case psllq, psrlq

    var encoding: (opcode: UInt8, digit: UInt8) {
        switch self {
        case .psllq: (0x73, 6)
        case .psrlq: (0x73, 2)
        }
    }
}

extension X64Assembler {
    /// `op dst, src`.
    public mutating func packed(_ o: X64PackedOp, _ dst: XMMRegister, _ src: XMMRegister) {
        let e = o.encoding
        if e.map38 {
            emit(0x66)
            rex(w: false, r: dst.high, x: 0, b: src.high)
            emit(0x0F, 0x38)
            emit(e.opcode)
            modrm(reg: dst.index, rm: src.index)
        } else {
            sse(e.prefix, e.opcode, reg: dst.index, rm: src.index)
        }
    }

    /// `op dst, imm` for the immediate shifts.
    public mutating func packed(_ o: X64PackedShift, _ dst: XMMRegister, imm: UInt8) {
        let e = o.encoding
        sse(0x66, e.opcode, reg: e.digit, rm: dst.index)
        emit(imm)
    }

    /// `movdqu dst, [m]`: an unaligned 128-bit load (value slots are 8-byte aligned).
    public mutating func loadVector(_ dst: XMMRegister, _ m: X64Memory) {
        sse(0xF3, 0x6F, reg: dst.index, m)
    }

    /// `movdqu [m], src`: an unaligned 128-bit store (also saving a vector register whole).
    public mutating func storeVector(_ m: X64Memory, _ src: XMMRegister) {
        sse(0xF3, 0x7F, reg: src.index, m)
    }

    /// `pshufd dst, src, order` (each 2-bit field of `order` picks a source dword).
    public mutating func pshufd(_ dst: XMMRegister, _ src: XMMRegister, _ order: UInt8) {
        sse(0x66, 0x70, reg: dst.index, rm: src.index)
        emit(order)
    }
}

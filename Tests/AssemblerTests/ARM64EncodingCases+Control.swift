import Assembler
import Testing

// Branches, system instructions, PC-relative addresses and floating point, words from
// llvm-mc 14. Branches to labels: `#n` is the byte distance from the branch.
extension ARM64Table {
    /// `branch` to a label bound after `gap` nops (forward) or before them (backward).
    mutating func branch(_ text: String, forward: Bool, gap: Int, _ words: UInt32...,
                         sourceLocation: SourceLocation = #_sourceLocation,
                         _ branch: @escaping @Sendable (inout ARM64Assembler, Label) -> Void) {
        let nops = Array(repeating: "nop", count: gap)
        let full = (forward ? [text] + nops : nops + [text]).joined(separator: "; ")
        cases.append(ARM64Case(text: full, words: words, baseAddress: 0, emit: { a in
            let l = a.newLabel()
            if forward {
                branch(&a, l)
                for _ in 0 ..< gap { a.nop() }
                a.bind(l)
            } else {
                a.bind(l)
                for _ in 0 ..< gap { a.nop() }
                branch(&a, l)
            }
        }, sourceLocation: sourceLocation))
    }

    mutating func control() {
        branch("b #0", forward: false, gap: 0, 0x1400_0000) { $0.b($1) }
        branch("b #-4", forward: false, gap: 1, 0xD503_201F, 0x17FF_FFFF) { $0.b($1) }
        branch("b #12", forward: true, gap: 2, 0x1400_0003, 0xD503_201F, 0xD503_201F) { $0.b($1) }
        branch("bl #4", forward: true, gap: 0, 0x9400_0001) { $0.bl($1) }
        branch("bl #-8", forward: false, gap: 2, 0xD503_201F, 0xD503_201F, 0x97FF_FFFE) { $0.bl($1) }
        let bcondWords: [UInt32] = [0x54FF_FFE0, 0x54FF_FFE1, 0x54FF_FFE2, 0x54FF_FFE3, 0x54FF_FFE4, 0x54FF_FFE5,
                                    0x54FF_FFE6, 0x54FF_FFE7, 0x54FF_FFE8, 0x54FF_FFE9, 0x54FF_FFEA, 0x54FF_FFEB,
                                    0x54FF_FFEC, 0x54FF_FFED, 0x54FF_FFEE, 0x54FF_FFEF]
        for (cond, word) in zip(ARM64Condition.allCases, bcondWords) {
            branch("b.\(cond) #-4", forward: false, gap: 1, 0xD503_201F, word) { $0.b(cond, $1) }
        }
        branch("b.ne #8", forward: true, gap: 1, 0x5400_0041, 0xD503_201F) { $0.b(.ne, $1) }
        branch("cbz x0, #8", forward: true, gap: 1, 0xB400_0040, 0xD503_201F) { $0.cbz(.x0, $1) }
        branch("cbz w30, #-4", forward: false, gap: 1, 0xD503_201F, 0x34FF_FFFE) { $0.cbz(.x30, $1, .b32) }
        branch("cbnz xzr, #4", forward: true, gap: 0, 0xB500_003F) { $0.cbnz(.zr, $1) }
        branch("cbnz w1, #-8", forward: false, gap: 2, 0xD503_201F, 0xD503_201F, 0x35FF_FFC1) { $0.cbnz(.x1, $1, .b32) }
        branch("tbz x0, #63, #8", forward: true, gap: 1, 0xB6F8_0040, 0xD503_201F) { $0.tbz(.x0, bit: 63, $1) }
        branch("tbz w5, #31, #-4", forward: false, gap: 1, 0xD503_201F, 0x36FF_FFE5) { $0.tbz(.x5, bit: 31, $1) }
        branch("tbnz w1, #0, #-4", forward: false, gap: 1, 0xD503_201F, 0x3707_FFE1) { $0.tbnz(.x1, bit: 0, $1) }
        branch("tbnz x30, #32, #4", forward: true, gap: 0, 0xB700_003E) { $0.tbnz(.x30, bit: 32, $1) }
        branch("adr x0, #0", forward: false, gap: 0, 0x1000_0000) { $0.adr(.x0, $1) }
        branch("adr x0, #-4", forward: false, gap: 1, 0xD503_201F, 0x10FF_FFE0) { $0.adr(.x0, $1) }
        branch("adr x30, #8", forward: true, gap: 1, 0x1000_005E, 0xD503_201F) { $0.adr(.x30, $1) }
        // adrp + add :lo12: at 0xFFC: the label at 0x1004 is one page up, 4 bytes into it.
        e("adrp x0, #4096; add x0, x0, #4", 0xB000_0000, 0x9100_1000, base: 0xFFC) { a in
            let l = a.newLabel()
            a.adrp(.x0, l)
            a.addPageOffset(.x0, .x0, l)
            a.bind(l)
        }
        e("nop; nop; nop; nop; adrp x1, #-4096; add x1, x1, #4092",
          0xD503_201F, 0xD503_201F, 0xD503_201F, 0xD503_201F, 0xF0FF_FFE1, 0x913F_F021, base: 0x1FF8) { a in
            let l = a.newLabel()
            a.nop()
            a.bind(l)
            a.nop()
            a.nop()
            a.nop()
            a.adrp(.x1, l)
            a.addPageOffset(.x1, .x1, l)
        }
        // The absolute address of a label at offset 16.
        e("movz x0, #0x10; movk x0, #0x9abc, lsl #16; movk x0, #0x5678, lsl #32; movk x0, #0x1234, lsl #48",
          0xD280_0200, 0xF2B3_5780, 0xF2CA_CF00, 0xF2E2_4680,
          base: 0x1234_5678_9ABC_0000) { a in
            let l = a.newLabel()
            a.movAbsolute(.x0, label: l)
            a.bind(l)
        }
        e("br x16", 0xD61F_0200) { $0.br(.x16) }
        e("br x0", 0xD61F_0000) { $0.br(.x0) }
        e("blr x30", 0xD63F_03C0) { $0.blr(.x30) }
        e("blr x1", 0xD63F_0020) { $0.blr(.x1) }
        e("ret", 0xD65F_03C0) { $0.ret() }
        e("ret x1", 0xD65F_0020) { $0.ret(.x1) }
        e("brk #0", 0xD420_0000) { $0.brk() }
        e("brk #0xffff", 0xD43F_FFE0) { $0.brk(0xFFFF) }
        e("udf #0", 0x0000_0000) { $0.udf() }
        e("udf #65535", 0x0000_FFFF) { $0.udf(65535) }
        e("nop", 0xD503_201F) { $0.nop() }
        e("dmb ish", 0xD503_3BBF) { $0.dmb() }
        e("dmb ishld", 0xD503_39BF) { $0.dmb(.ishld) }
        e("dmb ishst", 0xD503_3ABF) { $0.dmb(.ishst) }
        e("dmb sy", 0xD503_3FBF) { $0.dmb(.sy) }
        e("dsb ish", 0xD503_3B9F) { $0.dsb() }
        e("dsb sy", 0xD503_3F9F) { $0.dsb(.sy) }
        e("isb", 0xD503_3FDF) { $0.isb() }
        e("mrs x0, nzcv", 0xD53B_4200) { $0.mrs(.x0, .nzcv) }
        e("msr nzcv, x1", 0xD51B_4201) { $0.msr(.nzcv, .x1) }
        e("mrs x2, fpcr", 0xD53B_4402) { $0.mrs(.x2, .fpcr) }
        e("msr fpcr, x30", 0xD51B_441E) { $0.msr(.fpcr, .x30) }
        e("mrs x4, fpsr", 0xD53B_4424) { $0.mrs(.x4, .fpsr) }
        e("msr fpsr, xzr", 0xD51B_443F) { $0.msr(.fpsr, .zr) }
        e("mrs x5, tpidr_el0", 0xD53B_D045) { $0.mrs(.x5, .tpidrEL0) }
    }

    mutating func float() {
        let (s0, s1, s2) = (ARM64FPRegister(0), ARM64FPRegister(1), ARM64FPRegister(2))
        let (d29, d30, d31) = (ARM64FPRegister(29), ARM64FPRegister(30), ARM64FPRegister(31))
        e("fadd s0, s1, s2", 0x1E22_2820) { $0.float(.add, s0, s1, s2, .f32) }
        e("fadd d0, d1, d2", 0x1E62_2820) { $0.float(.add, s0, s1, s2, .f64) }
        e("fsub d31, d30, d29", 0x1E7D_3BDF) { $0.float(.sub, d31, d30, d29, .f64) }
        e("fmul s0, s1, s2", 0x1E22_0820) { $0.float(.mul, s0, s1, s2, .f32) }
        e("fdiv d0, d1, d2", 0x1E62_1820) { $0.float(.div, s0, s1, s2, .f64) }
        e("fmax s0, s1, s2", 0x1E22_4820) { $0.float(.max, s0, s1, s2, .f32) }
        e("fmin d0, d1, d2", 0x1E62_5820) { $0.float(.min, s0, s1, s2, .f64) }
        e("fmaxnm d0, d1, d2", 0x1E62_6820) { $0.float(.maxnm, s0, s1, s2, .f64) }
        e("fminnm s0, s1, s2", 0x1E22_7820) { $0.float(.minnm, s0, s1, s2, .f32) }
        e("fnmul d31, d30, d29", 0x1E7D_8BDF) { $0.float(.nmul, d31, d30, d29, .f64) }
        e("fmov s0, s1", 0x1E20_4020) { $0.fmov(s0, s1, .f32) }
        e("fmov d31, d0", 0x1E60_401F) { $0.fmov(d31, s0, .f64) }
        e("fabs d0, d1", 0x1E60_C020) { $0.float(.abs, s0, s1, .f64) }
        e("fneg s0, s1", 0x1E21_4020) { $0.float(.neg, s0, s1, .f32) }
        e("fsqrt d0, d1", 0x1E61_C020) { $0.float(.sqrt, s0, s1, .f64) }
        e("fsqrt s31, s30", 0x1E21_C3DF) { $0.float(.sqrt, d31, d30, .f32) }
        e("frintn s0, s1", 0x1E24_4020) { $0.float(.rintn, s0, s1, .f32) }
        e("frintp d0, d1", 0x1E64_C020) { $0.float(.rintp, s0, s1, .f64) }
        e("frintm s0, s1", 0x1E25_4020) { $0.float(.rintm, s0, s1, .f32) }
        e("frintz d0, d1", 0x1E65_C020) { $0.float(.rintz, s0, s1, .f64) }
        e("frinta d0, d1", 0x1E66_4020) { $0.float(.rinta, s0, s1, .f64) }
        e("frintx s0, s1", 0x1E27_4020) { $0.float(.rintx, s0, s1, .f32) }
        e("frinti d0, d1", 0x1E67_C020) { $0.float(.rinti, s0, s1, .f64) }
        e("fcvt d0, s1", 0x1E22_C020) { $0.fcvt(s0, s1, from: .f32, to: .f64) }
        e("fcvt s31, d30", 0x1E62_43DF) { $0.fcvt(d31, d30, from: .f64, to: .f32) }
        e("fcmp s0, s1", 0x1E21_2000) { $0.fcmp(s0, s1, .f32) }
        e("fcmp d30, d31", 0x1E7F_23C0) { $0.fcmp(d30, d31, .f64) }
        e("fcmp d0, #0.0", 0x1E60_2008) { $0.fcmpZero(s0, .f64) }
        e("fcmp s31, #0.0", 0x1E20_23E8) { $0.fcmpZero(d31, .f32) }
        e("fcsel d0, d1, d2, ne", 0x1E62_1C20) { $0.fcsel(s0, s1, s2, .ne, .f64) }
        e("fcsel s0, s1, s2, ge", 0x1E22_AC20) { $0.fcsel(s0, s1, s2, .ge, .f32) }
        e("fcsel d31, d30, d29, al", 0x1E7D_EFDF) { $0.fcsel(d31, d30, d29, .al, .f64) }
        // Conversions, every size pair.
        e("scvtf s0, w1", 0x1E22_0020) { $0.scvtf(s0, .x1, from: .b32, to: .f32) }
        e("scvtf d0, w1", 0x1E62_0020) { $0.scvtf(s0, .x1, from: .b32, to: .f64) }
        e("scvtf s0, x1", 0x9E22_0020) { $0.scvtf(s0, .x1, from: .b64, to: .f32) }
        e("scvtf d0, x1", 0x9E62_0020) { $0.scvtf(s0, .x1, from: .b64, to: .f64) }
        e("ucvtf s0, w1", 0x1E23_0020) { $0.ucvtf(s0, .x1, from: .b32, to: .f32) }
        e("ucvtf d0, w1", 0x1E63_0020) { $0.ucvtf(s0, .x1, from: .b32, to: .f64) }
        e("ucvtf s0, x1", 0x9E23_0020) { $0.ucvtf(s0, .x1, from: .b64, to: .f32) }
        e("ucvtf d31, xzr", 0x9E63_03FF) { $0.ucvtf(d31, .zr, from: .b64, to: .f64) }
        e("fcvtzs w0, s1", 0x1E38_0020) { $0.fcvtzs(.x0, s1, from: .f32, to: .b32) }
        e("fcvtzs x0, s1", 0x9E38_0020) { $0.fcvtzs(.x0, s1, from: .f32, to: .b64) }
        e("fcvtzs w0, d1", 0x1E78_0020) { $0.fcvtzs(.x0, s1, from: .f64, to: .b32) }
        e("fcvtzs x0, d1", 0x9E78_0020) { $0.fcvtzs(.x0, s1, from: .f64, to: .b64) }
        e("fcvtzu w0, s1", 0x1E39_0020) { $0.fcvtzu(.x0, s1, from: .f32, to: .b32) }
        e("fcvtzu x0, s1", 0x9E39_0020) { $0.fcvtzu(.x0, s1, from: .f32, to: .b64) }
        e("fcvtzu w0, d1", 0x1E79_0020) { $0.fcvtzu(.x0, s1, from: .f64, to: .b32) }
        e("fcvtzu x30, d31", 0x9E79_03FE) { $0.fcvtzu(.x30, d31, from: .f64, to: .b64) }
        e("fmov s0, w1", 0x1E27_0020) { $0.fmov(s0, .x1, .f32) }
        e("fmov d0, x1", 0x9E67_0020) { $0.fmov(s0, .x1, .f64) }
        e("fmov w0, s1", 0x1E26_0020) { $0.fmov(.x0, s1, .f32) }
        e("fmov x0, d1", 0x9E66_0020) { $0.fmov(.x0, s1, .f64) }
        e("fmov d31, xzr", 0x9E67_03FF) { $0.fmov(d31, .zr, .f64) }
        e("fmov s0, wzr", 0x1E27_03E0) { $0.fmov(s0, .zr, .f32) }
        // Immediates: ±(16...31)/16 × 2^(-3...4).
        e("fmov d0, #1.0", 0x1E6E_1000) { $0.fmov(s0, imm8: ARM64Assembler.fpImmediate((1.0).bitPattern, .f64)!, .f64) }
        e("fmov s0, #-2.0", 0x1E30_1000) {
            $0.fmov(s0, imm8: ARM64Assembler.fpImmediate(UInt64(Float(-2).bitPattern), .f32)!, .f32)
        }
        e("fmov d0, #0.125", 0x1E68_1000) {
            $0.fmov(s0, imm8: ARM64Assembler.fpImmediate((0.125).bitPattern, .f64)!, .f64)
        }
        e("fmov d0, #31.0", 0x1E67_F000) {
            $0.fmov(s0, imm8: ARM64Assembler.fpImmediate((31.0).bitPattern, .f64)!, .f64)
        }
        e("fmov s1, #-0.1328125", 0x1E38_3001) {
            $0.fmov(s1, imm8: ARM64Assembler.fpImmediate(UInt64(Float(-0.1328125).bitPattern), .f32)!, .f32)
        }
        e("fmov d0, #0.5", 0x1E6C_1000) { $0.loadFloatConstant(s0, bits: (0.5).bitPattern, .f64, scratch: .x16) }
        e("fmov d0, xzr", 0x9E67_03E0) { $0.loadFloatConstant(s0, bits: 0, .f64, scratch: .x16) }
        e("fmov s0, wzr", 0x1E27_03E0) { $0.loadFloatConstant(s0, bits: 0, .f32, scratch: .x16) }
        e("movz x16, #0x8000, lsl #48; fmov d0, x16", 0xD2F0_0010, 0x9E67_0200) {
            $0.loadFloatConstant(s0, bits: (-0.0).bitPattern, .f64, scratch: .x16)
        }
        e("movz x16, #0x2d18; movk x16, #0x5444, lsl #16; movk x16, #0x21fb, lsl #32; "
          + "movk x16, #0x4009, lsl #48; fmov d0, x16",
          0xD285_A310, 0xF2AA_8890, 0xF2C4_3F70, 0xF2E8_0130, 0x9E67_0200) {
            $0.loadFloatConstant(s0, bits: Double.pi.bitPattern, .f64, scratch: .x16)
        }
        e("movz w16, #0xcccd; movk w16, #0x3dcc, lsl #16; fmov s0, w16", 0x5299_99B0, 0x72A7_B990, 0x1E27_0200) {
            $0.loadFloatConstant(s0, bits: UInt64(Float(0.1).bitPattern), .f32, scratch: .x16)
        }
        // SIMD for scalar code.
        e("cnt v0.8b, v1.8b", 0x0E20_5820) { $0.cnt8B(s0, s1) }
        e("addv b0, v1.8b", 0x0E31_B820) { $0.addv8B(s0, s1) }
        e("fmov d31, x1; cnt v31.8b, v31.8b; addv b31, v31.8b; fmov w0, s31",
          0x9E67_003F, 0x0E20_5BFF, 0x0E31_BBFF, 0x1E26_03E0) {
            $0.popcount(.x0, .x1, via: d31)
        }
        e("fmov s2, w3; cnt v2.8b, v2.8b; addv b2, v2.8b; fmov w3, s2",
          0x1E27_0062, 0x0E20_5842, 0x0E31_B842, 0x1E26_0043) {
            $0.popcount(.x3, .x3, .b32, via: s2)
        }
        e("bsl v0.8b, v1.8b, v2.8b", 0x2E62_1C20) { $0.bsl8B(s0, s1, s2) }
        e("bit v0.8b, v1.8b, v2.8b", 0x2EA2_1C20) { $0.bit8B(s0, s1, s2) }
        e("bif v31.8b, v30.8b, v29.8b", 0x2EFD_1FDF) { $0.bif8B(d31, d30, d29) }
        e("mov v0.16b, v1.16b", 0x4EA1_1C20) { $0.movVector(s0, s1) }
    }
}

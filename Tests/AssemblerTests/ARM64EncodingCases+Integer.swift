import Assembler
import Testing

// Integer encodings, words from llvm-mc 14 (`--triple=aarch64 --show-encoding`).
extension ARM64Table {
    mutating func arithmetic() {
        // Shifted register.
        e("add x0, x1, x2", 0x8B02_0020) { $0.add(.x0, .x1, .x2) }
        e("add w30, w29, w28", 0x0B1C_03BE) { $0.add(.x30, .x29, .x28, .b32) }
        e("add x0, x1, xzr", 0x8B1F_0020) { $0.add(.x0, .x1, .zr) }
        e("add x0, x1, x2, lsl #63", 0x8B02_FC20) { $0.add(.x0, .x1, .x2, shift: .lsl, amount: 63) }
        e("add w3, w4, w5, asr #31", 0x0B85_7C83) { $0.add(.x3, .x4, .x5, .b32, shift: .asr, amount: 31) }
        e("adds x0, x1, x2, lsr #1", 0xAB42_0420) { $0.adds(.x0, .x1, .x2, shift: .lsr, amount: 1) }
        e("adds wzr, w1, w2", 0x2B02_003F) { $0.adds(.zr, .x1, .x2, .b32) }
        e("sub x0, x1, x2", 0xCB02_0020) { $0.sub(.x0, .x1, .x2) }
        e("sub x30, x30, x30, asr #63", 0xCB9E_FFDE) { $0.sub(.x30, .x30, .x30, shift: .asr, amount: 63) }
        e("subs w0, w1, w2", 0x6B02_0020) { $0.subs(.x0, .x1, .x2, .b32) }
        e("cmp x3, x4", 0xEB04_007F) { $0.cmp(.x3, .x4) }
        e("cmp w3, w4, lsl #2", 0x6B04_087F) { $0.cmp(.x3, .x4, .b32, shift: .lsl, amount: 2) }
        e("cmn x5, x6", 0xAB06_00BF) { $0.cmn(.x5, .x6) }
        e("cmn w5, w6", 0x2B06_00BF) { $0.cmn(.x5, .x6, .b32) }
        e("neg x7, x8", 0xCB08_03E7) { $0.neg(.x7, .x8) }
        e("neg w7, w8", 0x4B08_03E7) { $0.neg(.x7, .x8, .b32) }
        // sp operands take the extended-register form.
        e("add sp, sp, x0", 0x8B20_63FF) { $0.add(.sp, .sp, .x0) }
        e("add x0, sp, x1", 0x8B21_63E0) { $0.add(.x0, .sp, .x1) }
        e("add w0, wsp, w1", 0x0B21_43E0) { $0.add(.x0, .sp, .x1, .b32) }
        e("sub sp, sp, x2, lsl #4", 0xCB22_73FF) { $0.sub(.sp, .sp, .x2, shift: .lsl, amount: 4) }
        // Extended register.
        e("add x0, x1, w2, uxtw", 0x8B22_4020) { $0.add(.x0, .x1, .x2, extend: .uxtw) }
        e("add x0, x1, w2, sxtw #2", 0x8B22_C820) { $0.add(.x0, .x1, .x2, extend: .sxtw, amount: 2) }
        e("add x0, x1, w2, uxtb", 0x8B22_0020) { $0.add(.x0, .x1, .x2, extend: .uxtb) }
        e("add x0, x1, w2, sxth #1", 0x8B22_A420) { $0.add(.x0, .x1, .x2, extend: .sxth, amount: 1) }
        e("add x0, x1, x2, sxtx #4", 0x8B22_F020) { $0.add(.x0, .x1, .x2, extend: .sxtx, amount: 4) }
        e("add w0, w1, w2, uxth", 0x0B22_2020) { $0.add(.x0, .x1, .x2, extend: .uxth, amount: 0, .b32) }
        e("sub x0, sp, x3, lsl #4", 0xCB23_73E0) { $0.sub(.x0, .sp, .x3, extend: .lsl, amount: 4) }
        e("sub sp, x1, w2, sxtw", 0xCB22_C03F) { $0.sub(.sp, .x1, .x2, extend: .sxtw) }
        e("cmp x1, w2, uxtw", 0xEB22_403F) { $0.cmp(.x1, .x2, extend: .uxtw) }
        e("cmp sp, x2, lsl #3", 0xEB22_6FFF) { $0.cmp(.sp, .x2, extend: .lsl, amount: 3) }
        // Immediates.
        e("add x0, x1, #0", 0x9100_0020) { $0.add(.x0, .x1, imm12: 0) }
        e("add x0, x1, #4095", 0x913F_FC20) { $0.add(.x0, .x1, imm12: 4095) }
        e("add x0, x1, #4095, lsl #12", 0x917F_FC20) { $0.add(.x0, .x1, imm12: 4095, shifted: true) }
        e("add w0, w1, #1, lsl #12", 0x1140_0420) { $0.add(.x0, .x1, imm12: 1, shifted: true, .b32) }
        e("add sp, sp, #16", 0x9100_43FF) { $0.add(.sp, .sp, imm12: 16) }
        e("add x29, sp, #0", 0x9100_03FD) { $0.add(.x29, .sp, imm12: 0) }
        e("sub sp, sp, #4080", 0xD13F_C3FF) { $0.sub(.sp, .sp, imm12: 4080) }
        e("sub wsp, w30, #7", 0x5100_1FDF) { $0.sub(.sp, .x30, imm12: 7, .b32) }
        e("adds w0, w1, #1", 0x3100_0420) { $0.adds(.x0, .x1, imm12: 1, .b32) }
        e("adds x0, sp, #8", 0xB100_23E0) { $0.adds(.x0, .sp, imm12: 8) }
        e("subs x0, x1, #4095, lsl #12", 0xF17F_FC20) { $0.subs(.x0, .x1, imm12: 4095, shifted: true) }
        e("cmp x0, #0", 0xF100_001F) { $0.cmp(.x0, imm12: 0) }
        e("cmp w30, #4095", 0x713F_FFDF) { $0.cmp(.x30, imm12: 4095, .b32) }
        e("cmp sp, #8", 0xF100_23FF) { $0.cmp(.sp, imm12: 8) }
        e("cmn x1, #1, lsl #12", 0xB140_043F) { $0.cmn(.x1, imm12: 1, shifted: true) }
        // Any immediate: one instruction, two for 24 bits, else through the scratch register.
        e("add x0, x1, #1", 0x9100_0420) { $0.add(.x0, .x1, imm: 1, scratch: .x16) }
        e("sub x0, x1, #1", 0xD100_0420) { $0.add(.x0, .x1, imm: -1, scratch: .x16) }
        e("add x0, x1, #1, lsl #12", 0x9140_0420) { $0.add(.x0, .x1, imm: 4096, scratch: .x16) }
        e("add x0, x1, #18, lsl #12; add x0, x0, #1110", 0x9140_4820, 0x9111_5800) {
            $0.add(.x0, .x1, imm: 0x12456, scratch: .x16)
        }
        e("sub x0, x1, #4095, lsl #12; sub x0, x0, #4095", 0xD17F_FC20, 0xD13F_FC00) {
            $0.add(.x0, .x1, imm: -0xFF_FFFF, scratch: .x16)
        }
        e("add sp, sp, #1, lsl #12; add sp, sp, #16", 0x9140_07FF, 0x9100_43FF) {
            $0.add(.sp, .sp, imm: 4112, scratch: .x16)
        }
        e("movz w16, #256, lsl #16; add x0, x1, x16", 0x52A0_2010, 0x8B10_0020) {
            $0.add(.x0, .x1, imm: 0x100_0000, scratch: .x16)
        }
        e("movn x16, #0xffff, lsl #16; add x0, x1, x16", 0x92BF_FFF0, 0x8B10_0020) {
            $0.add(.x0, .x1, imm: -0x1_0000_0000 + 0xFFFF, scratch: .x16)
        }
        e("sub w0, w1, #1", 0x5100_0420) { $0.add(.x0, .x1, imm: 0xFFFF_FFFF, .b32, scratch: .x16) }
        e("movz w17, #0x4567; movk w17, #0x123, lsl #16; add w0, w1, w17", 0x5288_ACF1, 0x72A0_2471, 0x0B11_0020) {
            $0.add(.x0, .x1, imm: 0x123_4567, .b32, scratch: .x17)
        }
        e("sub x0, x1, #5", 0xD100_1420) { $0.sub(.x0, .x1, imm: 5, scratch: .x16) }
        e("add x0, x1, #5", 0x9100_1420) { $0.sub(.x0, .x1, imm: -5, scratch: .x16) }
        e("cmp x0, #5", 0xF100_141F) { $0.cmp(.x0, imm: 5, scratch: .x16) }
        e("cmn x0, #5", 0xB100_141F) { $0.cmp(.x0, imm: -5, scratch: .x16) }
        e("cmn w0, #1", 0x3100_041F) { $0.cmp(.x0, imm: 0xFFFF_FFFF, .b32, scratch: .x16) }
        e("cmp w0, #2, lsl #12", 0x7140_081F) { $0.cmp(.x0, imm: 0x2000, .b32, scratch: .x16) }
        e("movz w16, #0x3456; movk w16, #0x12, lsl #16; cmp x0, x16", 0x5286_8AD0, 0x72A0_0250, 0xEB10_001F) {
            $0.cmp(.x0, imm: 0x12_3456, scratch: .x16)
        }
        e("movn x16, #0x8000, lsl #48; cmp x0, x16", 0x92F0_0010, 0xEB10_001F) {
            $0.cmp(.x0, imm: Int64.max, scratch: .x16)
        }
    }

    mutating func logic() {
        e("and x0, x1, x2", 0x8A02_0020) { $0.and(.x0, .x1, .x2) }
        e("and w0, w1, w2", 0x0A02_0020) { $0.and(.x0, .x1, .x2, .b32) }
        e("orr x0, x1, x2", 0xAA02_0020) { $0.orr(.x0, .x1, .x2) }
        e("eor x0, x1, x2", 0xCA02_0020) { $0.eor(.x0, .x1, .x2) }
        e("ands w0, w1, w2", 0x6A02_0020) { $0.ands(.x0, .x1, .x2, .b32) }
        e("orr w0, w1, w2, ror #7", 0x2AC2_1C20) { $0.logical(.orr, .x0, .x1, .x2, .b32, shift: .ror, amount: 7) }
        e("eor x0, x1, x2, lsl #63", 0xCA02_FC20) { $0.logical(.eor, .x0, .x1, .x2, shift: .lsl, amount: 63) }
        e("and x30, xzr, x29, asr #1", 0x8A9D_07FE) { $0.logical(.and, .x30, .zr, .x29, shift: .asr, amount: 1) }
        e("ands x0, x1, x2, lsr #32", 0xEA42_8020) { $0.logical(.ands, .x0, .x1, .x2, shift: .lsr, amount: 32) }
        e("bic x0, x1, x2", 0x8A22_0020) { $0.bic(.x0, .x1, .x2) }
        e("orn w0, w1, w2", 0x2A22_0020) { $0.orn(.x0, .x1, .x2, .b32) }
        e("eon x0, x1, x2", 0xCA22_0020) { $0.eon(.x0, .x1, .x2) }
        e("tst x0, x1", 0xEA01_001F) { $0.tst(.x0, .x1) }
        e("tst w0, w1", 0x6A01_001F) { $0.tst(.x0, .x1, .b32) }
        e("mvn x0, x1", 0xAA21_03E0) { $0.mvn(.x0, .x1) }
        e("mvn w0, w1", 0x2A21_03E0) { $0.mvn(.x0, .x1, .b32) }
        e("mov x0, x1", 0xAA01_03E0) { $0.mov(.x0, .x1) }
        e("mov w0, wzr", 0x2A1F_03E0) { $0.mov(.x0, .zr, .b32) }
        e("mov x30, xzr", 0xAA1F_03FE) { $0.mov(.x30, .zr) }
        e("mov x0, sp", 0x9100_03E0) { $0.mov(.x0, .sp) }
        e("mov sp, x1", 0x9100_003F) { $0.mov(.sp, .x1) }
        e("mov wsp, w2", 0x1100_005F) { $0.mov(.sp, .x2, .b32) }
        // Bitmask immediates.
        e("and x0, x1, #0xff", 0x9240_1C20) { $0.logical(.and, .x0, .x1, bitmask: 0xFF) }
        e("and w0, w1, #0xff", 0x1200_1C20) { $0.logical(.and, .x0, .x1, bitmask: 0xFF, .b32) }
        e("orr x0, xzr, #0x5555555555555555", 0xB200_F3E0) {
            $0.logical(.orr, .x0, .zr, bitmask: 0x5555_5555_5555_5555)
        }
        e("eor x0, x1, #0x8000000000000000", 0xD241_0020) { $0.logical(.eor, .x0, .x1, bitmask: 0x8000_0000_0000_0000) }
        e("eor w0, w1, #0x80000000", 0x5201_0020) { $0.logical(.eor, .x0, .x1, bitmask: 0x8000_0000, .b32) }
        e("ands w0, w1, #0x80000001", 0x7201_0420) { $0.logical(.ands, .x0, .x1, bitmask: 0x8000_0001, .b32) }
        e("and sp, x0, #0xfffffffffffffff0", 0x927C_EC1F) { $0.logical(.and, .sp, .x0, bitmask: 0xFFFF_FFFF_FFFF_FFF0) }
        e("orr x30, x0, #0x7fffffffffffffff", 0xB240_F81E) {
            $0.logical(.orr, .x30, .x0, bitmask: 0x7FFF_FFFF_FFFF_FFFF)
        }
        e("and x0, x1, #0xfffffffffffffffe", 0x927F_F820) { $0.logical(.and, .x0, .x1, bitmask: 0xFFFF_FFFF_FFFF_FFFE) }
        e("and x0, x1, #0x1", 0x9240_0020) { $0.logical(.and, .x0, .x1, bitmask: 1) }
        e("orr w0, w1, #0x3c3c3c3c", 0x3206_CC20) { $0.logical(.orr, .x0, .x1, bitmask: 0x3C3C_3C3C, .b32) }
        e("eor x0, x1, #0xff00ff00ff00ff00", 0xD208_9C20) { $0.logical(.eor, .x0, .x1, bitmask: 0xFF00_FF00_FF00_FF00) }
        e("and x0, x1, #0xc000000000000003", 0x9242_0C20) { $0.logical(.and, .x0, .x1, bitmask: 0xC000_0000_0000_0003) }
        e("and w0, w1, #0xfffe0000", 0x120F_3820) { $0.logical(.and, .x0, .x1, bitmask: 0xFFFE_0000, .b32) }
        e("tst w2, #0x1", 0x7200_005F) { $0.tst(.x2, bitmask: 1, .b32) }
        e("tst x2, #0x8000000000000000", 0xF241_005F) { $0.tst(.x2, bitmask: 0x8000_0000_0000_0000) }
        // Any immediate.
        e("and x0, x1, #0xff", 0x9240_1C20) { $0.logical(.and, .x0, .x1, imm: 0xFF, scratch: .x16) }
        e("and w0, w1, #0xff", 0x1200_1C20) {
            $0.logical(.and, .x0, .x1, imm: 0xFFFF_FFFF_0000_00FF, .b32, scratch: .x16)
        }
        e("movz w16, #0x2345; movk w16, #0x1, lsl #16; and x0, x1, x16", 0x5284_68B0, 0x72A0_0030, 0x8A10_0020) {
            $0.logical(.and, .x0, .x1, imm: 0x1_2345, scratch: .x16)
        }
        e("movz w16, #0x1234; orr w0, w1, w16", 0x5282_4690, 0x2A10_0020) {
            $0.logical(.orr, .x0, .x1, imm: 0x1234, .b32, scratch: .x16)
        }
        e("movz w0, #0", 0x5280_0000) { $0.logical(.and, .x0, .x1, imm: 0, scratch: .x16) }
        e("mov x0, x1", 0xAA01_03E0) { $0.logical(.and, .x0, .x1, imm: ~0, scratch: .x16) }
        e("mov w0, w1", 0x2A01_03E0) { $0.logical(.orr, .x0, .x1, imm: 0, .b32, scratch: .x16) }
        e("movn x0, #0", 0x9280_0000) { $0.logical(.orr, .x0, .x1, imm: ~0, scratch: .x16) }
        e("movn w0, #0", 0x1280_0000) { $0.logical(.orr, .x0, .x1, imm: 0xFFFF_FFFF, .b32, scratch: .x16) }
        e("mvn x0, x1", 0xAA21_03E0) { $0.logical(.eor, .x0, .x1, imm: ~0, scratch: .x16) }
        e("ands x0, x1, xzr", 0xEA1F_0020) { $0.logical(.ands, .x0, .x1, imm: 0, scratch: .x16) }
        e("ands w0, w1, w1", 0x6A01_0020) { $0.logical(.ands, .x0, .x1, imm: 0xFFFF_FFFF, .b32, scratch: .x16) }
        e("tst x3, #0xff", 0xF240_1C7F) { $0.tst(.x3, imm: 0xFF, scratch: .x16) }
        e("movz w16, #0x1234; tst x3, x16", 0x5282_4690, 0xEA10_007F) { $0.tst(.x3, imm: 0x1234, scratch: .x16) }
    }

    mutating func moves() {
        e("movz x0, #0", 0xD280_0000) { $0.movz(.x0, 0) }
        e("movz x0, #0xffff, lsl #48", 0xD2FF_FFE0) { $0.movz(.x0, 0xFFFF, shift: 48) }
        e("movz w0, #0xffff, lsl #16", 0x52BF_FFE0) { $0.movz(.x0, 0xFFFF, shift: 16, .b32) }
        e("movz x30, #1, lsl #32", 0xD2C0_003E) { $0.movz(.x30, 1, shift: 32) }
        e("movn x1, #0x1234, lsl #32", 0x92C2_4681) { $0.movn(.x1, 0x1234, shift: 32) }
        e("movn w1, #0", 0x1280_0001) { $0.movn(.x1, 0, .b32) }
        e("movk x2, #0xbeef, lsl #16", 0xF2B7_DDE2) { $0.movk(.x2, 0xBEEF, shift: 16) }
        e("movk w2, #1", 0x7280_0022) { $0.movk(.x2, 1, .b32) }
        e("movk x30, #0xffff, lsl #48", 0xF2FF_FFFE) { $0.movk(.x30, 0xFFFF, shift: 48) }
        e("movz xzr, #1", 0xD280_003F) { $0.movz(.zr, 1) }
        // Constants (their values are checked by simulation in ARM64ConstantTests).
        e("movz w0, #0", 0x5280_0000) { $0.mov(.x0, imm: 0) }
        e("movz w0, #1", 0x5280_0020) { $0.mov(.x0, imm: 1) }
        e("movn x0, #0", 0x9280_0000) { $0.mov(.x0, imm: ~0) }
        e("movn w0, #0", 0x1280_0000) { $0.mov(.x0, imm: 0xFFFF_FFFF) }
        e("movz w0, #0xffff, lsl #16", 0x52BF_FFE0) { $0.mov(.x0, imm: 0xFFFF_0000) }
        e("movn x0, #0xedcb", 0x929D_B960) { $0.mov(.x0, imm: 0xFFFF_FFFF_FFFF_1234) }
        e("movz x0, #1, lsl #32", 0xD2C0_0020) { $0.mov(.x0, imm: 0x1_0000_0000) }
        e("movz x0, #0xdef0; movk x0, #0x9abc, lsl #16; movk x0, #0x5678, lsl #32; movk x0, #0x1234, lsl #48",
          0xD29B_DE00, 0xF2B3_5780, 0xF2CA_CF00, 0xF2E2_4680) {
            $0.mov(.x0, imm: 0x1234_5678_9ABC_DEF0)
        }
        e("orr x0, xzr, #0x5555555555555555", 0xB200_F3E0) { $0.mov(.x0, imm: 0x5555_5555_5555_5555) }
        e("orr x0, xzr, #0xffff0000ffff", 0xB200_3FE0) { $0.mov(.x0, imm: 0xFFFF_0000_FFFF) }
        e("orr w0, wzr, #0xff00ff", 0x3200_9FE0) { $0.mov(.x0, imm: 0x00FF_00FF) }
        e("movz x0, #0x5678; movk x0, #0x1234, lsl #48", 0xD28A_CF00, 0xF2E2_4680) {
            $0.mov(.x0, imm: 0x1234_0000_0000_5678)
        }
        e("orr x0, xzr, #0xff00ff00ff00ff; movk x0, #0x1234", 0xB200_9FE0, 0xF282_4680) {
            $0.mov(.x0, imm: 0x00FF_00FF_00FF_1234)
        }
        e("movn x0, #0xa987; movk x0, #0xedcb, lsl #16", 0x9295_30E0, 0xF2BD_B960) {
            $0.mov(.x0, imm: 0xFFFF_FFFF_EDCB_5678)
        }
        e("movz w0, #0x5678; movk w0, #0x1234, lsl #16", 0x528A_CF00, 0x72A2_4680) {
            $0.mov(.x0, imm: 0x1234_5678, .b32)
        }
        e("movn w0, #0x1", 0x1280_0020) { $0.mov(.x0, imm: UInt64(bitPattern: -2), .b32) }
        e("movn x0, #0x7fff, lsl #48", 0x92EF_FFE0) { $0.mov(.x0, imm: 0x8000_FFFF_FFFF_FFFF) }
        e("movz x0, #0x8000, lsl #48", 0xD2F0_0000) { $0.mov(.x0, imm: 0x8000_0000_0000_0000) }
    }

    mutating func bitfields() {
        e("lsl x0, x1, #1", 0xD37F_F820) { $0.lsl(.x0, .x1, imm: 1) }
        e("lsl x0, x1, #63", 0xD341_0020) { $0.lsl(.x0, .x1, imm: 63) }
        e("lsl w0, w1, #31", 0x5301_0020) { $0.lsl(.x0, .x1, imm: 31, .b32) }
        e("lsl x0, x1, #0", 0xD340_FC20) { $0.lsl(.x0, .x1, imm: 0) }
        e("lsr x0, x1, #63", 0xD37F_FC20) { $0.lsr(.x0, .x1, imm: 63) }
        e("lsr w0, w1, #0", 0x5300_7C20) { $0.lsr(.x0, .x1, imm: 0, .b32) }
        e("asr x0, x1, #5", 0x9345_FC20) { $0.asr(.x0, .x1, imm: 5) }
        e("asr w0, w1, #31", 0x131F_7C20) { $0.asr(.x0, .x1, imm: 31, .b32) }
        e("ror x0, x1, #13", 0x93C1_3420) { $0.ror(.x0, .x1, imm: 13) }
        e("ror w0, w1, #31", 0x1381_7C20) { $0.ror(.x0, .x1, imm: 31, .b32) }
        e("extr x0, x1, x2, #63", 0x93C2_FC20) { $0.extr(.x0, .x1, .x2, lsb: 63) }
        e("extr w0, w1, w2, #0", 0x1382_0020) { $0.extr(.x0, .x1, .x2, lsb: 0, .b32) }
        e("sbfm x0, x1, #1, #2", 0x9341_0820) { $0.sbfm(.x0, .x1, immr: 1, imms: 2) }
        e("bfm w0, w1, #31, #30", 0x331F_7820) { $0.bfm(.x0, .x1, immr: 31, imms: 30, .b32) }
        e("ubfm x30, xzr, #63, #0", 0xD37F_03FE) { $0.ubfm(.x30, .zr, immr: 63, imms: 0) }
        e("ubfx x0, x1, #8, #8", 0xD348_3C20) { $0.ubfx(.x0, .x1, lsb: 8, bits: 8) }
        e("ubfx x0, x1, #0, #64", 0xD340_FC20) { $0.ubfx(.x0, .x1, lsb: 0, bits: 64) }
        e("sbfx w0, w1, #31, #1", 0x131F_7C20) { $0.sbfx(.x0, .x1, lsb: 31, bits: 1, .b32) }
        e("ubfiz x0, x1, #2, #32", 0xD37E_7C20) { $0.ubfiz(.x0, .x1, lsb: 2, bits: 32) }
        e("ubfiz w0, w1, #0, #8", 0x5300_1C20) { $0.ubfiz(.x0, .x1, lsb: 0, bits: 8, .b32) }
        e("bfi x0, x1, #4, #60", 0xB37C_EC20) { $0.bfi(.x0, .x1, lsb: 4, bits: 60) }
        e("bfi w0, w1, #31, #1", 0x3301_0020) { $0.bfi(.x0, .x1, lsb: 31, bits: 1, .b32) }
        e("bfxil w0, w1, #3, #5", 0x3303_1C20) { $0.bfxil(.x0, .x1, lsb: 3, bits: 5, .b32) }
        e("sxtb x0, w1", 0x9340_1C20) { $0.sxtb(.x0, .x1) }
        e("sxtb w0, w1", 0x1300_1C20) { $0.sxtb(.x0, .x1, .b32) }
        e("sxth x0, w1", 0x9340_3C20) { $0.sxth(.x0, .x1) }
        e("sxth w0, w1", 0x1300_3C20) { $0.sxth(.x0, .x1, .b32) }
        e("sxtw x0, w1", 0x9340_7C20) { $0.sxtw(.x0, .x1) }
        e("sxtw x30, wzr", 0x9340_7FFE) { $0.sxtw(.x30, .zr) }
        e("uxtb w0, w1", 0x5300_1C20) { $0.uxtb(.x0, .x1) }
        e("uxth w0, w1", 0x5300_3C20) { $0.uxth(.x0, .x1) }
        // Variable shifts, bit counting and byte order.
        e("lsl x0, x1, x2", 0x9AC2_2020) { $0.lsl(.x0, .x1, .x2) }
        e("lsr w0, w1, w2", 0x1AC2_2420) { $0.lsr(.x0, .x1, .x2, .b32) }
        e("asr x0, x1, x2", 0x9AC2_2820) { $0.asr(.x0, .x1, .x2) }
        e("ror w0, w1, w2", 0x1AC2_2C20) { $0.ror(.x0, .x1, .x2, .b32) }
        e("ror x30, xzr, x29", 0x9ADD_2FFE) { $0.ror(.x30, .zr, .x29) }
        e("rbit x0, x1", 0xDAC0_0020) { $0.rbit(.x0, .x1) }
        e("rbit w0, w1", 0x5AC0_0020) { $0.rbit(.x0, .x1, .b32) }
        e("clz x0, x1", 0xDAC0_1020) { $0.clz(.x0, .x1) }
        e("clz w30, w29", 0x5AC0_13BE) { $0.clz(.x30, .x29, .b32) }
        e("cls x0, x1", 0xDAC0_1420) { $0.cls(.x0, .x1) }
        e("rev x0, x1", 0xDAC0_0C20) { $0.rev(.x0, .x1) }
        e("rev w0, w1", 0x5AC0_0820) { $0.rev(.x0, .x1, .b32) }
        e("rev16 w0, w1", 0x5AC0_0420) { $0.rev16(.x0, .x1, .b32) }
        e("rev16 x0, x1", 0xDAC0_0420) { $0.rev16(.x0, .x1) }
    }

    mutating func multiplyAndSelect() {
        e("madd x0, x1, x2, x3", 0x9B02_0C20) { $0.madd(.x0, .x1, .x2, .x3) }
        e("madd w30, w29, w28, w27", 0x1B1C_6FBE) { $0.madd(.x30, .x29, .x28, .x27, .b32) }
        e("msub w0, w1, w2, w3", 0x1B02_8C20) { $0.msub(.x0, .x1, .x2, .x3, .b32) }
        e("msub x0, x1, x2, x3", 0x9B02_8C20) { $0.msub(.x0, .x1, .x2, .x3) }
        e("mul x0, x1, x2", 0x9B02_7C20) { $0.mul(.x0, .x1, .x2) }
        e("mul w0, w1, w2", 0x1B02_7C20) { $0.mul(.x0, .x1, .x2, .b32) }
        e("mneg x0, x1, x2", 0x9B02_FC20) { $0.mneg(.x0, .x1, .x2) }
        e("smull x0, w1, w2", 0x9B22_7C20) { $0.smull(.x0, .x1, .x2) }
        e("umull x0, w1, w2", 0x9BA2_7C20) { $0.umull(.x0, .x1, .x2) }
        e("smulh x0, x1, x2", 0x9B42_7C20) { $0.smulh(.x0, .x1, .x2) }
        e("umulh x30, x29, x28", 0x9BDC_7FBE) { $0.umulh(.x30, .x29, .x28) }
        e("udiv x0, x1, x2", 0x9AC2_0820) { $0.udiv(.x0, .x1, .x2) }
        e("udiv w0, w1, w2", 0x1AC2_0820) { $0.udiv(.x0, .x1, .x2, .b32) }
        e("sdiv x0, x1, x2", 0x9AC2_0C20) { $0.sdiv(.x0, .x1, .x2) }
        e("sdiv w30, w29, w28", 0x1ADC_0FBE) { $0.sdiv(.x30, .x29, .x28, .b32) }
        e("csel x0, x1, x2, eq", 0x9A82_0020) { $0.csel(.x0, .x1, .x2, .eq) }
        e("csel w0, w1, w2, al", 0x1A82_E020) { $0.csel(.x0, .x1, .x2, .al, .b32) }
        e("csel x30, xzr, x29, nv", 0x9A9D_F3FE) { $0.csel(.x30, .zr, .x29, .nv) }
        e("csinc x0, x1, x2, hs", 0x9A82_2420) { $0.csinc(.x0, .x1, .x2, .hs) }
        e("csinv w0, w1, w2, lo", 0x5A82_3020) { $0.csinv(.x0, .x1, .x2, .lo, .b32) }
        e("csneg x0, x1, x2, gt", 0xDA82_C420) { $0.csneg(.x0, .x1, .x2, .gt) }
        e("cset w0, eq", 0x1A9F_17E0) { $0.cset(.x0, .eq, .b32) }
        e("cset x0, le", 0x9A9F_C7E0) { $0.cset(.x0, .le) }
        e("csetm x0, ne", 0xDA9F_03E0) { $0.csetm(.x0, .ne) }
        e("cinc x0, x1, mi", 0x9A81_5420) { $0.cinc(.x0, .x1, .mi) }
        e("cneg w0, w1, pl", 0x5A81_4420) { $0.cneg(.x0, .x1, .pl, .b32) }
        let csetWords: [UInt32] = [0x1A9F_17E1, 0x1A9F_07E1, 0x1A9F_37E1, 0x1A9F_27E1, 0x1A9F_57E1, 0x1A9F_47E1,
                                   0x1A9F_77E1, 0x1A9F_67E1, 0x1A9F_97E1, 0x1A9F_87E1, 0x1A9F_B7E1, 0x1A9F_A7E1,
                                   0x1A9F_D7E1, 0x1A9F_C7E1]
        for (cond, word) in zip(ARM64Condition.allCases, csetWords) {
            e("cset w1, \(cond)", word) { $0.cset(.x1, cond, .b32) }
        }
        e("ccmp x0, x1, #0, eq", 0xFA41_0000) { $0.ccmp(.x0, .x1, nzcv: 0, .eq) }
        e("ccmp w0, #31, #15, ne", 0x7A5F_180F) { $0.ccmp(.x0, imm5: 31, nzcv: 15, .ne, .b32) }
        e("ccmn x0, x1, #4, vs", 0xBA41_6004) { $0.ccmn(.x0, .x1, nzcv: 4, .vs) }
        e("ccmn w0, #0, #0, vc", 0x3A40_7800) { $0.ccmn(.x0, imm5: 0, nzcv: 0, .vc, .b32) }
    }
}

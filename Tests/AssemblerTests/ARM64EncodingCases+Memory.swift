import Assembler
import Testing

// Loads, stores, pairs and literals, words from llvm-mc 14.
extension ARM64Table {
    mutating func memory() {
        // Unsigned scaled offsets, up to 4095 times the size.
        e("ldr x0, [x1]", 0xF940_0020) { $0.load(.x0, .offset(.x1, 0)) }
        e("ldr x0, [sp, #32760]", 0xF97F_FFE0) { $0.load(.x0, .offset(.sp, 32760)) }
        e("ldr w0, [x1, #16380]", 0xB97F_FC20) { $0.load(.x0, .offset(.x1, 16380), .ldrW) }
        e("ldrh w0, [x1, #8190]", 0x797F_FC20) { $0.load(.x0, .offset(.x1, 8190), .ldrh) }
        e("ldrb w0, [x1, #4095]", 0x397F_FC20) { $0.load(.x0, .offset(.x1, 4095), .ldrb) }
        e("ldrsb x0, [x1, #1]", 0x3980_0420) { $0.load(.x0, .offset(.x1, 1), .ldrsbX) }
        e("ldrsb w0, [x1]", 0x39C0_0020) { $0.load(.x0, .offset(.x1, 0), .ldrsbW) }
        e("ldrsh x0, [x1, #2]", 0x7980_0420) { $0.load(.x0, .offset(.x1, 2), .ldrshX) }
        e("ldrsh w0, [x1, #4]", 0x79C0_0820) { $0.load(.x0, .offset(.x1, 4), .ldrshW) }
        e("ldrsw x0, [x1, #8]", 0xB980_0820) { $0.load(.x0, .offset(.x1, 8), .ldrsw) }
        e("ldrsw x30, [sp, #16380]", 0xB9BF_FFFE) { $0.load(.x30, .offset(.sp, 16380), .ldrsw) }
        e("strb w0, [x1, #4095]", 0x393F_FC20) { $0.store(.x0, .offset(.x1, 4095), .strb) }
        e("strh w0, [sp, #2]", 0x7900_07E0) { $0.store(.x0, .offset(.sp, 2), .strh) }
        e("str w0, [x1, #4]", 0xB900_0420) { $0.store(.x0, .offset(.x1, 4), .strW) }
        e("str x30, [sp, #8]", 0xF900_07FE) { $0.store(.x30, .offset(.sp, 8)) }
        e("str xzr, [x0]", 0xF900_001F) { $0.store(.zr, .offset(.x0, 0)) }
        e("strb wzr, [x30, #1]", 0x3900_07DF) { $0.store(.zr, .offset(.x30, 1), .strb) }
        // Unscaled: negative, misaligned or forced.
        e("ldur x0, [x1, #-8]", 0xF85F_8020) { $0.load(.x0, .offset(.x1, -8)) }
        e("ldur x0, [x1, #-256]", 0xF850_0020) { $0.load(.x0, .offset(.x1, -256)) }
        e("ldur w0, [x1, #255]", 0xB84F_F020) { $0.load(.x0, .offset(.x1, 255), .ldrW) }
        e("ldur x0, [x1, #1]", 0xF840_1020) { $0.load(.x0, .offset(.x1, 1)) }
        e("ldurb w0, [x1, #-1]", 0x385F_F020) { $0.load(.x0, .offset(.x1, -1), .ldrb) }
        e("ldurh w0, [x1, #3]", 0x7840_3020) { $0.load(.x0, .offset(.x1, 3), .ldrh) }
        e("ldursb x0, [x1, #-128]", 0x3898_0020) { $0.load(.x0, .offset(.x1, -128), .ldrsbX) }
        e("ldursh w0, [x1, #-2]", 0x78DF_E020) { $0.load(.x0, .offset(.x1, -2), .ldrshW) }
        e("ldursw x0, [x1, #-4]", 0xB89F_C020) { $0.load(.x0, .offset(.x1, -4), .ldrsw) }
        e("stur x0, [sp, #-16]", 0xF81F_03E0) { $0.store(.x0, .unscaled(.sp, -16)) }
        e("ldur x0, [x1, #8]", 0xF840_8020) { $0.load(.x0, .unscaled(.x1, 8)) }
        e("sturh w2, [x3, #255]", 0x780F_F062) { $0.store(.x2, .offset(.x3, 255), .strh) }
        e("sturb w2, [x3, #-256]", 0x3810_0062) { $0.store(.x2, .offset(.x3, -256), .strb) }
        // Pre- and post-index.
        e("ldr x0, [x1, #8]!", 0xF840_8C20) { $0.load(.x0, .preIndex(.x1, 8)) }
        e("ldr x0, [x1], #-256", 0xF850_0420) { $0.load(.x0, .postIndex(.x1, -256)) }
        e("str x30, [sp, #-16]!", 0xF81F_0FFE) { $0.store(.x30, .preIndex(.sp, -16)) }
        e("ldr x30, [sp], #16", 0xF841_07FE) { $0.load(.x30, .postIndex(.sp, 16)) }
        e("strb w0, [x1], #255", 0x380F_F420) { $0.store(.x0, .postIndex(.x1, 255), .strb) }
        e("ldrsw x0, [x1, #-4]!", 0xB89F_CC20) { $0.load(.x0, .preIndex(.x1, -4), .ldrsw) }
        e("ldrh w0, [x1], #2", 0x7840_2420) { $0.load(.x0, .postIndex(.x1, 2), .ldrh) }
        // Register offsets.
        e("ldr x0, [x1, x2]", 0xF862_6820) { $0.load(.x0, .indexed(.x1, .x2)) }
        e("ldr x0, [x1, x2, lsl #3]", 0xF862_7820) { $0.load(.x0, .indexed(.x1, .x2, scaled: true)) }
        e("ldr w0, [x1, w2, uxtw]", 0xB862_4820) { $0.load(.x0, .indexed(.x1, .x2, .uxtw), .ldrW) }
        e("ldr w0, [x1, w2, uxtw #2]", 0xB862_5820) { $0.load(.x0, .indexed(.x1, .x2, .uxtw, scaled: true), .ldrW) }
        e("ldrb w0, [x1, w2, sxtw]", 0x3862_C820) { $0.load(.x0, .indexed(.x1, .x2, .sxtw), .ldrb) }
        e("ldrb w0, [x1, x2, lsl #0]", 0x3862_7820) { $0.load(.x0, .indexed(.x1, .x2, scaled: true), .ldrb) }
        e("ldrh w0, [x1, x2, sxtx #1]", 0x7862_F820) { $0.load(.x0, .indexed(.x1, .x2, .sxtx, scaled: true), .ldrh) }
        e("ldrsw x0, [x1, w2, sxtw #2]", 0xB8A2_D820) { $0.load(.x0, .indexed(.x1, .x2, .sxtw, scaled: true), .ldrsw) }
        e("ldrsh x0, [x1, w2, uxtw]", 0x78A2_4820) { $0.load(.x0, .indexed(.x1, .x2, .uxtw), .ldrshX) }
        e("str x0, [sp, x2, sxtx]", 0xF822_EBE0) { $0.store(.x0, .indexed(.sp, .x2, .sxtx)) }
        e("strh w0, [x1, w30, uxtw #1]", 0x783E_5820) { $0.store(.x0, .indexed(.x1, .x30, .uxtw, scaled: true), .strh) }
        e("str xzr, [x1, xzr]", 0xF83F_683F) { $0.store(.zr, .indexed(.x1, .zr)) }
        // FP registers.
        e("ldr s0, [x1, #16380]", 0xBD7F_FC20) { $0.load(ARM64FPRegister(0), .offset(.x1, 16380), .s) }
        e("ldr d31, [sp, #32760]", 0xFD7F_FFFF) { $0.load(ARM64FPRegister(31), .offset(.sp, 32760), .d) }
        e("ldr q0, [x1, #65520]", 0x3DFF_FC20) { $0.load(ARM64FPRegister(0), .offset(.x1, 65520), .q) }
        e("str s1, [x2]", 0xBD00_0041) { $0.store(ARM64FPRegister(1), .offset(.x2, 0), .s) }
        e("str d1, [x2, #8]", 0xFD00_0441) { $0.store(ARM64FPRegister(1), .offset(.x2, 8), .d) }
        e("stur d1, [x2, #-8]", 0xFC1F_8041) { $0.store(ARM64FPRegister(1), .offset(.x2, -8), .d) }
        e("ldur q2, [x2, #8]", 0x3CC0_8042) { $0.load(ARM64FPRegister(2), .offset(.x2, 8), .q) }
        e("str q1, [sp, #-16]!", 0x3C9F_0FE1) { $0.store(ARM64FPRegister(1), .preIndex(.sp, -16), .q) }
        e("ldr d0, [x1], #8", 0xFC40_8420) { $0.load(ARM64FPRegister(0), .postIndex(.x1, 8), .d) }
        e("ldr s0, [x1, #-4]!", 0xBC5F_CC20) { $0.load(ARM64FPRegister(0), .preIndex(.x1, -4), .s) }
        e("ldr d0, [x1, x2, lsl #3]", 0xFC62_7820) { $0.load(ARM64FPRegister(0), .indexed(.x1, .x2, scaled: true), .d) }
        e("ldr s0, [x1, w2, uxtw #2]", 0xBC62_5820) {
            $0.load(ARM64FPRegister(0), .indexed(.x1, .x2, .uxtw, scaled: true), .s)
        }
        e("str q3, [x0, x1]", 0x3CA1_6803) { $0.store(ARM64FPRegister(3), .indexed(.x0, .x1), .q) }
        e("ldr q3, [x0, x1, lsl #4]", 0x3CE1_7803) { $0.load(ARM64FPRegister(3), .indexed(.x0, .x1, scaled: true), .q) }
        // Pairs.
        e("stp x29, x30, [sp, #-16]!", 0xA9BF_7BFD) { $0.storePair(.x29, .x30, .preIndex(.sp, -16)) }
        e("ldp x29, x30, [sp], #16", 0xA8C1_7BFD) { $0.loadPair(.x29, .x30, .postIndex(.sp, 16)) }
        e("stp x0, x1, [sp, #504]", 0xA91F_87E0) { $0.storePair(.x0, .x1, .offset(.sp, 504)) }
        e("ldp x0, x1, [x2, #-512]", 0xA960_0440) { $0.loadPair(.x0, .x1, .offset(.x2, -512)) }
        e("stp xzr, xzr, [x0]", 0xA900_7C1F) { $0.storePair(.zr, .zr, .offset(.x0, 0)) }
        e("stp w0, w1, [x2, #252]", 0x291F_8440) { $0.storePair(.x0, .x1, .offset(.x2, 252), .b32) }
        e("ldp w0, w1, [x2, #-256]", 0x2960_0440) { $0.loadPair(.x0, .x1, .offset(.x2, -256), .b32) }
        e("ldp w0, w1, [sp, #8]!", 0x29C1_07E0) { $0.loadPair(.x0, .x1, .preIndex(.sp, 8), .b32) }
        e("stp d8, d9, [sp, #-16]!", 0x6DBF_27E8) {
            $0.storePair(ARM64FPRegister(8), ARM64FPRegister(9), .preIndex(.sp, -16), .d)
        }
        e("ldp d8, d9, [sp], #16", 0x6CC1_27E8) {
            $0.loadPair(ARM64FPRegister(8), ARM64FPRegister(9), .postIndex(.sp, 16), .d)
        }
        e("ldp s0, s1, [x0, #4]", 0x2D40_8400) {
            $0.loadPair(ARM64FPRegister(0), ARM64FPRegister(1), .offset(.x0, 4), .s)
        }
        e("stp q0, q1, [sp, #-1024]!", 0xADA0_07E0) {
            $0.storePair(ARM64FPRegister(0), ARM64FPRegister(1), .preIndex(.sp, -1024), .q)
        }
        e("ldp q30, q31, [sp, #1008]", 0xAD5F_FFFE) {
            $0.loadPair(ARM64FPRegister(30), ARM64FPRegister(31), .offset(.sp, 1008), .q)
        }
        // Any offset: through the scratch register when it does not encode.
        e("ldr x0, [x1, #8]", 0xF940_0420) { $0.load(.x0, base: .x1, offset: 8, scratch: .x16) }
        e("ldur x0, [x1, #-8]", 0xF85F_8020) { $0.load(.x0, base: .x1, offset: -8, scratch: .x16) }
        e("movz w16, #0x8000; ldr x0, [x1, x16]", 0x5290_0010, 0xF870_6820) {
            $0.load(.x0, base: .x1, offset: 32768, scratch: .x16)
        }
        e("movn x16, #0x100; ldr x0, [x1, x16]", 0x9280_2010, 0xF870_6820) {
            $0.load(.x0, base: .x1, offset: -257, scratch: .x16)
        }
        e("ldrb w0, [x1, #4095]", 0x397F_FC20) { $0.load(.x0, base: .x1, offset: 4095, .ldrb, scratch: .x16) }
        e("movz w16, #0x1000; ldrb w0, [x1, x16]", 0x5282_0010, 0x3870_6820) {
            $0.load(.x0, base: .x1, offset: 4096, .ldrb, scratch: .x16)
        }
        e("movn w17, #0; ldrsh x0, [x1, x17]", 0x1280_0011, 0x78B1_6820) {
            $0.load(.x0, base: .x1, offset: 0xFFFF_FFFF, .ldrshX, scratch: .x17)
        }
        e("str w0, [sp, #16380]", 0xB93F_FFE0) { $0.store(.x0, base: .sp, offset: 16380, .strW, scratch: .x16) }
        e("movz w16, #0x4000; str w0, [sp, x16]", 0x5288_0010, 0xB830_6BE0) {
            $0.store(.x0, base: .sp, offset: 16384, .strW, scratch: .x16)
        }
        e("ldr d0, [x1, #8]", 0xFD40_0420) { $0.load(ARM64FPRegister(0), base: .x1, offset: 8, .d, scratch: .x16) }
        e("movz w16, #0x10, lsl #16; ldr d0, [x1, x16]", 0x52A0_0210, 0xFC70_6820) {
            $0.load(ARM64FPRegister(0), base: .x1, offset: 0x10_0000, .d, scratch: .x16)
        }
        e("movz x16, #1, lsl #32; str s0, [x1, x16]", 0xD2C0_0030, 0xBC30_6820) {
            $0.store(ARM64FPRegister(0), base: .x1, offset: 0x1_0000_0000, .s, scratch: .x16)
        }
        // Literals.
        e("nop; ldr x0, #-4", 0xD503_201F, 0x58FF_FFE0) { a in
            let l = a.newLabel()
            a.bind(l)
            a.nop()
            a.load(.x0, literal: l)
        }
        e("ldr w0, #8; nop", 0x1800_0040, 0xD503_201F) { a in
            let l = a.newLabel()
            a.load(.x0, literal: l, .ldrW)
            a.nop()
            a.bind(l)
        }
        e("ldrsw x30, #4", 0x9800_003E) { a in
            let l = a.newLabel()
            a.load(.x30, literal: l, .ldrsw)
            a.bind(l)
        }
        e("ldr d1, #0", 0x5C00_0001) { a in
            let l = a.newLabel()
            a.bind(l)
            a.load(ARM64FPRegister(1), literal: l, .d)
        }
        e("ldr s2, #4", 0x1C00_0022) { a in
            let l = a.newLabel()
            a.load(ARM64FPRegister(2), literal: l, .s)
            a.bind(l)
        }
        e("ldr q3, #8; nop", 0x9C00_0043, 0xD503_201F) { a in
            let l = a.newLabel()
            a.load(ARM64FPRegister(3), literal: l, .q)
            a.nop()
            a.bind(l)
        }
    }
}

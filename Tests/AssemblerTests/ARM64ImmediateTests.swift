import Testing
@testable import Assembler

/// The immediate encodings: bitmask (logical) immediates, fmov immediates and the
/// constant-materialising `mov`, checked against independent decoders written from the
/// architecture's pseudocode and against llvm-mc's acceptance.
struct ARM64ImmediateTests {
    /// DecodeBitMasks (Arm ARM, shared/functions/bitmasks): the value of an N:immr:imms field.
    static func decodeBitMasks(n: Int, immr: Int, imms: Int, width: Int) -> UInt64? {
        let combined = n << 6 | (~imms & 0x3F)
        guard combined != 0 else { return nil }
        let len = Int.bitWidth - 1 - combined.leadingZeroBitCount
        guard len >= 1, width == 64 || n == 0 else { return nil }
        let levels = (1 << len) - 1
        let s = imms & levels, r = immr & levels
        guard s != levels else { return nil }
        let esize = 1 << len
        var element = [Bool](repeating: false, count: esize)
        for i in 0 ... s { element[(i - r + esize) % esize] = true }  // ones(s + 1) rotated right by r
        var value: UInt64 = 0
        for bit in 0 ..< width where element[bit % esize] { value |= 1 << bit }
        return value
    }

    /// Every value with a bitmask encoding for `width`, with its field.
    static func allBitmasks(width: Int) -> [UInt64: UInt32] {
        var all: [UInt64: UInt32] = [:]
        for n in 0 ... 1 {
            for immr in 0 ..< 64 {
                for imms in 0 ..< 64 {
                    guard let v = decodeBitMasks(n: n, immr: immr, imms: imms, width: width) else { continue }
                    all[v] = UInt32(n << 12 | immr << 6 | imms)
                }
            }
        }
        return all
    }

    static let bitmasks64 = allBitmasks(width: 64)
    static let bitmasks32 = allBitmasks(width: 32)

    /// A deterministic stream of 64-bit values (SplitMix64).
    struct Values: IteratorProtocol {
        var state: UInt64
        mutating func next() -> UInt64? {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func everyBitmaskEncodesAndNothingElseDoes() {
        #expect(Self.bitmasks64.count == 5334)
        #expect(Self.bitmasks32.count == 1302)
        for (bitmasks, width) in [(Self.bitmasks64, ARM64Width.b64), (Self.bitmasks32, .b32)] {
            for value in bitmasks.keys {
                guard let field = ARM64Assembler.logicalImmediate(value, width) else {
                    Issue.record("0x\(String(value, radix: 16)) not encoded")
                    continue
                }
                // The pseudocode's decoding of our field gives the value back.
                let decoded = Self.decodeBitMasks(n: Int(field >> 12), immr: Int(field >> 6 & 63),
                                                  imms: Int(field & 63), width: width == .b64 ? 64 : 32)
                #expect(decoded == value, "0x\(String(value, radix: 16))")
                #expect(ARM64Assembler.decodeLogicalImmediate(field, width) == value)
            }
            // Values next to bitmasks and random ones: encoded exactly when they are bitmasks.
            var candidates: [UInt64] = [0, ~0, 0xFFFF_FFFF, 0x1_0000_0000, 0x8000_0000_0000_0001, 0x1234_5678]
            for value in bitmasks.keys.sorted().prefix(1000) {
                candidates += [value ^ 1, value ^ (1 << 31), value &+ 1, value ^ (1 << 63)]
            }
            var values = Values(state: 42)
            for _ in 0 ..< 20000 {
                let v = values.next()!
                candidates += [v, v & 0xFFFF_FFFF, v & (v >> 1), v | (v << 3)]
            }
            let mask: UInt64 = width == .b64 ? ~0 : 0xFFFF_FFFF
            for v in candidates where v & mask == v {
                #expect((ARM64Assembler.logicalImmediate(v, width) != nil) == (bitmasks[v] != nil),
                        "0x\(String(v, radix: 16))")
            }
        }
    }

    @Test func bitmaskAcceptanceMatchesLLVMMC() throws {
        var candidates: [(UInt64, ARM64Width)] = []
        var values = Values(state: 7)
        for (bitmasks, width) in [(Self.bitmasks64, ARM64Width.b64), (Self.bitmasks32, .b32)] {
            let sorted = bitmasks.keys.sorted()
            let mask: UInt64 = width == .b64 ? ~0 : 0xFFFF_FFFF
            for i in stride(from: 0, to: sorted.count, by: width == .b64 ? 13 : 4) {
                candidates.append((sorted[i], width))  // accepted
                candidates.append(((sorted[i] ^ (1 << UInt64(i % (width == .b64 ? 64 : 32)))) & mask, width))
            }
            for _ in 0 ..< 150 { candidates.append((values.next()! & mask, width)) }
            candidates += [(0, width), (mask, width), (mask - 1, width), (mask >> 1, width), (1, width)]
        }
        let texts = candidates.map { v, w in
            w == .b64 ? "and x0, x1, #0x\(String(v, radix: 16))" : "and w0, w1, #0x\(String(v, radix: 16))"
        }
        guard let llvm = try LLVMMC.encodeAArch64(texts) else {
            print("note: \(LLVMMC.path) not found; bitmask acceptance not compared")
            return
        }
        var accepted = 0
        for ((v, width), (text, words)) in zip(candidates, zip(texts, llvm)) {
            let ours = ARM64Assembler.logicalImmediate(v, width)
            #expect((ours != nil) == !words.isEmpty, "\(text)")
            guard ours != nil, !words.isEmpty else { continue }
            accepted += 1
            var a = ARM64Assembler()
            a.logical(.and, .x0, .x1, bitmask: v, width)
            #expect(hex(a.words) == hex(words), "\(text)")
        }
        print("ARM64: \(texts.count) bitmask candidates checked against llvm-mc (\(accepted) encodable)")
    }

    // MARK: fmov immediates

    /// VFPExpandImm: the float an 8-bit fmov immediate stands for, as bits.
    static func expandFPImmediate(_ imm8: UInt8, f64: Bool) -> UInt64 {
        let (e, f) = f64 ? (11, 52) : (8, 23)
        let sign = UInt64(imm8 >> 7), b = UInt64(imm8 >> 6 & 1), cd = UInt64(imm8 >> 4 & 3), efgh = UInt64(imm8 & 15)
        var exponent = (b ^ 1) << (e - 1)
        if b == 1 { exponent |= ((1 << (e - 3)) - 1) << 2 }
        exponent |= cd
        return sign << (e + f) | exponent << f | efgh << (f - 4)
    }

    @Test func fmovImmediatesRoundTripAndMatchLLVMMC() throws {
        var texts: [String] = [], words: [UInt32] = []
        for imm8 in UInt8.min ... UInt8.max {
            let d = Self.expandFPImmediate(imm8, f64: true), s = Self.expandFPImmediate(imm8, f64: false)
            #expect(ARM64Assembler.fpImmediate(d, .f64) == imm8)
            #expect(ARM64Assembler.fpImmediate(s, .f32) == imm8)
            #expect(Double(bitPattern: d) == Double(Float(bitPattern: UInt32(s))))
            var a = ARM64Assembler()
            a.fmov(ARM64FPRegister(3), imm8: imm8, .f64)
            a.fmov(ARM64FPRegister(4), imm8: imm8, .f32)
            texts.append("fmov d3, #\(Double(bitPattern: d))")
            texts.append("fmov s4, #\(Double(bitPattern: d))")
            words += a.words
        }
        for value in [0.0, -0.0, 0.1, 32.0, 0.0625, 1.03125, .infinity, .nan, 1e300, 0.2] {
            #expect(ARM64Assembler.fpImmediate(value.bitPattern, .f64) == nil, "\(value)")
            #expect(ARM64Assembler.fpImmediate(UInt64(Float(value).bitPattern), .f32) == nil, "\(value)")
        }
        #expect(ARM64Assembler.fpImmediate(1 << 32, .f32) == nil)
        guard let llvm = try LLVMMC.encodeAArch64(texts) else {
            print("note: \(LLVMMC.path) not found; fmov immediates not compared")
            return
        }
        for (text, (ours, theirs)) in zip(texts, zip(words, llvm)) {
            #expect(hex([ours]) == hex(theirs), "\(text)")
        }
    }

    // MARK: constants

    /// Runs movz/movn/movk/orr-immediate words on x0 (the only instructions `mov(_:imm:)`
    /// may emit) and returns x0, or nil for any other instruction.
    static func simulate(_ words: [UInt32]) -> UInt64? {
        var x0: UInt64 = 0xDEAD_BEEF_DEAD_BEEF
        for w in words {
            guard w & 0x1F == 0 else { return nil }  // Rd = x0
            let sf = w >> 31 == 1, opc = w >> 29 & 3
            let mask: UInt64 = sf ? ~0 : 0xFFFF_FFFF
            if w & 0x1F80_0000 == 0x1280_0000 {  // move wide
                let shift = Int(w >> 21 & 3) * 16, imm = UInt64(w >> 5 & 0xFFFF) << shift
                guard sf || shift < 32 else { return nil }
                switch opc {
                case 0: x0 = ~imm & mask
                case 2: x0 = imm
                case 3: x0 = (x0 & ~(0xFFFF << UInt64(shift)) | imm) & mask
                default: return nil
                }
            } else if w & 0x1F80_0000 == 0x1200_0000, opc == 1, w >> 5 & 0x1F == 31 {  // orr xd, zr, #imm
                guard let v = decodeBitMasks(n: Int(w >> 22 & 1), immr: Int(w >> 16 & 63), imms: Int(w >> 10 & 63),
                                             width: sf ? 64 : 32) else { return nil }
                x0 = v
            } else {
                return nil
            }
        }
        return x0
    }

    /// The instruction count of the plain strategies: movz or movn then movks.
    static func plainCount(_ v: UInt64, chunks: Int) -> Int {
        let parts = (0 ..< chunks).map { UInt16(truncatingIfNeeded: v >> (16 * $0)) }
        return max(1, min(parts.filter { $0 != 0 }.count, parts.filter { $0 != 0xFFFF }.count))
    }

    @Test func constantsHaveTheirValueInFewInstructions() {
        var values: [UInt64] = [0, 1, ~0, 0xFFFF_0000, 0x1234_5678_9ABC_DEF0, 0x5555_5555_5555_5555, 0xFFFF_FFFF,
                                0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x00FF_00FF_00FF_1234,
                                0xFFFF_FFFF_0000_0000, 0x0000_FFFF_0000_FFFF, 0x1234_0000_0000_5678,
                                UInt64(bitPattern: Int64.min + 1), 0xFFFF_FFFF_FFFF_FFFE, 0x0001_0001_0001_0001]
        let pieces: [UInt64] = [0, 0xFFFF, 0x1234, 0x00FF, 0x8000]
        for a in pieces { for b in pieces { for c in pieces { for d in pieces {
            values.append(a | b << 16 | c << 32 | d << 48)
        } } } }
        var random = Values(state: 99)
        for _ in 0 ..< 2000 { values.append(random.next()!) }
        for v in Self.bitmasks64.keys { values += [v, v ^ 0x1234, v ^ (0x5A5A << 48)] }

        var total = 0
        for v in values {
            var a = ARM64Assembler()
            a.mov(.x0, imm: v)
            let words = a.words
            total += words.count
            #expect(Self.simulate(words) == v, "0x\(String(v, radix: 16))")
            let bound = v >> 32 == 0 ? Self.plainCount(v, chunks: 2) : Self.plainCount(v, chunks: 4)
            #expect(words.count <= bound, "0x\(String(v, radix: 16))")
            if Self.bitmasks64[v] != nil || (v >> 32 == 0 && Self.bitmasks32[v] != nil) {
                #expect(words.count == 1, "bitmask 0x\(String(v, radix: 16))")
            }
            // 32-bit destination: the low half, zero-extended.
            var b = ARM64Assembler()
            b.mov(.x0, imm: v, .b32)
            #expect(Self.simulate(b.words) == v & 0xFFFF_FFFF, "w 0x\(String(v, radix: 16))")
            #expect(b.words.count <= 2)
        }
        // The known shortest forms.
        func count(_ v: UInt64) -> Int {
            var a = ARM64Assembler()
            a.mov(.x0, imm: v)
            return a.words.count
        }
        #expect(count(0) == 1 && count(~0) == 1 && count(0xFFFF_0000) == 1 && count(0xFFFF_FFFF) == 1)
        #expect(count(0x5555_5555_5555_5555) == 1 && count(0x0000_FFFF_0000_FFFF) == 1)
        #expect(count(0x1234_0000_0000_5678) == 2 && count(0x00FF_00FF_00FF_1234) == 2)
        #expect(count(0x1234_5678_9ABC_DEF0) == 4)
        #expect(Double(total) / Double(values.count) < 3)
    }
}

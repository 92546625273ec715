import Testing
import TestSupport
import WAT
import WasmCore
import WasmRuntime

/// The fused forms of the most frequent op pairs (tools/op-histogram --pairs): a branch on a
/// bit test (`x & m` or `(x & m) == 0` feeding `br_if`/`if`), `a + x * imm`, two increments
/// in a row written to locals, a decrement feeding `br_if` on itself, an f64 sum of a loaded
/// operand stored to memory, a sum of loads, `a ^ (x >> s)` on i64, and a copy into a
/// call's argument. Each is checked against
/// Swift's arithmetic on every tier and safe strategy, with the operand aliasing and
/// wrapping where a fused op could read a value too early or too late.
@Suite struct PairFusionTests {
    static let text = """
        (module (memory 1)
          (func (export "ifBits") (param i32 i32) (result i32)
            (if (result i32) (i32.and (local.get 0) (i32.const 0x80000010)) (then (i32.const 1)) (else (i32.const 2))))
          (func (export "brIfBits") (param i32 i32) (result i32)
            (block (br_if 0 (i32.and (local.get 0) (i32.const 6))) (return (i32.const 3)))
            (i32.const 4))
          (func (export "brIfNoBits") (param i32 i32) (result i32)
            (block (br_if 0 (i32.eqz (i32.and (local.get 0) (i32.const 0x80000001)))) (return (i32.const 5)))
            (i32.const 6))
          (func (export "ifNoBits") (param i32 i32) (result i32)
            (if (result i32) (i32.eqz (i32.and (local.get 0) (i32.const 0xFF00))) (then (i32.const 7)) (else (i32.const 8))))
          (func (export "brIfBitsValue") (param i32 i32) (result i32)
            (block (result i32) (drop (br_if 0 (i32.const 9) (i32.and (local.get 0) (local.get 1)))) (i32.const 10)))
          (func (export "bitLoop") (param i32 i32) (result i32) (local i32)
            ;; shifts right while bit 8 is still set: a backward branch on a bit test
            (loop
              (local.set 0 (i32.shr_u (local.get 0) (i32.const 1)))
              (local.set 2 (i32.add (local.get 2) (i32.const 1)))
              (br_if 0 (i32.and (local.get 0) (i32.const 0x100))))
            (local.get 2))

          (func (export "addMul") (param i32 i32) (result i32)
            (i32.add (local.get 0) (i32.mul (local.get 1) (i32.const 12))))
          (func (export "mulAdd") (param i32 i32) (result i32)
            (i32.add (i32.mul (local.get 1) (i32.const -3)) (local.get 0)))
          (func (export "loadElement") (param i32 i32) (result i32)
            (i32.load offset=4 (local.tee 0 (i32.add (local.get 0) (i32.mul (local.get 1) (i32.const 12))))))

          (func (export "twoIncrements") (param i32 i32) (result i32)
            (local.set 0 (i32.add (local.get 0) (i32.const 1)))
            (local.set 1 (i32.add (local.get 1) (i32.const -7)))
            (i32.xor (i32.mul (local.get 0) (i32.const 1000003)) (local.get 1)))
          (func (export "chainedIncrements") (param i32 i32) (result i32)
            ;; the second add reads what the first wrote
            (local.set 1 (i32.add (local.get 0) (i32.const 5)))
            (local.set 0 (i32.add (local.get 1) (i32.const 7)))
            (i32.xor (i32.mul (local.get 0) (i32.const 1000003)) (local.get 1)))
          (func (export "sameLocalTwice") (param i32 i32) (result i32)
            (local.set 0 (i32.add (local.get 0) (i32.const 0x7FFFFFFF)))
            (local.set 0 (i32.add (local.get 0) (i32.const 2)))
            (local.get 0))
          (func (export "temporaryThenLocal") (param i32 i32) (result i32)
            local.get 0
            i32.const 3
            i32.add
            local.get 1
            i32.const 4
            i32.add
            local.set 1
            local.get 1
            i32.mul)

          (func (export "countDown") (param i32 i32) (result i32) (local i32)
            ;; sum of n + (n-1) + ... + 1, the loop closed by `br_if (n -= 1)`
            (if (i32.eqz (local.get 0)) (then (return (i32.const 0))))
            (loop
              (local.set 2 (i32.add (local.get 2) (local.get 0)))
              (br_if 0 (local.tee 0 (i32.add (local.get 0) (i32.const -1)))))
            (local.get 2))
          (func (export "countDownValue") (param i32 i32) (result i32)
            ;; br_if with a value, taken when the decremented count is nonzero
            (block (result i32) (drop (br_if 0 (i32.const 11) (local.tee 0 (i32.add (local.get 0) (i32.const -1))))) (local.get 0)))
          (func (export "ifDecrement") (param i32 i32) (result i32)
            (if (result i32) (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (then (local.get 1)) (else (i32.const 99))))
          (func (export "memcmp") (param i32 i32) (result i32) (local i32 i32 i32)
            ;; the byte loop of a C memcmp over 16 bytes at 0 and 16 + 0
            (local.set 2 (i32.const 16))
            (local.set 0 (i32.const 0))
            (local.set 1 (i32.const 16))
            (block $differ
              (loop $next
                (br_if $differ (i32.ne (local.tee 3 (i32.load8_u (local.get 0))) (local.tee 4 (i32.load8_u (local.get 1)))))
                (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                (local.set 0 (i32.add (local.get 0) (i32.const 1)))
                (br_if $next (local.tee 2 (i32.add (local.get 2) (i32.const -1)))))
              (return (i32.const 0)))
            (i32.sub (local.get 3) (local.get 4)))
          (func (export "addToMemory") (param i32 i32) (result i32)
            ;; f64 at [a0 + 8] = i32 a1 as f64 + f64 at [a1 + 16]; returns the stored value truncated
            (f64.store offset=8 (local.get 0) (f64.add (f64.convert_i32_s (local.get 1)) (f64.load offset=16 (local.get 1))))
            (i32.trunc_f64_s (f64.load offset=8 (local.get 0))))
          (func (export "accumulate") (param i32 i32) (result i32)
            ;; c[i] += 2.5, loaded and stored at the same address
            (f64.store offset=0x200 (local.get 0) (f64.add (f64.const 2.5) (f64.load offset=0x200 (local.get 0))))
            (i32.trunc_f64_s (f64.mul (f64.load offset=0x200 (local.get 0)) (f64.const 2))))
          (func (export "mix") (param i32 i32) (result i32) (local i64 i64)
            (local.set 2 (i64.or (i64.shl (i64.extend_i32_u (local.get 0)) (i64.const 32)) (i64.extend_i32_u (local.get 1))))
            (local.set 3 (i64.xor (local.get 2) (i64.shr_u (local.get 2) (i64.const 33))))
            (local.set 3 (i64.xor (i64.shr_u (local.get 3) (i64.const 69)) (local.get 2)))
            (local.set 2 (i64.xor (local.get 3) (i64.shr_u (local.get 2) (i64.const 63))))
            (i32.wrap_i64 (i64.xor (local.get 2) (i64.shr_u (local.get 2) (i64.const 32)))))
          (func $weigh (param i32 i32 i32) (result i32)
            (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.xor (local.get 1) (i32.mul (local.get 2) (i32.const 7)))))
          (func (export "callWithLocals") (param i32 i32) (result i32)
            ;; the last argument's copy runs as part of the call
            (call $weigh (i32.add (local.get 0) (i32.const 1)) (local.get 1) (local.get 0)))
          (func $noArguments (result i32) (i32.const 5))
          (func (export "setThenCall") (param i32 i32) (result i32) (local i32)
            (local.set 2 (local.get 0))
            (i32.add (call $noArguments) (local.get 2)))
          (func $depth (param i32 i32) (result i32)
            (if (result i32) (local.get 0)
              (then (i32.add (call $depth (i32.sub (local.get 0) (i32.const 1)) (local.get 1)) (i32.const 1)))
              (else (local.get 1))))
          (func (export "depth") (param i32 i32) (result i32) (call $depth (local.get 0) (local.get 1)))
          (func (export "stencil") (param i32 i32) (result i32)
            ;; ((([a0 + 8] + [a0 + 16]) + [a1 + 24]) + [a0 + 32]) - 1e16, left to right
            (i32.trunc_f64_s (f64.sub
              (f64.add (f64.add (f64.add (f64.load (i32.add (local.get 0) (i32.const 8)))
                                         (f64.load (i32.add (local.get 0) (i32.const 16))))
                                (f64.load offset=4 (i32.add (local.get 1) (i32.const 20))))
                       (f64.load (i32.add (local.get 0) (i32.const 32))))
              (f64.const 1e16))))
          (func (export "poke") (param i32 i32) (result i32)
            (i32.store8 (local.get 0) (local.get 1)) (i32.const 0)))
        """

    static let values: [UInt32] = [0, 1, 4, 6, 0x10, 0x100, 0x1FF, 0xFF00, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0011, 0xFFFF_FFFF]

    @Test(arguments: TierMatrix.configurations)
    func fusedPairsComputeWhatTheirInstructionsDo(configuration: EngineConfiguration) throws {
        let engine = try Engine(configuration: configuration)
        let linker = Linker(store: Store(engine: engine))
        let instance = try linker.instantiate(engine.compile(WAT.encode(Self.text)))
        func call(_ name: String, _ a: UInt32, _ b: UInt32 = 0) throws -> UInt32? {
            guard case .i32(let r)? = try #require(instance.function(name)).invoke([.i32(a), .i32(b)]).first else { return nil }
            return r
        }
        for x in Self.values {
            #expect(try call("ifBits", x) == (x & 0x8000_0010 != 0 ? 1 : 2), "ifBits \(x)")
            #expect(try call("brIfBits", x) == (x & 6 != 0 ? 4 : 3), "brIfBits \(x)")
            #expect(try call("brIfNoBits", x) == (x & 0x8000_0001 == 0 ? 6 : 5), "brIfNoBits \(x)")
            #expect(try call("ifNoBits", x) == (x & 0xFF00 == 0 ? 7 : 8), "ifNoBits \(x)")
            #expect(try call("brIfBitsValue", x, 0x11) == (x & 0x11 != 0 ? 9 : 10), "brIfBitsValue \(x)")
            var shifted = x, steps: UInt32 = 0
            repeat { shifted >>= 1; steps += 1 } while shifted & 0x100 != 0
            #expect(try call("bitLoop", x) == steps, "bitLoop \(x)")
            for y in Self.values {
                #expect(try call("addMul", x, y) == x &+ y &* 12, "addMul \(x) \(y)")
                #expect(try call("mulAdd", x, y) == x &+ y &* UInt32(bitPattern: -3), "mulAdd \(x) \(y)")
                #expect(try call("twoIncrements", x, y) == ((x &+ 1) &* 1_000_003) ^ (y &- 7), "twoIncrements \(x) \(y)")
                #expect(try call("temporaryThenLocal", x, y) == (x &+ 3) &* (y &+ 4), "temporaryThenLocal \(x) \(y)")
            }
            #expect(try call("chainedIncrements", x) == ((x &+ 12) &* 1_000_003) ^ (x &+ 5), "chainedIncrements \(x)")
            #expect(try call("sameLocalTwice", x) == x &+ 0x8000_0001, "sameLocalTwice \(x)")
            #expect(try call("countDownValue", x) == (x &- 1 != 0 ? 11 : 0), "countDownValue \(x)")
            #expect(try call("ifDecrement", 0, x) == (x &+ 1 != 0 ? x &+ 1 : 99), "ifDecrement \(x)")
        }
        for n: UInt32 in [0, 1, 2, 10, 1000] {
            #expect(try call("countDown", n) == n * (n + 1) / 2, "countDown \(n)")
        }
        // Elements of 12 bytes at 0x100: element i's field at +4 holds i * 7.
        for i: UInt32 in 0..<5 {
            for byte: UInt32 in 0..<4 { _ = try call("poke", 0x100 + i * 12 + 4 + byte, ((i * 7) >> (8 * byte)) & 0xFF) }
        }
        for i: UInt32 in 0..<5 { #expect(try call("loadElement", 0x100, i) == i * 7, "loadElement \(i)") }
        // 0x100 + 5461 * 12 + 4 = 65792: past the one page.
        #expect(trap { _ = try call("loadElement", 0x100, 5461) }?.reason == .outOfBoundsMemoryAccess)
        // f64 values: 6.5 at 0x300 + 16 (bytes poked), read by addToMemory(x, 0x300).
        let sixAndAHalf = (6.5 as Double).bitPattern
        for byte in 0..<8 { _ = try call("poke", 0x310 + UInt32(byte), UInt32((sixAndAHalf >> (8 * UInt64(byte))) & 0xFF)) }
        #expect(try call("addToMemory", 0x400, 0x300) == 0x300 + 6)
        #expect(try call("addToMemory", 0x408, 0x300) == 0x300 + 6)
        // A load past the end traps; so does a store past the end, after a load that is fine.
        #expect(trap { _ = try call("addToMemory", 0x400, 65_536 - 20) }?.reason == .outOfBoundsMemoryAccess)
        #expect(trap { _ = try call("addToMemory", 65_536 - 12, 0x300) }?.reason == .outOfBoundsMemoryAccess)
        #expect(try call("accumulate", 0x40) == 5)
        #expect(try call("accumulate", 0x40) == 10)
        #expect(trap { _ = try call("accumulate", 65_536 - 0x200 - 4) }?.reason == .outOfBoundsMemoryAccess)
        for x in Self.values {
            for y in Self.values {
                let l2 = UInt64(x) << 32 | UInt64(y)
                var l3 = l2 ^ (l2 >> 33)
                l3 = (l3 >> 5) ^ l2
                let mixed = l3 ^ (l2 >> 63)
                #expect(try call("mix", x, y) == UInt32(truncatingIfNeeded: mixed ^ (mixed >> 32)), "mix \(x) \(y)")
                #expect(try call("callWithLocals", x, y) == (x &+ 1) &* 3 &+ (y ^ (x &* 7)), "callWithLocals \(x) \(y)")
            }
            #expect(try call("setThenCall", x) == x &+ 5, "setThenCall \(x)")
        }
        #expect(try call("depth", 500, 7) == 507)
        // Deep enough to exhaust the call stack: the fused call's check leaves it to the slow path.
        #expect(trap { _ = try call("depth", 50_000_000, 7) }?.reason == .callStackExhausted)
        // Stencil sums at 0x800: 1e16 then three 1s; added left to right each 1 is lost to
        // rounding (the ulp at 1e16 is 2), any other order would keep some.
        func pokeDouble(_ address: UInt32, _ value: Double) throws {
            for byte in 0..<8 { _ = try call("poke", address + UInt32(byte), UInt32((value.bitPattern >> (8 * UInt64(byte))) & 0xFF)) }
        }
        try pokeDouble(0x808, 1e16)
        for address: UInt32 in [0x810, 0x818, 0x820] { try pokeDouble(address, 1) }
        #expect(try call("stencil", 0x800, 0x800) == 0)
        try pokeDouble(0x818, 4)
        #expect(try call("stencil", 0x800, 0x800) == 4)
        // Either load of a fused pair past the end traps.
        #expect(trap { _ = try call("stencil", 0x800, 65_536 - 24) }?.reason == .outOfBoundsMemoryAccess)
        #expect(trap { _ = try call("stencil", 65_536 - 20, 0x800) }?.reason == .outOfBoundsMemoryAccess)
        // memcmp of [0, 16) and [16, 32): equal, then differing at the last and the first byte.
        #expect(try call("memcmp", 0) == 0)
        _ = try call("poke", 15, 9)
        #expect(try call("memcmp", 0) == 9)
        _ = try call("poke", 16, 200)
        #expect(try call("memcmp", 0) == UInt32(bitPattern: -200))
    }
}

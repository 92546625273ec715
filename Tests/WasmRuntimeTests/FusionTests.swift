import Testing
import WAT
import WasmCore
@testable import Interpreter
import WasmRuntime

/// The interpreter's fused forms (constant operands, compare-and-branch) against Swift's
/// own arithmetic, at the edges where signed and unsigned readings differ.
@Suite struct FusionTests {
    static let edges: [UInt32] = [0, 1, 2, 5, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF]
    static let compares: [(String, @Sendable (UInt32, UInt32) -> Bool)] = [
        ("eq", { $0 == $1 }), ("ne", { $0 != $1 }),
        ("lt_s", { Int32(bitPattern: $0) < Int32(bitPattern: $1) }), ("lt_u", { $0 < $1 }),
        ("gt_s", { Int32(bitPattern: $0) > Int32(bitPattern: $1) }), ("gt_u", { $0 > $1 }),
        ("le_s", { Int32(bitPattern: $0) <= Int32(bitPattern: $1) }), ("le_u", { $0 <= $1 }),
        ("ge_s", { Int32(bitPattern: $0) >= Int32(bitPattern: $1) }), ("ge_u", { $0 >= $1 }),
    ]

    @Test func decodingAnOpWordIsItsRawValue() {
        for op in IOp.allCases {
            #expect(IOp.decode(UInt32(op.rawValue)) == op)
        }
    }

    /// The static map of same-named ops agrees with the names: every Wasm opcode with a
    /// stack signature whose name is a plain interpreter op maps to it, and nothing else does.
    @Test func directOpsMatchTheirNames() {
        var byName: [String: IOp] = [:]
        for op in IOp.allCases { byName["\(op)"] = op }
        let plain = Set(IOp.allCases.filter { $0.rawValue >= IOp.i32Load.rawValue && $0.rawValue <= IOp.i64TruncSatF64U.rawValue })
        for opcode in Opcode.allCases {
            let named = byName["\(opcode)"].flatMap { plain.contains($0) && opcode.info.signature != nil ? $0 : nil }
            #expect(Translator.directOp(opcode) == named, "\(opcode)")
        }
        #expect(plain.count == 159)
    }

    /// One compare in every position the translator fuses: as a value, against a constant on
    /// either side, under `br_if` (plain and with a branch value), `if`, and `i32.eqz`.
    @Test(arguments: 0..<10) func comparesAgreeInEveryForm(index: Int) throws {
        let (name, predicate) = FusionTests.compares[index]
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module
              (func (export "value") (param i32 i32) (result i32)
                (i32.\(name) (local.get 0) (local.get 1)))
              (func (export "brIf") (param i32 i32) (result i32)
                (block (br_if 0 (i32.\(name) (local.get 0) (local.get 1))) (return (i32.const 0)))
                (i32.const 1))
              (func (export "brIfValue") (param i32 i32) (result i32)
                (block (result i32)
                  (drop (br_if 0 (i32.const 1) (i32.\(name) (local.get 0) (local.get 1))))
                  (i32.const 0)))
              (func (export "if") (param i32 i32) (result i32)
                (if (result i32) (i32.\(name) (local.get 0) (local.get 1))
                  (then (i32.const 1)) (else (i32.const 0))))
              (func (export "eqz") (param i32 i32) (result i32)
                (block (br_if 0 (i32.eqz (i32.\(name) (local.get 0) (local.get 1)))) (return (i32.const 1)))
                (i32.const 0))
              (func (export "right5") (param i32) (result i32)
                (if (result i32) (i32.\(name) (local.get 0) (i32.const 5)) (then (i32.const 1)) (else (i32.const 0))))
              (func (export "left5") (param i32) (result i32)
                (block (br_if 0 (i32.\(name) (i32.const 5) (local.get 0))) (return (i32.const 0)))
                (i32.const 1))
              (func (export "rightMax") (param i32) (result i32)
                (i32.\(name) (local.get 0) (i32.const -1)))
              (func (export "leftMin") (param i32) (result i32)
                (i32.\(name) (i32.const 0x80000000) (local.get 0))))
            """, linker)
        for form in ["value", "brIf", "brIfValue", "if", "eqz"] {
            let f = try exported(instance, form)
            for a in FusionTests.edges {
                for b in FusionTests.edges {
                    let expected: UInt32 = predicate(a, b) ? 1 : 0
                    #expect(try f.invoke([.i32(a), .i32(b)]) == [.i32(expected)], "\(name) \(form) \(a) \(b)")
                }
            }
        }
        for a in FusionTests.edges {
            #expect(try exported(instance, "right5").invoke([.i32(a)]) == [.i32(predicate(a, 5) ? 1 : 0)])
            #expect(try exported(instance, "left5").invoke([.i32(a)]) == [.i32(predicate(5, a) ? 1 : 0)])
            #expect(try exported(instance, "rightMax").invoke([.i32(a)]) == [.i32(predicate(a, 0xFFFF_FFFF) ? 1 : 0)])
            #expect(try exported(instance, "leftMin").invoke([.i32(a)]) == [.i32(predicate(0x8000_0000, a) ? 1 : 0)])
        }
    }

    @Test func constantOperandsOfArithmetic() throws {
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module
              (func (export "i32") (param i32) (result i32)
                (i32.xor
                  (i32.xor (i32.add (local.get 0) (i32.const -7)) (i32.mul (i32.const 3) (local.get 0)))
                  (i32.xor (i32.sub (local.get 0) (i32.const 9)) (i32.sub (i32.const 9) (local.get 0)))))
              (func (export "i32bits") (param i32) (result i32)
                (i32.add
                  (i32.add (i32.shl (local.get 0) (i32.const 35)) (i32.shr_s (local.get 0) (i32.const 3)))
                  (i32.add (i32.shr_u (local.get 0) (i32.const 3))
                           (i32.or (i32.and (local.get 0) (i32.const 0xF0)) (i32.const 0x100)))))
              (func (export "i64") (param i64) (result i64)
                (i64.xor
                  (i64.xor (i64.add (local.get 0) (i64.const -7)) (i64.mul (i64.const 3) (local.get 0)))
                  (i64.xor (i64.add (local.get 0) (i64.const 0x100000000))
                           (i64.and (local.get 0) (i64.const 0xFFFFFFFF)))))
              (func (export "i64bits") (param i64) (result i64)
                (i64.add
                  (i64.add (i64.shl (local.get 0) (i64.const 67)) (i64.shr_s (local.get 0) (i64.const 3)))
                  (i64.add (i64.shr_u (local.get 0) (i64.const 3)) (i64.or (i64.const -16) (local.get 0)))))
              (func (export "count") (param i32) (result i32) (local i32)
                (loop $l
                  (local.set 1 (i32.add (local.get 1) (i32.const 2)))
                  (br_if $l (i32.lt_u (local.tee 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 100))))
                (local.get 1)))
            """, linker)
        for x in FusionTests.edges {
            let e32 = ((x &+ 0xFFFF_FFF9) ^ (3 &* x)) ^ ((x &- 9) ^ (9 &- x))
            #expect(try exported(instance, "i32").invoke([.i32(x)]) == [.i32(e32)])
            let bits32 = (x &<< 3) &+ UInt32(bitPattern: Int32(bitPattern: x) >> 3) &+ (x >> 3) &+ ((x & 0xF0) | 0x100)
            #expect(try exported(instance, "i32bits").invoke([.i32(x)]) == [.i32(bits32)])
            let y = UInt64(x) | UInt64(x) << 29
            let e64 = ((y &- 7) ^ (3 &* y)) ^ ((y &+ 0x1_0000_0000) ^ (y & 0xFFFF_FFFF))
            #expect(try exported(instance, "i64").invoke([.i64(y)]) == [.i64(e64)])
            let bits64 = (y &<< 3) &+ UInt64(bitPattern: Int64(bitPattern: y) >> 3) &+ (y >> 3) &+ (y | UInt64(bitPattern: -16))
            #expect(try exported(instance, "i64bits").invoke([.i64(y)]) == [.i64(bits64)])
        }
        // The loop repeats while the decremented counter is below 100 (unsigned): from 200
        // one pass; from 50 the passes leaving 49...0 repeat, the one wrapping to 2^32-1 ends.
        #expect(try exported(instance, "count").invoke([.i32(200)]) == [.i32(2)])
        #expect(try exported(instance, "count").invoke([.i32(50)]) == [.i32(102)])
    }

    @Test func f64AddAndMulOfALoadedOperand() throws {
        let linker = makeLinker()
        // c[i] += x * b[i] over 3 doubles, gemm's inner loop shape; then the same load
        // out of bounds traps from the fused op.
        let instance = try instantiate(wat: """
            (module (memory 1)
              (data (i32.const 0) "\\00\\00\\00\\00\\00\\00\\f0\\3f\\00\\00\\00\\00\\00\\00\\00\\40\\00\\00\\00\\00\\00\\00\\08\\40")
              (data (i32.const 64) "\\00\\00\\00\\00\\00\\00\\24\\40\\00\\00\\00\\00\\00\\00\\34\\40\\00\\00\\00\\00\\00\\00\\f8\\7f")
              (func (export "axpy") (param f64) (result f64) (local i32 f64)
                (loop $l
                  (f64.store offset=64 (local.get 1)
                    (f64.add (f64.mul (local.get 0) (f64.load (local.get 1)))
                             (f64.load offset=64 (local.get 1))))
                  (br_if $l (i32.ne (local.tee 1 (i32.add (local.get 1) (i32.const 8))) (i32.const 24))))
                (f64.add (f64.load offset=64 (i32.const 0)) (f64.load offset=72 (i32.const 0))))
              (func (export "last") (result f64) (f64.load offset=80 (i32.const 0)))
              (func (export "far") (param i32) (result f64)
                (f64.mul (f64.const 2) (f64.load (local.get 0)))))
            """, linker)
        // 10 + 0.5*1 + 20 + 0.5*2 = 31.5; the NaN stays NaN.
        #expect(try exported(instance, "axpy").invoke([.f64((0.5).bitPattern)]) == [.f64((31.5).bitPattern)])
        let last = try exported(instance, "last").invoke([])
        if case .f64(let bits) = last.first { #expect(Double(bitPattern: bits).isNaN) } else { Issue.record("no f64") }
        #expect(try exported(instance, "far").invoke([.i32(8)]) == [.f64((4.0).bitPattern)])
        #expect(trap { _ = try exported(instance, "far").invoke([.i32(65536 - 4)]) }?.reason == .outOfBoundsMemoryAccess)
    }

    @Test(arguments: [UInt32(0), 1, 0xFF, 0x8000_0000, 0xDEAD_BEEF, 0xFFFF_FFFF])
    func shiftAndMaskIsOneFieldExtraction(x: UInt32) throws {
        let linker = makeLinker()
        // `(x >> s) & m` fuses; the shift count is taken mod 32 as in Wasm; a shifted value
        // kept in a local (tee) or reached across a label must still be right.
        let instance = try instantiate(wat: """
            (module (memory 1)
              (data (i32.const 0) "\\10\\20\\30\\40")
              (func (export "byte1") (param i32) (result i32) (i32.and (i32.shr_u (local.get 0) (i32.const 8)) (i32.const 255)))
              (func (export "wide") (param i32) (result i32) (i32.and (i32.shr_u (local.get 0) (i32.const 35)) (i32.const 0x7fff)))
              (func (export "table") (param i32) (result i32)
                (i32.load8_u (i32.and (i32.shr_u (local.get 0) (i32.const 30)) (i32.const 3))))
              (func (export "teed") (param i32) (result i32) (local i32)
                (i32.add (i32.and (local.tee 1 (i32.shr_u (local.get 0) (i32.const 4))) (i32.const 15)) (local.get 1)))
              (func (export "block") (param i32) (result i32)
                (i32.and (block (result i32) (i32.shr_u (local.get 0) (i32.const 16))) (i32.const 0xff))))
            """, linker)
        func call(_ name: String) throws -> UInt32? {
            guard case .i32(let r)? = try exported(instance, name).invoke([.i32(x)]).first else { return nil }
            return r
        }
        #expect(try call("byte1") == (x >> 8) & 0xFF)
        #expect(try call("wide") == (x >> 3) & 0x7FFF)
        #expect(try call("table") == [0x10, 0x20, 0x30, 0x40][Int(x >> 30)])
        #expect(try call("teed") == ((x >> 4) & 15) &+ (x >> 4))
        #expect(try call("block") == (x >> 16) & 0xFF)
    }

    /// A loop closing on `end <op> i` with `i` just incremented (operands mirrored so the
    /// increment fuses): it runs as many times as the same loop in Swift, capped at 40.
    @Test(arguments: 0..<10) func loopOnAMirroredCompareOfTheIncrement(index: Int) throws {
        let (name, predicate) = FusionTests.compares[index]
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module (func (export "count") (param i32 i32) (result i32) (local i32)
              (block $done
                (loop $l
                  (local.set 2 (i32.add (local.get 2) (i32.const 1)))
                  (br_if $done (i32.ge_u (local.get 2) (i32.const 40)))
                  (br_if $l (i32.\(name) (local.get 1) (local.tee 0 (i32.add (local.get 0) (i32.const 3)))))))
              (local.get 2)))
            """, linker)
        for start in FusionTests.edges {
            for end in FusionTests.edges {
                var i = start, n: UInt32 = 0
                while true {
                    n += 1
                    if n >= 40 { break }
                    i &+= 3
                    if !predicate(end, i) { break }
                }
                #expect(try exported(instance, "count").invoke([.i32(start), .i32(end)]) == [.i32(n)], "\(name) \(start) \(end)")
            }
        }
    }

    @Test func backwardBranchesCountFuel() throws {
        let linker = makeLinker(fuel: 1_000)
        let instance = try instantiate(wat: """
            (module (func (export "spin") (param i32) (result i32)
              (loop $l (br_if $l (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 0))))
              (local.get 0)))
            """, linker)
        let trap = trap { _ = try exported(instance, "spin").invoke([.i32(0)]) }
        #expect(trap?.reason == .interrupted)
        #expect(linker.store.fuel == 0)
    }
}

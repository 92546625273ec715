import Testing
import WAT
import WasmCore
@testable import Interpreter
import WasmRuntime

/// The i64 and f64 fused forms (64-bit immediates, compare-and-branch, float branches on a
/// false compare) against Swift's own arithmetic, in every position the translator fuses.
@Suite struct WideFusionTests {
    static let edges64: [UInt64] = [0, 1, 5, 0xFFFF_FFFF, 0x1_0000_0005, 0x7FFF_FFFF_FFFF_FFFF,
                                    0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF]
    static let compares64: [(String, @Sendable (UInt64, UInt64) -> Bool)] = [
        ("eq", { $0 == $1 }), ("ne", { $0 != $1 }),
        ("lt_s", { Int64(bitPattern: $0) < Int64(bitPattern: $1) }), ("lt_u", { $0 < $1 }),
        ("gt_s", { Int64(bitPattern: $0) > Int64(bitPattern: $1) }), ("gt_u", { $0 > $1 }),
        ("le_s", { Int64(bitPattern: $0) <= Int64(bitPattern: $1) }), ("le_u", { $0 <= $1 }),
        ("ge_s", { Int64(bitPattern: $0) >= Int64(bitPattern: $1) }), ("ge_u", { $0 >= $1 }),
    ]
    static let doubles: [Double] = [-.infinity, -2.5, -0.0, 0.0, 1.0, 4.0, 4.5, .infinity, .nan]
    static let comparesF64: [(String, @Sendable (Double, Double) -> Bool)] = [
        ("eq", { $0 == $1 }), ("ne", { $0 != $1 }), ("lt", { $0 < $1 }),
        ("gt", { $0 > $1 }), ("le", { $0 <= $1 }), ("ge", { $0 >= $1 }),
    ]

    /// Every form a compare takes: a value, `br_if` (plain and with a branch value, which
    /// branches on the negation), `if` (negated too), and against wide constants either side.
    static func compareModule(_ type: String, _ name: String, constant: String) -> String {
        """
        (module
          (func (export "value") (param \(type) \(type)) (result i32)
            (\(type).\(name) (local.get 0) (local.get 1)))
          (func (export "brIf") (param \(type) \(type)) (result i32)
            (block (br_if 0 (\(type).\(name) (local.get 0) (local.get 1))) (return (i32.const 0)))
            (i32.const 1))
          (func (export "brIfValue") (param \(type) \(type)) (result i32)
            (block (result i32)
              (drop (br_if 0 (i32.const 1) (\(type).\(name) (local.get 0) (local.get 1))))
              (i32.const 0)))
          (func (export "if") (param \(type) \(type)) (result i32)
            (if (result i32) (\(type).\(name) (local.get 0) (local.get 1))
              (then (i32.const 1)) (else (i32.const 0))))
          (func (export "rightValue") (param \(type)) (result i32)
            (\(type).\(name) (local.get 0) (\(type).const \(constant))))
          (func (export "rightIf") (param \(type)) (result i32)
            (if (result i32) (\(type).\(name) (local.get 0) (\(type).const \(constant)))
              (then (i32.const 1)) (else (i32.const 0))))
          (func (export "rightBrIf") (param \(type)) (result i32)
            (block (br_if 0 (\(type).\(name) (local.get 0) (\(type).const \(constant)))) (return (i32.const 0)))
            (i32.const 1))
          (func (export "leftIf") (param \(type)) (result i32)
            (if (result i32) (\(type).\(name) (\(type).const \(constant)) (local.get 0))
              (then (i32.const 1)) (else (i32.const 0)))))
        """
    }

    @Test(arguments: 0..<10) func i64ComparesAgreeInEveryForm(index: Int) throws {
        let (name, predicate) = WideFusionTests.compares64[index]
        let constant: UInt64 = 0x1_0000_0005
        let linker = makeLinker()
        let instance = try instantiate(wat: WideFusionTests.compareModule("i64", name, constant: "0x100000005"), linker)
        for form in ["value", "brIf", "brIfValue", "if"] {
            let f = try exported(instance, form)
            for a in WideFusionTests.edges64 {
                for b in WideFusionTests.edges64 {
                    #expect(try f.invoke([.i64(a), .i64(b)]) == [.i32(predicate(a, b) ? 1 : 0)], "\(name) \(form) \(a) \(b)")
                }
            }
        }
        for a in WideFusionTests.edges64 {
            for form in ["rightValue", "rightIf", "rightBrIf"] {
                #expect(try exported(instance, form).invoke([.i64(a)]) == [.i32(predicate(a, constant) ? 1 : 0)], "\(name) \(form) \(a)")
            }
            #expect(try exported(instance, "leftIf").invoke([.i64(a)]) == [.i32(predicate(constant, a) ? 1 : 0)], "\(name) left \(a)")
        }
    }

    /// NaN makes `!(a < b)` differ from `a >= b`: the negated positions must stay exact.
    @Test(arguments: 0..<6) func f64ComparesAgreeInEveryFormWithNaN(index: Int) throws {
        let (name, predicate) = WideFusionTests.comparesF64[index]
        let linker = makeLinker()
        let instance = try instantiate(wat: WideFusionTests.compareModule("f64", name, constant: "4.0"), linker)
        for form in ["value", "brIf", "brIfValue", "if"] {
            let f = try exported(instance, form)
            for a in WideFusionTests.doubles {
                for b in WideFusionTests.doubles {
                    #expect(try f.invoke([.double(a), .double(b)]) == [.i32(predicate(a, b) ? 1 : 0)], "\(name) \(form) \(a) \(b)")
                }
            }
        }
        for a in WideFusionTests.doubles {
            for form in ["rightValue", "rightIf", "rightBrIf"] {
                #expect(try exported(instance, form).invoke([.double(a)]) == [.i32(predicate(a, 4.0) ? 1 : 0)], "\(name) \(form) \(a)")
            }
            #expect(try exported(instance, "leftIf").invoke([.double(a)]) == [.i32(predicate(4.0, a) ? 1 : 0)], "\(name) left \(a)")
        }
    }

    @Test func wideConstantsOfI64Arithmetic() throws {
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module
              (func (export "mul") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 0x9FB21C651E98DF25)))
              (func (export "mulLeft") (param i64) (result i64) (i64.mul (i64.const 0x9FB21C651E98DF25) (local.get 0)))
              (func (export "sub") (param i64) (result i64) (i64.sub (local.get 0) (i64.const 0x123456789)))
              (func (export "subLeft") (param i64) (result i64) (i64.sub (i64.const 0x123456789) (local.get 0)))
              (func (export "bits") (param i64) (result i64)
                (i64.xor (i64.and (local.get 0) (i64.const 0xFF00FF00FF00FF00))
                         (i64.or (local.get 0) (i64.const 0x8000000000000001))))
              (func (export "shifts") (param i64) (result i64)
                (i64.add (i64.shl (local.get 0) (i64.const 0x100000043))
                         (i64.shr_s (local.get 0) (i64.const 61))))
              (func (export "rotl") (param i64) (result i64) (i64.rotl (local.get 0) (i64.const 31)))
              (func (export "rotr") (param i64) (result i64) (i64.rotr (local.get 0) (i64.const 31)))
              (func (export "rotl0") (param i64) (result i64) (i64.rotl (local.get 0) (i64.const 64)))
              (func (export "rotr0") (param i64) (result i64) (i64.rotr (local.get 0) (i64.const 0)))
              (func (export "rotl32") (param i32) (result i32) (i32.rotl (local.get 0) (i32.const 7)))
              (func (export "rotr32") (param i32) (result i32) (i32.rotr (local.get 0) (i32.const 39)))
              (func (export "rotr32zero") (param i32) (result i32) (i32.rotr (local.get 0) (i32.const 32))))
            """, linker)
        func call(_ name: String, _ x: UInt64) throws -> [Value] { try exported(instance, name).invoke([.i64(x)]) }
        func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { x << (k & 63) | x >> ((64 - (k & 63)) & 63) }
        for x in WideFusionTests.edges64 {
            #expect(try call("mul", x) == [.i64(x &* 0x9FB2_1C65_1E98_DF25)])
            #expect(try call("mulLeft", x) == [.i64(x &* 0x9FB2_1C65_1E98_DF25)])
            #expect(try call("sub", x) == [.i64(x &- 0x1_2345_6789)])
            #expect(try call("subLeft", x) == [.i64(0x1_2345_6789 &- x)])
            #expect(try call("bits", x) == [.i64((x & 0xFF00_FF00_FF00_FF00) ^ (x | 0x8000_0000_0000_0001))])
            #expect(try call("shifts", x) == [.i64((x << 3) &+ UInt64(bitPattern: Int64(bitPattern: x) >> 61))])
            #expect(try call("rotl", x) == [.i64(rotl(x, 31))])
            #expect(try call("rotr", x) == [.i64(rotl(x, 33))])
            #expect(try call("rotl0", x) == [.i64(x)])
            #expect(try call("rotr0", x) == [.i64(x)])
            let y = UInt32(truncatingIfNeeded: x)
            #expect(try exported(instance, "rotl32").invoke([.i32(y)]) == [.i32(y << 7 | y >> 25)])
            #expect(try exported(instance, "rotr32").invoke([.i32(y)]) == [.i32(y >> 7 | y << 25)])
            #expect(try exported(instance, "rotr32zero").invoke([.i32(y)]) == [.i32(y)])
        }
    }

    @Test func constantsOfF64Arithmetic() throws {
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module
              (func (export "add") (param f64) (result f64) (f64.add (local.get 0) (f64.const -1.5)))
              (func (export "addLeft") (param f64) (result f64) (f64.add (f64.const -1.5) (local.get 0)))
              (func (export "sub") (param f64) (result f64) (f64.sub (local.get 0) (f64.const 0.1)))
              (func (export "subLeft") (param f64) (result f64) (f64.sub (f64.const 0.1) (local.get 0)))
              (func (export "mul") (param f64) (result f64) (f64.mul (f64.const 3.0) (local.get 0)))
              (func (export "div") (param f64) (result f64) (f64.div (local.get 0) (f64.const 7.0)))
              (func (export "divLeft") (param f64) (result f64) (f64.div (f64.const 7.0) (local.get 0))))
            """, linker)
        func call(_ name: String, _ x: Double) throws -> UInt64? {
            guard case .f64(let bits) = try exported(instance, name).invoke([.double(x)]).first else { return nil }
            return bits
        }
        for x in WideFusionTests.doubles where !x.isNaN {
            #expect(try call("add", x) == (x + -1.5).bitPattern)
            #expect(try call("addLeft", x) == (-1.5 + x).bitPattern)
            #expect(try call("sub", x) == (x - 0.1).bitPattern)
            #expect(try call("subLeft", x) == (0.1 - x).bitPattern)
            #expect(try call("mul", x) == (3.0 * x).bitPattern)
            #expect(try call("div", x) == (x / 7.0).bitPattern)
            #expect(try call("divLeft", x) == (7.0 / x).bitPattern)
        }
        #expect(try call("sub", .nan).map { Double(bitPattern: $0).isNaN } == true)
    }

    /// Fused i64 and f64 branches that close a loop are back edges: they spend fuel.
    @Test func wideBackEdgesCountFuel() throws {
        let linker = makeLinker(fuel: 1_000)
        let instance = try instantiate(wat: """
            (module
              (func (export "i64") (param i64) (result i64)
                (loop $l (br_if $l (i64.ne (local.tee 0 (i64.add (local.get 0) (i64.const 1))) (i64.const 0x100000000))))
                (local.get 0))
              (func (export "f64") (param f64) (result f64)
                (loop $l (br_if $l (f64.le (local.tee 0 (f64.add (local.get 0) (f64.const 1))) (f64.const 1e300))))
                (local.get 0)))
            """, linker)
        let i64Trap = trap { _ = try exported(instance, "i64").invoke([.i64(0)]) }
        #expect(i64Trap?.reason == .interrupted)
        try linker.store.setFuel(1_000)
        let f64Trap = trap { _ = try exported(instance, "f64").invoke([.double(0)]) }
        #expect(f64Trap?.reason == .interrupted)
        try linker.store.setFuel(1_000)
        // Within the budget the loops finish with the right values.
        let short = try instantiate(wat: """
            (module (func (export "count") (param i64) (result i64) (local i64)
              (loop $l
                (local.set 1 (i64.add (local.get 1) (i64.const 0x100000000)))
                (br_if $l (i64.lt_u (local.tee 0 (i64.add (local.get 0) (i64.const 1))) (i64.const 100))))
              (local.get 1)))
            """, linker)
        #expect(try exported(short, "count").invoke([.i64(90)]) == [.i64(10 << 32)])
    }

    /// `f64.mul` feeding `f64.add`/`f64.sub` on either side: the product is rounded first.
    @Test func multiplyAddKeepsBothRoundings() throws {
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module
              (func (export "mulAdd") (param f64 f64 f64) (result f64)
                (f64.add (local.get 2) (f64.mul (local.get 0) (local.get 1))))
              (func (export "mulAddLeft") (param f64 f64 f64) (result f64)
                (f64.add (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
              (func (export "subMul") (param f64 f64 f64) (result f64)
                (f64.sub (local.get 2) (f64.mul (local.get 0) (local.get 1))))
              (func (export "mulSub") (param f64 f64 f64) (result f64)
                (f64.sub (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
              (func (export "chain") (param f64 f64 f64) (result f64)
                (f64.add (f64.mul (local.get 0) (local.get 0))
                         (f64.mul (f64.add (local.get 1) (f64.mul (local.get 1) (local.get 2))) (local.get 2)))))
            """, linker)
        func call(_ name: String, _ x: Double, _ y: Double, _ z: Double) throws -> UInt64? {
            guard case .f64(let bits) = try exported(instance, name).invoke([.double(x), .double(y), .double(z)]).first else {
                return nil
            }
            return bits
        }
        // 1 + 2^-30 squared needs more than 53 bits: a fused multiply-add would differ.
        let x = 1.0 + 0x1p-30, values: [Double] = [x, -x, 3.0, 0.1, -0.0, .infinity]
        for a in values {
            for b in values {
                for c in values {
                    let p = a * b
                    #expect(try call("mulAdd", a, b, c) == (c + p).bitPattern)
                    #expect(try call("mulAddLeft", a, b, c) == (p + c).bitPattern)
                    #expect(try call("subMul", a, b, c) == (c - p).bitPattern)
                    #expect(try call("mulSub", a, b, c) == (p - c).bitPattern)
                    #expect(try call("chain", a, b, c) == (a * a + (b + b * c) * c).bitPattern)
                }
            }
        }
    }

    /// Loads and stores whose address is an `i32.add` of two values: same results, same
    /// wrapping sum and the same trap at the end of memory.
    @Test func accessesAddressedBySums() throws {
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module (memory 1)
              (func (export "store") (param i32 i32 i64)
                (i64.store offset=8 (i32.add (local.get 0) (local.get 1)) (local.get 2)))
              (func (export "store8") (param i32 i32 i32)
                (i32.store8 (i32.add (local.get 0) (local.get 1)) (local.get 2)))
              (func (export "store16") (param i32 i32 i64)
                (i64.store16 (i32.add (local.get 0) (local.get 1)) (local.get 2)))
              (func (export "load") (param i32 i32) (result i64)
                (i64.load offset=8 (i32.add (local.get 0) (local.get 1))))
              (func (export "load32") (param i32 i32) (result i32)
                (i32.load (i32.add (local.get 0) (local.get 1))))
              (func (export "load8s") (param i32 i32) (result i32)
                (i32.load8_s (i32.add (local.get 0) (local.get 1))))
              (func (export "load8u64") (param i32 i32) (result i64)
                (i64.load8_u (i32.add (local.get 0) (local.get 1))))
              (func (export "load16s") (param i32 i32) (result i32)
                (i32.load16_s (i32.add (local.get 0) (local.get 1))))
              (func (export "scaled") (param i32) (result i32)
                (i32.load (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 64)))))
            """, linker)
        func run(_ name: String, _ args: [Value]) throws -> [Value] { try exported(instance, name).invoke(args) }
        _ = try run("store", [.i32(100), .i32(20), .i64(0x8877_6655_4433_2211)])
        #expect(try run("load", [.i32(120), .i32(0)]) == [.i64(0x8877_6655_4433_2211)])
        #expect(try run("load", [.i32(0xFFFF_FFFF), .i32(121)]) == [.i64(0x8877_6655_4433_2211)])  // sum wraps to 120
        #expect(try run("load32", [.i32(64), .i32(64)]) == [.i32(0x4433_2211)])
        #expect(try run("load8s", [.i32(128), .i32(7)]) == [.i32(0xFFFF_FF88)])
        #expect(try run("load8u64", [.i32(128), .i32(7)]) == [.i64(0x88)])
        _ = try run("store8", [.i32(200), .i32(1), .i32(0x1FF)])
        _ = try run("store16", [.i32(202), .i32(0), .i64(0xFFFF_8001)])
        #expect(try run("load16s", [.i32(202), .i32(0)]) == [.i32(0xFFFF_8001)])
        #expect(try run("load32", [.i32(200), .i32(0)]) == [.i32(0x8001_FF00)])
        _ = try run("store", [.i32(16), .i32(0), .i64(0x1234)])  // bytes 24..<32: index 6 of the "scaled" array at 0
        #expect(try run("scaled", [.i32(0xFFFF_FFF6)]) == [.i32(0x1234)])  // (-10 << 2) + 64 = 24
        let outOfBounds: [(String, [Value])] = [
            ("load", [.i32(65536 - 16), .i32(1)]), ("load32", [.i32(65533), .i32(0)]),
            ("load8s", [.i32(0x8000), .i32(0x8000)]), ("store8", [.i32(65535), .i32(1), .i32(0)]),
            ("store", [.i32(65536 - 15), .i32(0), .i64(0)]), ("store16", [.i32(65535), .i32(0), .i64(0)]),
        ]
        for (name, args) in outOfBounds {
            let failure = trap { _ = try run(name, args) }
            #expect(failure?.reason == .outOfBoundsMemoryAccess, "\(name) \(args)")
        }
    }

    /// `select` on an i32 compare (the max/min idiom), register and immediate forms, with the
    /// chosen operands being the compared values themselves.
    @Test(arguments: 0..<10) func selectOnACompare(index: Int) throws {
        let (name, predicate) = FusionTests.compares[index]
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module
              (func (export "pick") (param i32 i32) (result i32)
                (select (local.get 0) (local.get 1) (i32.\(name) (local.get 0) (local.get 1))))
              (func (export "pickImm") (param i32 i32) (result i32)
                (select (local.get 1) (local.get 0) (i32.\(name) (local.get 0) (i32.const 5))))
              (func (export "pickWide") (param i32 i64 i64) (result i64)
                (select (local.get 1) (local.get 2) (i32.\(name) (local.get 0) (i32.const -1)))))
            """, linker)
        for a in FusionTests.edges {
            for b in FusionTests.edges {
                #expect(try exported(instance, "pick").invoke([.i32(a), .i32(b)]) == [.i32(predicate(a, b) ? a : b)])
                #expect(try exported(instance, "pickImm").invoke([.i32(a), .i32(b)]) == [.i32(predicate(a, 5) ? b : a)])
            }
            let wide = try exported(instance, "pickWide").invoke([.i32(a), .i64(0x1_0000_0001), .i64(0xFFFF_FFFF_0000_0000)])
            #expect(wide == [.i64(predicate(a, 0xFFFF_FFFF) ? 0x1_0000_0001 : 0xFFFF_FFFF_0000_0000)])
        }
    }

    /// The increment that closes a counted loop fuses with its compare-and-branch: same counts
    /// for every compare, with a register or immediate bound, across a label (no fusion) and
    /// when the bound is the counter itself.
    @Test(arguments: 0..<10) func incrementAndBranch(index: Int) throws {
        let (name, predicate) = FusionTests.compares[index]
        let linker = makeLinker(fuel: 100_000)
        let instance = try instantiate(wat: """
            (module
              (func (export "counted") (param i32 i32) (result i32) (local i32)
                (block $done (loop $l
                  (local.set 2 (i32.add (local.get 2) (i32.const 1)))
                  (local.set 0 (i32.add (local.get 0) (i32.const 3)))
                  (br_if $done (i32.ge_u (local.get 2) (i32.const 40)))
                  (br_if $l (i32.\(name) (local.get 0) (local.get 1)))))
                (local.get 2))
              (func (export "imm") (param i32) (result i32) (local i32)
                (block $done (loop $l
                  (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                  (br_if $done (i32.ge_u (local.get 1) (i32.const 40)))
                  (local.set 0 (i32.add (local.get 0) (i32.const -2)))
                  (br_if $l (i32.\(name) (local.get 0) (i32.const 7)))))
                (local.get 1))
              (func (export "label") (param i32 i32) (result i32) (local i32)
                (block $done (loop $l
                  (local.set 2 (i32.add (local.get 2) (i32.const 1)))
                  (br_if $done (i32.ge_u (local.get 2) (i32.const 40)))
                  (local.set 0 (i32.add (local.get 0) (i32.const 3)))
                  (block)
                  (br_if $l (i32.\(name) (local.get 0) (local.get 1)))))
                (local.get 2))
              (func (export "self") (param i32) (result i32) (local i32)
                (block $done (loop $l
                  (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                  (br_if $done (i32.ge_u (local.get 1) (i32.const 40)))
                  (local.set 0 (i32.add (local.get 0) (i32.const 5)))
                  (br_if $l (i32.\(name) (local.get 0) (local.get 0)))))
                (local.get 1)))
            """, linker)
        /// Iterations of `x += step; repeat while x <op> bound` (at most 39).
        func expected(_ start: UInt32, _ step: UInt32, _ bound: UInt32?) -> UInt32 {
            var x = start, n: UInt32 = 0
            repeat {
                n += 1
                if n >= 40 { return n }
                x &+= step
            } while predicate(x, bound ?? x)
            return n
        }
        for a in FusionTests.edges {
            for b in [UInt32(0), 10, 0x8000_0005, 0xFFFF_FFF0] {
                #expect(try exported(instance, "counted").invoke([.i32(a), .i32(b)]) == [.i32(expected(a, 3, b))], "\(name) \(a) \(b)")
                #expect(try exported(instance, "label").invoke([.i32(a), .i32(b)]) == [.i32(expected(a, 3, b))], "\(name) \(a) \(b)")
            }
            #expect(try exported(instance, "imm").invoke([.i32(a)]) == [.i32(expected(a, 0xFFFF_FFFE, 7))], "\(name) \(a)")
            #expect(try exported(instance, "self").invoke([.i32(a)]) == [.i32(expected(a, 5, nil))], "\(name) \(a)")
        }
    }
}

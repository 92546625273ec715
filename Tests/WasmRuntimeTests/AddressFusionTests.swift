import Testing
import WAT
import WasmCore
import WasmRuntime

/// The interpreter's fused address forms: accesses at `x + imm`, table lookups at a
/// shifted and masked index, and `select` on an i64 compare, checked against Swift's own
/// arithmetic at the edges where wrapping and bounds matter.
@Suite struct AddressFusionTests {
    /// `i32.add x imm` feeding a load or store: the sum wraps to 32 bits before the offset
    /// is added, so x near 2^32 reaches low memory and a sum past the end still traps.
    @Test(arguments: [UInt32(0), 4, 0xFFFF_FFF8, 0xFFFF_FFFC, 65_528, 65_532])
    func accessAtRegisterPlusImmediate(x: UInt32) throws {
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module (memory 1)
              (data (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c\\0d\\0e\\0f\\10")
              (func (export "load32") (param i32) (result i32) (i32.load offset=2 (i32.add (local.get 0) (i32.const 8))))
              (func (export "load64") (param i32) (result i64) (i64.load (i32.add (local.get 0) (i32.const 8))))
              (func (export "load8") (param i32) (result i32) (i32.load8_u offset=1 (i32.add (local.get 0) (i32.const 8))))
              (func (export "store") (param i32 i32) (result i64)
                (i32.store offset=16 (i32.add (local.get 0) (i32.const 8)) (local.get 1))
                (i32.store8 offset=21 (i32.add (local.get 0) (i32.const 8)) (i32.const 0x77))
                (i64.store offset=32 (i32.add (local.get 0) (i32.const 8)) (i64.extend_i32_u (local.get 1)))
                (i64.add (i64.load offset=16 (i32.const 0)) (i64.load offset=32 (i32.const 0)))))
            """, linker)
        let bytes: [UInt8] = (1...16).map { UInt8($0) } + [UInt8](repeating: 0, count: 64)
        let memorySize: UInt64 = 65_536
        func expected(_ width: UInt64, offset: UInt64) -> UInt64? {
            let address = UInt64(x &+ 8) + offset
            guard address + width <= memorySize else { return nil }
            var value: UInt64 = 0
            for i in 0..<width where address + i < UInt64(bytes.count) {
                value |= UInt64(bytes[Int(address + i)]) << (8 * i)
            }
            return value
        }
        func check(_ name: String, _ width: UInt64, offset: UInt64) throws {
            if let value = expected(width, offset: offset) {
                let result = try exported(instance, name).invoke([.i32(x)])
                #expect(result == [width == 8 ? .i64(value) : .i32(UInt32(value))], "\(name) x=\(x)")
            } else {
                #expect(trap { _ = try exported(instance, name).invoke([.i32(x)]) }?.reason == .outOfBoundsMemoryAccess)
            }
        }
        try check("load32", 4, offset: 2)
        try check("load64", 8, offset: 0)
        try check("load8", 1, offset: 1)
        // Stores land at the wrapped address (read back through fixed addresses when x + 8 is 0).
        if x &+ 8 == 0 {
            let result = try exported(instance, "store").invoke([.i32(x), .i32(0x1234_5678)])
            // [16..20) = 0x12345678, [21] = 0x77 (byte 5 of the i64 at 16), i64 at 32 = 0x12345678.
            #expect(result == [.i64(0x7700_1234_5678 &+ 0x1234_5678)])
        } else if UInt64(x &+ 8) + 40 > memorySize {
            #expect(trap { _ = try exported(instance, "store").invoke([.i32(x), .i32(1)]) }?.reason == .outOfBoundsMemoryAccess)
        }
    }

    /// `(x & m) << s` is `(x << s) & (m << s)`; a table load at `((x >> s) & m) + offset` or
    /// `((x & m) << s) + offset` reads the same entry and traps at the same index.
    @Test(arguments: [UInt32(0), 1, 0xFF, 0x1234_5678, 0x8000_0001, 0xDEAD_BEEF, 0xFFFF_FFFF])
    func tableLookupsAtAnExtractedIndex(x: UInt32) throws {
        let linker = makeLinker()
        // A 256-entry i32 table at 1024 holding i * 3 + 1.
        let instance = try instantiate(wat: """
            (module (memory 1)
              (func (export "fill") (local i32)
                (loop $l
                  (i32.store offset=1024 (i32.shl (local.get 0) (i32.const 2))
                    (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.const 1)))
                  (br_if $l (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 256)))))
              (func (export "range") (param i32) (result i32)
                (i32.lt_u (i32.and (i32.add (local.get 0) (i32.const -97)) (i32.const 255)) (i32.const 26)))
              (func (export "scaled") (param i32) (result i32) (i32.shl (i32.and (local.get 0) (i32.const 0x3ff)) (i32.const 34)))
              (func (export "byte0") (param i32) (result i32)
                (i32.load offset=1024 (i32.shl (i32.and (local.get 0) (i32.const 255)) (i32.const 2))))
              (func (export "byte1") (param i32) (result i32)
                (i32.load offset=1024 (i32.and (i32.shr_u (local.get 0) (i32.const 6)) (i32.const 1020))))
              (func (export "byte3") (param i32) (result i32)
                (i32.load offset=1024 (i32.and (i32.shr_u (local.get 0) (i32.const 22)) (i32.const 1020))))
              (func (export "combined") (param i32) (result i32)
                (i32.xor
                  (i32.xor
                    (i32.xor
                      (i32.xor (local.get 0) (i32.load offset=1024 (i32.shl (i32.and (local.get 0) (i32.const 255)) (i32.const 2))))
                      (i32.load offset=1024 (i32.and (i32.shr_u (local.get 0) (i32.const 6)) (i32.const 1020))))
                    (i32.load offset=1024 (i32.and (i32.shr_u (local.get 0) (i32.const 14)) (i32.const 1020))))
                  (i32.load offset=1024 (i32.and (i32.shr_u (local.get 0) (i32.const 22)) (i32.const 1020)))))
              (func (export "farXor") (param i32) (result i32)
                (i32.xor (local.get 0) (i32.load offset=65000 (i32.and (i32.shr_u (local.get 0) (i32.const 16)) (i32.const 0xfffc)))))
              (func (export "far") (param i32) (result i32)
                (i32.load offset=65000 (i32.and (i32.shr_u (local.get 0) (i32.const 16)) (i32.const 0xfffc)))))
            """, linker)
        _ = try exported(instance, "fill").invoke([])
        func call(_ name: String) throws -> UInt32? {
            guard case .i32(let r)? = try exported(instance, name).invoke([.i32(x)]).first else { return nil }
            return r
        }
        #expect(try call("scaled") == (x & 0x3FF) << 2)
        #expect(try call("range") == ((x &+ 0xFFFF_FF9F) & 255 < 26 ? 1 : 0))
        #expect(try call("byte0") == (x & 0xFF) * 3 + 1)
        #expect(try call("byte1") == ((x >> 8) & 0xFF) * 3 + 1)
        #expect(try call("byte3") == (x >> 24) * 3 + 1)
        let entry = { (i: UInt32) in i * 3 + 1 }
        #expect(try call("combined") == entry(x & 0xFF) ^ entry((x >> 8) & 0xFF) ^ entry((x >> 16) & 0xFF) ^ entry(x >> 24) ^ x)
        let farIndex = UInt64((x >> 16) & 0xFFFC) + 65_000
        if farIndex + 4 > 65_536 {
            #expect(trap { _ = try exported(instance, "far").invoke([.i32(x)]) }?.reason == .outOfBoundsMemoryAccess)
            #expect(trap { _ = try exported(instance, "farXor").invoke([.i32(x)]) }?.reason == .outOfBoundsMemoryAccess)
        } else {
            #expect(try call("far") == 0)
            #expect(try call("farXor") == x)
        }
    }

    /// `a + (x << s)` feeding an access or another op: the shift and the sum wrap to 32
    /// bits before the offset is added, in either operand order.
    @Test(arguments: [UInt32(0), 1, 3, 0x2000_0000, 0x4000_0001, 0xFFFF_FFFF])
    func accessAtAScaledIndex(x: UInt32) throws {
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module (memory 1)
              (data (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c\\0d\\0e\\0f\\10\\11\\12\\13\\14\\15\\16\\17\\18")
              (func (export "sum") (param i32 i32) (result i32) (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 35))))
              (func (export "sumLeft") (param i32 i32) (result i32) (i32.add (i32.shl (local.get 1) (i32.const 2)) (local.get 0)))
              (func (export "load32") (param i32 i32) (result i32) (i32.load offset=1 (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 2)))))
              (func (export "load64") (param i32 i32) (result i64) (i64.load (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 3)))))
              (func (export "index") (param i32) (result i32) (i32.load offset=4 (i32.shl (local.get 0) (i32.const 2))))
              (func (export "store") (param i32 i32 i64) (result i64)
                (i64.store offset=8 (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 3))) (local.get 2))
                (i32.store offset=16 (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 3))) (i32.wrap_i64 (local.get 2)))
                (i64.load offset=8 (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 3))))))
            """, linker)
        let bytes: [UInt8] = (1...24).map { UInt8($0) }
        func memory(_ address: UInt64, _ width: UInt64) -> UInt64? {
            guard address + width <= 65_536 else { return nil }
            var value: UInt64 = 0
            for i in 0..<width where address + i < UInt64(bytes.count) { value |= UInt64(bytes[Int(address + i)]) << (8 * i) }
            return value
        }
        let base: UInt32 = 4
        #expect(try exported(instance, "sum").invoke([.i32(base), .i32(x)]) == [.i32(base &+ (x &<< 3))])
        #expect(try exported(instance, "sumLeft").invoke([.i32(base), .i32(x)]) == [.i32(base &+ (x &<< 2))])
        for (name, shift, width, offset): (String, UInt32, UInt64, UInt64) in [("load32", 2, 4, 1), ("load64", 3, 8, 0)] {
            let address = UInt64(base &+ (x &<< shift)) + offset
            if let value = memory(address, width) {
                #expect(try exported(instance, name).invoke([.i32(base), .i32(x)]) == [width == 8 ? .i64(value) : .i32(UInt32(value))], "\(name)")
            } else {
                #expect(trap { _ = try exported(instance, name).invoke([.i32(base), .i32(x)]) }?.reason == .outOfBoundsMemoryAccess)
            }
        }
        if let value = memory(UInt64(x &<< 2) + 4, 4) {
            #expect(try exported(instance, "index").invoke([.i32(x)]) == [.i32(UInt32(value))])
        } else {
            #expect(trap { _ = try exported(instance, "index").invoke([.i32(x)]) }?.reason == .outOfBoundsMemoryAccess)
        }
        let element = UInt64(base &+ (x &<< 3))
        if element + 20 <= 65_536 {
            // The i32 store at +16 overwrites the low half of the next element only.
            #expect(try exported(instance, "store").invoke([.i32(base), .i32(x), .i64(0x1122_3344_5566_7788)])
                    == [.i64(0x1122_3344_5566_7788)])
        } else {
            #expect(trap { _ = try exported(instance, "store").invoke([.i32(base), .i32(x), .i64(1)]) }?.reason
                    == .outOfBoundsMemoryAccess)
        }
    }

    /// f64 add/mul of an operand loaded at `x + imm` (a stencil's neighbours): the same sums
    /// as separate loads, the wrapped address, and the trap past the end.
    @Test(arguments: [UInt32(0), 8, 0xFFFF_FFF0, 65_504, 65_512])
    func floatOpsOfALoadAtRegisterPlusImmediate(x: UInt32) throws {
        let linker = makeLinker()
        let values: [Double] = [1.5, -2.25, 4.0, 0.125, 8.5, 3.0]
        let digits = Array("0123456789abcdef")
        let data = values.flatMap { v in
            (0..<8).map { i -> String in
                let byte = Int(truncatingIfNeeded: v.bitPattern >> (8 * UInt64(i))) & 0xFF
                return "\\" + String(digits[byte >> 4]) + String(digits[byte & 15])
            }
        }.joined()
        let instance = try instantiate(wat: """
            (module (memory 1)
              (data (i32.const 0) "\(data)")
              (func (export "stencil") (param i32 f64) (result f64)
                (f64.mul
                  (f64.add (f64.add (local.get 1) (f64.load (i32.add (local.get 0) (i32.const 16))))
                           (f64.load offset=8 (i32.add (local.get 0) (i32.const 16))))
                  (f64.load (i32.add (local.get 0) (i32.const 32))))))
            """, linker)
        func load(_ address: UInt64) -> Double? {
            guard address + 8 <= 65_536 else { return nil }
            let index = Int(address / 8)
            return address % 8 == 0 && index < values.count ? values[index] : (address % 8 == 0 ? 0 : nil)
        }
        let a = UInt64(x &+ 16), b = UInt64(x &+ 16) + 8, c = UInt64(x &+ 32)
        if let va = load(a), let vb = load(b), let vc = load(c) {
            let expected = ((0.75 + va) + vb) * vc
            #expect(try exported(instance, "stencil").invoke([.i32(x), .f64((0.75).bitPattern)]) == [.f64(expected.bitPattern)])
        } else if a + 8 > 65_536 || b + 8 > 65_536 || c + 8 > 65_536 {
            #expect(trap { _ = try exported(instance, "stencil").invoke([.i32(x), .f64(0)]) }?.reason == .outOfBoundsMemoryAccess)
        }
    }

    static let edges: [UInt64] = [0, 1, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF]
    static let compares: [(String, @Sendable (UInt64, UInt64) -> Bool)] = [
        ("eq", { $0 == $1 }), ("ne", { $0 != $1 }),
        ("lt_s", { Int64(bitPattern: $0) < Int64(bitPattern: $1) }), ("lt_u", { $0 < $1 }),
        ("gt_s", { Int64(bitPattern: $0) > Int64(bitPattern: $1) }), ("gt_u", { $0 > $1 }),
        ("le_s", { Int64(bitPattern: $0) <= Int64(bitPattern: $1) }), ("le_u", { $0 <= $1 }),
        ("ge_s", { Int64(bitPattern: $0) >= Int64(bitPattern: $1) }), ("ge_u", { $0 >= $1 }),
    ]

    /// `select` on an i64 compare (the max/min idiom of knapsack-style DP rows).
    @Test(arguments: 0..<10) func selectOnAnI64Compare(index: Int) throws {
        let (name, predicate) = AddressFusionTests.compares[index]
        let linker = makeLinker()
        let instance = try instantiate(wat: """
            (module
              (func (export "pick") (param i64 i64) (result i64)
                (select (i64.const 111) (i64.const 222) (i64.\(name) (local.get 0) (local.get 1))))
              (func (export "max") (param i64 i64) (result i64)
                (select (local.get 0) (local.get 1) (i64.\(name) (local.get 0) (local.get 1)))))
            """, linker)
        for a in AddressFusionTests.edges {
            for b in AddressFusionTests.edges {
                let holds = predicate(a, b)
                #expect(try exported(instance, "pick").invoke([.i64(a), .i64(b)]) == [.i64(holds ? 111 : 222)], "\(name) \(a) \(b)")
                #expect(try exported(instance, "max").invoke([.i64(a), .i64(b)]) == [.i64(holds ? a : b)], "\(name) \(a) \(b)")
            }
        }
    }
}

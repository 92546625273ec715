import Testing
import WasmCore
import WAT

@Suite struct GCEncodingTests {
    static let features = WasmFeatures.wasm3.union(.gc)
    /// Types 0 `$p` (struct), 1 `$v` (array) for the instruction tests.
    static let types = "(type $p (struct (field $x (mut i32)) (field $y i8))) (type $v (array (mut i8)))"

    func encode(_ text: String) throws -> [UInt8] { try WAT.encode(text, features: Self.features) }

    func malformed(_ text: String) -> String? {
        do {
            _ = try WAT.encode(text, features: Self.features)
            return nil
        } catch {
            return error.message
        }
    }

    /// The type section's entries (after id, size and count).
    func typeSection(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count > 11, bytes[8] == 0x01 else { return [] }
        return Array(bytes[11..<(10 + Int(bytes[9]))])
    }

    /// Whether `bytes` contains `part`.
    func contains(_ bytes: [UInt8], _ part: [UInt8]) -> Bool {
        bytes.indices.contains { Array(bytes[$0..<min($0 + part.count, bytes.count)]) == part }
    }

    /// Checks that the only function's body is exactly `code` (no locals): the code
    /// section is the module's last, so the body ends the binary.
    func expectBody(_ instructions: String, _ code: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = try encode(Self.types + " (func " + instructions + ")")
        let body: [UInt8] = [UInt8(code.count + 2), 0x00] + code + [0x0B]
        #expect(Array(bytes.suffix(body.count)) == body, "\(instructions)", sourceLocation: sourceLocation)
    }

    @Test func recSubStructAndArrayTypes() throws {
        let bytes = try encode("""
            (rec
              (type $a (sub (struct (field $x i32) (field (mut i8)) (field i64 f32))))
              (type $b (sub final $a (struct (field i32) (field (mut i8)) (field i64 f32) (field (ref null $b))))))
            (type $arr (array (mut i16)))
            (type $f (func (param i32) (result (ref $arr))))
            """)
        #expect(Array(bytes[8..<11]) == [0x01, 0x28, 0x03])
        #expect(typeSection(bytes) == [
            0x4E, 0x02,  // rec of two
            0x50, 0x00, 0x5F, 0x04, 0x7F, 0x00, 0x78, 0x01, 0x7E, 0x00, 0x7D, 0x00,  // sub () struct
            0x4F, 0x01, 0x00, 0x5F, 0x05, 0x7F, 0x00, 0x78, 0x01, 0x7E, 0x00, 0x7D, 0x00, 0x63, 0x01, 0x00,  // sub final (0)
            0x5E, 0x77, 0x01,  // array (mut i16)
            0x60, 0x01, 0x7F, 0x01, 0x64, 0x02,  // func (param i32) (result (ref 2))
        ])
    }

    @Test func abstractReferenceTypes() throws {
        let bytes = try encode("""
            (type (func (param anyref eqref i31ref structref arrayref nullref)
                        (param (ref any) (ref null none) (ref eq) (ref null nofunc) (ref null noextern))))
            """)
        #expect(typeSection(bytes) == [
            0x60, 0x0B, 0x6E, 0x6D, 0x6C, 0x6B, 0x6A, 0x71, 0x64, 0x6E, 0x71, 0x64, 0x6D, 0x73, 0x72, 0x00,
        ])
    }

    @Test func implicitTypesOnlyReuseFinalSingletonFunctionTypes() throws {
        // A non-final type and a function type inside a larger group do not match: the
        // function gets a new type 3.
        var bytes = try encode("(type (sub (func))) (rec (type (func)) (type (struct))) (func)")
        #expect(typeSection(bytes) == [0x50, 0x00, 0x60, 0x00, 0x00, 0x4E, 0x02, 0x60, 0x00, 0x00, 0x5F, 0x00, 0x60, 0x00, 0x00])
        #expect(contains(bytes, [0x03, 0x02, 0x01, 0x03]))
        // A final one alone in its group does, written with `rec` or `sub final` or neither.
        for text in ["(rec (type (func))) (func)", "(type (sub final (func))) (func)", "(type (func)) (func)"] {
            bytes = try encode(text)
            #expect(contains(bytes, [0x03, 0x02, 0x01, 0x00]), "\(text)")
        }
        #expect(malformed("(type $s (struct)) (func (type $s) (param i32))") == "inline function type")
    }

    @Test func structInstructions() throws {
        try expectBody("(drop (struct.new $p (i32.const 1) (i32.const 2)))", [0x41, 0x01, 0x41, 0x02, 0xFB, 0x00, 0x00, 0x1A])
        try expectBody("(drop (struct.new_default $p))", [0xFB, 0x01, 0x00, 0x1A])
        try expectBody("(drop (struct.get $p $x (ref.null $p)))", [0xD0, 0x00, 0xFB, 0x02, 0x00, 0x00, 0x1A])
        try expectBody("(drop (struct.get_s $p $y (ref.null $p)))", [0xD0, 0x00, 0xFB, 0x03, 0x00, 0x01, 0x1A])
        try expectBody("(drop (struct.get_u 0 1 (ref.null 0)))", [0xD0, 0x00, 0xFB, 0x04, 0x00, 0x01, 0x1A])
        try expectBody("(struct.set $p $x (ref.null $p) (i32.const 7))", [0xD0, 0x00, 0x41, 0x07, 0xFB, 0x05, 0x00, 0x00])
    }

    @Test func arrayInstructions() throws {
        try expectBody("array.new $v drop", [0xFB, 0x06, 0x01, 0x1A])
        try expectBody("array.new_default $v drop", [0xFB, 0x07, 0x01, 0x1A])
        try expectBody("array.new_fixed $v 3 drop", [0xFB, 0x08, 0x01, 0x03, 0x1A])
        try expectBody("array.new_elem $v 2 drop", [0xFB, 0x0A, 0x01, 0x02, 0x1A])
        try expectBody("array.get $v array.get_s $v array.get_u 1", [0xFB, 0x0B, 0x01, 0xFB, 0x0C, 0x01, 0xFB, 0x0D, 0x01])
        try expectBody("array.set $v array.len array.fill $v", [0xFB, 0x0E, 0x01, 0xFB, 0x0F, 0xFB, 0x10, 0x01])
        try expectBody("array.copy $v 0", [0xFB, 0x11, 0x01, 0x00])
        try expectBody("array.init_elem $v 4", [0xFB, 0x13, 0x01, 0x04])
    }

    @Test func dataIndicesNeedTheDataCountSection() throws {
        let bytes = try encode(Self.types + #" (data $d "ab") (func array.new_data $v $d drop array.init_data $v 0)"#)
        #expect(contains(bytes, [0x0C, 0x01, 0x01]))
        #expect(contains(bytes, [0xFB, 0x09, 0x01, 0x00, 0x1A, 0xFB, 0x12, 0x01, 0x00, 0x0B]))
        #expect(try !contains(encode(Self.types + " (func array.len drop)"), [0x0C, 0x01]))
    }

    @Test func castsChooseTheOpcodeByNullability() throws {
        try expectBody("ref.test (ref $p) ref.test anyref", [0xFB, 0x14, 0x00, 0xFB, 0x15, 0x6E])
        try expectBody("ref.cast (ref i31) ref.cast (ref null $p)", [0xFB, 0x16, 0x6C, 0xFB, 0x17, 0x00])
        try expectBody("br_on_cast 0 anyref (ref $p)", [0xFB, 0x18, 0x01, 0x00, 0x6E, 0x00])
        try expectBody("br_on_cast_fail 0 (ref any) (ref null $p)", [0xFB, 0x19, 0x02, 0x00, 0x6E, 0x00])
        try expectBody("(block $l (result anyref) (br_on_cast $l eqref nullref (ref.null none)))",
                       [0x02, 0x6E, 0xD0, 0x71, 0xFB, 0x18, 0x03, 0x00, 0x6D, 0x71, 0x0B])
        #expect(malformed(Self.types + " (func ref.test_null (ref $p))")?.hasPrefix("unknown operator") == true)
        #expect(malformed(Self.types + " (func ref.cast_null $p)")?.hasPrefix("unknown operator") == true)
    }

    @Test func conversionsAndI31() throws {
        try expectBody("any.convert_extern extern.convert_any", [0xFB, 0x1A, 0xFB, 0x1B])
        try expectBody("ref.i31 i31.get_s i31.get_u ref.eq", [0xFB, 0x1C, 0xFB, 0x1D, 0xFB, 0x1E, 0xD3])
        try expectBody("ref.null none ref.null struct ref.null $v", [0xD0, 0x71, 0xD0, 0x6B, 0xD0, 0x01])
    }

    @Test func constantExpressions() throws {
        let global = try encode(Self.types + " (global (ref $p) (struct.new $p (i32.const 1) (i32.const 2)))")
        #expect(contains(global, [0x06, 0x0C, 0x01, 0x64, 0x00, 0x00, 0x41, 0x01, 0x41, 0x02, 0xFB, 0x00, 0x00, 0x0B]))
        let elem = try encode("(elem (ref i31) (item (ref.i31 (i32.const 5))) (ref.i31 (i32.const 6)))")
        #expect(contains(elem, [0x09, 0x0F, 0x01, 0x05, 0x64, 0x6C, 0x02, 0x41, 0x05, 0xFB, 0x1C, 0x0B, 0x41, 0x06, 0xFB, 0x1C, 0x0B]))
        let table = try encode("(table 1 anyref (ref.i31 (i32.const 0)))")
        #expect(contains(table, [0x04, 0x0B, 0x01, 0x40, 0x00, 0x6E, 0x00, 0x01, 0x41, 0x00, 0xFB, 0x1C, 0x0B]))
        let fixed = try encode(Self.types + " (global (ref $v) (array.new_fixed $v 2 (i32.const 1) (i32.const 2)))")
        #expect(contains(fixed, [0x64, 0x01, 0x00, 0x41, 0x01, 0x41, 0x02, 0xFB, 0x08, 0x01, 0x02, 0x0B]))
    }

    @Test func malformedTypesAndFields() {
        #expect(malformed("(type (struct (field $x i32) (field $x i64)))") == "duplicate field $x")
        #expect(malformed("(type $t (struct)) (type $t (array i8))")?.hasPrefix("duplicate type") == true)
        #expect(malformed("(rec (type $t (struct)) (type $t (struct)))")?.hasPrefix("duplicate type") == true)
        #expect(malformed("(type (struct (field (ref $nope))))") == "unknown type $nope")
        #expect(malformed("(type (sub $nope (struct)))") == "unknown type $nope")
        #expect(malformed(Self.types + " (func (struct.get $p $z (ref.null $p)) drop)") == "unknown field $z")
        // Field identifiers belong to their type.
        #expect(malformed(Self.types + " (type $q (struct (field $z i32))) (func (struct.get $p $z (ref.null $p)) drop)")
            == "unknown field $z")
        #expect(malformed("(type (struct (field i8 (mut))))") != nil)
        #expect(malformed("(type (array))") != nil)
        #expect(malformed("(type (array i32 i32))") != nil)
        #expect(malformed("(rec (func))") != nil)
        #expect(malformed("(type (sub final final (func)))") != nil)
    }

    @Test func fieldsOfRecursiveTypesResolveForward() throws {
        let bytes = try encode("""
            (rec (type $a (struct (field $next (ref null $b))))
                 (type $b (struct (field $back (ref null $a)) (field $n i32))))
            (func (param (ref $a)) (result i32)
              (struct.get $b $n (struct.get $a $next (local.get 0))))
            """)
        #expect(Array(bytes.suffix(12)) == [0x00, 0x20, 0x00, 0xFB, 0x02, 0x00, 0x00, 0xFB, 0x02, 0x01, 0x01, 0x0B])
    }
}

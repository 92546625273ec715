import Testing
import WasmCore
import WAT

@Suite struct ModuleEncodingTests {
    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

    func encode(_ text: String) throws -> [UInt8] { try WAT.encode(text) }

    func malformed(_ text: String) -> String? {
        do {
            _ = try WAT.encode(text, features: .wasm2)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func emptyModule() throws {
        #expect(try encode("(module)") == Self.header)
        #expect(try encode("") == Self.header)
        #expect(try encode("(module $m)") == Self.header)
    }

    @Test func exportedAdd() throws {
        let bytes = try encode("""
            (module
              (func $add (export "add") (param $a i32) (param $b i32) (result i32)
                local.get $a
                local.get $b
                i32.add))
            """)
        #expect(bytes == Self.header + [
            0x01, 0x07, 0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F,  // type
            0x03, 0x02, 0x01, 0x00,  // function
            0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,  // export "add"
            0x0A, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B,  // code
        ])
    }

    @Test func foldedAndFlatAgree() throws {
        let folded = try encode("(func (result i32) (i32.add (i32.const 1) (i32.const 2)))")
        let flat = try encode("(func (result i32) i32.const 1 i32.const 2 i32.add)")
        #expect(folded == flat)
        let ifFolded = try encode("(func (param i32) (if (local.get 0) (then nop) (else unreachable)))")
        let ifFlat = try encode("(func (param i32) local.get 0 if nop else unreachable end)")
        #expect(ifFolded == ifFlat)
    }

    @Test func constantsAndLabels() throws {
        let bytes = try encode("""
            (func $f (block $out (loop $top (br_if $out (i32.const -1)) (br $top))))
            """)
        // block 0x40, loop 0x40, i32.const -1, br_if 1, br 0, end, end, end
        let code: [UInt8] = [0x02, 0x40, 0x03, 0x40, 0x41, 0x7F, 0x0D, 0x01, 0x0C, 0x00, 0x0B, 0x0B, 0x0B]
        #expect(Array(bytes.suffix(code.count)) == code)
        let f = try encode("(func (result f32) (f32.const 0x1p-1))")
        #expect(Array(f.suffix(6)) == [0x43, 0x00, 0x00, 0x00, 0x3F, 0x0B])
    }

    @Test func implicitTypesComeAfterExplicitOnes() throws {
        let bytes = try encode("""
            (func (param i64))
            (type $t (func (param i32)))
            (func (param i32))
            (func (result i32 i32) (block (result i32 i32) (i32.const 1) (i32.const 2)))
            """)
        // types: $t (i32)->(), then (i64)->(), then ()->(i32 i32); functions 1, 0, 2
        let types: [UInt8] = [0x01, 0x0E, 0x03, 0x60, 0x01, 0x7F, 0x00, 0x60, 0x01, 0x7E, 0x00, 0x60, 0x00, 0x02, 0x7F, 0x7F]
        #expect(Array(bytes[8..<(8 + types.count)]) == types)
        #expect(Array(bytes[(8 + types.count)..<(8 + types.count + 5)]) == [0x03, 0x04, 0x03, 0x01, 0x00])
        #expect(Array(bytes.suffix(8)) == [0x02, 0x02, 0x41, 0x01, 0x41, 0x02, 0x0B, 0x0B])
    }

    @Test func memoryDataAndDataCount() throws {
        let bytes = try encode("""
            (memory (export "m") (data "hi"))
            (data $d "x")
            (func (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop $d))
            """)
        // memory limits 1 1, datacount section 2 present before the code section
        #expect(bytes.contains(0x0C))
        let memory: [UInt8] = [0x05, 0x04, 0x01, 0x01, 0x01, 0x01]
        #expect(bytes.indices.contains { Array(bytes[$0..<min($0 + memory.count, bytes.count)]) == memory })
        let dataSection: [UInt8] = [0x0B, 0x0B, 0x02, 0x00, 0x41, 0x00, 0x0B, 0x02, 0x68, 0x69, 0x01, 0x01, 0x78]
        #expect(Array(bytes.suffix(dataSection.count)) == dataSection)
    }

    @Test func tableElemAbbreviation() throws {
        let bytes = try encode("(table funcref (elem $f $f)) (func $f)")
        let table: [UInt8] = [0x04, 0x05, 0x01, 0x70, 0x01, 0x02, 0x02]
        #expect(bytes.indices.contains { Array(bytes[$0..<min($0 + table.count, bytes.count)]) == table })
        let elem: [UInt8] = [0x09, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x02, 0x00, 0x00]
        #expect(bytes.indices.contains { Array(bytes[$0..<min($0 + elem.count, bytes.count)]) == elem })
    }

    @Test func memargAndMultiMemory() throws {
        let bytes = try encode("(memory 1) (memory $b 1) (func (drop (i64.load $b offset=8 align=4 (i32.const 0))))")
        let load: [UInt8] = [0x29, 0x42, 0x01, 0x08]
        #expect(bytes.indices.contains { Array(bytes[$0..<min($0 + load.count, bytes.count)]) == load })
        #expect(malformed("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))") == "alignment")
    }

    @Test func typedSelectAndRefs() throws {
        let bytes = try encode("(func (result funcref) (select (result funcref) (ref.null func) (ref.func 0) (i32.const 1)))")
        let body: [UInt8] = [0xD0, 0x70, 0xD2, 0x00, 0x41, 0x01, 0x1C, 0x01, 0x70, 0x0B]
        #expect(Array(bytes.suffix(body.count)) == body)
    }

    @Test func importsAndInlineExports() throws {
        let bytes = try encode("""
            (import "env" "f" (func $f (param i32)))
            (global $g (import "env" "g") (mut i64))
            (func (export "run") (call $f (i32.const 0)))
            """)
        let imports: [UInt8] = [0x02, 0x12, 0x02, 0x03, 0x65, 0x6E, 0x76, 0x01, 0x66, 0x00, 0x00,
                                0x03, 0x65, 0x6E, 0x76, 0x01, 0x67, 0x03, 0x7E, 0x01]
        #expect(bytes.indices.contains { Array(bytes[$0..<min($0 + imports.count, bytes.count)]) == imports })
        let export: [UInt8] = [0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6E, 0x00, 0x01]
        #expect(bytes.indices.contains { Array(bytes[$0..<min($0 + export.count, bytes.count)]) == export })
    }

    @Test func textErrors() {
        #expect(malformed("(func (i32.const0))")?.hasPrefix("unknown operator") == true)
        #expect(malformed("(func (i32.const 4294967296))") == "constant out of range")
        #expect(malformed("(func (br $nowhere))")?.hasPrefix("unknown label") == true)
        #expect(malformed("(func block $a end $b)") == "mismatching label")
        #expect(malformed("(func $f) (func $f)")?.hasPrefix("duplicate func") == true)
        #expect(malformed("(func (local $x i32) (local $x i32))")?.hasPrefix("duplicate local") == true)
        #expect(malformed("(type (func)) (func (type 0) (param i32))") == "inline function type")
        #expect(malformed("(func (call $missing))")?.hasPrefix("unknown func") == true)
        #expect(malformed("(func) (import \"\" \"\" (func))") == "import after function")
        #expect(malformed("(memory 0x1_0000_0000)") == "i32 constant out of range")
        #expect(malformed("(start 0) (start 0) (func)") == "multiple start sections")
        #expect(malformed("(func (export \"\\ff\"))") == "malformed UTF-8 encoding")
        #expect(malformed("(func (result i32) (param i32) (i32.const 0))") == "unexpected token")
        #expect(malformed("(func (block (param $x i32)))") == "unexpected token")
        #expect(malformed("(func (f32.const nan:canonical))") == "unexpected token")
    }

    @Test func deepNesting() throws {
        let n = 1000
        let folded = "(func " + String(repeating: "(block ", count: n) + String(repeating: ")", count: n) + ")"
        #expect(try encode(folded).count > 2 * n)
        let flat = "(func " + String(repeating: "block ", count: n) + String(repeating: "end ", count: n) + ")"
        #expect(try encode(flat) == encode(folded))
        let hostile = "(func " + String(repeating: "(block ", count: 200_000) + String(repeating: ")", count: 200_001)
        #expect(malformed(hostile) == "nesting too deep")
    }

    @Test func errorsCarryLines() {
        do {
            _ = try WAT.encode("(module\n  (func\n    (i32.bogus)))")
            Issue.record("accepted")
        } catch {
            #expect(error.kind == .malformed)
            #expect(error.offset == 3)
        }
    }

    @Test func debugNamesKeepFunctionIdentifiersInANameSection() throws {
        let text = #"(module (import "e" "f" (func $imp)) (func $b) (func) (func $d))"#
        let plain = try WAT.encode(text)
        let named = try WAT.encode(text, debugNames: true)
        // Function indices: the import is 0, then 1, 2 (no identifier), 3.
        let map: [UInt8] = [3, 0, 3] + Array("imp".utf8) + [1, 1] + Array("b".utf8) + [3, 1] + Array("d".utf8)
        let body: [UInt8] = [4] + Array("name".utf8) + [1, UInt8(map.count)] + map
        #expect(named == plain + [0, UInt8(body.count)] + body)
        #expect(try WAT.encode("(module (func))", debugNames: true) == WAT.encode("(module (func))"))
    }
}

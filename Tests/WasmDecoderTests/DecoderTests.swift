import Testing
import WasmCore
@testable import WasmDecoder

@Suite struct DecoderTests {
    typealias B = TestBinaries

    @Test func emptyModule() throws {
        let module = try decodeModule(B.header)
        #expect(module.types.isEmpty && module.functions.isEmpty && module.codes.isEmpty)
        #expect(module.bytes == B.header)
    }

    @Test func headerErrors() {
        #expect(B.decodeError([])?.message == "unexpected end of section or function")
        #expect(B.decodeError([0x00, 0x61, 0x73])?.message == "unexpected end of section or function")
        #expect(B.decodeError([0x00, 0x41, 0x53, 0x4D, 1, 0, 0, 0])?.message == "magic header not detected")
        #expect(B.decodeError([0x00, 0x61, 0x73, 0x6D, 2, 0, 0, 0])?.message == "unknown binary version")
        #expect(B.decodeError([0x00, 0x61, 0x73, 0x6D, 2, 0, 0, 0])?.kind == .malformed)
    }

    @Test func sectionIdsAndOrder() {
        #expect(B.decodeError(B.header + [0x0E, 0x01, 0x00])?.message == "malformed section id")
        // The tag section exists only with exception handling.
        #expect(B.decodeError(B.header + [0x0D, 0x01, 0x00], features: .wasm2)?.message == "malformed section id")
        #expect(B.decodeError(B.header + [0x0D, 0x01, 0x00]) == nil)
        let duplicate = B.module(B.section(1, [0x00]), B.section(1, [0x00]))
        #expect(B.decodeError(duplicate)?.message == "unexpected content after last section")
        let outOfOrder = B.module(B.section(3, [0x00]), B.section(2, [0x00]))
        #expect(B.decodeError(outOfOrder)?.message == "unexpected content after last section")
        // Data count comes before code although its id is larger.
        #expect(B.decodeError(B.module(B.section(12, [0x00]), B.section(10, [0x00]))) == nil)
        // Custom sections may appear anywhere.
        let custom = B.section(0, B.name("x") + [1, 2, 3])
        #expect(B.decodeError(B.module(custom, B.section(1, [0x00]), custom)) == nil)
    }

    @Test func sizesAndLengths() {
        // Type section declaring 2 types but holding 1 runs past its end into nothing.
        #expect(B.decodeError(B.header + [0x01, 0x07, 0x02, 0x60, 0x00, 0x00])?.message == "length out of bounds")
        // One type declared, two present: the section is larger than what was read.
        #expect(B.decodeError(B.header + [0x01, 0x07, 0x01, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00])?.message == "section size mismatch")
        #expect(B.decodeError(B.header + [0x05, 0x01, 0x01])?.message == "unexpected end of section or function")
        #expect(B.decodeError(B.header + [0x00, 0x26, 0x10])?.message == "length out of bounds")
    }

    @Test func leb128Limits() {
        // Memory minimum as a 6-byte u32.
        let long = B.header + [0x05, 0x08, 0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00]
        #expect(B.decodeError(long, features: .wasm2)?.message == "integer representation too long")
        let large = B.header + [0x05, 0x07, 0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x70]
        #expect(B.decodeError(large, features: .wasm2)?.message == "integer too large")
    }

    @Test func functionAndCodeCounts() {
        let noCode = B.module(B.section(1, [0x01, 0x60, 0x00, 0x00]), B.section(3, [0x01, 0x00]))
        #expect(B.decodeError(noCode)?.message == "function and code section have inconsistent lengths")
        let noFunctions = B.module(B.section(10, [0x01, 0x02, 0x00, 0x0B]))
        #expect(B.decodeError(noFunctions)?.message == "function and code section have inconsistent lengths")
    }

    @Test func dataCountRules() {
        let mismatch = B.module(B.section(12, [0x01]))
        #expect(B.decodeError(mismatch)?.message == "data count and data section have inconsistent lengths")
        // data.drop without a data count section.
        let drop = B.function(code: [0xFC, 0x09, 0x00], memory: true) + B.section(11, [0x01, 0x01, 0x00])
        #expect(B.decodeError(drop)?.message == "data count section required")
        let withCount = B.function(code: [0xFC, 0x09, 0x00], memory: true, extra: [B.section(12, [0x01])])
            + B.section(11, [0x01, 0x01, 0x00])
        #expect(B.decodeError(withCount) == nil)
    }

    @Test func functionBodies() throws {
        let bytes = B.function(results: [0x7F], locals: [(2, 0x7E), (1, 0x7D)], code: [0x41, 0x2A])
        let module = try decodeModule(bytes)
        #expect(module.functions == [0])
        #expect(module.types == [SubType(FunctionType(results: [.i32]))])
        let body = try #require(module.codes.first)
        #expect(body.localCounts == [2, 1])
        #expect(body.localTypes == [.i64, .f32])
        #expect(Array(module.bytes[body.code]) == [0x41, 0x2A, 0x0B])

        let tooMany = B.function(locals: [(0xFFFF_FFFF, 0x7F), (2, 0x7E)], code: [])
        #expect(B.decodeError(tooMany)?.message == "too many locals")
        // Body missing its final end: the next byte (another section) is not END.
        let noEnd = B.module(
            B.section(1, [0x01, 0x60, 0x00, 0x00]), B.section(3, [0x02, 0x00, 0x00]),
            B.section(10, [0x02, 0x04, 0x00, 0x41, 0x01, 0x1A, 0x05, 0x00, 0x41, 0x01, 0x1A, 0x0B]))
        #expect(B.decodeError(noEnd)?.message == "END opcode expected")
        // `else` outside `if`.
        #expect(B.decodeError(B.function(code: [0x02, 0x40, 0x05, 0x0B]))?.message == "END opcode expected")
    }

    @Test func opcodesAndImmediates() {
        #expect(B.decodeError(B.function(code: [0x00, 0xFF]))?.message == "illegal opcode ff")
        #expect(B.decodeError(B.function(code: [0xFC, 0x7F]))?.message.hasPrefix("illegal opcode fc") == true)
        // memory.size's reserved byte (a memory index with multi-memory).
        #expect(B.decodeError(B.function(code: [0x3F, 0x01, 0x1A], memory: true), features: .wasm2)?.message == "zero byte expected")
        #expect(B.decodeError(B.function(code: [0x3F, 0x01, 0x1A], memory: true), features: .wasm3) == nil)
        #expect(B.decodeError(B.function(code: [0x41, 0x00, 0x28, 0x20, 0x00, 0x1A], memory: true), features: .wasm2)?.message == "malformed memop flags")
        #expect(B.decodeError(B.function(code: [0x41, 0x00, 0x28, 0x80, 0x01, 0x00, 0x1A], memory: true))?.message == "malformed memop flags")
        // Proposal opcodes are gated: return_call is illegal in Wasm 2.0.
        #expect(B.decodeError(B.function(code: [0x12, 0x00]), features: .wasm2)?.message == "illegal opcode 12")
    }

    @Test func instructionReader() throws {
        // block (result i32) i32.const -1 br_table 0 0 0 end; f64.const; i64.load offset=8 align=8
        let code: [UInt8] = [
            0x02, 0x7F, 0x41, 0x7F, 0x41, 0x00, 0x0E, 0x02, 0x00, 0x00, 0x00, 0x0B, 0x1A,
            0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x1A,
            0x41, 0x00, 0x29, 0x03, 0x08, 0x1A,
        ]
        let module = try decodeModule(B.function(code: code, memory: true))
        var reader = InstructionReader(module: module, body: module.codes[0], features: .wasm3)
        var ops: [Instruction] = []
        var offsets: [Int] = []
        while let (ins, offset) = try reader.read() {
            ops.append(ins)
            offsets.append(offset)
        }
        #expect(ops.map(\.opcode) == [.block, .i32Const, .i32Const, .brTable, .end, .drop, .f64Const, .drop, .i32Const, .i64Load, .drop, .end])
        #expect(ops[0].blockType == .value(.i32))
        #expect(Int32(truncatingIfNeeded: ops[1].value) == -1)
        #expect(ops[3].labels == [0, 0, 0])
        #expect(ops[6].value == 0x3FF0_0000_0000_0000)
        #expect(ops[9].index == 3 && ops[9].value == 8 && ops[9].index2 == 0)
        #expect(offsets[0] == module.codes[0].code.lowerBound)
        #expect(offsets == offsets.sorted())
        #expect(reader.isAtEnd)
    }

    @Test func importsAndExports() throws {
        let imports = B.section(2, B.vector([
            B.name("env") + B.name("f") + [0x00, 0x00],
            B.name("env") + B.name("t") + [0x01, 0x70, 0x01, 0x01, 0x02],
            B.name("env") + B.name("m") + [0x02, 0x00, 0x01],
            B.name("env") + B.name("g") + [0x03, 0x7E, 0x01],
        ]))
        let exports = B.section(7, B.vector([B.name("f") + [0x00, 0x00], B.name("g") + [0x03, 0x00]]))
        let module = try decodeModule(B.module(B.section(1, [0x01, 0x60, 0x00, 0x00]), imports, exports))
        #expect(module.imports.count == 4)
        #expect(module.importedTables == [TableType(.funcRef, Limits(min: 1, max: 2))])
        #expect(module.importedMemories == [MemoryType(Limits(min: 1))])
        #expect(module.importedGlobals == [GlobalType(.i64, mutable: true)])
        #expect(module.exports == [Export(name: "f", kind: .function, index: 0), Export(name: "g", kind: .global, index: 0)])

        let badKind = B.module(B.section(2, B.vector([B.name("a") + B.name("b") + [0x05, 0x00]])))
        #expect(B.decodeError(badKind)?.message == "malformed import kind")
        let badMutability = B.module(B.section(2, B.vector([B.name("a") + B.name("b") + [0x03, 0x7F, 0x02]])))
        #expect(B.decodeError(badMutability)?.message == "malformed mutability")
        let badUTF8 = B.module(B.section(2, B.vector([[0x01, 0xC0] + B.name("b") + [0x00, 0x00]])))
        #expect(B.decodeError(badUTF8)?.message == "malformed UTF-8 encoding")
    }

    @Test func elementSegments() throws {
        let table = B.section(4, B.vector([[0x70, 0x00, 0x01]]))
        let elements = B.section(9, B.vector([
            [0x00, 0x41, 0x00, 0x0B, 0x01, 0x00],  // active, table 0, function indices
            [0x01, 0x00, 0x01, 0x00],  // passive, elemkind, indices
            [0x05, 0x70, 0x02, 0xD2, 0x00, 0x0B, 0xD0, 0x70, 0x0B],  // passive, expressions
            [0x03, 0x00, 0x00],  // declarative, no elements
        ]))
        let bytes = B.module(
            B.section(1, [0x01, 0x60, 0x00, 0x00]), B.section(3, [0x01, 0x00]), table, elements,
            B.section(10, [0x01, 0x02, 0x00, 0x0B]))
        let module = try decodeModule(bytes, features: .wasm2)
        #expect(module.elements.count == 4)
        var refFunc = Instruction(.refFunc)
        refFunc.index = 0
        var offset = Instruction(.i32Const)
        offset.value = 0
        #expect(module.elements[0].mode == .active(table: 0, offset: ConstExpression([offset])))
        #expect(module.elements[0].elements == [ConstExpression([refFunc])])
        #expect(module.elements[1].mode == .passive)
        #expect(module.elements[2].elements.count == 2)
        #expect(module.elements[2].elements[1].instructions.first?.opcode == .refNull)
        #expect(module.elements[3].mode == .declarative)

        let badType = B.module(B.section(9, B.vector([[0x05, 0x7F, 0x00]])))
        #expect(B.decodeError(badType)?.message == "malformed reference type")
    }

    @Test func customAndNameSections() throws {
        let names = B.name("name")
            + B.section(0, B.name("mod"))
            + B.section(1, B.vector([[0x00] + B.name("main")]))
            + B.section(2, B.vector([[0x00] + B.vector([[0x00] + B.name("x")])]))
        let bytes = B.function(code: []) + B.section(0, names) + B.section(0, B.name("other") + [9, 9])
        let module = try decodeModule(bytes)
        #expect(module.customSections.map(\.name) == ["name", "other"])
        #expect(Array(module.bytes[module.customSections[1].range]) == [9, 9])
        #expect(module.names?.moduleName == "mod")
        #expect(module.names?.functionNames == [0: "main"])
        #expect(module.names?.localNames[0] == [0: "x"])

        // A malformed name section is ignored, not an error.
        let broken = B.function(code: []) + B.section(0, B.name("name") + [0x01, 0x05, 0x01, 0x00])
        let decoded = try decodeModule(broken)
        #expect(decoded.names == nil)
        #expect(decoded.customSections.count == 1)
    }

    @Test func memory64AndLimitsFlags() throws {
        let mem64 = B.module(B.section(5, B.vector([[0x05, 0x01, 0x10]])))
        let module = try decodeModule(mem64)
        #expect(module.memories == [MemoryType(Limits(min: 1, max: 16, is64: true))])
        #expect(B.decodeError(mem64, features: .wasm2)?.message == "integer too large")
        #expect(B.decodeError(B.module(B.section(5, B.vector([[0x08, 0x01]]))))?.message == "malformed limits flags")
    }
}

import Testing
import WasmCore
import WasmDecoder
@testable import WasmValidator

@Suite struct ValidatorTests {
    typealias B = TestBinaries
    static let i32: UInt8 = 0x7F, i64: UInt8 = 0x7E, f32: UInt8 = 0x7D, funcref: UInt8 = 0x70

    func check(params: [UInt8] = [], results: [UInt8] = [], locals: [(UInt32, UInt8)] = [], memory: Bool = false,
               features: WasmFeatures = .wasm3, _ code: [UInt8]) -> String? {
        B.check(B.function(params: params, results: results, locals: locals, code: code, memory: memory), features: features)
    }

    @Test func errorsNameTheFunctionAndTheInstruction() throws {
        // i32.const 1; i64.const 2; i32.add: the add is where it fails.
        let bytes = B.function(results: [Self.i32], code: [0x41, 0x01, 0x42, 0x02, 0x6A])
        let module = try decodeModule(bytes)
        #expect(throws: (any Error).self) { try validateModule(module, features: .wasm3) }
        do {
            try validateModule(module, features: .wasm3)
        } catch {
            #expect(error.function == 0)
            let offset = try #require(error.offset)
            #expect(bytes[offset] == 0x6A)
            #expect(error.description == "invalid module: type mismatch: expected i32, found i64 "
                    + "(in function 0, at offset 0x\(String(offset, radix: 16)))")
        }
    }

    @Test func operandTypes() {
        #expect(check(results: [Self.i32], [0x41, 0x01, 0x41, 0x02, 0x6A]) == nil)
        #expect(check(results: [Self.i32], [0x41, 0x01, 0x42, 0x02, 0x6A]) == "type mismatch: expected i32, found i64")
        #expect(check(results: [Self.i32], [0x41, 0x01, 0x6A]) == "type mismatch: expected i32, found nothing")
        #expect(check([0x41, 0x01]) == "type mismatch: 1 extra value on the stack")  // value left on the stack
        #expect(check(results: [Self.i32], []) == "type mismatch: expected i32, found nothing")
    }

    @Test func unreachableIsPolymorphic() {
        // unreachable; i32.add; drop — the operands come from the polymorphic bottom.
        #expect(check([0x00, 0x6A, 0x1A]) == nil)
        #expect(check(results: [Self.i64], [0x00]) == nil)
        // But known operands are still typed: unreachable; f32.const; i32.add.
        #expect(check(results: [Self.i32], [0x00, 0x43, 0, 0, 0, 0, 0x6A]) == "type mismatch: expected i32, found f32")
        // br makes the rest of the block unreachable.
        #expect(check([0x02, 0x7F, 0x41, 0x01, 0x0C, 0x00, 0x42, 0x00, 0x0B, 0x1A]) == "type mismatch: expected i32, found i64")
        #expect(check([0x02, 0x40, 0x0C, 0x00, 0x6A, 0x1A, 0x0B]) == nil)
    }

    @Test func indices() {
        #expect(check([0x20, 0x00, 0x1A]) == "unknown local 0")
        #expect(check(params: [Self.i32], [0x20, 0x00, 0x1A]) == nil)
        #expect(check([0x23, 0x02, 0x1A]) == "unknown global 2")
        #expect(check([0x10, 0x05]) == "unknown function 5")
        #expect(check([0x0C, 0x01]) == "unknown label 1")
        #expect(check([0x41, 0x00, 0x28, 0x02, 0x00, 0x1A]) == "unknown memory 0")
        #expect(check([0x02, 0x05, 0x0B]) == "unknown type 5")
        #expect(check([0x25, 0x00]) == "unknown table 0")
    }

    @Test func multiValueBlocks() {
        // type 0 is the function's () -> (); block type 1 would be out of range, so use a
        // module with two types: [] -> [i32 i32].
        let types = B.section(1, B.vector([[0x60, 0x00, 0x00], [0x60, 0x00, 0x02, Self.i32, Self.i32]]))
        func body(_ code: [UInt8]) -> [UInt8] {
            B.module(types, B.section(3, [0x01, 0x00]), B.section(10, B.vector([B.uleb(UInt64(code.count + 2)) + [0x00] + code + [0x0B]])))
        }
        #expect(B.check(body([0x02, 0x01, 0x41, 0x01, 0x41, 0x02, 0x0B, 0x6A, 0x1A])) == nil)
        #expect(B.check(body([0x02, 0x01, 0x41, 0x01, 0x0B, 0x6A, 0x1A])) == "type mismatch: expected i32, found nothing")
        // if without else must have matching parameters and results.
        #expect(B.check(body([0x41, 0x01, 0x04, 0x01, 0x41, 0x01, 0x41, 0x02, 0x0B, 0x1A, 0x1A])) == "type mismatch")
        #expect(B.check(body([0x41, 0x01, 0x04, 0x01, 0x41, 0x01, 0x41, 0x02, 0x05, 0x41, 0x03, 0x41, 0x04, 0x0B, 0x1A, 0x1A])) == nil)
    }

    @Test func branchTables() {
        // block (result i32) block (result i64) ... br_table with mixed arities/types.
        #expect(check(results: [Self.i32], [0x02, 0x7F, 0x41, 0x01, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x00, 0x0B]) == nil)
        #expect(check([0x02, 0x7F, 0x41, 0x01, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x1A]) == "type mismatch")
    }

    @Test func select() {
        #expect(check(results: [Self.i64], [0x42, 0x01, 0x42, 0x02, 0x41, 0x00, 0x1B]) == nil)
        #expect(check(results: [Self.i64], [0x42, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1B]) == "type mismatch")
        // Untyped select rejects references; typed select accepts them.
        #expect(check([0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1B, 0x1A]) == "type mismatch")
        #expect(check([0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1C, 0x01, 0x70, 0x1A]) == nil)
        #expect(check([0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0x1C, 0x02, 0x7F, 0x7F, 0x1A]) == "invalid result arity")
    }

    @Test func globals() {
        let immutable = B.section(6, B.vector([[Self.i32, 0x00, 0x41, 0x00, 0x0B]]))
        #expect(B.check(B.function(code: [0x41, 0x01, 0x24, 0x00], extra: [immutable])) == "global is immutable")
        let nonConstant = B.section(6, B.vector([[Self.i32, 0x00, 0x41, 0x00, 0x41, 0x00, 0x6A, 0x0B]]))
        #expect(B.check(B.function(code: [], extra: [nonConstant]), features: .wasm2) == "constant expression required")
        #expect(B.check(B.function(code: [], extra: [nonConstant]), features: .wasm3) == nil)  // extended-const
        let wrongType = B.section(6, B.vector([[Self.i32, 0x00, 0x42, 0x00, 0x0B]]))
        #expect(B.check(B.function(code: [], extra: [wrongType])) == "type mismatch")
        // Wasm 2.0 initialisers may only read imported globals.
        let chained = B.section(6, B.vector([[Self.i32, 0x00, 0x41, 0x00, 0x0B], [Self.i32, 0x00, 0x23, 0x00, 0x0B]]))
        #expect(B.check(B.function(code: [], extra: [chained]), features: .wasm2) == "unknown global 0")
        #expect(B.check(B.function(code: [], extra: [chained]), features: .wasm3) == nil)
    }

    @Test func functionReferencesMustBeDeclared() {
        let code: [UInt8] = [0xD2, 0x00, 0x1A]
        #expect(B.check(B.function(code: code)) == "undeclared function reference")
        let export = B.section(7, B.vector([B.name("f") + [0x00, 0x00]]))
        #expect(B.check(B.function(code: code, extra: [export])) == nil)
        let declarative = B.section(9, B.vector([[0x03, 0x00, 0x01, 0x00]]))
        #expect(B.check(B.function(code: code, extra: [declarative])) == nil)
    }

    @Test func exportsAndStart() {
        let duplicate = B.section(7, B.vector([B.name("f") + [0x00, 0x00], B.name("f") + [0x00, 0x00]]))
        #expect(B.check(B.function(code: [], extra: [duplicate])) == "duplicate export name")
        let unknown = B.section(7, B.vector([B.name("m") + [0x02, 0x00]]))
        #expect(B.check(B.function(code: [], extra: [unknown])) == "unknown memory 0")
        #expect(B.check(B.function(code: [], extra: [B.section(8, [0x00])])) == nil)
        #expect(B.check(B.function(params: [Self.i32], code: [], extra: [B.section(8, [0x00])])) == "start function")
    }

    @Test func limits() {
        let bigMemory = B.module(B.section(5, B.vector([[0x00, 0x81, 0x80, 0x04]])))
        #expect(B.check(bigMemory) == "memory size must be at most 65536 pages (4GiB)")
        let inverted = B.module(B.section(5, B.vector([[0x01, 0x02, 0x01]])))
        #expect(B.check(inverted) == "size minimum must not be greater than maximum")
        let twoMemories = B.module(B.section(5, B.vector([[0x00, 0x01], [0x00, 0x01]])))
        #expect(B.check(twoMemories, features: .wasm2) == "multiple memories")
        #expect(B.check(twoMemories, features: .wasm3) == nil)
    }

    @Test func memoryInstructions() {
        #expect(check(memory: true, [0x41, 0x00, 0x28, 0x02, 0x00, 0x1A]) == nil)
        #expect(check(memory: true, [0x41, 0x00, 0x28, 0x03, 0x00, 0x1A]) == "alignment must not be larger than natural")
        #expect(check(memory: true, [0x42, 0x00, 0x28, 0x02, 0x00, 0x1A]) == "type mismatch: expected i32, found i64")
        #expect(check(memory: true, [0x3F, 0x00, 0x40, 0x00, 0x1A]) == nil)
        #expect(check(memory: true, [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0B, 0x00]) == nil)  // memory.fill
        #expect(check(memory: true, [0xFC, 0x09, 0x00]) == "data count section required")
    }

    @Test func localInitialization() {
        // One local of type (ref func), which has no default value.
        func body(_ code: [UInt8]) -> [UInt8] {
            let content: [UInt8] = [0x01, 0x01, 0x64, 0x70] + code + [0x0B]
            return B.header + B.section(1, B.vector([[0x60, 0x00, 0x00]])) + B.section(3, [0x01, 0x00])
                + B.section(10, B.vector([B.uleb(UInt64(content.count)) + content]))
        }
        let get: [UInt8] = [0x20, 0x00, 0x1A]
        #expect(B.check(body(get)) == "uninitialized local 0")
        // ref.null func; ref.as_non_null; local.set 0; local.get 0
        #expect(B.check(body([0xD0, 0x70, 0xD4, 0x21, 0x00] + get)) == nil)
        // An initialisation inside a block does not outlive it.
        #expect(B.check(body([0x02, 0x40, 0xD0, 0x70, 0xD4, 0x21, 0x00, 0x0B] + get)) == "uninitialized local 0")
        #expect(B.check(body(get), features: .wasm2) == "malformed value type")
    }

    @Test func sinkSeesPreState() throws {
        // (param i32) (result i32): local.get 0; i32.const 1; i32.add; block; end
        let bytes = B.function(params: [Self.i32], results: [Self.i32], code: [0x20, 0x00, 0x41, 0x01, 0x6A, 0x02, 0x40, 0x0B])
        let module = try decodeModule(bytes)
        let validator = try ModuleValidator(module: module, features: .wasm3)
        var sink = RecordingSink()
        try validator.validateFunction(definedIndex: 0, sink: &sink)
        #expect(sink.begun == [0])
        #expect(sink.locals == [.i32])
        #expect(sink.opcodes == [.localGet, .i32Const, .i32Add, .block, .end, .end])
        #expect(sink.heights == [0, 1, 2, 1, 1, 1])
        #expect(sink.topTypes[2] == .i32)
        #expect(sink.labelKinds == [.function, .function, .function, .function, .block, .function])
        #expect(sink.maxStackHeight == 2)
        #expect(sink.offsets.first == module.codes[0].code.lowerBound)
    }

    @Test func sinkErrorsPropagate() throws {
        let module = try decodeModule(B.function(code: [0x01]))
        let validator = try ModuleValidator(module: module, features: .wasm3)
        var sink = FailingSink()
        #expect(throws: FailingSink.Failure.self) { try validator.validateFunction(definedIndex: 0, sink: &sink) }
    }
}

/// Records what the validator reports.
struct RecordingSink: CodeSink {
    var begun: [UInt32] = []
    var locals: [ValueType] = []
    var opcodes: [Opcode] = []
    var heights: [Int] = []
    var topTypes: [ValueType?] = []
    var labelKinds: [LabelInfo.Kind] = []
    var offsets: [Int] = []
    var maxStackHeight = -1

    mutating func beginFunction(index: UInt32, type: FunctionType, localTypes: [ValueType]) {
        begun.append(index)
        locals = localTypes
    }

    mutating func visit(_ instruction: Instruction, offset: Int, context: some ValidationContext) {
        opcodes.append(instruction.opcode)
        heights.append(context.stackHeight)
        topTypes.append(context.operandType(0))
        labelKinds.append(context.label(0).kind)
        offsets.append(offset)
    }

    mutating func endFunction(maxStackHeight: Int) { self.maxStackHeight = maxStackHeight }
}

struct FailingSink: CodeSink {
    struct Failure: Error {}
    mutating func beginFunction(index: UInt32, type: FunctionType, localTypes: [ValueType]) {}
    mutating func visit(_ instruction: Instruction, offset: Int, context: some ValidationContext) throws { throw Failure() }
    mutating func endFunction(maxStackHeight: Int) {}
}

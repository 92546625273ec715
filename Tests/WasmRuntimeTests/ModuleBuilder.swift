/// Assembles small binary modules for the runtime tests, so they need neither the text
/// format nor external tools. Instruction bytes are written by hand (see `Op`).
struct ModuleBuilder {
    static let i32: UInt8 = 0x7F, i64: UInt8 = 0x7E, f32: UInt8 = 0x7D, f64: UInt8 = 0x7C
    static let funcref: UInt8 = 0x70, externref: UInt8 = 0x6F

    var types: [[UInt8]] = []
    var imports: [[UInt8]] = []
    var functions: [UInt32] = []
    var tables: [[UInt8]] = []
    var memories: [[UInt8]] = []
    var globals: [[UInt8]] = []
    var exports: [[UInt8]] = []
    var start: UInt32?
    var elements: [[UInt8]] = []
    var codes: [[UInt8]] = []
    var data: [[UInt8]] = []

    static func uleb(_ value: UInt64) -> [UInt8] {
        var v = value, out: [UInt8] = []
        repeat {
            var byte = UInt8(v & 0x7F)
            v >>= 7
            if v != 0 { byte |= 0x80 }
            out.append(byte)
        } while v != 0
        return out
    }

    static func sleb(_ value: Int64) -> [UInt8] {
        var v = value, out: [UInt8] = []
        while true {
            let byte = UInt8(v & 0x7F)
            v >>= 7
            if (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0) {
                out.append(byte)
                return out
            }
            out.append(byte | 0x80)
        }
    }

    static func name(_ s: String) -> [UInt8] { uleb(UInt64(s.utf8.count)) + Array(s.utf8) }

    static func vector(_ items: [[UInt8]]) -> [UInt8] { uleb(UInt64(items.count)) + items.flatMap { $0 } }

    static func limits(_ min: UInt32, _ max: UInt32?) -> [UInt8] {
        if let max { return [1] + uleb(UInt64(min)) + uleb(UInt64(max)) }
        return [0] + uleb(UInt64(min))
    }

    /// Adds a function type and returns its index.
    @discardableResult
    mutating func type(_ params: [UInt8], _ results: [UInt8]) -> UInt32 {
        types.append([0x60] + ModuleBuilder.vector(params.map { [$0] }) + ModuleBuilder.vector(results.map { [$0] }))
        return UInt32(types.count - 1)
    }

    mutating func importFunction(_ module: String, _ name: String, type: UInt32) {
        imports.append(ModuleBuilder.name(module) + ModuleBuilder.name(name) + [0x00] + ModuleBuilder.uleb(UInt64(type)))
    }

    mutating func importGlobal(_ module: String, _ name: String, _ valueType: UInt8, mutable: Bool) {
        imports.append(ModuleBuilder.name(module) + ModuleBuilder.name(name) + [0x03, valueType, mutable ? 1 : 0])
    }

    mutating func importMemory(_ module: String, _ name: String, min: UInt32, max: UInt32?) {
        imports.append(ModuleBuilder.name(module) + ModuleBuilder.name(name) + [0x02] + ModuleBuilder.limits(min, max))
    }

    /// Adds a defined function (body without the final `end`) and returns its index
    /// among the defined functions.
    @discardableResult
    mutating func function(type: UInt32, locals: [UInt8] = [], _ body: [UInt8]) -> Int {
        functions.append(type)
        let localDecls = ModuleBuilder.vector(locals.map { [1, $0] })
        let content = localDecls + body + [0x0B]
        codes.append(ModuleBuilder.uleb(UInt64(content.count)) + content)
        return functions.count - 1
    }

    mutating func export(_ name: String, kind: UInt8, index: UInt32) {
        exports.append(ModuleBuilder.name(name) + [kind] + ModuleBuilder.uleb(UInt64(index)))
    }

    mutating func memory(min: UInt32, max: UInt32? = nil) { memories.append(ModuleBuilder.limits(min, max)) }

    mutating func table(min: UInt32, max: UInt32? = nil, type: UInt8 = funcref) {
        tables.append([type] + ModuleBuilder.limits(min, max))
    }

    /// A global with a constant-expression initialiser (without `end`).
    mutating func global(_ valueType: UInt8, mutable: Bool, _ initializer: [UInt8]) {
        globals.append([valueType, mutable ? 1 : 0] + initializer + [0x0B])
    }

    /// An active element segment for table 0 listing function indices.
    mutating func activeElements(offset: Int32, functions: [UInt32]) {
        elements.append([0x00] + Op.i32Const(offset) + [0x0B] + ModuleBuilder.vector(functions.map { ModuleBuilder.uleb(UInt64($0)) }))
    }

    mutating func activeData(offset: Int32, _ bytes: [UInt8]) {
        data.append([0x00] + Op.i32Const(offset) + [0x0B] + ModuleBuilder.uleb(UInt64(bytes.count)) + bytes)
    }

    mutating func passiveData(_ bytes: [UInt8]) {
        data.append([0x01] + ModuleBuilder.uleb(UInt64(bytes.count)) + bytes)
    }

    func build() -> [UInt8] {
        var out: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
        func section(_ id: UInt8, _ content: [UInt8]) {
            out.append(id)
            out += ModuleBuilder.uleb(UInt64(content.count))
            out += content
        }
        if !types.isEmpty { section(1, ModuleBuilder.vector(types)) }
        if !imports.isEmpty { section(2, ModuleBuilder.vector(imports)) }
        if !functions.isEmpty { section(3, ModuleBuilder.vector(functions.map { ModuleBuilder.uleb(UInt64($0)) })) }
        if !tables.isEmpty { section(4, ModuleBuilder.vector(tables)) }
        if !memories.isEmpty { section(5, ModuleBuilder.vector(memories)) }
        if !globals.isEmpty { section(6, ModuleBuilder.vector(globals)) }
        if !exports.isEmpty { section(7, ModuleBuilder.vector(exports)) }
        if let start { section(8, ModuleBuilder.uleb(UInt64(start))) }
        if !elements.isEmpty { section(9, ModuleBuilder.vector(elements)) }
        if !data.isEmpty { section(12, ModuleBuilder.uleb(UInt64(data.count))) }
        if !codes.isEmpty { section(10, ModuleBuilder.vector(codes)) }
        if !data.isEmpty { section(11, ModuleBuilder.vector(data)) }
        return out
    }
}

/// Instruction encodings used by the tests.
enum Op {
    static func i32Const(_ v: Int32) -> [UInt8] { [0x41] + ModuleBuilder.sleb(Int64(v)) }
    static func i64Const(_ v: Int64) -> [UInt8] { [0x42] + ModuleBuilder.sleb(v) }
    static func localGet(_ i: UInt32) -> [UInt8] { [0x20] + ModuleBuilder.uleb(UInt64(i)) }
    static func localSet(_ i: UInt32) -> [UInt8] { [0x21] + ModuleBuilder.uleb(UInt64(i)) }
    static func localTee(_ i: UInt32) -> [UInt8] { [0x22] + ModuleBuilder.uleb(UInt64(i)) }
    static func globalGet(_ i: UInt32) -> [UInt8] { [0x23] + ModuleBuilder.uleb(UInt64(i)) }
    static func globalSet(_ i: UInt32) -> [UInt8] { [0x24] + ModuleBuilder.uleb(UInt64(i)) }
    static func call(_ i: UInt32) -> [UInt8] { [0x10] + ModuleBuilder.uleb(UInt64(i)) }
    static func callIndirect(type: UInt32) -> [UInt8] { [0x11] + ModuleBuilder.uleb(UInt64(type)) + [0x00] }
    static func br(_ d: UInt32) -> [UInt8] { [0x0C] + ModuleBuilder.uleb(UInt64(d)) }
    static func brIf(_ d: UInt32) -> [UInt8] { [0x0D] + ModuleBuilder.uleb(UInt64(d)) }
    static func i32Load(offset: UInt32 = 0) -> [UInt8] { [0x28, 0x02] + ModuleBuilder.uleb(UInt64(offset)) }
    static func i32Load8U(offset: UInt32 = 0) -> [UInt8] { [0x2D, 0x00] + ModuleBuilder.uleb(UInt64(offset)) }
    static func i32Store(offset: UInt32 = 0) -> [UInt8] { [0x36, 0x02] + ModuleBuilder.uleb(UInt64(offset)) }
    static func memoryInit(_ segment: UInt32) -> [UInt8] { [0xFC, 0x08] + ModuleBuilder.uleb(UInt64(segment)) + [0x00] }
    static let block: [UInt8] = [0x02, 0x40]
    static let loop: [UInt8] = [0x03, 0x40]
    static let ifI32: [UInt8] = [0x04, 0x7F]
    static let `else`: [UInt8] = [0x05]
    static let end: [UInt8] = [0x0B]
    static let unreachable: [UInt8] = [0x00]
    static let drop: [UInt8] = [0x1A]
    static let i32Add: [UInt8] = [0x6A], i32Sub: [UInt8] = [0x6B], i32Mul: [UInt8] = [0x6C]
    static let i32DivS: [UInt8] = [0x6D], i32Eqz: [UInt8] = [0x45], i32LtS: [UInt8] = [0x48], i32GtS: [UInt8] = [0x4A]
    static let i64Mul: [UInt8] = [0x7E], i64Sub: [UInt8] = [0x7D], i64Eqz: [UInt8] = [0x50]
    static let memoryGrow: [UInt8] = [0x40, 0x00], memorySize: [UInt8] = [0x3F, 0x00]
}

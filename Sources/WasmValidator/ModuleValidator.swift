import WasmCore
import WasmDecoder

/// Validates a decoded module: everything outside function bodies when created, each
/// body on demand (so a tier can translate it in the same pass through a `CodeSink`).
public struct ModuleValidator: Sendable {
    /// The module-wide facts, behind one reference so that copying a validator (or the
    /// function validator that embeds one, passed to sinks as their context) is cheap.
    final class State: Sendable {
        let module: Module
        let features: WasmFeatures
        let relations: TypeRelations
        /// The index spaces, imports first.
        let functionTypeIndices: [UInt32]
        let tables: [TableType]
        let memories: [MemoryType]
        let globals: [GlobalType]
        let tags: [TagType]
        let importedFunctionCount: Int
        let importedGlobalCount: Int
        /// Functions that `ref.func` may name in code: those referenced outside function bodies.
        let declaredFunctions: [Bool]
        /// Block types with a single result, shared so blocks do not allocate.
        let singleResultTypes: [FunctionType]
        /// `SignatureTable.entries`, read here once instead of through its lazy initialiser
        /// per instruction. (A field of this class, not of the inlinable `FunctionValidator`:
        /// changing that struct's layout needs every tier module rebuilt.)
        let signatures = SignatureTable.entries

        init(module: Module, features: WasmFeatures, relations: TypeRelations, functionTypeIndices: [UInt32],
             tables: [TableType], memories: [MemoryType], globals: [GlobalType], tags: [TagType],
             importedFunctionCount: Int, importedGlobalCount: Int) {
            self.module = module
            self.features = features
            self.relations = relations
            self.functionTypeIndices = functionTypeIndices
            self.tables = tables
            self.memories = memories
            self.globals = globals
            self.tags = tags
            self.importedFunctionCount = importedFunctionCount
            self.importedGlobalCount = importedGlobalCount
            declaredFunctions = ModuleValidator.collectDeclaredFunctions(module, count: functionTypeIndices.count)
            singleResultTypes = [ValueType.i32, .i64, .f32, .f64, .v128, .funcRef, .externRef, .exnRef].map {
                FunctionType(results: [$0])
            }
        }
    }

    let state: State

    /// The module being validated.
    public var module: Module { state.module }
    /// `module.bytes` without copying the whole `Module` (about twenty arrays retained and
    /// released) in the inlinable validation loop, once per function.
    @usableFromInline var moduleBytes: [UInt8] { state.module.bytes }
    public var features: WasmFeatures { state.features }
    var relations: TypeRelations { state.relations }
    var functionTypeIndices: [UInt32] { state.functionTypeIndices }
    var tables: [TableType] { state.tables }
    var memories: [MemoryType] { state.memories }
    var globals: [GlobalType] { state.globals }
    var tags: [TagType] { state.tags }
    var importedFunctionCount: Int { state.importedFunctionCount }
    var importedGlobalCount: Int { state.importedGlobalCount }
    var declaredFunctions: [Bool] { state.declaredFunctions }
    var singleResultTypes: [FunctionType] { state.singleResultTypes }

    /// An implementation limit: parameters plus locals of one function.
    public static let maxLocals = 50_000

    /// Checks everything but the function bodies.
    public init(module: Module, features: WasmFeatures) throws(WasmError) {
        let relations = try TypeRelations(types: module.types, groups: module.typeGroups)

        var functions: [UInt32] = [], tables: [TableType] = [], memories: [MemoryType] = []
        var globals: [GlobalType] = [], tags: [TagType] = []
        for i in module.imports {
            switch i.descriptor {
            case .function(let t):
                _ = try relations.functionType(t)
                functions.append(t)
            case .table(let t):
                try ModuleValidator.check(t, relations)
                tables.append(t)
            case .memory(let m):
                try ModuleValidator.check(m)
                memories.append(m)
            case .global(let g):
                try relations.check(g.valueType)
                globals.append(g)
            case .tag(let t):
                try ModuleValidator.check(t, relations)
                tags.append(t)
            }
        }
        let importedFunctionCount = functions.count
        let importedGlobalCount = globals.count
        for t in module.functions {
            _ = try relations.functionType(t)
            functions.append(t)
        }
        for t in module.tables { tables.append(t.type) }
        for m in module.memories {
            try ModuleValidator.check(m)
            memories.append(m)
        }
        if memories.count > 1 && !features.contains(.multiMemory) { throw .invalid("multiple memories") }
        for t in module.tags {
            try ModuleValidator.check(t, relations)
            tags.append(t)
        }
        for g in module.globals { globals.append(g.type) }
        state = State(
            module: module, features: features, relations: relations, functionTypeIndices: functions,
            tables: tables, memories: memories, globals: globals, tags: tags,
            importedFunctionCount: importedFunctionCount, importedGlobalCount: importedGlobalCount)
        try validateDefinitions()
    }

    /// Tables, globals, segments, exports and the start function.
    private func validateDefinitions() throws(WasmError) {
        // Wasm 2.0 constant expressions see only imported globals; later versions see
        // every global (and, in global initialisers, every earlier one).
        let extended = features.contains(.extendedConst)
        let allGlobals = extended ? globals.count : importedGlobalCount
        for table in module.tables {
            try ModuleValidator.check(table.type, relations)
            let type = ValueType.ref(table.type.elementType)
            if let initializer = table.initializer {
                // The table section precedes the global section: only imports are visible.
                try validateConstant(initializer, type: type, visibleGlobals: importedGlobalCount)
            } else if !type.isDefaultable {
                throw .invalid("type mismatch")
            }
        }
        for (i, global) in module.globals.enumerated() {
            try relations.check(global.type.valueType)
            let visible = extended ? importedGlobalCount + i : importedGlobalCount
            try validateConstant(global.initializer, type: global.type.valueType, visibleGlobals: visible)
        }
        for segment in module.elements {
            try relations.check(segment.type.heapType)
            if case .active(let tableIndex, let offset) = segment.mode {
                let table = try table(tableIndex)
                try validateConstant(offset, type: table.limits.addressType, visibleGlobals: allGlobals)
                guard relations.isSubtype(.ref(segment.type), of: .ref(table.elementType)) else {
                    throw .invalid("type mismatch")
                }
            }
            for element in segment.elements {
                try validateConstant(element, type: .ref(segment.type), visibleGlobals: allGlobals)
            }
        }
        for segment in module.data {
            if case .active(let memoryIndex, let offset) = segment.mode {
                let memory = try memory(memoryIndex)
                try validateConstant(offset, type: memory.limits.addressType, visibleGlobals: allGlobals)
            }
        }
        try validateExports()
        if let start = module.start {
            let type = try relations.functionType(try functionTypeIndex(start))
            guard type.parameters.isEmpty && type.results.isEmpty else { throw .invalid("start function") }
        }
    }

    private func validateExports() throws(WasmError) {
        // Names are compared as bytes: Swift's String equality is canonical equivalence,
        // which would merge distinct names such as precomposed and decomposed accents.
        var names = Set<[UInt8]>()
        // Few exports: compare pairwise rather than hash a copy of every name.
        let exports = module.exports
        let pairwise = exports.count <= 16
        for (i, export) in exports.enumerated() {
            switch export.kind {
            case .function: _ = try functionTypeIndex(export.index)
            case .table: _ = try table(export.index)
            case .memory: _ = try memory(export.index)
            case .global: _ = try global(export.index)
            case .tag: _ = try tag(export.index)
            }
            if pairwise {
                for earlier in exports[..<i] where earlier.name.utf8.elementsEqual(export.name.utf8) {
                    throw .invalid("duplicate export name")
                }
            } else {
                guard names.insert(Array(export.name.utf8)).inserted else { throw .invalid("duplicate export name") }
            }
        }
    }

    // MARK: Index spaces

    func functionTypeIndex(_ index: UInt32) throws(WasmError) -> UInt32 {
        guard Int(index) < functionTypeIndices.count else { throw .invalid("unknown function \(index)") }
        return functionTypeIndices[Int(index)]
    }

    func functionType(ofFunction index: UInt32) throws(WasmError) -> FunctionType {
        try relations.functionType(try functionTypeIndex(index))
    }

    func table(_ index: UInt32) throws(WasmError) -> TableType {
        guard Int(index) < tables.count else { throw .invalid("unknown table \(index)") }
        return tables[Int(index)]
    }

    func memory(_ index: UInt32) throws(WasmError) -> MemoryType {
        guard Int(index) < memories.count else { throw .invalid("unknown memory \(index)") }
        return memories[Int(index)]
    }

    func global(_ index: UInt32) throws(WasmError) -> GlobalType {
        guard Int(index) < globals.count else { throw .invalid("unknown global \(index)") }
        return globals[Int(index)]
    }

    func tag(_ index: UInt32) throws(WasmError) -> FunctionType {
        guard Int(index) < tags.count else { throw .invalid("unknown tag \(index)") }
        return try relations.functionType(tags[Int(index)].typeIndex)
    }

    func element(_ index: UInt32) throws(WasmError) -> RefType {
        guard Int(index) < module.elements.count else { throw .invalid("unknown elem segment \(index)") }
        return module.elements[Int(index)].type
    }

    func checkData(_ index: UInt32) throws(WasmError) {
        let count = module.dataCount.map(Int.init) ?? module.data.count
        guard Int(index) < count else { throw .invalid("unknown data segment \(index)") }
    }

    /// The type `ref.func` of function `index` produces.
    func referenceType(ofFunction index: UInt32) -> ValueType {
        guard features.contains(.functionReferences), Int(index) < functionTypeIndices.count else { return .funcRef }
        return .ref(RefType(nullable: false, .concrete(functionTypeIndices[Int(index)])))
    }

    // MARK: Types

    static func check(_ type: TableType, _ relations: TypeRelations) throws(WasmError) {
        try relations.check(type.elementType.heapType)
        let bound: UInt64 = type.limits.is64 ? UInt64.max : UInt64(UInt32.max)
        try check(type.limits, bound: bound, message: "table size must be at most 2^32-1")
    }

    static func check(_ type: MemoryType) throws(WasmError) {
        if type.limits.is64 {
            try check(type.limits, bound: 1 << 48, message: "memory size must be at most 2^48 pages")
        } else {
            try check(type.limits, bound: 65536, message: "memory size must be at most 65536 pages (4GiB)")
        }
    }

    static func check(_ limits: Limits, bound: UInt64, message: String) throws(WasmError) {
        guard limits.min <= bound else { throw .invalid(message) }
        if let max = limits.max {
            guard max <= bound else { throw .invalid(message) }
            guard limits.min <= max else { throw .invalid("size minimum must not be greater than maximum") }
        }
    }

    static func check(_ tag: TagType, _ relations: TypeRelations) throws(WasmError) {
        let type = try relations.functionType(tag.typeIndex)
        guard type.results.isEmpty else { throw .invalid("non-empty tag result type") }
    }

    /// Functions named by `ref.func` outside function bodies, or exported.
    static func collectDeclaredFunctions(_ module: Module, count: Int) -> [Bool] {
        var declared = [Bool](repeating: false, count: count)
        func scan(_ expression: ConstExpression) {
            for ins in expression.instructions where ins.opcode == .refFunc && Int(ins.index) < count {
                declared[Int(ins.index)] = true
            }
        }
        for g in module.globals { scan(g.initializer) }
        for t in module.tables { if let i = t.initializer { scan(i) } }
        for segment in module.elements {
            segment.elements.forEach(scan)
            if case .active(_, let offset) = segment.mode { scan(offset) }
        }
        for segment in module.data {
            if case .active(_, let offset) = segment.mode { scan(offset) }
        }
        for e in module.exports where e.kind == .function && Int(e.index) < count { declared[Int(e.index)] = true }
        return declared
    }
}

/// Validates a whole module, function bodies included.
public func validateModule(_ module: Module, features: WasmFeatures) throws(WasmError) {
    try ModuleValidator(module: module, features: features).validateAllFunctions()
}

import WasmCore
import WasmDecoder
import WasmValidator

/// A decoded, validated module compiled by an `Engine`: immutable and `Sendable`, it can
/// be instantiated any number of times, in any store of the same engine configuration,
/// on any thread, with no further validation or compilation.
public struct CompiledModule: Sendable {
    /// Everything behind one reference: a module travels by value (in every sandbox
    /// request, into every instance), and a copy then retains once instead of once per
    /// array of the decoded module.
    let parts: Parts

    /// The decoded module, read in place (no copy of it per access).
    public var module: Module { _read { yield parts.module } }
    /// The tier's code for the defined functions.
    public var code: any CompiledCode { parts.code }
    /// Id of the tier that produced `code`.
    public var tierID: Int { parts.tierID }
    /// Process-wide type ids of the module's types, by type index.
    public var typeIDs: [Int] { parts.typeIDs }
    /// The same ids at a fixed address, for `InstanceContext.typeIDs`.
    var typeIDTable: TypeIDTable { parts.typeIDTable }
    /// What the code was compiled for; stores that instantiate it must match.
    public var configuration: EngineConfiguration { parts.configuration }

    init(module: Module, code: any CompiledCode, tierID: Int, configuration: EngineConfiguration) {
        parts = Parts(module: module, code: code, tierID: tierID, configuration: configuration)
    }

    /// Decodes, validates and compiles `bytes` for `store`'s configuration (an `Engine`
    /// made for it; use one `Engine` to compile once for many stores).
    public init(bytes: [UInt8], store: Store) throws(WasmError) {
        self = try Engine(configuration: store.configuration.engine).compile(bytes)
    }

    /// Validates and compiles an already decoded module for `store`'s configuration.
    public init(module: Module, store: Store) throws(WasmError) {
        self = try Engine(configuration: store.configuration.engine).compile(module)
    }

    /// The module's imports with their types.
    public var imports: [(module: String, name: String, type: ExternalType)] {
        module.imports.map { imp in
            let type: ExternalType
            switch imp.descriptor {
            case .function(let t): type = .function(module.functionType(t))
            case .table(let t): type = .table(t)
            case .memory(let m): type = .memory(m)
            case .global(let g): type = .global(g)
            case .tag(let t): type = .tag(t)
            }
            return (imp.module, imp.name, type)
        }
    }

    /// The module's exports with their types.
    public var exports: [(name: String, type: ExternalType)] {
        let funcs = module.allFunctionTypeIndices
        let tables = module.importedTables + module.tables.map(\.type)
        let memories = module.importedMemories + module.memories
        let globals = module.importedGlobals + module.globals.map(\.type)
        let tags = module.importedTags + module.tags
        return module.exports.compactMap { e in
            let i = Int(e.index)
            switch e.kind {
            case .function:
                guard i < funcs.count, Int(funcs[i]) < module.types.count else { return nil }
                return (e.name, .function(module.functionType(funcs[i])))
            case .table: return i < tables.count ? (e.name, .table(tables[i])) : nil
            case .memory: return i < memories.count ? (e.name, .memory(memories[i])) : nil
            case .global: return i < globals.count ? (e.name, .global(globals[i])) : nil
            case .tag: return i < tags.count ? (e.name, .tag(tags[i])) : nil
            }
        }
    }
}

/// The type of an import or export.
public enum ExternalType: Hashable, Sendable {
    case function(FunctionType)
    case table(TableType)
    case memory(MemoryType)
    case global(GlobalType)
    case tag(TagType)
}

extension CompiledModule {
    final class Parts: Sendable {
        let module: Module
        let code: any CompiledCode
        let tierID: Int
        let typeIDs: [Int]
        let typeIDTable: TypeIDTable
        /// Per type index, the layout of a struct or array type (nil for function types).
        let gcTypes: GCTypeTable
        let configuration: EngineConfiguration

        init(module: Module, code: any CompiledCode, tierID: Int, configuration: EngineConfiguration) {
            self.module = module
            self.code = code
            self.tierID = tierID
            self.configuration = configuration
            typeIDs = TypeRegistry.ids(for: module)
            typeIDTable = TypeIDTable(typeIDs)
            gcTypes = GCTypeTable(module: module, typeIDs: typeIDs)
        }
    }
}

/// A module's type ids in memory that never moves and is never written after creation.
final class TypeIDTable: @unchecked Sendable {
    let ids: UnsafePointer<Int>

    init(_ values: [Int]) {
        let buffer = UnsafeMutablePointer<Int>.allocate(capacity: max(values.count, 1))
        buffer.initialize(repeating: -1, count: max(values.count, 1))
        for (i, id) in values.enumerated() { buffer[i] = id }
        ids = UnsafePointer(buffer)
    }

    deinit { UnsafeMutablePointer(mutating: ids).deallocate() }
}

/// A module's struct and array layouts by type index (nil for function types), in memory
/// that never moves and is never written after creation.
final class GCTypeTable: @unchecked Sendable {
    let infos: UnsafePointer<UnsafePointer<GCTypeInfo>?>

    init(module: Module, typeIDs: [Int]) {
        let buffer = UnsafeMutablePointer<UnsafePointer<GCTypeInfo>?>.allocate(capacity: max(typeIDs.count, 1))
        buffer.initialize(repeating: nil, count: max(typeIDs.count, 1))
        for (i, sub) in module.types.enumerated() where sub.composite.functionType == nil && i < typeIDs.count {
            buffer[i] = GCTypeInfo.info(for: typeIDs[i])
        }
        infos = UnsafePointer(buffer)
    }

    deinit { UnsafeMutablePointer(mutating: infos).deallocate() }
}

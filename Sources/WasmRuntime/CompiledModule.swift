import WasmCore
import WasmDecoder
import WasmValidator

/// A decoded, validated module translated by the store's tier, ready to instantiate
/// (any number of times) in that store.
public struct CompiledModule {
    /// The decoded module.
    public let module: Module
    /// The tier's code for the defined functions.
    public let code: any CompiledCode
    /// Id of the tier that produced `code`.
    public let tierID: Int
    /// Store-wide type ids of the module's types, by type index.
    public let typeIDs: [Int]

    /// Decodes, validates and translates `bytes` with the tier of `store`.
    public init(bytes: [UInt8], store: Store) throws(WasmError) {
        let features = store.configuration.features
        let module = try decodeModule(bytes, features: features)
        try self.init(module: module, store: store)
    }

    /// Validates and translates an already decoded module.
    public init(module: Module, store: Store) throws(WasmError) {
        let name = store.configuration.tier
        guard let tierID = ExecutionTiers.id(named: name), let tier = ExecutionTiers.tier(id: tierID) else {
            throw WasmError(.uninstantiable, "unknown execution tier \(name) (registered: \(ExecutionTiers.names))")
        }
        let validator = try ModuleValidator(module: module, features: store.configuration.features)
        do {
            code = try tier.compile(module: module, validator: validator, store: store)
        } catch let error as WasmError {
            throw error
        } catch {
            throw WasmError(.invalid, "\(error)")
        }
        self.module = module
        self.tierID = tierID
        typeIDs = module.types.map { store.typeID(for: $0) }
    }

    /// The module's imports with their types.
    public var imports: [(module: String, name: String, type: ExternalType)] {
        module.imports.map { imp in
            let type: ExternalType
            switch imp.descriptor {
            case .function(let t): type = .function(module.types.indices.contains(Int(t)) ? module.types[Int(t)] : FunctionType())
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
                return (e.name, .function(module.types[Int(funcs[i])]))
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

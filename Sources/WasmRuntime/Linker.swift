import WasmCore
import WasmDecoder

/// Resolves imports by (module, name) and instantiates modules in a store.
public final class Linker {
    /// The store every instance of this linker lives in (the linker keeps it alive).
    public let store: Store
    /// Keyed by UTF-8 bytes: Wasm names match byte for byte, while Swift's String equality
    /// would also match canonically equivalent Unicode spellings.
    private var definitions: [NameKey: [NameKey: ExternalValue]] = [:]
    /// Per module, lazy definitions, latest last; `definitions` holds what they made and
    /// what was defined after them (earlier definitions of their names are removed).
    private var lazyDefinitions: [NameKey: [any LazyDefinitions]] = [:]

    /// A linker with no definitions yet, instantiating into `store`.
    public init(store: Store) { self.store = store }

    /// Makes `value` importable as `module`.`name` (replacing an earlier definition).
    public func define(module: String, name: String, _ value: ExternalValue) {
        definitions[NameKey(module), default: [:]][NameKey(name)] = value
        retain(value)
    }

    /// Makes every name `lazy` defines importable from `module` (replacing earlier
    /// definitions of those names), each made on first resolution: as if each were
    /// defined now, without making the ones no module imports.
    public func define(module: String, lazily lazy: any LazyDefinitions) {
        let key = NameKey(module)
        if let existing = definitions[key] { definitions[key] = existing.filter { !lazy.defines($0.key.bytes) } }
        lazyDefinitions[key, default: []].append(lazy)
    }

    private func retain(_ value: ExternalValue) {
        switch value {
        case .function(let f): store.retain(f)
        case .table(let t): store.retain(t)
        case .memory(let m): store.retain(m)
        case .global(let g): store.retain(g)
        case .tag(let t): store.retain(t)
        }
    }

    /// Makes every export of `instance` importable under the module name `name`.
    public func register(_ instance: Instance, as name: String) {
        for (exportName, value) in instance.exports { definitions[NameKey(name), default: [:]][NameKey(exportName)] = value }
    }

    /// The definition of `module`.`name`, if any.
    public func resolve(module: String, name: String) -> ExternalValue? {
        let moduleKey = NameKey(module), nameKey = NameKey(name)
        if let value = definitions[moduleKey]?[nameKey] { return value }
        var made: ExternalValue?
        for lazy in (lazyDefinitions[moduleKey] ?? []).reversed() {
            made = lazy.make(nameKey.bytes)
            if made != nil { break }
        }
        guard let value = made else { return nil }
        // Made once: later resolutions (and instances) share it.
        definitions[moduleKey, default: [:]][nameKey] = value
        retain(value)
        return value
    }

    /// Instantiates a module: resolves and type-checks its imports (`WasmError` of kind
    /// `.unlinkable`), allocates its entities, applies its active segments and runs its
    /// start function (a `Trap` there leaves the earlier segments' effects in place).
    public func instantiate(_ module: CompiledModule) throws -> Instance {
        try Self.checkCompatible(module.configuration, with: store.configuration)
        let imports = try resolveImports(of: module)
        let instance = try Instance(compiled: module, imports: imports, store: store)
        store.retain(instance)
        try instance.initialize()
        return instance
    }

    /// Instantiates `module` in the state of `snapshot` (taken of an instance of the same
    /// compiled module): the active segments and the start function are not run again,
    /// since the snapshot holds their effects; memories are mapped copy-on-write.
    public func instantiate(_ module: CompiledModule, from snapshot: InstanceSnapshot) throws -> Instance {
        try Self.checkCompatible(module.configuration, with: store.configuration)
        let imports = try resolveImports(of: module)
        // The module's own memories are made in the image's state (the cheap path).
        let importedMemories = imports.count(where: { if case .memory = $0 { true } else { false } })
        let fits = snapshot.module == ObjectIdentifier(module.code)
            && snapshot.memories.count == importedMemories + module.module.memories.count
        let instance = try Instance(compiled: module, imports: imports, store: store,
                                    memoryImages: fits ? snapshot.memories : nil)
        store.retain(instance)
        try snapshot.restore(into: instance, ownMemoriesRestored: fits)
        return instance
    }

    /// Decodes, compiles and instantiates in one step.
    public func instantiate(bytes: [UInt8]) throws -> Instance {
        try instantiate(CompiledModule(bytes: bytes, store: store))
    }

    /// Code runs only in stores of the configuration it was compiled for: the tier and
    /// bounds strategy are baked into it, and code that does not count fuel cannot meter it.
    static func checkCompatible(_ code: EngineConfiguration, with store: StoreConfiguration) throws(WasmError) {
        func refuse(_ what: String) -> WasmError {
            WasmError(.uninstantiable, "the module was compiled for \(what); compile it with an Engine of this store's configuration")
        }
        if code.tier != store.tier { throw refuse("tier \(code.tier), the store runs \(store.tier)") }
        if code.bounds != store.bounds {
            throw refuse("bounds \(code.bounds.rawValue), the store uses \(store.bounds.rawValue)")
        }
        if code.features != store.features { throw refuse("another feature set") }
        if store.countsFuel && !code.countsFuel { throw refuse("no fuel counting, and the store meters fuel") }
    }

    func resolveImports(of compiled: CompiledModule) throws(WasmError) -> [ExternalValue] {
        let module = compiled.parts.module
        var values: [ExternalValue] = []
        for imp in module.imports {
            guard let value = resolve(module: imp.module, name: imp.name) else {
                throw WasmError(.unlinkable, "unknown import \(imp.module).\(imp.name)")
            }
            guard Linker.matches(value, imp.descriptor, typeIDs: compiled.typeIDs) else {
                throw WasmError(.unlinkable, "incompatible import type \(imp.module).\(imp.name)")
            }
            values.append(value)
        }
        return values
    }

    static func matches(_ value: ExternalValue, _ descriptor: Import.Descriptor, typeIDs: [Int]) -> Bool {
        switch (value, descriptor) {
        case (.function(let f), .function(let t)):
            return Int(t) < typeIDs.count && TypeRegistry.isSubtype(f.record.pointee.typeID, of: typeIDs[Int(t)])
        case (.table(let table), .table(let t)):
            let actual = table.currentType
            return table.canonicalElementType == canonical(t.elementType, typeIDs) && limitsMatch(actual.limits, t.limits)
        case (.memory(let memory), .memory(let m)):
            return limitsMatch(memory.currentType.limits, m.limits)
        case (.global(let g), .global(let t)):
            return globalMatches(GlobalType(g.canonicalValueType, mutable: g.type.isMutable),
                                 GlobalType(canonical(t.valueType, typeIDs), mutable: t.isMutable))
        case (.tag(let tag), .tag(let t)):
            return Int(t.typeIndex) < typeIDs.count && tag.typeID == typeIDs[Int(t.typeIndex)]
        default:
            return false
        }
    }

    /// Limits subtyping: at least the minimum, and a maximum no larger than required.
    static func limitsMatch(_ actual: Limits, _ expected: Limits) -> Bool {
        guard actual.is64 == expected.is64, actual.isShared == expected.isShared, actual.min >= expected.min else { return false }
        guard let emax = expected.max else { return true }
        guard let amax = actual.max else { return false }
        return amax <= emax
    }
}

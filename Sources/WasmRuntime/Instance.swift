import WasmCore
import WasmDecoder

/// An instantiated module: its functions, tables, memories, globals and tags (imports
/// first), its exports, and the state of its element and data segments.
public final class Instance {
    /// The compiled module this is an instance of.
    public let compiled: CompiledModule
    /// The decoded module.
    public var module: Module { compiled.module }
    /// The function index space: imports first, then the module's own functions.
    public private(set) var functions: [Function] = []
    /// The table index space, imports first.
    public private(set) var tables: [Table] = []
    /// The memory index space, imports first.
    public private(set) var memories: [Memory] = []
    /// The global index space, imports first.
    public private(set) var globals: [Global] = []
    /// The tag index space, imports first.
    public private(set) var tags: [Tag] = []
    /// Exports in module order.
    public private(set) var exports: [(String, ExternalValue)] = []
    /// Keyed by UTF-8 bytes: export names match byte for byte, not by Unicode equivalence.
    /// Built on the first lookup in an instance with many exports (few are searched in order).
    private var exportIndex: [[UInt8]: Int]?
    private static let linearExportSearchLimit = 16
    /// Element segments' references (`Slot` encoding); emptied when dropped.
    var elements: [[UInt64]] = []
    /// `elements` as instantiation made them (shares their storage), for snapshots.
    private(set) var initialElements: [[UInt64]] = []
    /// Data segments' byte ranges in `module.bytes`; emptied when dropped.
    var data: [Range<Int>] = []
    /// The raw view compiled code uses.
    public let context: UnsafeMutablePointer<InstanceContext>
    /// Instances do not keep their store alive (the store owns them).
    var store: Store? { storeLink.store }
    private let storeLink: StoreLink
    private var contextInitialized = false

    /// The export named `name`.
    public func export(_ name: String) -> ExternalValue? {
        if exports.count <= Self.linearExportSearchLimit {
            for (exportName, value) in exports where exportName.utf8.elementsEqual(name.utf8) { return value }
            return nil
        }
        if exportIndex == nil {
            var index: [[UInt8]: Int] = [:]
            index.reserveCapacity(exports.count)
            // Export names are unique (validated), so each key is set once.
            for (i, e) in exports.enumerated() { index[Array(e.0.utf8)] = i }
            exportIndex = index
        }
        guard let i = exportIndex?[Array(name.utf8)] else { return nil }
        return exports[i].1
    }

    /// The export named "memory", where WASI and most host APIs find the caller's memory
    /// (looked up once).
    public var exportedMemory: Memory? {
        if let cachedMemory { return cachedMemory.memory }
        let memory: Memory? = if case .memory(let m)? = export("memory") { m } else { nil }
        cachedMemory = CachedMemory(memory: memory)
        return memory
    }
    private struct CachedMemory { let memory: Memory? }
    private var cachedMemory: CachedMemory?

    /// The exported function named `name`.
    public func function(_ name: String) -> Function? {
        if case .function(let f)? = export(name) { return f }
        return nil
    }

    /// `memoryImages` (one per memory, imports first): the module's own memories start
    /// in these images' state.
    init(compiled: CompiledModule, imports: [ExternalValue], store: Store, memoryImages: [MemoryImage]? = nil) throws(WasmError) {
        self.compiled = compiled
        storeLink = store.link
        context = .allocate(capacity: 1)
        let module = compiled.parts.module
        for value in imports {
            switch value {
            case .function(let f): functions.append(f)
            case .table(let t): tables.append(t)
            case .memory(let m):
                // Code compiled for guard regions or masks must not reach a memory without them.
                guard store.configuration.bounds.canAccess(m.linear) else {
                    throw WasmError(.unlinkable, "imported memory was created for bounds strategy '\(m.linear.strategy.rawValue)', not '\(store.configuration.bounds.rawValue)'")
                }
                memories.append(m)
            case .global(let g): globals.append(g)
            case .tag(let t): tags.append(t)
            }
        }
        let gc = ConstEvaluator.GCContext(heap: store.gcHeap, types: compiled.parts.gcTypes.infos)
        // Defined functions exist before globals and tables: their initialisers may use ref.func.
        let importedFunctionCount = functions.count
        let contextPointer = context
        let names = compiled.parts
        functions.reserveCapacity(importedFunctionCount + module.functions.count)
        for (i, typeIndex) in module.functions.enumerated() {
            guard Int(typeIndex) < module.types.count else { throw WasmError(.invalid, "unknown type") }
            let type = module.functionType(typeIndex)
            let index = UInt32(importedFunctionCount + i)
            functions.append(Function(
                type: type, typeID: compiled.typeIDs[Int(typeIndex)], tierID: compiled.tierID, code: compiled.code,
                definedIndex: i, context: contextPointer, store: store, names: names, index: index))
        }

        for global in module.globals {
            let value = try ConstEvaluator.evaluate(global.initializer, globals: globals, functions: functions, gc: gc)
            let defined = try Global(type: global.type, value: value)
            defined.canonicalValueType = Linker.canonical(global.type.valueType, compiled.typeIDs)
            globals.append(defined)
        }
        for table in module.tables {
            let initial = try table.initializer.map { expr throws(WasmError) in
                try ConstEvaluator.evaluate(expr, globals: globals, functions: functions, gc: gc)
            }
            let defined = try Table(type: table.type, initial: initial ?? .ref(.null(table.type.elementType.heapType.topHeapType)))
            defined.canonicalElementType = Linker.canonical(table.type.elementType, compiled.typeIDs)
            tables.append(defined)
        }
        let imported = memories.count
        for (i, memory) in module.memories.enumerated() {
            let image = memoryImages.flatMap { imported + i < $0.count ? $0[imported + i] : nil }
            memories.append(try Memory(type: memory, strategy: store.configuration.bounds,
                                       allowUnsafe: store.configuration.allowUnsafeStrategies,
                                       pageLimit: store.configuration.maxMemoryPages, image: image))
        }
        for tag in module.tags {
            let type = module.functionType(tag.typeIndex)
            tags.append(Tag(type: type, typeID: compiled.typeIDs[Int(tag.typeIndex)]))
        }
        for segment in module.elements {
            var refs: [UInt64] = []
            refs.reserveCapacity(segment.elements.count)
            for expr in segment.elements {
                refs.append(Slot.encode(try ConstEvaluator.evaluate(expr, globals: globals, functions: functions, gc: gc)))
            }
            elements.append(refs)
        }
        initialElements = elements
        data = module.data.map(\.range)

        let functionRecords = UnsafeMutablePointer<UnsafeMutablePointer<FunctionRecord>>.allocate(capacity: max(functions.count, 1))
        for (i, f) in functions.enumerated() { (functionRecords + i).initialize(to: f.record) }
        let globalCells = UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>.allocate(capacity: max(globals.count, 1))
        for (i, g) in globals.enumerated() { (globalCells + i).initialize(to: g.cell) }
        let tableStorages = UnsafeMutablePointer<UnsafeMutablePointer<TableStorage>>.allocate(capacity: max(tables.count, 1))
        for (i, t) in tables.enumerated() { (tableStorages + i).initialize(to: t.storage) }
        let memoryRefs = UnsafeMutablePointer<Unmanaged<LinearMemory>>.allocate(capacity: max(memories.count, 1))
        for (i, m) in memories.enumerated() { (memoryRefs + i).initialize(to: Unmanaged.passUnretained(m.linear)) }
        let memoryViews = UnsafeMutablePointer<UnsafeMutablePointer<MemoryView>>.allocate(capacity: max(memories.count, 1))
        for (i, m) in memories.enumerated() { (memoryViews + i).initialize(to: m.linear.view) }
        context.initialize(to: InstanceContext(
            functions: functionRecords, globals: globalCells, tables: tableStorages, memories: memoryRefs,
            memoryCount: memories.count, memoryViews: memoryViews, instance: Unmanaged.passUnretained(self),
            typeIDs: compiled.typeIDTable.ids, gcTypes: compiled.parts.gcTypes.infos, gcHeap: Unmanaged.passUnretained(store.gcHeap)))
        contextInitialized = true

        exports.reserveCapacity(module.exports.count)
        for export in module.exports {
            let i = Int(export.index)
            let value: ExternalValue?
            switch export.kind {
            case .function: value = i < functions.count ? .function(functions[i]) : nil
            case .table: value = i < tables.count ? .table(tables[i]) : nil
            case .memory: value = i < memories.count ? .memory(memories[i]) : nil
            case .global: value = i < globals.count ? .global(globals[i]) : nil
            case .tag: value = i < tags.count ? .tag(tags[i]) : nil
            }
            guard let value else { throw WasmError(.invalid, "unknown export index \(i)") }
            exports.append((export.name, value))
        }
    }

    deinit {
        guard contextInitialized else {
            context.deallocate()
            return
        }
        context.pointee.functions.deallocate()
        context.pointee.globals.deallocate()
        context.pointee.tables.deallocate()
        context.pointee.memories.deallocate()
        context.pointee.memoryViews.deallocate()
        context.deallocate()
    }

    /// The name backtraces and listings use for function `index`: its name-section name,
    /// else an export name, else `func[index]`.
    public static func functionName(_ module: Module, _ index: UInt32) -> String {
        if let name = module.names?.functionNames[index] { return name }
        if let export = module.exports.first(where: { $0.kind == .function && $0.index == index }) { return export.name }
        return "func[\(index)]"
    }

    /// Applies active segments and runs the start function (the spec's instantiation
    /// steps after allocation). A trap leaves the effects of earlier segments in place.
    func initialize() throws(Trap) {
        let module = self.module
        for (i, segment) in module.elements.enumerated() {
            switch segment.mode {
            case .active(let table, let offset):
                let start = try evaluateOffset(offset)
                do {
                    try tableInit(table: Int(table), segment: i, destination: start, source: 0,
                                  count: UInt64(elements[i].count))
                } catch { throw Trap(error) }
                elements[i] = []
            case .declarative:
                elements[i] = []
            case .passive:
                break
            }
        }
        for (i, segment) in module.data.enumerated() {
            guard case .active(let memory, let offset) = segment.mode else { continue }
            let start = try evaluateOffset(offset)
            do {
                try memoryInit(memory: Int(memory), segment: i, destination: start, source: 0,
                               count: UInt64(data[i].count))
            } catch { throw Trap(error) }
            data[i] = 0..<0
        }
        if let start = module.start {
            guard Int(start) < functions.count else { throw Trap(.hostError, detail: "unknown start function") }
            _ = try functions[Int(start)].invoke([])
        }
    }

    private func evaluateOffset(_ expr: ConstExpression) throws(Trap) -> UInt64 {
        let value: Value
        do { value = try ConstEvaluator.evaluate(expr, globals: globals, functions: functions) } catch {
            throw Trap(.hostError, detail: error.message)
        }
        switch value {
        case .i32(let v): return UInt64(v)
        case .i64(let v): return v
        default: throw Trap(.hostError, detail: "segment offset is not an integer")
        }
    }
}

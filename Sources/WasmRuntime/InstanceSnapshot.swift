import WasmCore

/// The state of an instance at one moment (Faasm's proto-sandbox): its memories (imported
/// ones too) as `MemoryImage`s, its mutable globals, its tables and which element and
/// data segments were dropped. `restore(into:)` puts an instance of the same compiled
/// module in that state: memories copy-on-write (page-table work, not a copy), the rest
/// copied. Taken after an initialisation export, it lets every request start from the
/// initialised state, and resets a sandbox after each request, so nothing of a request
/// survives it.
///
/// Function references are kept as function indices, so a snapshot restores into any
/// instance of the module (each gets its own functions); a reference the index space
/// does not hold (another instance's function, an `externref`, an exception) restores
/// only into the instance it was taken from.
public final class InstanceSnapshot: @unchecked Sendable {
    /// A global's or table element's content.
    enum Cell {
        /// Slot bits (both words for a `v128`) that mean the same in every instance.
        case bits(UInt64, UInt64)
        /// The instance's function at this index.
        case function(Int)
        /// Slot bits meaningful only in the instance taken from.
        case local(UInt64, UInt64)
    }

    /// The instance taken of (nil: read from a file).
    private let source: ObjectIdentifier?
    /// The compiled code of the module (one per compilation: instances of it share it).
    let module: ObjectIdentifier
    /// The images of the instance's memories, in index order.
    public let memories: [MemoryImage]
    let globals: [(index: Int, cell: Cell)]
    let tables: [[Cell]]
    let droppedElements: [Bool]
    let droppedData: [Bool]
    /// Values referenced by `local` cells, kept alive with the snapshot.
    private let retained: [Value]

    /// The state of `instance` now.
    ///
    /// - Throws: `WasmError` when a memory image cannot be made.
    public init(of instance: Instance) throws(WasmError) {
        source = ObjectIdentifier(instance)
        module = ObjectIdentifier(instance.compiled.code)
        var images: [MemoryImage] = []
        for memory in instance.memories { images.append(try MemoryImage(of: memory.linear)) }
        memories = images
        var indexOfRecord: [UInt64: Int] = [:]
        for (i, f) in instance.functions.enumerated() { indexOfRecord[UInt64(UInt(bitPattern: f.record))] = i }
        var retained: [Value] = []
        func cell(_ low: UInt64, _ high: UInt64, _ type: ValueType) -> Cell {
            guard case .ref(let r) = type, low != 0 else { return .bits(low, high) }
            if r.heapType.topHeapType == .func, let index = indexOfRecord[low] { return .function(index) }
            retained.append(Slot.decode(low, as: type))
            return .local(low, high)
        }
        globals = instance.globals.enumerated().compactMap { i, g in
            g.type.isMutable ? (i, cell(g.cell[0], g.cell[1], g.type.valueType)) : nil
        }
        tables = instance.tables.map { t in
            (0 ..< t.size).map { cell(t.storage.pointee.elements[$0], 0, .ref(t.type.elementType)) }
        }
        droppedElements = instance.elements.enumerated().map { i, refs in
            refs.isEmpty && !instance.module.elements[i].elements.isEmpty
        }
        droppedData = instance.data.map(\.isEmpty)
        self.retained = retained
    }

    /// A snapshot of instances of the module compiled as `code`, from its parts.
    init(code: ObjectIdentifier, memories: [MemoryImage], globals: [(index: Int, cell: Cell)], tables: [[Cell]],
         droppedElements: [Bool], droppedData: [Bool]) {
        source = nil
        module = code
        self.memories = memories
        self.globals = globals
        self.tables = tables
        self.droppedElements = droppedElements
        self.droppedData = droppedData
        retained = []
    }

    /// Whether the snapshot can restore into other instances of its module.
    public var isPortable: Bool {
        let local: (Cell) -> Bool = { if case .local = $0 { true } else { false } }
        return !globals.contains { local($0.cell) } && !tables.contains { $0.contains(where: local) }
    }

    /// Puts `instance`, of the module the snapshot was taken of, in the snapshot's state.
    ///
    /// - Throws: `WasmError` for an instance of another module (or another instance when
    ///   the snapshot is not portable), or when a memory cannot be reset (the instance must
    ///   then not run again).
    public func restore(into instance: Instance) throws(WasmError) {
        try restore(into: instance, ownMemoriesRestored: false)
    }

    /// `restore(into:)`, but the module's own memories only when `ownMemoriesRestored` is
    /// false (true: the instance was just made with them in the images' state).
    func restore(into instance: Instance, ownMemoriesRestored: Bool) throws(WasmError) {
        guard ObjectIdentifier(instance.compiled.code) == module, instance.memories.count == memories.count,
              ObjectIdentifier(instance) == source || isPortable else {
            throw WasmError(.uninstantiable, "the snapshot was taken of another module or holds references of its own instance")
        }
        guard instance.tables.count == tables.count, instance.elements.count == droppedElements.count,
              instance.data.count == droppedData.count,
              globals.allSatisfy({ $0.index < instance.globals.count && instance.globals[$0.index].type.isMutable }),
              tables.allSatisfy({ $0.allSatisfy { if case .function(let i) = $0 { i < instance.functions.count } else { true } } }),
              globals.allSatisfy({ if case .function(let i) = $0.cell { i < instance.functions.count } else { true } }) else {
            throw WasmError(.malformed, "the snapshot does not fit the module's instances")
        }
        let imported = instance.memories.count - instance.module.memories.count
        for (i, (memory, image)) in zip(instance.memories, memories).enumerated() where !ownMemoriesRestored || i < imported {
            try memory.linear.restore(image)
        }
        func bits(_ cell: Cell) -> (UInt64, UInt64) {
            switch cell {
            case .bits(let low, let high), .local(let low, let high): (low, high)
            case .function(let index): (UInt64(UInt(bitPattern: instance.functions[index].record)), 0)
            }
        }
        for (index, cell) in globals {
            let (low, high) = bits(cell)
            instance.globals[index].restore(Slot.decode(low, as: instance.globals[index].type.valueType), high: high)
        }
        for (table, cells) in zip(instance.tables, tables) { table.restore(cells.map { bits($0).0 }) }
        for (i, dropped) in droppedElements.enumerated() { instance.elements[i] = dropped ? [] : instance.initialElements[i] }
        for (i, dropped) in droppedData.enumerated() { instance.data[i] = dropped ? 0 ..< 0 : instance.module.data[i].range }
    }
}

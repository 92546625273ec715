import WasmCore

/// A decoded (not yet validated) module. Indices follow the spec: imported entities
/// come first in each index space.
public struct Module: Sendable {
    /// The type section, every recursion group's types in order.
    public var types: [SubType] = []
    /// The recursion groups, as consecutive ranges of `types` (a type outside `rec` is a
    /// group of its own).
    public var recursionGroups: [Range<Int>] = []
    /// The import section.
    public var imports: [Import] = []
    /// Type indices of the functions defined by this module (the function section).
    public var functions: [UInt32] = []
    /// The tables the module defines.
    public var tables: [Table] = []
    /// The memories the module defines.
    public var memories: [MemoryType] = []
    /// The globals the module defines.
    public var globals: [Global] = []
    /// The tags the module defines.
    public var tags: [TagType] = []
    /// The export section.
    public var exports: [Export] = []
    /// The start function, if any.
    public var start: UInt32?
    /// The element section.
    public var elements: [ElementSegment] = []
    /// The data count section, if present.
    public var dataCount: UInt32?
    /// Bodies of the defined functions, parallel to `functions`.
    public var codes: [FunctionBody] = []
    /// The data section.
    public var data: [DataSegment] = []
    /// Custom sections, in order.
    public var customSections: [CustomSection] = []
    /// The parsed "name" custom section, when present and well-formed.
    public var names: NameSection?
    /// The module's bytes; function bodies and custom sections point into them.
    public var bytes: [UInt8] = []

    /// An empty module.
    public init() {}
}

/// One import.
public struct Import: Hashable, Sendable {
    /// What is imported, with its type.
    public enum Descriptor: Hashable, Sendable {
        case function(typeIndex: UInt32)
        case table(TableType)
        case memory(MemoryType)
        case global(GlobalType)
        case tag(TagType)
    }
    /// The module name.
    public var module: String
    /// The field name.
    public var name: String
    /// What is imported.
    public var descriptor: Descriptor

    /// An import of `module`.`name`.
    public init(module: String, name: String, descriptor: Descriptor) {
        self.module = module
        self.name = name
        self.descriptor = descriptor
    }
}

/// One export.
public struct Export: Hashable, Sendable {
    /// The export name.
    public var name: String
    /// The index space exported from.
    public var kind: ExternalKind
    /// The index in that space.
    public var index: UInt32

    /// An export of `kind` `index` as `name`.
    public init(name: String, kind: ExternalKind, index: UInt32) {
        self.name = name
        self.kind = kind
        self.index = index
    }
}

/// A constant expression (global initialisers, segment offsets and elements), kept as
/// its instructions without the final `end`.
public struct ConstExpression: Hashable, Sendable {
    /// The expression's instructions, without the final `end`.
    public var instructions: [Instruction]
    /// An expression of `instructions`.
    public init(_ instructions: [Instruction]) { self.instructions = instructions }
}

/// A table the module defines.
public struct Table: Hashable, Sendable {
    /// Its type.
    public var type: TableType
    /// Function-references tables may carry an initialiser for every element.
    public var initializer: ConstExpression?

    /// A table of `type`, its elements null or `initializer`'s value.
    public init(type: TableType, initializer: ConstExpression? = nil) {
        self.type = type
        self.initializer = initializer
    }
}

/// A global the module defines.
public struct Global: Hashable, Sendable {
    /// Its type.
    public var type: GlobalType
    /// Its initial value.
    public var initializer: ConstExpression

    /// A global of `type` starting at `initializer`'s value.
    public init(type: GlobalType, initializer: ConstExpression) {
        self.type = type
        self.initializer = initializer
    }
}

/// An element segment.
public struct ElementSegment: Hashable, Sendable {
    /// Whether the segment fills a table at instantiation, waits for `table.init`, or only declares functions.
    public enum Mode: Hashable, Sendable {
        case passive
        case declarative
        case active(table: UInt32, offset: ConstExpression)
    }
    /// The type of its references.
    public var type: RefType
    /// One constant expression per element (`ref.func i` for the function-index forms).
    public var elements: [ConstExpression]
    /// How it is used.
    public var mode: Mode

    /// A segment of `elements`.
    public init(type: RefType, elements: [ConstExpression], mode: Mode) {
        self.type = type
        self.elements = elements
        self.mode = mode
    }
}

/// A data segment.
public struct DataSegment: Hashable, Sendable {
    /// Whether the segment fills a memory at instantiation or waits for `memory.init`.
    public enum Mode: Hashable, Sendable {
        case passive
        case active(memory: UInt32, offset: ConstExpression)
    }
    /// How it is used.
    public var mode: Mode
    /// Range of the segment's bytes in `Module.bytes`.
    public var range: Range<Int>

    /// A segment of the module's bytes at `range`.
    public init(mode: Mode, range: Range<Int>) {
        self.mode = mode
        self.range = range
    }
}

/// A function's locals and where its code is.
public struct FunctionBody: Hashable, Sendable {
    /// Declared locals, run-length encoded as in the binary.
    public var locals: [(count: UInt32, type: ValueType)] {
        get { zip(localCounts, localTypes).map { ($0, $1) } }
        set { localCounts = newValue.map(\.count); localTypes = newValue.map(\.type) }
    }
    /// Counts of the declared locals, one per run of one type.
    public var localCounts: [UInt32]
    /// The type of each run.
    public var localTypes: [ValueType]
    /// Range of the instruction bytes (after the locals, including the final `end`) in `Module.bytes`.
    public var code: Range<Int>

    /// A body with these locals and its code at `code` in the module's bytes.
    public init(localCounts: [UInt32], localTypes: [ValueType], code: Range<Int>) {
        self.localCounts = localCounts
        self.localTypes = localTypes
        self.code = code
    }
}

/// A custom section.
public struct CustomSection: Hashable, Sendable {
    /// The section's name.
    public var name: String
    /// Range of the payload (after the name) in `Module.bytes`.
    public var range: Range<Int>

    /// A section named `name` with its payload at `range`.
    public init(name: String, range: Range<Int>) {
        self.name = name
        self.range = range
    }
}

/// The "name" custom section: debug names used in backtraces and disassembly.
public struct NameSection: Hashable, Sendable {
    /// The module's name, if given.
    public var moduleName: String?
    /// Function names by function index.
    public var functionNames: [UInt32: String] = [:]
    /// Local names by function index, then local index.
    public var localNames: [UInt32: [UInt32: String]] = [:]

    /// No names.
    public init() {}
}

extension Module {
    /// Appends a group of types (one type for a type outside `rec`).
    public mutating func appendRecursionGroup(_ group: [SubType]) {
        recursionGroups.append(types.count..<types.count + group.count)
        types += group
    }

    /// `recursionGroups`, with any types they leave out (a module built by hand) as
    /// groups of one.
    public var typeGroups: [Range<Int>] {
        let covered = recursionGroups.last?.upperBound ?? 0
        return recursionGroups + (covered..<max(covered, types.count)).map { $0..<$0 + 1 }
    }

    /// The signature of type `index`; empty when the index is out of range or not a
    /// function type (which validation rules out wherever a signature is needed).
    public func functionType(_ index: UInt32) -> FunctionType {
        guard Int(index) < types.count, case .function(let f) = types[Int(index)].composite else { return FunctionType() }
        return f
    }

    /// The type indices of the imported functions, in order.
    public var importedFunctionTypes: [UInt32] {
        imports.compactMap { if case .function(let t) = $0.descriptor { t } else { nil } }
    }
    /// The types of the imported tables, in order.
    public var importedTables: [TableType] {
        imports.compactMap { if case .table(let t) = $0.descriptor { t } else { nil } }
    }
    /// The types of the imported memories, in order.
    public var importedMemories: [MemoryType] {
        imports.compactMap { if case .memory(let t) = $0.descriptor { t } else { nil } }
    }
    /// The types of the imported globals, in order.
    public var importedGlobals: [GlobalType] {
        imports.compactMap { if case .global(let t) = $0.descriptor { t } else { nil } }
    }
    /// The types of the imported tags, in order.
    public var importedTags: [TagType] {
        imports.compactMap { if case .tag(let t) = $0.descriptor { t } else { nil } }
    }
    /// Type index of every function in the function index space.
    public var allFunctionTypeIndices: [UInt32] { importedFunctionTypes + functions }
}

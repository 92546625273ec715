import WasmCore

/// A decoded (not yet validated) module. Indices follow the spec: imported entities
/// come first in each index space.
public struct Module: Sendable {
    public var types: [FunctionType] = []
    public var imports: [Import] = []
    /// Type indices of the functions defined by this module (the function section).
    public var functions: [UInt32] = []
    public var tables: [Table] = []
    public var memories: [MemoryType] = []
    public var globals: [Global] = []
    public var tags: [TagType] = []
    public var exports: [Export] = []
    public var start: UInt32?
    public var elements: [ElementSegment] = []
    public var dataCount: UInt32?
    /// Bodies of the defined functions, parallel to `functions`.
    public var codes: [FunctionBody] = []
    public var data: [DataSegment] = []
    public var customSections: [CustomSection] = []
    /// The parsed "name" custom section, when present and well-formed.
    public var names: NameSection?
    /// The module's bytes; function bodies and custom sections point into them.
    public var bytes: [UInt8] = []

    public init() {}
}

public struct Import: Hashable, Sendable {
    public enum Descriptor: Hashable, Sendable {
        case function(typeIndex: UInt32)
        case table(TableType)
        case memory(MemoryType)
        case global(GlobalType)
        case tag(TagType)
    }
    public var module: String
    public var name: String
    public var descriptor: Descriptor

    public init(module: String, name: String, descriptor: Descriptor) {
        self.module = module
        self.name = name
        self.descriptor = descriptor
    }
}

public struct Export: Hashable, Sendable {
    public var name: String
    public var kind: ExternalKind
    public var index: UInt32

    public init(name: String, kind: ExternalKind, index: UInt32) {
        self.name = name
        self.kind = kind
        self.index = index
    }
}

/// A constant expression (global initialisers, segment offsets and elements), kept as
/// its instructions without the final `end`.
public struct ConstExpression: Hashable, Sendable {
    public var instructions: [Instruction]
    public init(_ instructions: [Instruction]) { self.instructions = instructions }
}

public struct Table: Hashable, Sendable {
    public var type: TableType
    /// Function-references tables may carry an initialiser for every element.
    public var initializer: ConstExpression?

    public init(type: TableType, initializer: ConstExpression? = nil) {
        self.type = type
        self.initializer = initializer
    }
}

public struct Global: Hashable, Sendable {
    public var type: GlobalType
    public var initializer: ConstExpression

    public init(type: GlobalType, initializer: ConstExpression) {
        self.type = type
        self.initializer = initializer
    }
}

public struct ElementSegment: Hashable, Sendable {
    public enum Mode: Hashable, Sendable {
        case passive
        case declarative
        case active(table: UInt32, offset: ConstExpression)
    }
    public var type: RefType
    /// One constant expression per element (`ref.func i` for the function-index forms).
    public var elements: [ConstExpression]
    public var mode: Mode

    public init(type: RefType, elements: [ConstExpression], mode: Mode) {
        self.type = type
        self.elements = elements
        self.mode = mode
    }
}

public struct DataSegment: Hashable, Sendable {
    public enum Mode: Hashable, Sendable {
        case passive
        case active(memory: UInt32, offset: ConstExpression)
    }
    public var mode: Mode
    /// Range of the segment's bytes in `Module.bytes`.
    public var range: Range<Int>

    public init(mode: Mode, range: Range<Int>) {
        self.mode = mode
        self.range = range
    }
}

public struct FunctionBody: Hashable, Sendable {
    /// Declared locals, run-length encoded as in the binary.
    public var locals: [(count: UInt32, type: ValueType)] {
        get { zip(localCounts, localTypes).map { ($0, $1) } }
        set { localCounts = newValue.map(\.count); localTypes = newValue.map(\.type) }
    }
    public var localCounts: [UInt32]
    public var localTypes: [ValueType]
    /// Range of the instruction bytes (after the locals, including the final `end`) in `Module.bytes`.
    public var code: Range<Int>

    public init(localCounts: [UInt32], localTypes: [ValueType], code: Range<Int>) {
        self.localCounts = localCounts
        self.localTypes = localTypes
        self.code = code
    }
}

public struct CustomSection: Hashable, Sendable {
    public var name: String
    /// Range of the payload (after the name) in `Module.bytes`.
    public var range: Range<Int>

    public init(name: String, range: Range<Int>) {
        self.name = name
        self.range = range
    }
}

/// The "name" custom section: debug names used in backtraces and disassembly.
public struct NameSection: Hashable, Sendable {
    public var moduleName: String?
    public var functionNames: [UInt32: String] = [:]
    public var localNames: [UInt32: [UInt32: String]] = [:]

    public init() {}
}

extension Module {
    public var importedFunctionTypes: [UInt32] {
        imports.compactMap { if case .function(let t) = $0.descriptor { t } else { nil } }
    }
    public var importedTables: [TableType] {
        imports.compactMap { if case .table(let t) = $0.descriptor { t } else { nil } }
    }
    public var importedMemories: [MemoryType] {
        imports.compactMap { if case .memory(let t) = $0.descriptor { t } else { nil } }
    }
    public var importedGlobals: [GlobalType] {
        imports.compactMap { if case .global(let t) = $0.descriptor { t } else { nil } }
    }
    public var importedTags: [TagType] {
        imports.compactMap { if case .tag(let t) = $0.descriptor { t } else { nil } }
    }
    /// Type index of every function in the function index space.
    public var allFunctionTypeIndices: [UInt32] { importedFunctionTypes + functions }
}

import WasmCore
import WasmDecoder

// What a compile worker other than the calling thread reads: its own copy of the module's
// arrays. Copying a `Module` or a `FunctionType` retains the array buffers inside it, and
// the validator and compiler copy them per function and per block; two threads retaining
// the same buffers make one cache line bounce between the cores on every such copy
// (measured on vm: the CPU time of a two-thread compile was 1.7x that of one thread).
extension Module {
    /// A copy whose arrays (and the type and body arrays inside them) have storage of their
    /// own, with what validating and compiling read; the name and custom sections are left
    /// out (`JITCode` keeps the original module).
    func workerCopy() -> Module {
        var copy = Module()
        copy.types = types.map { $0.freshCopy() }
        copy.recursionGroups = fresh(recursionGroups)
        copy.imports = fresh(imports)
        copy.functions = fresh(functions)
        copy.tables = fresh(tables)
        copy.memories = fresh(memories)
        copy.globals = fresh(globals)
        copy.tags = fresh(tags)
        copy.start = start
        copy.exports = fresh(exports)
        copy.elements = fresh(elements)
        copy.data = fresh(data)
        copy.dataCount = dataCount
        copy.codes = codes.map {
            FunctionBody(localCounts: fresh($0.localCounts), localTypes: fresh($0.localTypes), code: $0.code)
        }
        copy.bytes = fresh(bytes)
        return copy
    }
}

/// `array`'s elements in a buffer of their own (an `Array` initialised from an `Array`
/// shares its buffer).
private func fresh<T>(_ array: [T]) -> [T] {
    array.withUnsafeBufferPointer { source in
        [T](unsafeUninitializedCapacity: source.count) { buffer, count in
            for i in source.indices { (buffer.baseAddress! + i).initialize(to: source[i]) }
            count = source.count
        }
    }
}

extension SubType {
    /// The type with arrays of its own (see `Module.workerCopy`).
    func freshCopy() -> SubType {
        let composite: CompositeType
        switch self.composite {
        case .function(let f): composite = .function(FunctionType(parameters: fresh(f.parameters), results: fresh(f.results)))
        case .structure(let fields): composite = .structure(fresh(fields))
        case .array(let element): composite = .array(element)
        }
        return SubType(composite, supertypes: fresh(supertypes), final: isFinal)
    }
}

import WasmCore

/// The state of an instance at one moment (Faasm's proto-sandbox): its memories (imported
/// ones too) as
/// `MemoryImage`s, its globals, its tables and which element and data segments were
/// dropped. `restore(into:)` puts the same instance back in that state: memories copy-on-
/// write (page-table work, not a copy), the rest copied. Taken after an initialisation
/// export, it lets every request start from the initialised state and resets the
/// sandbox after each one, so nothing of a request survives it.
///
/// References (function references in tables and globals) are the instance's own, so a
/// snapshot restores into the instance it was taken from, in the same store.
public final class InstanceSnapshot: @unchecked Sendable {
    private let instance: ObjectIdentifier
    private let memories: [MemoryImage]
    /// Mutable globals' values (immutable ones cannot have changed).
    private let globals: [(index: Int, value: Value)]
    /// Each table's elements (`Slot` encoding).
    private let tables: [[UInt64]]
    private let elements: [[UInt64]]
    private let data: [Range<Int>]

    /// The state of `instance` now.
    ///
    /// - Throws: `WasmError` when a memory image cannot be made.
    public init(of instance: Instance) throws(WasmError) {
        self.instance = ObjectIdentifier(instance)
        var images: [MemoryImage] = []
        for memory in instance.memories { images.append(try MemoryImage(of: memory.linear)) }
        memories = images
        globals = instance.globals.enumerated().compactMap { i, g in g.type.isMutable ? (i, g.value) : nil }
        tables = instance.tables.map { t in Array(UnsafeBufferPointer(start: t.storage.pointee.elements, count: t.size)) }
        elements = instance.elements
        data = instance.data
    }

    /// Puts `instance` (the one the snapshot was taken of) back in the snapshot's state.
    ///
    /// - Throws: `WasmError` for another instance, or when a memory cannot be reset (the
    ///   instance must then not run again).
    public func restore(into instance: Instance) throws(WasmError) {
        guard ObjectIdentifier(instance) == self.instance else {
            throw WasmError(.uninstantiable, "a snapshot restores only into the instance it was taken of")
        }
        for (memory, image) in zip(instance.memories, memories) { try memory.linear.restore(image) }
        for (index, value) in globals { instance.globals[index].restore(value) }
        for (table, contents) in zip(instance.tables, tables) { table.restore(contents) }
        instance.elements = elements
        instance.data = data
    }
}

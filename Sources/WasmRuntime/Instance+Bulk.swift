import WasmCore

/// The bulk table and memory operations, shared by every tier (they are not hot enough
/// to deserve tier-specific code) and by instantiation.
extension Instance {
    @inline(__always)
    private func checkRange(_ start: UInt64, _ count: UInt64, _ limit: Int, _ reason: TrapReason) throws(TrapReason) {
        let (end, overflow) = start.addingReportingOverflow(count)
        guard !overflow, end <= UInt64(limit) else { throw reason }
    }

    /// `table.init`: copies `count` references of element segment `segment` into a table.
    public func tableInit(table: Int, segment: Int, destination: UInt64, source: UInt64, count: UInt64) throws(TrapReason) {
        guard table < tables.count else { throw .outOfBoundsTableAccess }
        let storage = tables[table].storage
        let range = try elementRange(segment: segment, offset: source, count: count)
        try checkRange(destination, count, storage.pointee.count, .outOfBoundsTableAccess)
        let refs = elements[segment]
        for (i, at) in range.enumerated() { storage.pointee.elements[Int(destination) + i] = refs[at] }
    }

    /// `elem.drop`.
    public func elemDrop(_ segment: Int) {
        if segment < elements.count { elements[segment] = [] }
    }

    /// `table.copy` (overlapping ranges behave like memmove).
    public func tableCopy(destinationTable: Int, sourceTable: Int, destination: UInt64, source: UInt64,
                          count: UInt64) throws(TrapReason) {
        guard destinationTable < tables.count, sourceTable < tables.count else { throw .outOfBoundsTableAccess }
        let dst = tables[destinationTable].storage, src = tables[sourceTable].storage
        try checkRange(source, count, src.pointee.count, .outOfBoundsTableAccess)
        try checkRange(destination, count, dst.pointee.count, .outOfBoundsTableAccess)
        guard count > 0 else { return }
        (dst.pointee.elements + Int(destination)).update(from: src.pointee.elements + Int(source), count: Int(count))
    }

    /// `table.fill`.
    public func tableFill(table: Int, start: UInt64, value: UInt64, count: UInt64) throws(TrapReason) {
        guard table < tables.count else { throw .outOfBoundsTableAccess }
        let storage = tables[table].storage
        try checkRange(start, count, storage.pointee.count, .outOfBoundsTableAccess)
        guard count > 0 else { return }
        (storage.pointee.elements + Int(start)).update(repeating: value, count: Int(count))
    }

    /// `table.grow`: the old size, or nil when the table cannot grow.
    public func tableGrow(table: Int, delta: UInt64, value: UInt64) -> UInt64? {
        guard table < tables.count else { return nil }
        return tables[table].grow(by: delta, fill: value)
    }

    /// `memory.init`: copies `count` bytes of data segment `segment` into a memory.
    public func memoryInit(memory: Int, segment: Int, destination: UInt64, source: UInt64, count: UInt64) throws(TrapReason) {
        guard memory < memories.count else { throw .outOfBoundsMemoryAccess }
        let start = try dataBytes(segment: segment, offset: source, count: count)
        let linear = memories[memory].linear
        try checkRange(destination, count, linear.byteCount, .outOfBoundsMemoryAccess)
        try copyData(from: start, count: Int(count), to: linear.base + Int(destination))
    }

    /// `data.drop`.
    public func dataDrop(_ segment: Int) {
        if segment < data.count { data[segment] = 0..<0 }
    }

    /// `memory.grow`: the old page count, or nil when the memory cannot grow.
    public func memoryGrow(memory: Int, delta: UInt64) -> UInt64? {
        guard memory < memories.count else { return nil }
        return memories[memory].grow(by: delta)
    }
}

extension Instance {
    /// Where `count` bytes from `offset` of data segment `segment` start in the module's
    /// bytes (`memory.init`, `array.new_data`, `array.init_data`); out of range traps
    /// like memory.
    func dataBytes(segment: Int, offset: UInt64, count: UInt64) throws(TrapReason) -> Int {
        guard segment < data.count else { throw .outOfBoundsMemoryAccess }
        let range = data[segment]
        try checkRange(offset, count, range.count, .outOfBoundsMemoryAccess)
        return range.lowerBound + Int(offset)
    }

    /// Copies `count` bytes of the module from `start` (a `dataBytes` result) to `target`.
    func copyData(from start: Int, count: Int, to target: UnsafeMutableRawPointer) throws(TrapReason) {
        guard count > 0 else { return }
        let bytes = module.bytes
        guard start >= 0, start + count <= bytes.count else { throw .outOfBoundsMemoryAccess }
        bytes.withUnsafeBytes { raw in
            if let from = raw.baseAddress { target.copyMemory(from: from + start, byteCount: count) }
        }
    }

    /// The range `offset..<offset+count` of element segment `segment`, checked like a table.
    func elementRange(segment: Int, offset: UInt64, count: UInt64) throws(TrapReason) -> Range<Int> {
        guard segment < elements.count else { throw .outOfBoundsTableAccess }
        try checkRange(offset, count, elements[segment].count, .outOfBoundsTableAccess)
        return Int(offset)..<Int(offset + count)
    }
}

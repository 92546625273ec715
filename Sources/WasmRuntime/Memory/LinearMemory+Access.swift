import WasmCore

// Bounds-checked access for the interpreter and for host code. All arithmetic is done in
// UInt64 with explicit overflow handling, so no address, offset or count a module supplies
// can wrap around a check or trap the process.

extension LinearMemory {
    /// The byte index of a `size`-byte access at `address + offset`, after checking that
    /// the whole access lies inside the memory.
    ///
    /// - Parameters:
    ///   - address: the dynamic address operand (a zero-extended i32 or an i64).
    ///   - offset: the static `memarg` offset.
    ///   - size: bytes accessed (1...16; 0 is allowed and checks `address + offset <= byteCount`).
    /// - Throws: `TrapReason.outOfBoundsMemoryAccess`.
    @inlinable @inline(__always)
    public func effectiveAddress(_ address: UInt64, offset: UInt64, size: Int) throws(TrapReason) -> Int {
        try Self.effectiveAddress(address, offset: offset, size: size, byteCount: byteCount)
    }

    /// `effectiveAddress(_:offset:size:)` against a `byteCount` the caller keeps (e.g. a
    /// tier that caches the memory size in a local between calls that can grow memory).
    @inlinable @inline(__always)
    public static func effectiveAddress(
        _ address: UInt64, offset: UInt64, size: Int, byteCount: Int
    ) throws(TrapReason) -> Int {
        let (start, overflow) = address.addingReportingOverflow(offset)
        // limit - start cannot underflow once start <= limit; a negative size (never
        // passed by real accesses) reads as huge and fails.
        let limit = UInt64(truncatingIfNeeded: byteCount)
        guard !overflow, start <= limit, limit &- start >= UInt64(truncatingIfNeeded: size) else {
            throw .outOfBoundsMemoryAccess
        }
        return Int(truncatingIfNeeded: start)
    }

    /// The start index of the byte range `start ..< start + count` after checking that it
    /// lies within `limit` bytes (the bulk instructions' rule: an empty range may start at
    /// `limit` itself).
    @inline(__always)
    static func checkedRange(_ start: UInt64, _ count: UInt64, within limit: Int) throws(TrapReason) -> Int {
        let limit = UInt64(limit)
        guard start <= limit, limit &- start >= count else { throw .outOfBoundsMemoryAccess }
        return Int(truncatingIfNeeded: start)
    }

    // MARK: typed access

    /// Loads a little-endian integer from `address + offset` (unaligned accesses are fine).
    @inlinable
    public func load<T: FixedWidthInteger>(
        at address: UInt64, offset: UInt64 = 0, as type: T.Type = T.self
    ) throws(TrapReason) -> T {
        let index = try effectiveAddress(address, offset: offset, size: MemoryLayout<T>.size)
        return T(littleEndian: base.loadUnaligned(fromByteOffset: index, as: T.self))
    }

    /// Stores `value` little-endian at `address + offset` (unaligned accesses are fine).
    @inlinable
    public func store<T: FixedWidthInteger>(_ value: T, at address: UInt64, offset: UInt64 = 0) throws(TrapReason) {
        let index = try effectiveAddress(address, offset: offset, size: MemoryLayout<T>.size)
        base.storeBytes(of: value.littleEndian, toByteOffset: index, as: T.self)
    }

    /// Copies `count` bytes starting at `address` out of the memory (host convenience).
    public func read(at address: UInt64, count: Int) throws(TrapReason) -> [UInt8] {
        guard count >= 0 else { throw .outOfBoundsMemoryAccess }
        let index = try Self.checkedRange(address, UInt64(count), within: byteCount)
        return Array(UnsafeRawBufferPointer(start: base + index, count: count))
    }

    /// Whether `count` bytes at `address` lie inside the memory.
    public func contains(_ address: UInt64, count: Int) -> Bool {
        count >= 0 && (try? Self.checkedRange(address, UInt64(count), within: byteCount)) != nil
    }

    /// Writes `bytes` at `address` (host convenience); traps before writing if they do not fit.
    public func write(_ bytes: some Collection<UInt8>, at address: UInt64) throws(TrapReason) {
        let index = try Self.checkedRange(address, UInt64(bytes.count), within: byteCount)
        guard !bytes.isEmpty else { return }
        // Arrays and slices in one copy; the loop below is for other collections.
        let copied: Void? = bytes.withContiguousStorageIfAvailable { (base + index).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        if copied != nil { return }
        var cursor = base + index
        for byte in bytes {
            cursor.storeBytes(of: byte, as: UInt8.self)
            cursor += 1
        }
    }

    // MARK: bulk operations

    /// `memory.fill`: sets `count` bytes at `destination` to `value`; traps (writing
    /// nothing) if the range leaves the memory.
    public func fill(at destination: UInt64, value: UInt8, count: UInt64) throws(TrapReason) {
        let index = try Self.checkedRange(destination, count, within: byteCount)
        if count > 0 { (base + index).initializeMemory(as: UInt8.self, repeating: value, count: Int(count)) }
    }

    /// `memory.copy` within this memory; the ranges may overlap. Traps (writing nothing)
    /// if either range leaves the memory.
    public func copy(to destination: UInt64, from source: UInt64, count: UInt64) throws(TrapReason) {
        let from = try Self.checkedRange(source, count, within: byteCount)
        let to = try Self.checkedRange(destination, count, within: byteCount)
        if count > 0 { (base + to).copyMemory(from: base + from, byteCount: Int(count)) }
    }

    /// `memory.copy` between memories (multi-memory): `count` bytes from `source` in
    /// `sourceMemory` to `destination` in this memory. Traps (writing nothing) if either
    /// range is out of bounds.
    public func copy(
        to destination: UInt64, from source: UInt64, in sourceMemory: LinearMemory, count: UInt64
    ) throws(TrapReason) {
        let from = try Self.checkedRange(source, count, within: sourceMemory.byteCount)
        let to = try Self.checkedRange(destination, count, within: byteCount)
        // copyMemory is memmove, so the same memory passed twice is still correct.
        if count > 0 { (base + to).copyMemory(from: sourceMemory.base + from, byteCount: Int(count)) }
    }

    /// `memory.init`: copies `count` bytes of `data` starting at `sourceOffset` to
    /// `destination`. Traps (writing nothing) if the range leaves `data` or the memory.
    public func initialize(
        from data: UnsafeRawBufferPointer, sourceOffset: UInt64 = 0, at destination: UInt64, count: UInt64
    ) throws(TrapReason) {
        let from = try Self.checkedRange(sourceOffset, count, within: data.count)
        let to = try Self.checkedRange(destination, count, within: byteCount)
        guard count > 0, let source = data.baseAddress else { return }
        (base + to).copyMemory(from: source + from, byteCount: Int(count))
    }

    /// `memory.init` from a segment held in an array slice (e.g. `module.bytes[segment.range]`);
    /// `sourceOffset` is relative to the slice's start.
    public func initialize(
        from data: ArraySlice<UInt8>, sourceOffset: UInt64 = 0, at destination: UInt64, count: UInt64
    ) throws(TrapReason) {
        // Check first: `withUnsafeBytes` only rethrows untyped errors.
        let from = try Self.checkedRange(sourceOffset, count, within: data.count)
        let to = try Self.checkedRange(destination, count, within: byteCount)
        guard count > 0 else { return }
        data.withUnsafeBytes { buffer in
            guard let source = buffer.baseAddress else { return }
            (base + to).copyMemory(from: source + from, byteCount: Int(count))
        }
    }

    /// `memory.init` from a whole array.
    public func initialize(
        from data: [UInt8], sourceOffset: UInt64 = 0, at destination: UInt64, count: UInt64
    ) throws(TrapReason) {
        try initialize(from: data[...], sourceOffset: sourceOffset, at: destination, count: count)
    }
}

import Platform
import WasmRuntime

/// Bounds-checked access to the guest's linear memory for host calls.
///
/// Every pointer and length comes from the guest, so each range is checked in 64-bit
/// arithmetic before it is touched; a range outside the memory is `WASIErrno.fault`,
/// never a host crash. A view is valid for one host call only: nothing in a WASI call
/// grows the memory, but the guest may between calls (and `base` may then move).
struct GuestMemory {
    let base: UnsafeMutableRawPointer
    let size: Int
    private let memory: LinearMemory

    init(_ memory: LinearMemory) {
        base = memory.base
        size = memory.byteCount
        self.memory = memory
    }

    /// The bytes `pointer ..< pointer + count`, checked.
    func bytes(_ pointer: UInt32, _ count: UInt32) throws(WASIErrno) -> UnsafeMutableRawBufferPointer {
        guard UInt64(pointer) + UInt64(count) <= UInt64(size) else { throw .fault }
        return UnsafeMutableRawBufferPointer(start: base + Int(pointer), count: Int(count))
    }

    func load<T: FixedWidthInteger>(_ pointer: UInt32, as type: T.Type = T.self) throws(WASIErrno) -> T {
        let buffer = try bytes(pointer, UInt32(MemoryLayout<T>.size))
        return T(littleEndian: buffer.loadUnaligned(as: T.self))
    }

    func store<T: FixedWidthInteger>(_ value: T, at pointer: UInt32) throws(WASIErrno) {
        let buffer = try bytes(pointer, UInt32(MemoryLayout<T>.size))
        buffer.storeBytes(of: value.littleEndian, as: T.self)
    }

    /// Copies `data` to `pointer` after checking the whole range.
    func write(_ data: some Collection<UInt8>, at pointer: UInt32) throws(WASIErrno) {
        guard data.count <= Int(UInt32.max) else { throw .fault }
        let buffer = try bytes(pointer, UInt32(data.count))
        memory.prepareLargeWrite(at: Int(pointer), count: data.count)
        buffer.copyBytes(from: data)
    }

    /// A copy of the guest bytes `pointer ..< pointer + count`.
    func read(_ pointer: UInt32, _ count: UInt32) throws(WASIErrno) -> [UInt8] {
        Array(try bytes(pointer, count))
    }

    /// The scatter/gather list at `pointer` as host `iovec`s pointing into guest memory.
    /// Each buffer is checked; lists longer than the host's IOV_MAX are cut (a short
    /// transfer, which callers must accept anyway).
    func iovecs(_ pointer: UInt32, _ count: UInt32) throws(WASIErrno) -> [iovec] {
        let usable = min(Int(count), 1024)
        var list: [iovec] = []
        list.reserveCapacity(usable)
        for i in 0..<usable {
            let entry = pointer &+ UInt32(i * 8)
            guard UInt64(pointer) + UInt64(i * 8) + 8 <= UInt64(size) else { throw .fault }
            let buf = try load(entry, as: UInt32.self)
            let len = try load(entry + 4, as: UInt32.self)
            let region = try bytes(buf, len)
            list.append(iovec(iov_base: region.baseAddress, iov_len: Int(len)))
        }
        return list
    }
}

import Platform
import WasmCore

/// The bytes of a linear memory at one moment, kept in a sealed in-memory file so that a
/// memory can be reset to them copy-on-write: `LinearMemory.restore(_:)` maps the file
/// privately over the memory's reservation, which costs page-table work, not a copy, and
/// every write after it lands in a private page the image never sees. All-zero pages are
/// left as holes (they read as zero and take no memory).
public final class MemoryImage: @unchecked Sendable {
    /// Size of the memory when the image was taken, in Wasm pages.
    public let pageCount: UInt64
    /// The same in bytes.
    public let byteCount: Int
    /// The sealed file (no writes, no size change).
    let fd: Int32

    private static let addSeals: Int32 = 1033
    private static let sealShrink: Int32 = 2, sealGrow: Int32 = 4, sealWrite: Int32 = 8

    /// An image of `memory`'s current bytes.
    ///
    /// - Throws: `WasmError` when the system refuses the file.
    public init(of memory: LinearMemory) throws(WasmError) {
        pageCount = memory.pageCount
        byteCount = memory.byteCount
        fd = "wasmlab-memory-image".withCString { memfd_create($0, MFD_CLOEXEC | MFD_ALLOW_SEALING) }
        guard fd >= 0 else { throw WasmError(.uninstantiable, "cannot make a memory image: \(String(cString: strerror(errno)))") }
        guard ftruncate(fd, off_t(byteCount)) == 0, Self.write(memory.base, byteCount, to: fd),
              fcntl(fd, Self.addSeals, Self.sealShrink | Self.sealGrow | Self.sealWrite) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw WasmError(.uninstantiable, "cannot make a memory image: \(reason)")
        }
    }

    /// An image of `pageCount` Wasm pages holding `pages` (system-page index and its bytes,
    /// a system page each); the rest reads as zero.
    ///
    /// - Throws: `WasmError` when a page lies outside the image or the system refuses the file.
    public init(pageCount: UInt64, pages: [(index: Int, bytes: ArraySlice<UInt8>)]) throws(WasmError) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard pageCount <= LinearMemory.maxPages32 else { throw WasmError(.malformed, "memory image of \(pageCount) pages") }
        self.pageCount = pageCount
        byteCount = Int(pageCount * LinearMemory.pageSize)
        fd = "wasmlab-memory-image".withCString { memfd_create($0, MFD_CLOEXEC | MFD_ALLOW_SEALING) }
        guard fd >= 0 else { throw WasmError(.uninstantiable, "cannot make a memory image: \(String(cString: strerror(errno)))") }
        guard ftruncate(fd, off_t(byteCount)) == 0 else {
            close(fd)
            throw WasmError(.uninstantiable, "cannot make a memory image: \(String(cString: strerror(errno)))")
        }
        for (index, bytes) in pages {
            guard index >= 0, bytes.count == page, (index + 1) * page <= byteCount,
                  bytes.withUnsafeBytes({ pwrite(fd, $0.baseAddress, page, off_t(index * page)) }) == page else {
                close(fd)
                throw WasmError(.malformed, "memory image page \(index) does not fit or cannot be written")
            }
        }
        guard fcntl(fd, Self.addSeals, Self.sealShrink | Self.sealGrow | Self.sealWrite) == 0 else {
            close(fd)
            throw WasmError(.uninstantiable, "cannot seal a memory image")
        }
    }

    deinit {
        ReservationPool.forget(self)
        close(fd)
    }

    /// The image's non-zero system pages: index and bytes.
    public func pages() -> [(index: Int, bytes: [UInt8])] {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard byteCount > 0, let mapping = mmap(nil, byteCount, PROT_READ, MAP_PRIVATE, fd, 0),
              mapping != UnsafeMutableRawPointer(bitPattern: -1) else { return [] }
        defer { munmap(mapping, byteCount) }
        var result: [(Int, [UInt8])] = []
        for index in 0 ..< byteCount / page {
            let chunk = UnsafeRawBufferPointer(start: mapping + index * page, count: page)
            if !Self.isZero(chunk) { result.append((index, Array(chunk))) }
        }
        return result
    }

    /// Writes the non-zero system pages of `bytes` at `base` to the same offsets of `fd`.
    private static func write(_ base: UnsafeMutableRawPointer, _ bytes: Int, to fd: Int32) -> Bool {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var offset = 0
        while offset < bytes {
            let length = min(page, bytes - offset)
            let chunk = UnsafeRawBufferPointer(start: base + offset, count: length)
            if !isZero(chunk) {
                var done = 0
                while done < length {
                    let n = pwrite(fd, chunk.baseAddress! + done, length - done, off_t(offset + done))
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { return false }
                    done += n
                }
            }
            offset += length
        }
        return true
    }

    private static func isZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i + 8 <= bytes.count {
            if bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) != 0 { return false }
            i += 8
        }
        return bytes[i...].allSatisfy { $0 == 0 }
    }
}

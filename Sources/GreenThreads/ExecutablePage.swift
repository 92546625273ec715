import Platform

/// Emitted code in a page of its own: written while read+write, then made read+execute
/// (W^X: never writable and executable at once). Lives as long as the process.
struct ExecutablePage: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let size: Int
    let codeSize: Int

    init?(_ bytes: [UInt8]) {
        size = max(Int(sysconf(Int32(_SC_PAGESIZE))), bytes.count)
        guard let mapping = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              mapping != MAP_FAILED else { return nil }
        bytes.withUnsafeBytes { mapping.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        guard mprotect(mapping, size, PROT_READ | PROT_EXEC) == 0 else {
            munmap(mapping, size)
            return nil
        }
        base = mapping
        codeSize = bytes.count
    }

    var code: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: codeSize) }
}

import Platform

/// Emitted code in a page of its own: written while read+write, then made read+execute
/// (W^X: never writable and executable at once). Lives as long as the process.
/// Runtime stubs (trap trampolines, context switches, signal thunks) live in these.
public struct ExecutablePage: @unchecked Sendable {
    /// Start of the page (the first code byte).
    public let base: UnsafeMutableRawPointer
    /// Bytes mapped.
    public let size: Int
    /// Bytes of code at `base`.
    public let codeSize: Int

    /// Maps `bytes` read+execute; nil when the kernel refuses.
    public init?(_ bytes: [UInt8]) {
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

    /// The code, for disassembly.
    public var code: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: codeSize) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Executable memory for one module's machine code, with W^X: the pages are mapped
/// read-write, filled, then switched to read-execute; they are never writable and
/// executable at the same time, and never writable again.
final class CodeBuffer {
    let base: UnsafeMutableRawPointer
    let size: Int
    let codeSize: Int

    /// Maps pages for `bytes.count` bytes, writes the code produced by `emit` (given the
    /// final base address, for absolute fixups) and makes the pages executable.
    init(byteCount: Int, emit: (UInt64) -> [UInt8]) throws(JITError) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        size = max((byteCount + page - 1) / page * page, page)
        #if canImport(Glibc)
        let flags = MAP_PRIVATE | MAP_ANONYMOUS
        #else
        let flags = MAP_PRIVATE | MAP_ANON
        #endif
        guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, flags, -1, 0),
              p != UnsafeMutableRawPointer(bitPattern: -1) else { throw JITError("cannot map code memory") }
        base = p
        let bytes = emit(UInt64(UInt(bitPattern: p)))
        precondition(bytes.count <= size, "code grew after sizing")
        codeSize = bytes.count
        bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        guard mprotect(p, size, PROT_READ | PROT_EXEC) == 0 else {
            munmap(p, size)
            throw JITError("cannot make code executable")
        }
    }

    deinit { munmap(base, size) }
}

/// A failure of the JIT itself (not of the Wasm program).
struct JITError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

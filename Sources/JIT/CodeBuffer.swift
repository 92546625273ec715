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

    /// Maps pages for `byteCount` bytes, writes the code produced by `emit` (given the
    /// final base address, for absolute fixups) and makes the pages executable.
    convenience init(byteCount: Int, emit: (UInt64) -> [UInt8]) throws(JITError) {
        try self.init(byteCount: byteCount) { (base: UInt64, destination: UnsafeMutableRawBufferPointer) -> Int in
            let bytes = emit(base)
            precondition(bytes.count <= destination.count, "code grew after sizing")
            destination.copyBytes(from: bytes)
            return bytes.count
        }
    }

    /// Maps pages for `byteCount` bytes; `write` gets the final base address and the
    /// writable pages, writes the code into them and returns its size.
    init(byteCount: Int, write: (UInt64, UnsafeMutableRawBufferPointer) -> Int) throws(JITError) {
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
        codeSize = write(UInt64(UInt(bitPattern: p)), UnsafeMutableRawBufferPointer(start: p, count: size))
        precondition(codeSize <= size, "code grew after sizing")
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

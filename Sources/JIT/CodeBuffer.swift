import Platform
import Synchronization

/// Executable memory for one module's machine code, with W^X: the pages are mapped
/// read-write, filled, then switched to read-execute; they are never writable and
/// executable at the same time, and stay read-execute while the buffer lives (released
/// small buffers go back to `CodePagePool`, read-write and no longer executable).
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
        let p: UnsafeMutableRawPointer
        if let recycled = CodePagePool.take(size: size) {
            p = recycled
        } else {
            guard let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, flags, -1, 0),
                  mapped != UnsafeMutableRawPointer(bitPattern: -1) else { throw JITError("cannot map code memory") }
            p = mapped
        }
        base = p
        codeSize = write(UInt64(UInt(bitPattern: p)), UnsafeMutableRawBufferPointer(start: p, count: size))
        precondition(codeSize <= size, "code grew after sizing")
        // Whatever a recycled page held after the new code traps if ever reached (int3).
        (p + codeSize).initializeMemory(as: UInt8.self, repeating: 0xCC, count: size - codeSize)
        guard mprotect(p, size, PROT_READ | PROT_EXEC) == 0 else {
            munmap(p, size)
            throw JITError("cannot make code executable")
        }
    }

    deinit {
        // Writable again (and no longer executable) before anyone may reuse it.
        if !CodePagePool.give(base, size: size) { munmap(base, size) }
    }
}

/// Pages of released small code buffers, kept read-write (never executable) for the next
/// module: creating a module's code then costs one `mprotect` instead of `mmap` +
/// `mprotect` + a page fault, and releasing it one `mprotect` instead of `munmap`.
/// W^X holds throughout: a page leaves here writable and becomes executable only after
/// the new code is in place; nothing executes from it while it is here.
enum CodePagePool {
    /// Only buffers of up to this size are kept (small modules: instantiation dominates).
    static let maxSize = 1 << 16
    static let capacity = 8

    /// A page range, owned by the pool while listed.
    private struct Pages: @unchecked Sendable {
        var base: UnsafeMutableRawPointer
        var size: Int
    }

    private static let pages = Synchronization.Mutex<[Pages]>([])

    static func take(size: Int) -> UnsafeMutableRawPointer? {
        guard size <= maxSize else { return nil }
        return pages.withLock { list -> UnsafeMutableRawPointer? in
            guard let i = list.lastIndex(where: { $0.size == size }) else { return nil }
            return list.remove(at: i).base
        }
    }

    /// Makes `base` writable and keeps it; false when it should be unmapped instead.
    static func give(_ base: UnsafeMutableRawPointer, size: Int) -> Bool {
        guard size <= maxSize else { return false }
        let kept = pages.withLock { list -> Bool in
            guard list.count < capacity else { return false }
            // Before it is listed: no one can take a page that is still executable.
            guard mprotect(base, size, PROT_READ | PROT_WRITE) == 0 else { return false }
            list.append(Pages(base: base, size: size))
            return true
        }
        return kept
    }
}

/// A failure of the JIT itself (not of the Wasm program).
struct JITError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

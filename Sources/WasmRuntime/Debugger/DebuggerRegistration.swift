import Synchronization

/// GDB's JIT interface (also read by LLDB): a list of in-memory symbol files
/// (`DebugSymbolFile`) behind the descriptor `__jit_debug_descriptor`, and the function
/// `__jit_debug_register_code` that is called after each change; a debugger puts a
/// breakpoint there, and reads the list when it attaches. Every module's compiled code is
/// registered while it lives, so `gdb` names Wasm functions and unwinds through them.
///
/// The descriptor's C name comes from the linker (`--defsym` in Package.swift): Swift
/// cannot name a variable for C. It is a tuple of words so that it is initialised
/// statically (a debugger may read it before any Swift code ran).
enum DebuggerRegistration {
    /// One registered symbol file (`jit_code_entry`: next, previous, address, size).
    final class Entry: @unchecked Sendable {
        fileprivate let node: UnsafeMutablePointer<(UInt, UInt, UInt, UInt64)>
        let image: UnsafeMutableRawBufferPointer

        fileprivate init(_ bytes: [UInt8]) {
            image = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
            image.copyBytes(from: bytes)
            node = .allocate(capacity: 1)
            node.initialize(to: (0, 0, UInt(bitPattern: image.baseAddress), UInt64(bytes.count)))
        }

        deinit {
            node.deallocate()
            image.deallocate()
        }
    }

    private static let lock = Mutex<Void>(())
    private static let register: UInt32 = 1, unregister: UInt32 = 2

    /// Adds the symbol file `image` to the list and tells an attached debugger.
    static func add(_ image: [UInt8]) -> Entry {
        let entry = Entry(image)
        lock.withLock { _ in
            withUnsafeMutablePointer(to: &jitDebugDescriptor) { descriptor in
                let node = UInt(bitPattern: entry.node)
                entry.node.pointee.0 = descriptor.pointee.3
                if let first = UnsafeMutablePointer<(UInt, UInt, UInt, UInt64)>(bitPattern: descriptor.pointee.3) {
                    first.pointee.1 = node
                }
                descriptor.pointee.3 = node
                descriptor.pointee.2 = node
                descriptor.pointee.1 = register
                jitDebugRegisterCode()
            }
        }
        return entry
    }

    /// The symbol files on the list, first first (address and size).
    static func listed() -> [(address: UInt, size: UInt64)] {
        lock.withLock { _ in
            var files: [(address: UInt, size: UInt64)] = []
            var next = UnsafeMutablePointer<(UInt, UInt, UInt, UInt64)>(bitPattern: jitDebugDescriptor.3)
            while let node = next {
                files.append((node.pointee.2, node.pointee.3))
                next = UnsafeMutablePointer(bitPattern: node.pointee.0)
            }
            return files
        }
    }

    /// Takes `entry` off the list and tells an attached debugger (before its code goes).
    static func remove(_ entry: Entry) {
        lock.withLock { _ in
            withUnsafeMutablePointer(to: &jitDebugDescriptor) { descriptor in
                let (next, previous) = (entry.node.pointee.0, entry.node.pointee.1)
                if let previous = UnsafeMutablePointer<(UInt, UInt, UInt, UInt64)>(bitPattern: previous) {
                    previous.pointee.0 = next
                } else {
                    descriptor.pointee.3 = next
                }
                if let next = UnsafeMutablePointer<(UInt, UInt, UInt, UInt64)>(bitPattern: next) { next.pointee.1 = previous }
                descriptor.pointee.2 = UInt(bitPattern: entry.node)
                descriptor.pointee.1 = unregister
                jitDebugRegisterCode()
            }
        }
    }
}

/// `jit_descriptor`: version 1, the action, the entry it concerns, the first entry.
@section(".data") @used public nonisolated(unsafe) var jitDebugDescriptor: (UInt32, UInt32, UInt, UInt) = (1, 0, 0, 0)

/// Where a debugger's breakpoint catches changes of the list. Named for C by its Swift
/// symbol, so every call reaches that symbol; the count it keeps makes it a call the
/// optimizer cannot drop.
@_silgen_name("__jit_debug_register_code") @inline(never) func jitDebugRegisterCode() {
    debuggerListChanges.add(1, ordering: .relaxed)
}

/// How many times the list changed.
let debuggerListChanges = Atomic<Int>(0)

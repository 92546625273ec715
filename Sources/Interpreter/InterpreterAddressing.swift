import WasmCore
import WasmRuntime

/// How `Executor` turns a 32-bit Wasm address into a pointer; one type per
/// `MemoryAddressing`, so each bounds strategy gets its own specialisation of the dispatch
/// loop with nothing to test per access beyond what the strategy needs.
protocol InterpreterAddressing {
    /// Whether out-of-bounds accesses fault, abandoning the executor's frames: the frame
    /// count is then kept in `ExecutionStack` at every call and return so the trap's
    /// backtrace sees it (the checked executor only stores it when it stops).
    static var publishesFrameCount: Bool { get }

    static func address(_ base: UnsafeMutableRawPointer, _ size: UInt64, _ address: UInt32, _ offset: UInt32,
                        _ width: UInt64) throws(TrapReason) -> UnsafeMutableRawPointer
}

/// `.software`: one compare per access; `ea` cannot overflow (33 bits + 8).
enum CheckedAddressing: InterpreterAddressing {
    static var publishesFrameCount: Bool { false }

    @inline(__always)
    static func address(_ base: UnsafeMutableRawPointer, _ size: UInt64, _ address: UInt32, _ offset: UInt32,
                        _ width: UInt64) throws(TrapReason) -> UnsafeMutableRawPointer {
        let ea = UInt64(address) &+ UInt64(offset)
        guard ea &+ width <= size else { throw .outOfBoundsMemoryAccess }
        return base + Int(truncatingIfNeeded: ea)
    }
}

/// `.guard` and `.unchecked`: the plain sum. Under `.guard` it is safe because
/// `ea + width < 2^33 + 16` lies inside the memory's fixed 8 GiB + 64 KiB reservation,
/// whose uncommitted part is PROT_NONE, and the executor runs under `TrapGuard`, which
/// turns the fault into `outOfBoundsMemoryAccess`. Under `.unchecked` nothing makes it
/// safe (measurement baseline only).
enum UncheckedAddressing: InterpreterAddressing {
    static var publishesFrameCount: Bool { true }

    @inline(__always)
    static func address(_ base: UnsafeMutableRawPointer, _ size: UInt64, _ address: UInt32, _ offset: UInt32,
                        _ width: UInt64) throws(TrapReason) -> UnsafeMutableRawPointer {
        base + Int(truncatingIfNeeded: UInt64(address) &+ UInt64(offset))
    }
}

/// `.masked`: the sum wrapped to 32 bits. Confined (index + 16 < 4 GiB + 64 KiB, the
/// fixed reservation; beyond `byteCount` it faults into a trap) but NOT spec-conforming:
/// sums of 4 GiB and more wrap to low memory instead of trapping.
enum MaskedAddressing: InterpreterAddressing {
    static var publishesFrameCount: Bool { true }

    @inline(__always)
    static func address(_ base: UnsafeMutableRawPointer, _ size: UInt64, _ address: UInt32, _ offset: UInt32,
                        _ width: UInt64) throws(TrapReason) -> UnsafeMutableRawPointer {
        base + Int(truncatingIfNeeded: address &+ offset)
    }
}

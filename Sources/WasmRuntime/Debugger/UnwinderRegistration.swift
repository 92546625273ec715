import Platform
import Synchronization

/// libunwind's dynamic registration (`_U_dyn_register`), so that an unwinder running in
/// the process (`unw_backtrace`, a sampling profiler) walks through compiled code: each
/// code region's `.eh_frame` rules and a table of its FDEs by code offset
/// (`UNW_INFO_FORMAT_IP_OFFSET`). WasmLab does not link libunwind: the registration is
/// made when the process has it (found with `dlsym`), and is a no-op otherwise.
public enum UnwinderRegistration {
    /// One registered region: libunwind's `unw_dyn_info_t`, the rules and the table.
    final class Entry: @unchecked Sendable {
        fileprivate let info: UnsafeMutableRawPointer
        private let frames: UnsafeMutableRawBufferPointer
        private let table: UnsafeMutableBufferPointer<(Int32, Int32)>

        /// `frames` (.eh_frame form) for code from `start` to `end`.
        fileprivate init(_ frames: CallFrameInfo, start: UInt, end: UInt) {
            self.frames = .allocate(byteCount: frames.bytes.count, alignment: 8)
            self.frames.copyBytes(from: frames.bytes)
            let base = UInt(bitPattern: self.frames.baseAddress)
            // (code offset from `start`, FDE offset from the rules), ascending: the FDE's
            // first address is at byte 8 of it.
            table = .allocate(capacity: max(frames.entryOffsets.count, 1))
            for (k, offset) in frames.entryOffsets.enumerated() {
                let address = self.frames.load(fromByteOffset: offset + 8, as: UInt.self)
                table[k] = (Int32(truncatingIfNeeded: Int(address) - Int(start)), Int32(offset))
            }
            info = .allocate(byteCount: Layout.size, alignment: 8)
            info.initializeMemory(as: UInt8.self, repeating: 0, count: Layout.size)
            info.storeBytes(of: start, toByteOffset: Layout.startIP, as: UInt.self)
            info.storeBytes(of: end, toByteOffset: Layout.endIP, as: UInt.self)
            info.storeBytes(of: Layout.ipOffsetFormat, toByteOffset: Layout.format, as: Int32.self)
            info.storeBytes(of: base, toByteOffset: Layout.segbase, as: UInt.self)
            info.storeBytes(of: UInt(frames.entryOffsets.count), toByteOffset: Layout.tableWords, as: UInt.self)
            info.storeBytes(of: UInt(bitPattern: table.baseAddress), toByteOffset: Layout.tableData, as: UInt.self)
        }

        deinit {
            info.deallocate()
            table.deallocate()
            frames.deallocate()
        }
    }

    /// Where the fields of `unw_dyn_info_t` (libunwind 1.6, 64-bit) lie: next, prev,
    /// start_ip, end_ip, gp, format, pad, load_offset, then the remote table's name_ptr,
    /// segbase, table_len (in words), table_data.
    private enum Layout {
        static let startIP = 16, endIP = 24, format = 40, segbase = 64, tableWords = 72, tableData = 80, size = 128
        static let ipOffsetFormat: Int32 = 4
    }

    private typealias Call = @convention(c) (UnsafeMutableRawPointer) -> Void
    private static let functions: (register: Call, cancel: Call)? = {
        guard let register = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "_U_dyn_register"),
              let cancel = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "_U_dyn_cancel") else { return nil }
        return (unsafeBitCast(register, to: Call.self), unsafeBitCast(cancel, to: Call.self))
    }()
    private static let lock = Mutex<Void>(())

    /// Whether the process has libunwind (registrations are made).
    public static var isAvailable: Bool { functions != nil }

    /// Registers the rules `frames()` (`.eh_frame` form, ranges in ascending addresses)
    /// for the code from `start` to `end`; nil without libunwind (then `frames` is not
    /// called).
    static func add(start: UInt, end: UInt, frames: () -> CallFrameInfo) -> Entry? {
        guard let functions else { return nil }
        let entry = Entry(frames(), start: start, end: end)
        lock.withLock { _ in functions.register(entry.info) }
        return entry
    }

    /// Cancels `entry` (before its code goes).
    static func remove(_ entry: Entry) {
        guard let functions else { return }
        lock.withLock { _ in functions.cancel(entry.info) }
    }
}

import Platform
import CUnicorn

/// unicorn's entry points, loaded with `dlopen` when the first `ARM64Machine` is made (as
/// capstone is: processes that never emulate do not pay for relocating the library, and a
/// host without it runs everything else). The header provides the types.
struct UnicornLibrary: @unchecked Sendable {
    typealias Open = @convention(c) (uc_arch, uc_mode, UnsafeMutablePointer<OpaquePointer?>?) -> uc_err
    typealias Close = @convention(c) (OpaquePointer?) -> uc_err
    typealias StringForError = @convention(c) (uc_err) -> UnsafePointer<CChar>?
    typealias RegWrite = @convention(c) (OpaquePointer?, Int32, UnsafeRawPointer?) -> uc_err
    typealias RegRead = @convention(c) (OpaquePointer?, Int32, UnsafeMutableRawPointer?) -> uc_err
    typealias MemMapPtr = @convention(c) (OpaquePointer?, UInt64, Int, UInt32, UnsafeMutableRawPointer?) -> uc_err
    typealias MemUnmap = @convention(c) (OpaquePointer?, UInt64, Int) -> uc_err
    typealias EmuStart = @convention(c) (OpaquePointer?, UInt64, UInt64, UInt64, Int) -> uc_err
    typealias EmuStop = @convention(c) (OpaquePointer?) -> uc_err
    /// `uc_hook_add` is variadic; only hook types without variadic arguments are added
    /// through this non-variadic type.
    typealias HookAdd = @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>?, Int32, UnsafeRawPointer?,
                                        UnsafeMutableRawPointer?, UInt64, UInt64) -> uc_err
    typealias HookDel = @convention(c) (OpaquePointer?, Int) -> uc_err
    /// `uc_ctl` is variadic; only controls without arguments are made through this type.
    typealias Control = @convention(c) (OpaquePointer?, UInt32) -> uc_err
    /// `uc_ctl` with a range (`UC_CTL_TB_REMOVE_CACHE`).
    typealias RemoveCache = @convention(c) (OpaquePointer?, UInt32, UInt64, UInt64) -> uc_err

    let open: Open
    let close: Close
    let strerror: StringForError
    let regWrite: RegWrite
    let regRead: RegRead
    let memMapPtr: MemMapPtr
    let memUnmap: MemUnmap
    let emuStart: EmuStart
    let emuStop: EmuStop
    let hookAdd: HookAdd
    let hookDel: HookDel
    let control: Control
    let removeCache: RemoveCache

    /// The loaded library, or why it could not be loaded (kept: loading is tried once).
    static let shared: Result<UnicornLibrary, EmulationError> = load()

    /// Sonames of the unicorn releases whose API this wrapper uses (2.x), unversioned first.
    private static let names = ["libunicorn.so", "libunicorn.so.2"]

    private static func load() -> Result<UnicornLibrary, EmulationError> {
        guard let handle = names.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_LOCAL) }).first else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            return .failure(EmulationError("cannot load unicorn (\(names.joined(separator: ", "))): \(reason); install libunicorn-dev"))
        }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: type) }
        }
        guard let open = symbol("uc_open", as: Open.self), let close = symbol("uc_close", as: Close.self),
              let strerror = symbol("uc_strerror", as: StringForError.self),
              let regWrite = symbol("uc_reg_write", as: RegWrite.self), let regRead = symbol("uc_reg_read", as: RegRead.self),
              let memMapPtr = symbol("uc_mem_map_ptr", as: MemMapPtr.self),
              let memUnmap = symbol("uc_mem_unmap", as: MemUnmap.self),
              let emuStart = symbol("uc_emu_start", as: EmuStart.self), let emuStop = symbol("uc_emu_stop", as: EmuStop.self),
              let hookAdd = symbol("uc_hook_add", as: HookAdd.self), let hookDel = symbol("uc_hook_del", as: HookDel.self),
              let control = symbol("uc_ctl", as: Control.self), let removeCache = symbol("uc_ctl", as: RemoveCache.self)
        else {
            return .failure(EmulationError("the loaded unicorn library lacks uc_open/uc_emu_start/..."))
        }
        return .success(UnicornLibrary(open: open, close: close, strerror: strerror, regWrite: regWrite, regRead: regRead,
                                       memMapPtr: memMapPtr, memUnmap: memUnmap, emuStart: emuStart, emuStop: emuStop,
                                       hookAdd: hookAdd, hookDel: hookDel, control: control,
                                       removeCache: removeCache))
    }

    func describe(_ error: uc_err) -> String {
        strerror(error).map { String(cString: $0) } ?? "unicorn error \(error.rawValue)"
    }
}

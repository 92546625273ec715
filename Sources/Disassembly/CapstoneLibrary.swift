import Platform
import CCapstone

/// capstone's entry points, loaded with `dlopen` when the first `Disassembler` is made.
///
/// Linking libcapstone into `wasmlab` cost every process ~1 M instructions of dynamic
/// relocation at start-up (77 k relocations), though only `disasm` and tests use it; see
/// "Start-up" in Docs/Design.md. The header still provides the types.
struct CapstoneLibrary: @unchecked Sendable {
    typealias Open = @convention(c) (cs_arch, cs_mode, UnsafeMutablePointer<csh>?) -> cs_err
    typealias Option = @convention(c) (csh, cs_opt_type, Int) -> cs_err
    typealias Disasm = @convention(c) (csh, UnsafePointer<UInt8>?, Int, UInt64, Int,
                                       UnsafeMutablePointer<UnsafeMutablePointer<cs_insn>?>?) -> Int
    typealias Free = @convention(c) (UnsafeMutablePointer<cs_insn>?, Int) -> Void
    typealias Close = @convention(c) (UnsafeMutablePointer<csh>?) -> cs_err
    typealias StringForError = @convention(c) (cs_err) -> UnsafePointer<CChar>?

    let open: Open
    let option: Option
    let disasm: Disasm
    let free: Free
    let close: Close
    let strerror: StringForError

    /// The loaded library, or why it could not be loaded (kept: loading is tried once).
    static let shared: Result<CapstoneLibrary, DisassemblyError> = load()

    /// Sonames of the capstone releases whose API this wrapper uses (4 and 5), unversioned first.
    private static let names: [String] = {
        #if canImport(Darwin)
        ["libcapstone.dylib", "libcapstone.5.dylib", "libcapstone.4.dylib"]
        #else
        ["libcapstone.so", "libcapstone.so.5", "libcapstone.so.4"]
        #endif
    }()

    private static func load() -> Result<CapstoneLibrary, DisassemblyError> {
        guard let handle = names.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_LOCAL) }).first else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            return .failure(DisassemblyError(description: "cannot load capstone (\(names.joined(separator: ", "))): \(reason)"))
        }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: type) }
        }
        guard let open = symbol("cs_open", as: Open.self), let option = symbol("cs_option", as: Option.self),
              let disasm = symbol("cs_disasm", as: Disasm.self), let free = symbol("cs_free", as: Free.self),
              let close = symbol("cs_close", as: Close.self), let strerror = symbol("cs_strerror", as: StringForError.self)
        else {
            return .failure(DisassemblyError(description: "the loaded capstone library lacks cs_open/cs_disasm/..."))
        }
        return .success(CapstoneLibrary(open: open, option: option, disasm: disasm, free: free, close: close,
                                        strerror: strerror))
    }
}

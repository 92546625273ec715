import Platform
import Assembler

/// The two pieces of machine code `TrapGuard` needs, emitted once at run time with the
/// project's assembler for the host's instruction set (`X64/TrapGuardStubs+X64.swift`
/// draws them) into one page that is written, then made read+execute (W^X: it is never
/// writable and executable at the same time): `enter(activation, body, argument)`, which
/// saves what its caller expects preserved, records where a trap resumes and calls
/// `body(argument)`; its trap exit; and the signal thunk, which hands the Swift handler
/// its state without a global.
struct TrapGuardStubs {
    typealias Enter = @convention(c) (UnsafeMutableRawPointer, TrapGuard.Body, UnsafeMutableRawPointer?) -> UInt32

    /// The code of the stubs and where each starts; `registration(start)` describes them
    /// to debuggers and unwinders once they are at `start`.
    struct Code {
        var bytes: [UInt8]
        var trapExitOffset: Int
        var thunkOffset: Int
        var registration: (_ start: UInt) -> CodeRegistration
    }

    let page: UnsafeMutableRawPointer
    let pageSize: Int
    let codeSize: Int
    let enter: Enter
    let trapExit: UInt
    let signalThunk: UnsafeRawPointer
    /// The stubs as debuggers and unwinders see them (they live as long as the process).
    private(set) var registration: CodeRegistration?

    init?(state: UnsafeMutableRawPointer, handler: UInt) {
        guard let code = Self.emit(state: state, handler: handler), let executable = ExecutablePage(code.bytes) else {
            return nil
        }
        let mapping = executable.base
        page = mapping
        pageSize = executable.size
        codeSize = code.bytes.count
        enter = unsafeBitCast(mapping, to: Enter.self)
        trapExit = UInt(bitPattern: mapping + code.trapExitOffset)
        signalThunk = UnsafeRawPointer(mapping + code.thunkOffset)
        registration = code.registration(UInt(bitPattern: mapping))
    }
}

#if !arch(x86_64)
extension TrapGuardStubs {
    /// No stubs for this host yet, so no fault handling.
    static func emit(state: UnsafeMutableRawPointer, handler: UInt) -> Code? { nil }
}
#endif

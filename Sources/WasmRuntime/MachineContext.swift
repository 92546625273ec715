/// Where the kernel saves a faulting thread's registers, as word indices into the
/// `ucontext_t` a `SA_SIGINFO` handler receives (each host's layout is in its ISA folder:
/// `X64/MachineContext+X64.swift`), and where `siginfo_t` keeps the fault address.
/// Computed constants, not stored statics: a static `let` is initialised lazily
/// (swift_once), which the signal handler must not call.
enum MachineContext {
    /// Word index of `si_addr` in `siginfo_t` (the faulting data address for SIGSEGV/SIGBUS;
    /// si_signo, si_errno, si_code are ints, then padding).
    @inline(__always) static var faultAddressWord: Int { 2 }
}

#if !(arch(x86_64) && os(Linux))
// Other hosts: no stubs yet, so no fault handling.
extension MachineContext {
    @inline(__always) static var pc: Int { 0 }
    @inline(__always) static var sp: Int { 0 }
    @inline(__always) static var argument0: Int { 0 }
    @inline(__always) static var argument1: Int { 0 }
    static var supported: Bool { false }
}
#endif

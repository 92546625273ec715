#if arch(x86_64) && os(Linux)
/// x86-64 Linux's `ucontext_t` (8-byte words). Glibc hides `<ucontext.h>`'s `REG_*`
/// names from Swift (they need `_GNU_SOURCE`), so the layout is written down here.
///
/// ```
///   word 0   uc_flags
///   word 1   uc_link
///   word 2-4 uc_stack (ss_sp, ss_flags, ss_size)
///   word 5   uc_mcontext.gregs[0]  (REG_R8)
///   ...      gregs[n] is word 5 + n:  REG_RDI=8  REG_RSI=9  REG_RBP=10  REG_RBX=11
///            REG_RDX=12  REG_RAX=13  REG_RCX=14  REG_RSP=15  REG_RIP=16
/// ```
extension MachineContext {
    /// Word index of `gregs[0]` in `ucontext_t`.
    @inline(__always) static var gregsWord: Int { 5 }
    @inline(__always) static var pc: Int { gregsWord + 16 }   // REG_RIP
    @inline(__always) static var sp: Int { gregsWord + 15 }   // REG_RSP
    @inline(__always) static var argument0: Int { gregsWord + 8 }   // REG_RDI
    @inline(__always) static var argument1: Int { gregsWord + 9 }   // REG_RSI
    static var supported: Bool { true }
}
#endif

import Assembler

/// Register roles of compiled x86-64 code.
///
/// ```
///  pinned (callee-saved in System V, so Swift helpers preserve them):
///    rbx  JITContext*          r12  MemoryView* of memory 0
///    r13  memory 0 base        r14  InstanceContext* of the running function
///    r15  frame base (fp) in the store's value stack
///  scratch of macro operations (never hold values across them):
///    rax rcx rdx     xmm0 xmm14 xmm15
///  allocatable for operand-stack values:
///    rsi rdi r8 r9 rbp r10 r11     xmm1 ... xmm13
///  of which a function may dedicate to its hottest locals (SinglePassCompiler+Locals):
///    rsi rdi r8 r9 rbp             xmm8 ... xmm13
///    and r12 under every strategy but software, which alone reads the view per access
///    (the others load it where they need it: memory.size, after calls and memory.grow)
/// ```
/// rbp is not a frame pointer here (frames are walked by their fixed layout); the
/// trampoline, the poll service and the preemption stub save it like the others.
enum X64Regs {
    static let vm = X64Register.rbx
    static let memoryView = X64Register.r12
    static let memoryBase = X64Register.r13
    static let instance = X64Register.r14
    static let fp = X64Register.r15

    static let scratch = X64Register.rax
    static let scratch2 = X64Register.rcx
    static let scratch3 = X64Register.rdx
    static let floatScratch = XMMRegister(0)
    static let floatScratch2 = XMMRegister(15)

    static let allocatable: [X64Register] = [.rsi, .rdi, .r8, .r9, .rbp, .r10, .r11]
    static let allocatableFloat: [XMMRegister] = (1...13).map { XMMRegister(UInt8($0)) }
    /// rsi and rdi first: 32-bit operations on them need no REX prefix.
    static let locals: [X64Register] = [.rsi, .rdi, .r8, .r9, .rbp]
    static let localsFloat: [XMMRegister] = (8...13).map { XMMRegister(UInt8($0)) }
}

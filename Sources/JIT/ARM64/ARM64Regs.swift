import Assembler

/// Register roles of compiled AArch64 code.
///
/// ```
///  pinned (callee-saved in AAPCS64, so helpers preserve them):
///    x19  JITContext*          x20  MemoryView* of memory 0
///    x21  memory 0 base        x22  InstanceContext* of the running function
///    x23  frame base (fp) in the store's value stack
///  scratch of macro operations (never hold values across them):
///    x16 x17 x15               v29 v30 v31
///  allocatable for operand-stack values:
///    x9 ... x14                v16 ... v28
///  of which a function may dedicate to its hottest locals (SinglePassCompiler+Locals):
///    x9 ... x12                v23 ... v28
/// ```
/// x18 (the platform register) and x24...x28 are left alone; x29/x30 are the frame
/// pointer and link register of the AAPCS64 frames only the trampoline builds.
enum ARM64Regs {
    static let vm = ARM64Register.x19
    static let memoryView = ARM64Register.x20
    static let memoryBase = ARM64Register.x21
    static let instance = ARM64Register.x22
    static let fp = ARM64Register.x23

    static let scratch = ARM64Register.x16
    static let scratch2 = ARM64Register.x17
    static let scratch3 = ARM64Register.x15
    static let floatScratch = ARM64FPRegister(31)
    static let floatScratch2 = ARM64FPRegister(30)
    static let floatScratch3 = ARM64FPRegister(29)

    static let allocatable: [ARM64Register] = [.x9, .x10, .x11, .x12, .x13, .x14]
    static let allocatableFloat: [ARM64FPRegister] = (16...28).map { ARM64FPRegister(UInt8($0)) }
    static let locals: [ARM64Register] = [.x9, .x10, .x11, .x12]
    static let localsFloat: [ARM64FPRegister] = (23...28).map { ARM64FPRegister(UInt8($0)) }
}

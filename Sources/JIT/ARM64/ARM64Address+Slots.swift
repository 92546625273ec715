import Assembler

/// The addresses compiled AArch64 code uses most (x86-64: `X64Address`).
extension ARM64Address {
    /// A slot of the current frame.
    @inline(__always) static func slot(_ offset: Int32) -> ARM64Address { .offset(ARM64Regs.fp, Int(offset)) }
    /// A field of the JIT context.
    @inline(__always) static func vm(_ offset: Int32) -> ARM64Address { .offset(ARM64Regs.vm, Int(offset)) }
    /// The saved instance pointer of the running function (stored by its prologue).
    static let savedInstance = ARM64Address.offset(.sp, 0)
}

import Assembler

/// Operand addresses of compiled code.
enum X64Address {
    /// A slot of the current frame.
    @inline(__always) static func slot(_ offset: Int32) -> X64Memory { mem(X64Regs.fp, offset) }
    /// A field of the JIT context.
    @inline(__always) static func vm(_ offset: Int32) -> X64Memory { mem(X64Regs.vm, offset) }
    /// The saved instance pointer of the running function (pushed by its prologue).
    static let savedInstance = mem(.rsp, 0)
}

import Assembler
import Platform

/// The machine code that moves a thread from one fiber stack to another, emitted once at
/// start-up by the project's assembler into a page that is written, then made
/// read+execute (never both).
///
/// `transfer(save, target)` pushes what the ABI says a callee must preserve onto the
/// current stack, stores the stack pointer at `save`, loads `target` as the stack pointer
/// and pops the same set from there. No system call (`swapcontext` also saves and restores
/// the signal mask with `rt_sigprocmask`, which is most of its cost).
///
/// A saved context, as it sits on the fiber's stack (x86-64, `saved SP` points at the
/// lowest word):
///
/// ```
///  saved SP ->  +0   MXCSR (32 bits) | x87 control word (16 bits) | pad
///               +8   r15
///               +16  r14
///               +24  r13        (new fiber: its argument)
///               +32  r12        (new fiber: its entry function)
///               +40  rbx
///               +48  rbp        (new fiber: 0, the end of backtraces)
///               +56  return address  (new fiber: the start stub)
///               +64  <- 16-byte aligned top of a new fiber's stack
/// ```
public struct ContextSwitch: @unchecked Sendable {
    /// `transfer(save, target)`: saves the current context at `save`, resumes `target`.
    public typealias Transfer = @convention(c) (UnsafeMutablePointer<UInt>, UInt) -> Void
    /// What a new fiber's start stub calls with the argument prepared by `prepare`.
    public typealias Entry = @convention(c) (UnsafeMutableRawPointer?) -> Void

    /// The switch routine.
    public let transfer: Transfer
    /// Where a new fiber starts: calls the entry in the r12 slot with the r13 slot's value.
    let startStub: UInt
    let page: ExecutablePage

    /// The process's context switch; nil on machines without an emitter.
    public static let shared: ContextSwitch? = ContextSwitch()

    private init?() {
        guard let code = ContextSwitchCode.emit(), let page = ExecutablePage(code.bytes) else { return nil }
        self.page = page
        transfer = unsafeBitCast(page.base + code.transferOffset, to: Transfer.self)
        startStub = UInt(bitPattern: page.base + code.startOffset)
    }

    /// The emitted code, for disassembly and tests.
    public var code: UnsafeRawBufferPointer { page.code }

    /// Writes a first context at the top of `stack` that starts `entry(argument)` when
    /// resumed; returns its saved stack pointer. `entry` must never return: it ends by
    /// transferring to another context for good.
    public func prepare(stack: FiberStack, entry: Entry, argument: UnsafeMutableRawPointer?) -> UInt {
        let top = stack.high & ~15
        let sp = top - UInt(ContextSwitchCode.frameSize)
        let words = UnsafeMutablePointer<UInt>(bitPattern: sp)!
        // MXCSR: all exceptions masked, round to nearest; x87: 64-bit precision, all masked.
        words[0] = UInt(0x1F80) | UInt(0x037F) << 32
        words[1] = 0                                              // r15
        words[2] = 0                                              // r14
        words[3] = UInt(bitPattern: argument)                     // r13
        words[4] = unsafeBitCast(entry, to: UInt.self)            // r12
        words[5] = 0                                              // rbx
        words[6] = 0                                              // rbp
        words[7] = startStub                                      // return address
        return sp
    }
}

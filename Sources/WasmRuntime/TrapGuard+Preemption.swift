import Assembler
import Platform

// Preempting JIT code at any instruction (Sledge's approach): a scheduler's timer signal
// that lands in registered compiled code moves the thread to an emitted stub, which saves
// every register the code may hold a value in, calls a yield function (which switches
// fibers and returns when the fiber is resumed), restores them and returns to the
// interrupted instruction. Code anywhere else (Swift, host calls, the interpreter) is left
// to yield at its next safe point. Each host's stub is in its ISA folder
// (`X64/PreemptionStub+X64.swift`).

/// What the redirect handler reads: the guard's state, the stub, the yield function.
struct PreemptionRedirect {
    var state: UnsafeMutablePointer<TrapGuardState>
    var stub: UInt
    var yield: UInt
}

extension TrapGuard {
    /// The signal-context function and its context for a scheduler's preemption signal
    /// (`Scheduler.setPreemptionRedirect`): it redirects a thread interrupted in
    /// registered compiled code to a stub that calls `yield` with every register saved
    /// (the caller checks that the thread runs a preemptible sandbox). nil when the stub
    /// cannot be emitted.
    public func preemptionRedirect(yield: @convention(c) () -> Void)
        -> (handler: @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer?) -> Bool,
            context: UnsafeMutableRawPointer)? {
        let context = UnsafeMutablePointer<PreemptionRedirect>.allocate(capacity: 1)
        context.initialize(to: PreemptionRedirect(state: state, stub: 0, yield: unsafeBitCast(yield, to: UInt.self)))
        let yieldAddress = UnsafeMutableRawPointer(context) + MemoryLayout<PreemptionRedirect>.offset(of: \.yield)!
        guard let code = Self.preemptionStub(yieldSlot: UInt(bitPattern: yieldAddress)),
              let page = ExecutablePage(code) else {
            context.deallocate()
            return nil
        }
        context.pointee.stub = UInt(bitPattern: page.base)
        return (redirectHandler, UnsafeMutableRawPointer(context))
    }
}

#if !arch(x86_64)
extension TrapGuard {
    @inline(__always) static var preemptionStackDrop: UInt { 0 }
    /// No stub for this host yet: code is preempted at its safe points only.
    static func preemptionStub(yieldSlot: UInt) -> [UInt8]? { nil }
}
#endif

/// Runs in signal context (the rules of TrapGuard+Handler.swift): typed pointer reads,
/// `pthread_self`, no Swift runtime.
private let redirectHandler: @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer?) -> Bool = { context, raw in
    guard let raw else { return false }
    let redirect = raw.assumingMemoryBound(to: PreemptionRedirect.self)
    let s = redirect.pointee.state
    let registers = context.assumingMemoryBound(to: UInt.self)
    let pc = registers[MachineContext.pc]
    // Only registered compiled code (never Swift, host calls or the interpreter): its
    // state is all in registers, flags and the stack, which the stub keeps.
    var i = 0
    var inCode = false
    while i < s.pointee.codeHigh {
        let range = s.pointee.codes + i
        if range.pointee.start <= pc && pc < range.pointee.end {
            inCode = true
            break
        }
        i &+= 1
    }
    guard inCode else { return false }
    let sp = registers[MachineContext.sp] &- TrapGuard.preemptionStackDrop
    guard let slot = UnsafeMutablePointer<UInt>(bitPattern: sp) else { return false }
    slot.pointee = pc
    registers[MachineContext.sp] = sp
    registers[MachineContext.pc] = redirect.pointee.stub
    return true
}

import Platform
import WasmCore

/// Turns hardware faults raised by Wasm code into traps: out-of-bounds accesses that hit
/// a guard region (SIGSEGV/SIGBUS), and SIGFPE/SIGILL at registered JIT trap sites.
///
/// Installed once per process (`shared`), before any guarded memory exists. Code that may
/// fault runs inside `run(_:_:anyPC:)`, which enters it through an emitted trampoline; a
/// fault the handler recognises resumes at the trampoline's trap exit, which returns the
/// reason to `run`'s caller as if the body had returned it (or, for code registered with
/// a resume point, at that point on the faulting stack: the JIT's own trap exit). Every other fault goes to the
/// handler that was installed before (the Swift runtime's, a debugger's, or the default
/// action). See Docs/Isolation.md for the whole path.
///
/// Swift frames between the trampoline and the fault are abandoned, not unwound: code run
/// under `run` must hold no reference-counted values, locks or `defer` work across an
/// access that may fault.
public final class TrapGuard: @unchecked Sendable {
    /// Whether this platform has fault handling (x86-64 Linux today).
    public static let isSupported = MachineContext.supported

    /// The process-wide guard, installed on first use; nil when unsupported or when
    /// installing failed.
    public static let shared: TrapGuard? = isSupported ? TrapGuard() : nil

    /// What the entry trampoline calls: returns 0 on success or a code of the caller's
    /// choosing; a trap exit returns `TrapReason.rawValue + 1`.
    public typealias Body = @convention(c) (UnsafeMutableRawPointer?) -> UInt32

    let state: UnsafeMutablePointer<TrapGuardState>
    let threadKey: pthread_key_t
    let stubs: TrapGuardStubs

    private init?() {
        state = TrapGuardState.make()
        var key = pthread_key_t()
        guard pthread_key_create(&key, releaseThreadSlot) == 0 else { return nil }
        threadKey = key
        guard let stubs = TrapGuardStubs(state: UnsafeMutableRawPointer(state),
                                         handler: unsafeBitCast(TrapGuardHandler.entry, to: UInt.self))
        else { return nil }
        self.stubs = stubs
        state.pointee.trapExit = stubs.trapExit
        // Save the previous dispositions first: the handler chains to them from the start.
        for signal in TrapGuardState.signals {
            sigaction(signal, nil, state.pointee.previous + TrapGuardState.slot(for: signal))
        }
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = unsafeBitCast(
            stubs.signalThunk,
            to: (@convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void).self)
        action.sa_flags = SA_SIGINFO | SA_ONSTACK
        sigemptyset(&action.sa_mask)
        for signal in TrapGuardState.signals {
            guard sigaction(signal, &action, nil) == 0 else { return nil }
        }
    }

    /// Calls `body(argument)` through the entry trampoline on this thread.
    ///
    /// - Parameters:
    ///   - anyPC: a fault inside a guard region counts wherever the PC is (the
    ///     interpreter's accesses are Swift code); false for JIT code, whose faults must
    ///     come from a registered code range.
    /// - Returns: what `body` returned, or `TrapReason.rawValue + 1` when a fault was
    ///   turned into a trap.
    public func run(_ body: Body, _ argument: UnsafeMutableRawPointer?, anyPC: Bool) -> UInt32 {
        guard let slot = threadSlot() else { return UInt32(TrapReason.hostError.rawValue) + 1 }
        return withUnsafeTemporaryAllocation(of: TrapActivation.self, capacity: 1) { buffer in
            let activation = buffer.baseAddress!
            activation.initialize(to: TrapActivation(previous: slot.pointee.current, anyPC: anyPC))
            slot.pointee.current = activation
            let result = stubs.enter(activation, body, argument)
            slot.pointee.current = activation.pointee.previous
            return result
        }
    }

    /// The emitted trampoline and signal thunk (read-only, executable), for disassembly.
    public var stubCode: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: stubs.page, count: stubs.codeSize) }

    /// Replaces the handler faults that are not ours are passed to (tests only: a forked
    /// child checks chaining without waking the Swift runtime's crash reporter).
    @_spi(Testing) public func replacePreviousAction(for signal: Int32, with action: sigaction) {
        let slot = TrapGuardState.slot(for: signal)
        if slot >= 0 { state.pointee.previous[slot] = action }
    }

    /// Marks the innermost activation of this thread as running host code until the
    /// matching `leaveHost()`: faults there are not Wasm traps.
    public func enterHost() {
        if let current = threadSlot()?.pointee.current { current.pointee.hostDepth += 1 }
    }

    /// Detaches the calling thread's activations, for code that is about to switch its
    /// stack away (a fiber running Wasm yields): faults on this thread stop counting as
    /// that code's. Returns what `resumeActivations` attaches again when the stack is
    /// resumed, on whichever thread resumes it.
    public func suspendActivations() -> UnsafeMutableRawPointer? {
        guard let slot = threadSlot() else { return nil }
        let saved = slot.pointee.current
        slot.pointee.current = nil
        return UnsafeMutableRawPointer(saved)
    }

    /// Attaches activations detached by `suspendActivations` to the calling thread.
    public func resumeActivations(_ saved: UnsafeMutableRawPointer?) {
        guard let slot = threadSlot() else { return }
        slot.pointee.current = saved?.assumingMemoryBound(to: TrapActivation.self)
    }

    /// Ends the host call begun by `enterHost()`.
    public func leaveHost() {
        if let current = threadSlot()?.pointee.current { current.pointee.hostDepth -= 1 }
    }
}

import Platform
import WasmCore

// The code that runs in signal context. Rules (checked by tools/check-signal-handler on the
// debug object): it reads only the state block it is handed in the fourth argument
// register by the emitted thunk, walks it with typed pointers, `while` loops and
// wrapping arithmetic, and calls nothing but libc's `pthread_self` and `sigaction` and
// the previous handler: no allocation, no reference counting, no generics, no globals.

enum TrapGuardHandler {
    /// Entered from the thunk `TrapGuard` installs for SIGSEGV, SIGBUS, SIGFPE and SIGILL:
    /// `(signal, siginfo, ucontext, state)`.
    static let entry: @convention(c) (Int32, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?,
                                      UnsafeMutableRawPointer?) -> Void = { signal, info, context, state in
        guard let state, let context else { return }
        let s = state.assumingMemoryBound(to: TrapGuardState.self)
        let registers = context.assumingMemoryBound(to: UInt.self)
        var savedSP: UInt = 0
        var resume: UInt = 0
        let reason = classify(signal, info, registers, s, &savedSP, &resume)
        if reason != 0 && resume != 0 {
            // The code has its own exit: continue there on the faulting stack, with the
            // fault PC (the raw frame stays intact below for its backtrace).
            registers[MachineContext.argument0] = registers[MachineContext.pc]
            registers[MachineContext.argument1] = UInt(reason)
            registers[MachineContext.pc] = resume
            return
        }
        if reason != 0 {
            // Resume in the trampoline's trap exit, on the stack of the entry frame, with
            // the reason (+1) as its argument; returning from the handler restores the
            // signal mask and the rest of the context.
            registers[MachineContext.pc] = s.pointee.trapExit
            registers[MachineContext.sp] = savedSP
            registers[MachineContext.argument1] = UInt(reason)
            return
        }
        chain(signal, info, context, s)
    }

    /// `TrapReason.rawValue + 1` when the fault is a trap of Wasm code running on this
    /// thread (and the stack pointer of its entry frame in `savedSP`, the resume point of
    /// the registered code at the PC in `resume`), 0 otherwise.
    @inline(__always)
    private static func classify(_ signal: Int32, _ info: UnsafeMutableRawPointer?,
                                 _ registers: UnsafeMutablePointer<UInt>,
                                 _ s: UnsafeMutablePointer<TrapGuardState>, _ savedSP: inout UInt,
                                 _ resume: inout UInt) -> UInt32 {
        // 1. This thread must be inside Wasm code entered through the trampoline, and not
        //    in a host function called from it.
        let me = UInt(truncatingIfNeeded: pthread_self())
        var activation: UnsafeMutablePointer<TrapActivation>? = nil
        var i = 0
        let threadHigh = s.pointee.threadHigh
        while i < threadHigh {
            if s.pointee.threads[i].thread == me {
                activation = s.pointee.threads[i].current
                break
            }
            i &+= 1
        }
        guard let activation, activation.pointee.hostDepth == 0, activation.pointee.savedSP != 0 else { return 0 }

        // 2. Registered code at the PC may name the trap exactly.
        let pc = registers[MachineContext.pc]
        var inCode = false
        var siteReason: UInt32 = 0
        i = 0
        let codeHigh = s.pointee.codeHigh
        while i < codeHigh {
            let range = s.pointee.codes + i
            if range.pointee.start <= pc && pc < range.pointee.end {
                inCode = true
                resume = range.pointee.resume
                if let sites = range.pointee.sites {
                    siteReason = lookup(sites, range.pointee.siteCount, UInt32(truncatingIfNeeded: pc &- range.pointee.start))
                }
                break
            }
            i &+= 1
        }
        guard inCode || activation.pointee.anyPC else { return 0 }
        if siteReason != 0 {
            savedSP = activation.pointee.savedSP
            return siteReason
        }

        // 3. Otherwise the signal decides; memory faults must hit a guard region.
        var reason: UInt32 = 0
        if signal == SIGSEGV || signal == SIGBUS {
            guard let info else { return 0 }
            let address = info.assumingMemoryBound(to: UInt.self)[MachineContext.faultAddressWord]
            i = 0
            let regionHigh = s.pointee.regionHigh
            while i < regionHigh {
                let region = s.pointee.regions + i
                if region.pointee.start <= address && address < region.pointee.end {
                    reason = UInt32(TrapReason.outOfBoundsMemoryAccess.rawValue) &+ 1
                    break
                }
                i &+= 1
            }
        } else if inCode && signal == SIGFPE {
            reason = UInt32(TrapReason.integerDivideByZero.rawValue) &+ 1
        } else if inCode && signal == SIGILL {
            reason = UInt32(TrapReason.unreachable.rawValue) &+ 1
        }
        if reason != 0 { savedSP = activation.pointee.savedSP }
        return reason
    }

    /// Binary search of sorted trap sites; `reason + 1` of the site at `offset`, or 0.
    @inline(__always)
    private static func lookup(_ sites: UnsafePointer<TrapSite>, _ count: Int, _ offset: UInt32) -> UInt32 {
        var lo = 0, hi = count
        while lo < hi {
            let mid = lo &+ (hi &- lo) / 2
            let site = sites[mid].offset
            if site == offset { return UInt32(sites[mid].reason) &+ 1 }
            if site < offset { lo = mid &+ 1 } else { hi = mid }
        }
        return 0
    }

    /// Passes a fault that is not ours to whoever handled the signal before us.
    private static func chain(_ signal: Int32, _ info: UnsafeMutableRawPointer?,
                              _ context: UnsafeMutableRawPointer, _ s: UnsafeMutablePointer<TrapGuardState>) {
        let slot = TrapGuardState.slot(for: signal)
        guard slot >= 0 else { return }
        let previous = s.pointee.previous + slot
        if previous.pointee.sa_flags & SA_SIGINFO != 0,
           let handler = previous.pointee.__sigaction_handler.sa_sigaction {
            handler(signal, info?.assumingMemoryBound(to: siginfo_t.self), context)
            return
        }
        let plain = previous.pointee.__sigaction_handler.sa_handler
        let bits = unsafeBitCast(plain, to: UInt.self)
        if bits == 0 || bits == 1 {
            // SIG_DFL or SIG_IGN: put it back and return; the faulting instruction runs
            // again and the kernel applies the default action (a synchronous fault cannot
            // be ignored).
            sigaction(signal, previous, nil)
            return
        }
        plain?(signal)
    }
}

import WasmCore
import WasmRuntime

/// Exceptions in compiled code (Docs/JIT.md, "Exceptions"). `throw` and `throw_ref` leave
/// the exception in `ExecutionStack.pendingTrap` and set `JITContext.trap` to
/// `uncaughtException`, like a host function or interpreter run whose exception passes
/// into compiled code; the code then enters the module's unwind stub, which asks `unwind`
/// for the handler.
extension RuntimeHelpers {
    typealias ThrowException = @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer, UInt64,
                                               UnsafeMutableRawPointer) -> Void
    typealias Rethrow = @convention(c) (UnsafeMutableRawPointer, UInt64) -> Void
    typealias Unwind = @convention(c) (UnsafeMutableRawPointer, UnsafeRawPointer, UnsafeMutableRawPointer,
                                       UnsafeMutableRawPointer) -> UInt

    @inline(__always) static func store(_ vm: UnsafeMutablePointer<JITContext>) -> Store {
        Unmanaged<Store>.fromOpaque(vm.pointee.store).takeUnretainedValue()
    }

    /// `throw tag`: the payload is in the slots at `arguments`.
    static let throwException: ThrowException = { vmp, contextp, tagIndex, arguments in
        let vm = vm(vmp), context = instance(contextp)
        let store = store(vm)
        let tag = context.pointee.instance.takeUnretainedValue().tags[Int(tagIndex)]
        let count = SlotLayout.slotCount(tag.type.parameters)
        let slots = (0..<count).map { arguments.load(fromByteOffset: $0 * 8, as: UInt64.self) }
        let exception = Exception(tag: tag, slots: slots)
        store.adopt(exception)
        store.stack.pendingTrap = Trap(.uncaughtException, exception: exception)
        vm.pointee.trap = UInt(TrapReason.uncaughtException.rawValue) + 1
    }

    /// `throw_ref`: raises the exception an exnref designates (null traps).
    static let rethrow: Rethrow = { vmp, bits in
        let vm = vm(vmp)
        guard let exception = Exception.from(slotBits: bits) else {
            vm.pointee.trap = UInt(TrapReason.nullExceptionReference.rawValue) + 1
            return
        }
        store(vm).stack.pendingTrap = Trap(.uncaughtException, exception: exception)
        vm.pointee.trap = UInt(TrapReason.uncaughtException.rawValue) + 1
    }

    /// Finds the handler of the pending exception, starting in the frame whose body `rsp`
    /// is `sp` at position `pc`, then in its callers up to this entry's trampoline.
    /// Returns the landing pad address (with `handlerSP`/`handlerFP` set and the payload
    /// delivered), or 0 when the trap is not an exception or no compiled frame catches it.
    ///
    /// Each native frame is `[saved r14 = the function's InstanceContext][return address]`
    /// from `sp` up (Docs/JIT.md, "Frames"); the instance leads to the module's
    /// `HandlerTable`, whose call sites give the caller's frame base.
    static let unwind: Unwind = { vmp, pcp, spp, fpp in
        let vm = vm(vmp)
        guard vm.pointee.trap == UInt(TrapReason.uncaughtException.rawValue) + 1 else { return 0 }
        let store = store(vm)
        guard let exception = store.stack.pendingTrap?.exception else { return 0 }
        var pc = UInt(bitPattern: pcp), sp = UInt(bitPattern: spp), fp = UInt(bitPattern: fpp)
        guard var (code, instance) = frameOwner(sp) else { return 0 }
        while true {
            let base = UInt(bitPattern: code.buffer.base)
            if pc > base, let clause = code.catchingClause(exception, at: Int(pc - base), instance: instance) {
                deliver(exception, clause, fp: fp)
                store.adopt(exception)
                store.stack.pendingTrap = nil
                vm.pointee.trap = 0
                vm.pointee.handlerSP = sp
                vm.pointee.handlerFP = fp
                return base + UInt(clause.landing)
            }
            // The outermost Wasm frame of this entry: the exception leaves compiled code.
            if sp + 16 >= vm.pointee.entrySP { return 0 }
            let returnAddress = UnsafeRawPointer(bitPattern: sp + 8)!.load(as: UInt.self)
            sp += 16
            guard let caller = frameOwner(sp) else { return 0 }
            (code, instance) = caller
            let callerBase = UInt(bitPattern: code.buffer.base)
            guard returnAddress > callerBase,
                  let offset = code.handlers.frameOffset(returningTo: Int(returnAddress - callerBase)) else { return 0 }
            fp = UInt(bitPattern: Int(bitPattern: fp) - Int(offset))
            pc = returnAddress
        }
    }

    /// The compiled code and instance of the frame whose saved instance is at `sp`.
    static func frameOwner(_ sp: UInt) -> (JITCode, Instance)? {
        guard let context = UnsafeRawPointer(bitPattern: sp)?.load(as: UnsafeMutablePointer<InstanceContext>?.self) else {
            return nil
        }
        let instance = context.pointee.instance.takeUnretainedValue()
        guard let code = instance.compiled.code as? JITCode else { return nil }
        return (code, instance)
    }

    /// Writes what a clause passes to its label: the payload (catch, catch_ref), then the
    /// exnref (catch_ref, catch_all_ref).
    static func deliver(_ exception: Exception, _ clause: HandlerTable.Clause, fp: UInt) {
        guard let destination = UnsafeMutableRawPointer(bitPattern: Int(bitPattern: fp) + Int(clause.slot)) else { return }
        var n = 0
        if clause.kind == .catch || clause.kind == .catchRef {
            for value in exception.slots {
                destination.storeBytes(of: value, toByteOffset: n * 8, as: UInt64.self)
                n += 1
            }
        }
        if clause.kind == .catchRef || clause.kind == .catchAllRef {
            destination.storeBytes(of: exception.slotBits, toByteOffset: n * 8, as: UInt64.self)
        }
    }
}

extension JITCode {
    /// The first clause, innermost region first, around code offset `position` that
    /// catches `exception` (tags compare by identity through the instance's tag list).
    func catchingClause(_ exception: Exception, at position: Int, instance: Instance) -> HandlerTable.Clause? {
        var found: HandlerTable.Clause?
        handlers.forEachClause(at: position) { clause in
            switch clause.kind {
            case .catchAll, .catchAllRef: found = clause
            case .catch, .catchRef:
                let tags = instance.tags
                if Int(clause.tag) < tags.count, tags[Int(clause.tag)] === exception.tag { found = clause }
            }
            return found == nil
        }
        return found
    }
}

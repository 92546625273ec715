import Interpreter
import WasmCore
import WasmRuntime

/// Runtime functions compiled code calls (System V C convention, `@convention(c)`), for
/// operations too rare or too involved to inline: bulk memory and table operations,
/// `memory.grow`, float min/max and conversions, calls into other tiers and host functions.
///
/// Every helper receives the `JITContext` first. A helper that traps stores
/// `reason.rawValue + 1` in `JITContext.trap` and returns; compiled code checks the
/// field after the call and leaves through its trap exit.
enum RuntimeHelpers {
    // C function types cannot name Swift structs: pointers are raw and bound inside.
    typealias Generic = @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer,
                                        UnsafeMutableRawPointer, UInt64, UInt64, UInt64) -> Void
    typealias CallOther = @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer, UnsafeMutableRawPointer,
                                          UnsafeMutableRawPointer?) -> Void
    typealias CallInterpreted = @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer,
                                                UnsafeMutableRawPointer, Int) -> UInt

    @inline(__always) static func vm(_ p: UnsafeMutableRawPointer) -> UnsafeMutablePointer<JITContext> {
        p.assumingMemoryBound(to: JITContext.self)
    }
    @inline(__always) static func instance(_ p: UnsafeMutableRawPointer) -> UnsafeMutablePointer<InstanceContext> {
        p.assumingMemoryBound(to: InstanceContext.self)
    }
    @inline(__always) static func record(_ p: UnsafeMutableRawPointer) -> UnsafeMutablePointer<FunctionRecord> {
        p.assumingMemoryBound(to: FunctionRecord.self)
    }

    static let generic: Generic = { vmp, contextp, operands, opcode, imm1, imm2 in
        let vm = vm(vmp), context = instance(contextp)
        guard let op = Opcode(rawValue: UInt16(truncatingIfNeeded: opcode)) else {
            vm.pointee.trap = UInt(TrapReason.unreachable.rawValue) + 1
            return
        }
        do throws(TrapReason) {
            try GenericOps.run(op, context: context, operands: operands, imm1: imm1, imm2: imm2)
        } catch {
            vm.pointee.trap = UInt(error.rawValue) + 1
        }
    }

    /// Calls a host function or a function of another tier with arguments at `slots`.
    static let callOther: CallOther = { vmp, recordp, slots, callerp in
        let vm = vm(vmp), record = record(recordp)
        let store = Unmanaged<Store>.fromOpaque(vm.pointee.store).takeUnretainedValue()
        let stack = store.stack
        let top = slots + record.pointee.frameSlots * 8
        guard top <= stack.slotEnd else {
            vm.pointee.trap = UInt(TrapReason.callStackExhausted.rawValue) + 1
            return
        }
        let savedTop = stack.slotTop
        stack.slotTop = top
        defer { stack.slotTop = savedTop }
        do throws(TrapReason) {
            try Function.callFromCompiledCode(record, slots: slots, store: store, caller: callerp.map(instance))
        } catch {
            vm.pointee.trap = UInt(error.rawValue) + 1
        }
    }

    /// Runs a function of a JIT module that was left to the interpreter. Returns 0, or
    /// the record of a function the interpreted one tail-calls (its arguments moved to
    /// slot 0...): the shim makes that call in its own place, so tail-call chains through
    /// interpreted functions run in bounded native stack.
    static let callInterpreted: CallInterpreted = { vmp, recordp, fp, definedIndex in
        let vm = vm(vmp), record = record(recordp)
        // The interpreter code of that function, found from its instance (not embedded:
        // compiled code holds no addresses of its own).
        guard let context = record.pointee.context,
              let code = context.pointee.instance.takeUnretainedValue().compiled.code as? any HostsInterpretedCode else {
            vm.pointee.trap = UInt(TrapReason.hostError.rawValue) + 1
            return 0
        }
        let (entry, frameSlots) = code.interpretedPart.entry(definedIndex: definedIndex)
        let store = Unmanaged<Store>.fromOpaque(vm.pointee.store).takeUnretainedValue()
        let stack = store.stack
        let savedTop = stack.slotTop
        let savedRequestFrame = stack.tailCallRequestFrame
        stack.slotTop = fp
        stack.tailCallRequestFrame = stack.frameCount
        defer {
            stack.slotTop = savedTop
            stack.tailCallRequestFrame = savedRequestFrame
        }
        do throws(Trap) {
            try InterpreterTier.shared.invokeForeign(record, code: entry, frameSlots: frameSlots,
                                                     arguments: fp, store: store)
        } catch {
            stack.tailCallee = nil
            stack.pendingTrap = error
            vm.pointee.trap = UInt(error.reason.rawValue) + 1
            return 0
        }
        guard let callee = stack.tailCallee else { return 0 }
        stack.tailCallee = nil
        return UInt(bitPattern: callee)
    }

    static func address<T>(_ f: T) -> UInt64 { UInt64(UInt(bitPattern: unsafeBitCast(f, to: UnsafeRawPointer.self))) }

    /// The helpers compiled code calls, by their slot in `table`. Code calls through the
    /// table (`JITContext.helpers`), never an address of its own, so that one compiled
    /// module runs in any process image that has the same table layout.
    enum Slot: Int, CaseIterable {
        // Slot 0 stays empty: every call then has a displacement a listing can name.
        case generic = 1, callOther, callInterpreted, throwException, rethrow, unwind, captureBacktrace
        case servicePoll

        var name: String { "\(self)" }

        var address: UInt {
            let value: UInt64
            switch self {
            case .generic: value = RuntimeHelpers.address(RuntimeHelpers.generic)
            case .callOther: value = RuntimeHelpers.address(RuntimeHelpers.callOther)
            case .callInterpreted: value = RuntimeHelpers.address(RuntimeHelpers.callInterpreted)
            case .throwException: value = RuntimeHelpers.address(RuntimeHelpers.throwException)
            case .rethrow: value = RuntimeHelpers.address(RuntimeHelpers.rethrow)
            case .unwind: value = RuntimeHelpers.address(RuntimeHelpers.unwind)
            case .captureBacktrace: value = RuntimeHelpers.address(RuntimeHelpers.captureBacktrace)
            case .servicePoll: value = RuntimeHelpers.address(RuntimeHelpers.servicePoll)
            }
            return UInt(value)
        }
    }

    /// The helpers' addresses by `Slot`, for the life of the process.
    nonisolated(unsafe) static let table: UnsafeRawPointer = {
        let slots = UnsafeMutablePointer<UInt>.allocate(capacity: Slot.allCases.count + 1)
        slots[0] = 0
        for slot in Slot.allCases { slots[slot.rawValue] = slot.address }
        return UnsafeRawPointer(slots)
    }()
}

extension RuntimeHelpers {
    typealias ServicePoll = @convention(c) (UnsafeMutableRawPointer) -> UInt32

    /// Called by the module's poll service when a poll found the word nonzero: serves a
    /// yield request (the store's yield handler may switch fibers and return much later)
    /// and answers 0 to go on, 1 to stop as `interrupted`.
    static let servicePoll: ServicePoll = { vmp in
        let word = (vm(vmp).pointee.poll + ExecutionStack.pollInterruptOffset).assumingMemoryBound(to: UInt32.self)
        return ExecutionStack.servicePoll(word) ? 0 : 1
    }
}

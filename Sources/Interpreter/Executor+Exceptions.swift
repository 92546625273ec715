import WasmCore
import WasmDecoder
import WasmRuntime

/// Exception handling. `throw`/`throw_ref` (and host functions that throw an
/// `Exception`) leave the exception in `stack.pendingTrap` and raise
/// `TrapReason.uncaughtException`; the dispatch loop's catch calls `unwind`, which walks
/// the frames of this run from the innermost outwards and looks for a `try_table` region
/// containing each frame's current position (see Translator+Exceptions.swift):
///
///     frames[k]   ... frames[n-1] (top)
///     position:   top frame -> pc of the throwing op;
///                 caller    -> its callee's returnPC - 1 (inside the call op)
///
/// The first matching clause receives the payload in its label's slots; execution
/// continues at the label with the frames above dropped. Reaching the run's entry frame
/// (returnPC == nil) without a handler lets the exception leave the run: the caller
/// (host or outer run) sees `uncaughtException` with the exception in `pendingTrap`.
extension Executor {
    /// Creates the exception of `throw tag argBase` and raises it.
    @inline(never)
    static func throwNew(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer,
                         _ context: UnsafeMutablePointer<InstanceContext>, stack: ExecutionStack,
                         store: Store) -> TrapReason {
        let tag = instance(context).tags[Int(pc[1])]
        let count = SlotLayout.slotCount(tag.type.parameters)
        let args = fp + Int(pc[2])
        let slots = (0..<count).map { args.load(fromByteOffset: $0 * 8, as: UInt64.self) }
        let exception = Exception(tag: tag, slots: slots)
        store.adopt(exception)
        stack.pendingTrap = Trap(.uncaughtException, exception: exception)
        return .uncaughtException
    }

    /// Raises the exception an exnref slot holds (`throw_ref`).
    @inline(never)
    static func rethrow(_ bits: UInt64, stack: ExecutionStack) -> TrapReason {
        guard let exception = Exception.from(slotBits: bits) else { return .nullExceptionReference }
        stack.pendingTrap = Trap(.uncaughtException, exception: exception)
        return .uncaughtException
    }

    /// Finds the handler for the pending exception among this run's frames: the frame
    /// index that catches it, where it continues, and that frame's base. Nil: none here.
    @inline(never)
    static func unwind(stack: ExecutionStack, store: Store, pc: UnsafePointer<UInt32>, fp: UnsafeMutableRawPointer,
                       frameCount: Int) -> (frame: Int, pc: UnsafePointer<UInt32>, fp: UnsafeMutableRawPointer)? {
        guard let exception = stack.pendingTrap?.exception else { return nil }
        var position = pc
        var frameFP = fp
        var i = frameCount - 1
        while i >= 0 {
            let frame = stack.frames[i]
            if let context = frame.function.pointee.context,
               let code = interpretedCode(of: instance(context)),
               let target = code.handle(exception, at: position, fp: frameFP, instance: instance(context)) {
                store.adopt(exception)
                stack.pendingTrap = nil
                return (i, target, frameFP)
            }
            guard let returnPC = frame.returnPC else { return nil }
            position = returnPC.assumingMemoryBound(to: UInt32.self) - 1
            frameFP = frame.callerFP
            i -= 1
        }
        return nil
    }
}

extension Executor {
    /// The interpreter code of an instance: its own, or the part another tier left to it.
    static func interpretedCode(of instance: Instance) -> InterpretedCode? {
        let code = instance.compiled.code
        if let own = code as? InterpretedCode { return own }
        return (code as? HostsInterpretedCode)?.interpretedPart as? InterpretedCode
    }
}

/// Compiled code of another tier that runs some functions in the interpreter
/// (`InterpreterTranslation`): exceptions unwinding through those functions' frames
/// look for their handlers in `interpretedPart`.
public protocol HostsInterpretedCode: CompiledCode {
    var interpretedPart: any CompiledCode { get }
}

extension InterpretedCode {
    /// The first clause, innermost region first, of the regions around `position` that
    /// catches `exception`: writes what the clause passes to the frame and returns the
    /// label's address.
    func handle(_ exception: Exception, at position: UnsafePointer<UInt32>, fp: UnsafeMutableRawPointer,
                instance: Instance) -> UnsafePointer<UInt32>? {
        guard let mutableBase = words.baseAddress, !handlers.isEmpty else { return nil }
        let base = UnsafePointer(mutableBase)
        let word = position - base
        guard word >= 0 && word < words.count else { return nil }
        for region in handlers.reversed() where region.contains(word) {
            let anchor = base + region.lowerBound
            let count = Int(anchor[2])
            for c in 0..<count {
                let clause = anchor + 3 + c * 4
                let kind = CatchClause.Kind(rawValue: UInt8(truncatingIfNeeded: clause[0])) ?? .catchAll
                if kind == .catch || kind == .catchRef {
                    let tag = Int(clause[1])
                    guard tag < instance.tags.count, instance.tags[tag] === exception.tag else { continue }
                }
                let destination = fp + Int(clause[2])
                var n = 0
                if kind == .catch || kind == .catchRef {
                    for value in exception.slots {
                        destination.storeBytes(of: value, toByteOffset: n * 8, as: UInt64.self)
                        n += 1
                    }
                }
                if kind == .catchRef || kind == .catchAllRef {
                    destination.storeBytes(of: exception.slotBits, toByteOffset: n * 8, as: UInt64.self)
                }
                // Signed: a clause that targets an enclosing loop jumps backwards.
                return anchor + Int(Int32(bitPattern: clause[3]))
            }
        }
        return nil
    }
}

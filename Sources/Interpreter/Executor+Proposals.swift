import WasmCore
import WasmRuntime

/// Handlers of the general memory forms (any memory, memory64, 64-bit offsets) and of
/// typed-reference and tail calls. Kept out of line: only modules that use these features
/// reach them, and the plain ops stay small in the dispatch loop.
extension Executor {
    @inline(__always)
    static func linearMemory(_ context: UnsafeMutablePointer<InstanceContext>, _ index: UInt32) -> LinearMemory {
        context.pointee.memories[Int(index)].takeUnretainedValue()
    }

    /// An address or length operand: i64 for a memory64, else a zero-extended i32.
    @inline(__always)
    static func operand(_ fp: UnsafeMutableRawPointer, _ slot: UInt32, is64: Bool) -> UInt64 {
        is64 ? fp.hotLoad(fromByteOffset: Int(slot), as: UInt64.self) : UInt64(fp.hotLoad(fromByteOffset: Int(slot), as: UInt32.self))
    }

    /// Bytes accessed by a plain load or store op.
    static func accessWidth(_ op: IOp) -> Int {
        switch op {
        case .i32Load8S, .i32Load8U, .i64Load8S, .i64Load8U, .i32Store8, .i64Store8: 1
        case .i32Load16S, .i32Load16U, .i64Load16S, .i64Load16U, .i32Store16, .i64Store16: 2
        case .i64Load, .f64Load, .i64Store, .f64Store: 8
        default: 4
        }
    }

    /// `loadX dst addr mem offLo offHi kind`.
    @inline(never)
    static func loadGeneral(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer,
                            _ context: UnsafeMutablePointer<InstanceContext>) throws(TrapReason) {
        let memory = linearMemory(context, pc[3])
        guard let kind = IOp(rawValue: UInt16(truncatingIfNeeded: pc[6])) else { throw .unreachable }
        let offset = UInt64(pc[4]) | UInt64(pc[5]) << 32
        let index = try memory.effectiveAddress(operand(fp, pc[2], is64: memory.is64), offset: offset, size: accessWidth(kind))
        let p = memory.base + index
        let value: UInt64
        switch kind {
        case .i32Load, .f32Load, .i64Load32U: value = UInt64(p.hotLoadUnaligned(as: UInt32.self))
        case .i64Load, .f64Load: value = p.hotLoadUnaligned(as: UInt64.self)
        case .i32Load8S: value = UInt64(UInt32(bitPattern: Int32(p.hotLoad(as: Int8.self))))
        case .i32Load8U, .i64Load8U: value = UInt64(p.hotLoad(as: UInt8.self))
        case .i32Load16S: value = UInt64(UInt32(bitPattern: Int32(p.hotLoadUnaligned(as: Int16.self))))
        case .i32Load16U, .i64Load16U: value = UInt64(p.hotLoadUnaligned(as: UInt16.self))
        case .i64Load8S: value = UInt64(bitPattern: Int64(p.hotLoad(as: Int8.self)))
        case .i64Load16S: value = UInt64(bitPattern: Int64(p.hotLoadUnaligned(as: Int16.self)))
        case .i64Load32S: value = UInt64(bitPattern: Int64(p.hotLoadUnaligned(as: Int32.self)))
        default: throw .unreachable
        }
        fp.hotStore(of: value, toByteOffset: Int(pc[1]), as: UInt64.self)
    }

    /// `storeX addr value mem offLo offHi kind`.
    @inline(never)
    static func storeGeneral(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer,
                             _ context: UnsafeMutablePointer<InstanceContext>) throws(TrapReason) {
        let memory = linearMemory(context, pc[3])
        guard let kind = IOp(rawValue: UInt16(truncatingIfNeeded: pc[6])) else { throw .unreachable }
        let offset = UInt64(pc[4]) | UInt64(pc[5]) << 32
        let width = accessWidth(kind)
        let index = try memory.effectiveAddress(operand(fp, pc[1], is64: memory.is64), offset: offset, size: width)
        let p = memory.base + index
        let value = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
        switch width {
        case 1: p.hotStore(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
        case 2: p.hotStore(of: UInt16(truncatingIfNeeded: value), as: UInt16.self)
        case 4: p.hotStore(of: UInt32(truncatingIfNeeded: value), as: UInt32.self)
        default: p.hotStore(of: value, as: UInt64.self)
        }
    }

    /// `memoryGrowX dst delta mem`: the old size in pages, or -1 of the address type.
    @inline(never)
    static func memoryGrowGeneral(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer,
                                  _ context: UnsafeMutablePointer<InstanceContext>) {
        let is64 = linearMemory(context, pc[3]).is64
        let delta = operand(fp, pc[2], is64: is64)
        let old = instance(context).memoryGrow(memory: Int(pc[3]), delta: delta)
        let failed: UInt64 = is64 ? UInt64.max : 0xFFFF_FFFF
        fp.hotStore(of: old ?? failed, toByteOffset: Int(pc[1]), as: UInt64.self)
    }

    /// `memoryFillX d v n mem`.
    @inline(never)
    static func memoryFillGeneral(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer,
                                  _ context: UnsafeMutablePointer<InstanceContext>) throws(TrapReason) {
        let memory = linearMemory(context, pc[4])
        try memory.fill(at: operand(fp, pc[1], is64: memory.is64),
                        value: UInt8(truncatingIfNeeded: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)),
                        count: operand(fp, pc[3], is64: memory.is64))
    }

    /// `memoryCopyX d s n dstMem srcMem`: the length is i64 only when both memories are.
    @inline(never)
    static func memoryCopyGeneral(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer,
                                  _ context: UnsafeMutablePointer<InstanceContext>) throws(TrapReason) {
        let destination = linearMemory(context, pc[4]), source = linearMemory(context, pc[5])
        try destination.copy(to: operand(fp, pc[1], is64: destination.is64),
                             from: operand(fp, pc[2], is64: source.is64), in: source,
                             count: operand(fp, pc[3], is64: destination.is64 && source.is64))
    }

    /// `memoryInitX d s n segment mem`.
    @inline(never)
    static func memoryInitGeneral(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer,
                                  _ context: UnsafeMutablePointer<InstanceContext>) throws(TrapReason) {
        let memory = linearMemory(context, pc[5])
        try instance(context).memoryInit(
            memory: Int(pc[5]), segment: Int(pc[4]), destination: operand(fp, pc[1], is64: memory.is64),
            source: UInt64(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)),
            count: UInt64(fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)))
    }

    /// The function a funcref slot designates; null traps.
    @inline(__always)
    static func funcref(_ fp: UnsafeMutableRawPointer, _ slot: UInt32) throws(TrapReason) -> UnsafeMutablePointer<FunctionRecord> {
        guard let callee = UnsafeMutablePointer<FunctionRecord>(bitPattern: UInt(fp.hotLoad(fromByteOffset: Int(slot), as: UInt64.self))) else {
            throw .nullFunctionReference
        }
        return callee
    }

    /// The callee of `call_indirect`-style ops: table element, checked for presence and type.
    @inline(__always)
    static func tableCallee(_ context: UnsafeMutablePointer<InstanceContext>, table: UInt32, index: Int,
                            typeID: UInt32) throws(TrapReason) -> UnsafeMutablePointer<FunctionRecord> {
        let storage = context.pointee.tables[Int(table)]
        guard index < storage.pointee.count else { throw .undefinedElement }
        guard let callee = UnsafeMutablePointer<FunctionRecord>(bitPattern: UInt(storage.pointee.elements[index])) else {
            throw .uninitializedElement
        }
        guard callee.pointee.typeID == Int(typeID) || TypeRegistry.isSubtype(callee.pointee.typeID, of: Int(typeID)) else {
            throw .indirectCallTypeMismatch
        }
        return callee
    }

    /// Calls a function that is not interpreted (host or another tier) with its arguments
    /// at `newFP`; results are written there.
    @inline(never)
    static func callOut(_ callee: UnsafeMutablePointer<FunctionRecord>, newFP: UnsafeMutableRawPointer, frameCount: Int,
                        fuel: inout UInt64, stack: ExecutionStack, store: Store,
                        caller: UnsafeMutablePointer<InstanceContext>) throws(TrapReason) {
        let top = newFP + callee.pointee.frameSlots &* 8
        guard top <= stack.slotEnd else { throw .callStackExhausted }
        stack.frameCount = frameCount
        stack.fuel = fuel
        stack.slotTop = top
        try Function.callFromCompiledCode(callee, slots: newFP, store: store, caller: caller)
        fuel = stack.fuel
    }

    /// Polls the interrupt word and spends one unit of fuel (calls and loop headers).
    @inline(__always)
    static func poll(_ fuel: inout UInt64, _ interrupt: UnsafeMutablePointer<UInt32>) throws(TrapReason) {
        if fuel == 0 || interrupt.pointee != 0 {
            guard fuel != 0 && ExecutionStack.servicePoll(interrupt) else {
                interrupt.pointee = 0
                throw .interrupted
            }
        }
        fuel &-= 1
    }

    /// A tail call: an interpreted callee replaces the current frame (its arguments move
    /// down to the frame base, the frame's function changes, the return address stays),
    /// so tail-recursive loops run in constant stack. Other callees are called normally
    /// and execution continues at `next`, which returns their results.
    @inline(__always)
    static func tailCall(_ callee: UnsafeMutablePointer<FunctionRecord>, arguments: UnsafeMutableRawPointer, count: Int,
                         next: UnsafePointer<UInt32>, pc: inout UnsafePointer<UInt32>,
                         fp: UnsafeMutableRawPointer, context: inout UnsafeMutablePointer<InstanceContext>,
                         frameCount: Int, fuel: inout UInt64, stack: ExecutionStack, store: Store,
                         tierID: Int) throws(TrapReason) -> Bool {
        try poll(&fuel, stack.interruptFlag)
        guard callee.pointee.kind == .wasm && callee.pointee.tierID == tierID,
              let code = callee.pointee.code, let calleeContext = callee.pointee.context else {
            if frameCount &- 1 == stack.tailCallRequestFrame {
                handBack(callee, arguments: arguments, count: count, pc: &pc, fp: fp, stack: stack)
                return false
            }
            try callOut(callee, newFP: arguments, frameCount: frameCount, fuel: &fuel, stack: stack, store: store,
                        caller: context)
            pc = next
            return true
        }
        guard fp + callee.pointee.frameSlots &* 8 <= stack.slotEnd else { throw .callStackExhausted }
        // Arguments sit above the frame base: copying upwards never overwrites one unread.
        for i in 0..<count {
            fp.hotStore(of: arguments.hotLoad(fromByteOffset: i &* 8, as: UInt64.self), toByteOffset: i &* 8, as: UInt64.self)
        }
        stack.frames[frameCount - 1].function = callee
        pc = code.assumingMemoryBound(to: UInt32.self)
        let switched = calleeContext != context
        if switched { stack.frames[frameCount - 1].leaveInstanceOnReturn() }
        context = calleeContext
        return switched
    }
}

extension Executor {
    /// A tail call to another tier from an entry frame whose caller accepts it (a JIT
    /// shim): the arguments move to the frame base, the callee is left in
    /// `stack.tailCallee`, and the frame returns; its caller makes the call in its place.
    @inline(never)
    static func handBack(_ callee: UnsafeMutablePointer<FunctionRecord>, arguments: UnsafeMutableRawPointer, count: Int,
                         pc: inout UnsafePointer<UInt32>, fp: UnsafeMutableRawPointer, stack: ExecutionStack) {
        for i in 0..<count {
            fp.hotStore(of: arguments.hotLoad(fromByteOffset: i &* 8, as: UInt64.self), toByteOffset: i &* 8, as: UInt64.self)
        }
        stack.tailCallee = callee
        pc = UnsafePointer(returnWord)
    }
}

/// A lone `ret`: where a frame that handed its tail call back continues (written once
/// at initialisation, only read afterwards).
nonisolated(unsafe) private let returnWord: UnsafeMutablePointer<UInt32> = {
    let word = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
    word.initialize(to: UInt32(IOp.ret.rawValue))
    return word
}()

extension Executor {
    /// The one call sequence of `call`, `call_indirect` and `call_ref`: polls fuel and the
    /// interrupt word, then pushes a frame for an interpreted callee of this tier, or calls
    /// any other callee (host, other tier) out of the loop. `next` is the caller's next
    /// instruction. Returns whether the memory view must be reloaded (another instance's
    /// code runs next, or a callee out of the loop may have grown memory).
    @inline(__always)
    static func call(_ callee: UnsafeMutablePointer<FunctionRecord>, newFP: UnsafeMutableRawPointer,
                     next: UnsafePointer<UInt32>, pc: inout UnsafePointer<UInt32>,
                     fp: inout UnsafeMutableRawPointer, context: inout UnsafeMutablePointer<InstanceContext>,
                     frameCount: inout Int, fuel: inout UInt64, frames: UnsafeMutablePointer<CallFrame>,
                     maxFrames: Int, slotEnd: UnsafeMutableRawPointer, interrupt: UnsafeMutablePointer<UInt32>,
                     stack: ExecutionStack, store: Store, tierID: Int) throws(TrapReason) -> Bool {
        if fuel == 0 || interrupt.pointee != 0 {
            guard fuel != 0 && ExecutionStack.servicePoll(interrupt) else {
                interrupt.pointee = 0
                throw .interrupted
            }
        }
        fuel &-= 1
        if callee.pointee.kind == .wasm && callee.pointee.tierID == tierID,
           let code = callee.pointee.code, let calleeContext = callee.pointee.context {
            guard frameCount < maxFrames, newFP + callee.pointee.frameSlots &* 8 <= slotEnd else {
                throw .callStackExhausted
            }
            frames[frameCount] = CallFrame(returnPC: UnsafeRawPointer(next), callerFP: fp, function: callee,
                                           withinInstance: calleeContext == context)
            frameCount += 1
            if publishesFrameCount { stack.frameCount = frameCount }
            fp = newFP
            pc = code.assumingMemoryBound(to: UInt32.self)
            guard calleeContext != context else { return false }
            context = calleeContext
            return true
        }
        let top = newFP + callee.pointee.frameSlots &* 8
        guard top <= slotEnd else { throw .callStackExhausted }
        stack.frameCount = frameCount
        stack.fuel = fuel
        stack.slotTop = top
        try Function.callFromCompiledCode(callee, slots: newFP, store: store, caller: context)
        fuel = stack.fuel
        pc = next
        return true
    }
}

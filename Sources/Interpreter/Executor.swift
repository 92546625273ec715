import WasmCore
import WasmRuntime

/// The interpreter's dispatch loop. All state lives in local variables (registers):
/// `pc` walks the instruction words, `fp` is the current frame's base in the store's
/// value stack, `context` the running instance's raw view; the linear memory's base
/// and size are cached and reloaded after anything that can change them (calls,
/// `memory.grow`, switching instances). Wasm calls push a `CallFrame` on the explicit
/// frame stack instead of recursing natively.
enum Executor<Addressing: InterpreterAddressing> {
    /// The single place where the interpreter turns a Wasm address into a pointer; what
    /// it checks depends on the bounds strategy (see InterpreterAddressing.swift).
    ///
    /// The strategy is picked by comparing metatypes, which folds to one branch in each
    /// specialisation: a call through `Addressing.address` stays an indirect witness call
    /// in the dispatch loop (typed throws defeat devirtualisation there), costing a call
    /// and spilled registers per access.
    @inline(__always)
    static func address(_ base: UnsafeMutableRawPointer, _ size: UInt64, _ address: UInt32, _ offset: UInt32,
                        _ width: UInt64) throws(TrapReason) -> UnsafeMutableRawPointer {
        if Addressing.self == CheckedAddressing.self {
            let ea = UInt64(address) &+ UInt64(offset)
            guard ea &+ width <= size else { throw .outOfBoundsMemoryAccess }
            return base + Int(truncatingIfNeeded: ea)
        }
        if Addressing.self == UncheckedAddressing.self {
            return base + Int(truncatingIfNeeded: UInt64(address) &+ UInt64(offset))
        }
        if Addressing.self == MaskedAddressing.self {
            return base + Int(truncatingIfNeeded: address &+ offset)
        }
        return try Addressing.address(base, size, address, offset, width)
    }

    /// `address` for `runHot`, which must not throw: nil where `address` traps.
    @inline(__always)
    static func validAddress(_ base: UnsafeMutableRawPointer, _ size: UInt64, _ address: UInt32, _ offset: UInt32,
                             _ width: UInt64) -> UnsafeMutableRawPointer? {
        if Addressing.self == CheckedAddressing.self {
            let ea = UInt64(address) &+ UInt64(offset)
            guard ea &+ width <= size else { return nil }
            return base + Int(truncatingIfNeeded: ea)
        }
        return try? Self.address(base, size, address, offset, width)
    }

    /// `Addressing.publishesFrameCount`, folded per specialisation like `address`.
    @inline(__always)
    static var publishesFrameCount: Bool {
        if Addressing.self == CheckedAddressing.self { return false }
        if Addressing.self == UncheckedAddressing.self || Addressing.self == MaskedAddressing.self { return true }
        return Addressing.publishesFrameCount
    }

    /// Base and size of memory 0 of an instance (a harmless base when it has none).
    @inline(__always)
    static func memoryView(_ context: UnsafeMutablePointer<InstanceContext>,
                           fallback: UnsafeMutableRawPointer) -> (UnsafeMutableRawPointer, UInt64) {
        guard context.pointee.memoryCount > 0 else { return (fallback, 0) }
        return context.pointee.memories[0]._withUnsafeGuaranteedRef { ($0.base, UInt64($0.byteCount)) }
    }

    @inline(__always)
    static func instance(_ context: UnsafeMutablePointer<InstanceContext>) -> Instance {
        context.pointee.instance.takeUnretainedValue()
    }

    /// Runs from the entry frame (already pushed by the caller) until it returns.
    static func run(entry: UnsafeMutablePointer<FunctionRecord>, fp entryFP: UnsafeMutableRawPointer,
                    stack: ExecutionStack, store: Store, tierID: Int) throws(TrapReason) {
        guard let entryCode = entry.pointee.code, let entryContext = entry.pointee.context else { throw .hostError }
        var pc = entryCode.assumingMemoryBound(to: UInt32.self)
        var fp = entryFP
        var context = entryContext
        let frames = stack.frames
        var frameCount = stack.frameCount
        let maxFrames = stack.maxFrames
        let slotEnd = stack.slotEnd
        let interrupt = stack.interruptFlag
        var fuel = stack.fuel
        var (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
        let limits = HotLimits(frames: frames, maxFrames: maxFrames, slotEnd: slotEnd, tierID: tierID)
        // The outer loop resumes dispatch after `unwind` found a handler for an exception.
        while true {
        do throws(TrapReason) {
        while true {
            let state = runHot(HotState(pc: pc, fp: fp, fuel: fuel, frameCount: frameCount),
                               memBase: memBase, memSize: memSize, context: context, interrupt: interrupt, limits: limits)
            pc = state.pc
            fp = state.fp
            fuel = state.fuel
            frameCount = state.frameCount
            if let trap = stoppedTrap(interrupt) { throw trap }
            // The ops runHot stops at (Executor+Hot.swift has the others).
            switch IOp.decode(pc.pointee) {
            case .unreachable:
                throw .unreachable
            case .enter:
                (fp + Int(pc[1])).initializeMemory(as: UInt64.self, repeating: 0, count: Int(pc[2]))
                pc += 3
            case .retValue:
                fp.hotStore(of: fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt64.self), toByteOffset: 0, as: UInt64.self)
                fallthrough
            case .ret:
                frameCount -= 1
                if publishesFrameCount { stack.frameCount = frameCount }
                let frame = frames[frameCount]
                guard let returnPC = frame.returnPC else {
                    stack.frameCount = frameCount
                    stack.fuel = fuel
                    return
                }
                pc = returnPC.assumingMemoryBound(to: UInt32.self)
                fp = frame.callerFP
                if let callerContext = frames[frameCount - 1].function.pointee.context, callerContext != context {
                    context = callerContext
                    (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
                }
            case .call, .callDefined, .callDefinedCopy:
                let fused = IOp.decode(at: pc) == .callDefinedCopy
                if fused {
                    fp.hotStore(of: fp.hotLoad(fromByteOffset: Int(pc[4]), as: UInt64.self), toByteOffset: Int(pc[3]), as: UInt64.self)
                }
                let callee = context.pointee.functions[Int(pc[1])]
                if try call(callee, newFP: fp + Int(pc[2]), next: pc + (fused ? 5 : 3), pc: &pc, fp: &fp, context: &context,
                            frameCount: &frameCount, fuel: &fuel, frames: frames, maxFrames: maxFrames, slotEnd: slotEnd,
                            interrupt: interrupt, stack: stack, store: store, tierID: tierID) {
                    (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
                }
            case .callIndirect:
                let table = context.pointee.tables[Int(pc[2])]
                let index = Int(fp.hotLoad(fromByteOffset: Int(pc[4]), as: UInt32.self))
                guard index < table.pointee.count else { throw .undefinedElement }
                guard let callee = UnsafeMutablePointer<FunctionRecord>(bitPattern: UInt(table.pointee.elements[index])) else {
                    throw .uninitializedElement
                }
                guard callee.pointee.typeID == Int(pc[1]) || TypeRegistry.isSubtype(callee.pointee.typeID, of: Int(pc[1])) else {
                    throw .indirectCallTypeMismatch
                }
                if try call(callee, newFP: fp + Int(pc[3]), next: pc + 5, pc: &pc, fp: &fp, context: &context,
                            frameCount: &frameCount, fuel: &fuel, frames: frames, maxFrames: maxFrames, slotEnd: slotEnd,
                            interrupt: interrupt, stack: stack, store: store, tierID: tierID) {
                    (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
                }
            case .copy128:
                fp.storeBytes(of: fp.loadUnaligned(fromByteOffset: Int(pc[2]), as: SIMD2<UInt64>.self), toByteOffset: Int(pc[1]), as: SIMD2<UInt64>.self)
                pc += 3
            case .const128:
                fp.storeBytes(of: SIMD4<UInt32>(pc[2], pc[3], pc[4], pc[5]), toByteOffset: Int(pc[1]), as: SIMD4<UInt32>.self)
                pc += 6
            case .select128:
                let chosen = fp.hotLoad(fromByteOffset: Int(pc[4]), as: UInt32.self) != 0 ? pc[2] : pc[3]
                fp.storeBytes(of: fp.loadUnaligned(fromByteOffset: Int(chosen), as: SIMD2<UInt64>.self), toByteOffset: Int(pc[1]), as: SIMD2<UInt64>.self)
                pc += 5
            case .globalGet128:
                let cell = context.pointee.globals[Int(pc[2])]
                fp.storeBytes(of: SIMD2<UInt64>(cell[0], cell[1]), toByteOffset: Int(pc[1]), as: SIMD2<UInt64>.self)
                pc += 3
            case .globalSet128:
                let cell = context.pointee.globals[Int(pc[2])]
                cell[0] = fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt64.self)
                cell[1] = fp.hotLoad(fromByteOffset: Int(pc[1]) + 8, as: UInt64.self)
                pc += 3
            case .v128Lanes:
                SIMDExecutor.lanes(pc, fp)
                pc += Int(pc[1] >> 16)
            case .v128Memory:
                try SIMDExecutor.memory(pc, fp, memBase, memSize, context, Addressing.self)
                pc += Int(pc[1] >> 16)
            case .v128Int:
                SIMDExecutor.integer(pc, fp)
                pc += Int(pc[1] >> 16)
            case .v128Float:
                SIMDExecutor.float(pc, fp)
                pc += Int(pc[1] >> 16)
            case .v128Convert:
                SIMDExecutor.convert(pc, fp)
                pc += Int(pc[1] >> 16)
            case .v128Relaxed:
                SIMDExecutor.relaxed(pc, fp)
                pc += Int(pc[1] >> 16)
            case .tableGet:
                let table = context.pointee.tables[Int(pc[3])]
                let index = Int(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                guard index < table.pointee.count else { throw .outOfBoundsTableAccess }
                fp.hotStore(of: table.pointee.elements[index], toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .tableSet:
                let table = context.pointee.tables[Int(pc[3])]
                let index = Int(fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self))
                guard index < table.pointee.count else { throw .outOfBoundsTableAccess }
                table.pointee.elements[index] = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                pc += 4
            case .tableSize:
                fp.hotStore(of: UInt64(context.pointee.tables[Int(pc[2])].pointee.count), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .tableGrow:
                let initial = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                let delta = UInt64(fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self))
                let old = instance(context).tableGrow(table: Int(pc[4]), delta: delta, value: initial)
                fp.hotStore(of: old.map { UInt64(UInt32(truncatingIfNeeded: $0)) } ?? 0xFFFF_FFFF,
                              toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .tableFill:
                try instance(context).tableFill(
                    table: Int(pc[4]), start: UInt64(fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self)),
                    value: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self),
                    count: UInt64(fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)))
                pc += 5
            case .tableCopy:
                try instance(context).tableCopy(
                    destinationTable: Int(pc[4]), sourceTable: Int(pc[5]),
                    destination: UInt64(fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self)),
                    source: UInt64(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)),
                    count: UInt64(fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)))
                pc += 6
            case .tableInit:
                try instance(context).tableInit(
                    table: Int(pc[4]), segment: Int(pc[5]),
                    destination: UInt64(fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self)),
                    source: UInt64(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)),
                    count: UInt64(fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)))
                pc += 6
            case .elemDrop:
                instance(context).elemDrop(Int(pc[1]))
                pc += 2
            case .memorySize:
                fp.hotStore(of: memSize / 65536, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 2
            case .memoryGrow:
                let delta = UInt64(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                let old = instance(context).memoryGrow(memory: 0, delta: delta)
                (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
                fp.hotStore(of: old.map { UInt64(UInt32(truncatingIfNeeded: $0)) } ?? 0xFFFF_FFFF,
                              toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .memoryInit:
                try instance(context).memoryInit(
                    memory: 0, segment: Int(pc[4]),
                    destination: UInt64(fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self)),
                    source: UInt64(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)),
                    count: UInt64(fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)))
                pc += 5
            case .dataDrop:
                instance(context).dataDrop(Int(pc[1]))
                pc += 2
            case .memoryCopy:
                guard context.pointee.memoryCount > 0 else { throw .outOfBoundsMemoryAccess }
                try context.pointee.memories[0].takeUnretainedValue().copy(
                    to: UInt64(fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self)),
                    from: UInt64(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)),
                    count: UInt64(fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)))
                pc += 4
            case .memoryFill:
                guard context.pointee.memoryCount > 0 else { throw .outOfBoundsMemoryAccess }
                try context.pointee.memories[0].takeUnretainedValue().fill(
                    at: UInt64(fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self)),
                    value: UInt8(truncatingIfNeeded: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)),
                    count: UInt64(fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)))
                pc += 4
            case .refNull:
                fp.hotStore(of: UInt64(0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 2
            case .refIsNull:
                let isNull: UInt64 = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self) == 0 ? 1 : 0
                fp.hotStore(of: isNull, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .refFunc:
                let record = context.pointee.functions[Int(pc[2])]
                fp.hotStore(of: UInt64(UInt(bitPattern: record)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .refAsNonNull:
                guard fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt64.self) != 0 else { throw .nullReference }
                pc += 2
            // Numeric ops that call out (Numerics, libm): kept out of runHot, whose registers
            // would otherwise be spilled around the calls.
            case .i32DivS:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(try Numerics.i32DivS(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32DivU:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(try Numerics.i32DivU(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32RemS:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(try Numerics.i32RemS(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32RemU:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(try Numerics.i32RemU(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64DivS:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: try Numerics.i64DivS(a, b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64DivU:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: try Numerics.i64DivU(a, b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64RemS:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: try Numerics.i64RemS(a, b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64RemU:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: try Numerics.i64RemU(a, b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Ceil:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: bits(Numerics.f32Ceil(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32Floor:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: bits(Numerics.f32Floor(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32Trunc:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: bits(Numerics.f32Trunc(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32Nearest:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: bits(Numerics.f32Nearest(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32Min:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.hotStore(of: bits(Numerics.f32Min(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Max:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.hotStore(of: bits(Numerics.f32Max(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Ceil:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: bits(Numerics.f64Ceil(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64Floor:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: bits(Numerics.f64Floor(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64Trunc:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: bits(Numerics.f64Trunc(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64Nearest:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: bits(Numerics.f64Nearest(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64Min:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.hotStore(of: bits(Numerics.f64Min(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Max:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.hotStore(of: bits(Numerics.f64Max(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32TruncF32S:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: UInt64(try Numerics.i32TruncF32S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32TruncF32U:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: UInt64(try Numerics.i32TruncF32U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32TruncF64S:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: UInt64(try Numerics.i32TruncF64S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32TruncF64U:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: UInt64(try Numerics.i32TruncF64U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncF32S:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: try Numerics.i64TruncF32S(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncF32U:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: try Numerics.i64TruncF32U(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncF64S:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: try Numerics.i64TruncF64S(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncF64U:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: try Numerics.i64TruncF64U(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32TruncSatF32S:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: UInt64(Numerics.i32TruncSatF32S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32TruncSatF32U:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: UInt64(Numerics.i32TruncSatF32U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32TruncSatF64S:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: UInt64(Numerics.i32TruncSatF64S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32TruncSatF64U:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: UInt64(Numerics.i32TruncSatF64U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncSatF32S:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: Numerics.i64TruncSatF32S(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncSatF32U:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: Numerics.i64TruncSatF32U(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncSatF64S:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: Numerics.i64TruncSatF64S(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncSatF64U:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: Numerics.i64TruncSatF64U(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3

            // Wasm 3.0 proposals: handlers in Executor+Proposals.swift / +Exceptions.swift.
            case .loadX:
                try loadGeneral(pc, fp, context)
                pc += 7
            case .storeX:
                try storeGeneral(pc, fp, context)
                pc += 7
            case .memorySizeX:
                fp.hotStore(of: linearMemory(context, pc[2]).pageCount, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .memoryGrowX:
                memoryGrowGeneral(pc, fp, context)
                (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
                pc += 4
            case .memoryFillX:
                try memoryFillGeneral(pc, fp, context)
                pc += 5
            case .memoryCopyX:
                try memoryCopyGeneral(pc, fp, context)
                pc += 6
            case .memoryInitX:
                try memoryInitGeneral(pc, fp, context)
                pc += 6
            case .clampIndex:
                fp.hotStore(of: min(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), 0xFFFF_FFFF),
                              toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .widenGrowResult:
                if fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt64.self) == 0xFFFF_FFFF {
                    fp.hotStore(of: UInt64.max, toByteOffset: Int(pc[1]), as: UInt64.self)
                }
                pc += 2
            case .callRef:
                let callee = try funcref(fp, pc[2])
                if try call(callee, newFP: fp + Int(pc[1]), next: pc + 3, pc: &pc, fp: &fp, context: &context,
                            frameCount: &frameCount, fuel: &fuel, frames: frames, maxFrames: maxFrames, slotEnd: slotEnd,
                            interrupt: interrupt, stack: stack, store: store, tierID: tierID) {
                    (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
                }
            case .returnCall:
                let callee = context.pointee.functions[Int(pc[1])]
                if try tailCall(callee, arguments: fp + Int(pc[2]), count: Int(pc[3]), next: pc + 4, pc: &pc, fp: fp,
                                context: &context, frameCount: frameCount, fuel: &fuel, stack: stack, store: store,
                                tierID: tierID) {
                    (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
                }
            case .returnCallIndirect:
                let callee = try tableCallee(context, table: pc[2], index: Int(fp.hotLoad(fromByteOffset: Int(pc[4]), as: UInt32.self)),
                                             typeID: pc[1])
                if try tailCall(callee, arguments: fp + Int(pc[3]), count: Int(pc[5]), next: pc + 6, pc: &pc, fp: fp,
                                context: &context, frameCount: frameCount, fuel: &fuel, stack: stack, store: store,
                                tierID: tierID) {
                    (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
                }
            case .returnCallRef:
                let callee = try funcref(fp, pc[2])
                if try tailCall(callee, arguments: fp + Int(pc[1]), count: Int(pc[3]), next: pc + 4, pc: &pc, fp: fp,
                                context: &context, frameCount: frameCount, fuel: &fuel, stack: stack, store: store,
                                tierID: tierID) {
                    (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
                }
            case .brOnNull:
                if fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt64.self) == 0 {
                    try jump(&pc, pc[2], &fuel, interrupt)
                } else {
                    pc += 3
                }
            case .brOnNonNull:
                if fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt64.self) != 0 {
                    try jump(&pc, pc[2], &fuel, interrupt)
                } else {
                    pc += 3
                }
            case .gc:
                // gc opcode operands imm1 (2 words) imm2 (2 words)
                try GCOps.run(Opcode(rawValue: UInt16(truncatingIfNeeded: pc[1])) ?? .unreachable, operands: fp + Int(pc[2]),
                              imm1: UInt64(pc[3]) | UInt64(pc[4]) << 32, imm2: UInt64(pc[5]) | UInt64(pc[6]) << 32,
                              context: context)
                pc += 7
            case .brOnCast, .brOnCastFail:
                // op reference target (2 words) nullable jump
                let matches = GCOps.test(fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt64.self),
                                         UInt64(pc[2]) | UInt64(pc[3]) << 32, nullable: pc[4] != 0, context)
                if matches == (IOp.decode(pc.pointee) == .brOnCast) {
                    try jump(&pc, pc[5], &fuel, interrupt)
                } else {
                    pc += 6
                }
            case .throw:
                throw throwNew(pc, fp, context, stack: stack, store: store)
            case .throwRef:
                throw rethrow(fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt64.self), stack: stack)
            case .tryTable:
                pc += Int(pc[1])
            default:
                // runHot ran it; it returns only at the ops above.
                assertionFailure("op \(pc.pointee) is handled by runHot")
                throw TrapReason.hostError
            }
        }
        } catch {
            if error == .uncaughtException,
               let handler = unwind(stack: stack, store: store, pc: pc, fp: fp, frameCount: frameCount),
               let handlerContext = frames[handler.frame].function.pointee.context {
                frameCount = handler.frame + 1
                pc = handler.pc
                fp = handler.fp
                context = handlerContext
                (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
                // A handler label may be a loop header: delivering counts as a back edge.
                if fuel != 0 && interrupt.pointee == 0 {
                    fuel &-= 1
                    continue
                }
                interrupt.pointee = 0
                stack.frameCount = frameCount
                stack.fuel = fuel
                throw TrapReason.interrupted
            }
            stack.frameCount = frameCount
            stack.fuel = fuel
            throw error
        }
        }
    }
}

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
        // The outer loop resumes dispatch after `unwind` found a handler for an exception.
        while true {
        do throws(TrapReason) {
        while true {
            switch IOp.decode(pc.pointee) {
            case .unreachable:
                throw .unreachable
            case .copy:
                fp.storeBytes(of: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .const32:
                fp.storeBytes(of: UInt64(pc[2]), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .const64:
                fp.storeBytes(of: UInt64(pc[2]) | UInt64(pc[3]) << 32, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .br:
                try jump(&pc, pc[1], &fuel, interrupt)
            case .brIf:
                if fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self) != 0 {
                    try jump(&pc, pc[2], &fuel, interrupt)
                } else {
                    pc += 3
                }
            case .brIfNot:
                if fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self) == 0 {
                    try jump(&pc, pc[2], &fuel, interrupt)
                } else {
                    pc += 3
                }
            case .brTable:
                let index = Int(fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self))
                let last = Int(pc[2]) &- 1
                try jump(&pc, pc[3 &+ (index < last ? index : last)], &fuel, interrupt)
            case .enter:
                (fp + Int(pc[1])).initializeMemory(as: UInt64.self, repeating: 0, count: Int(pc[2]))
                pc += 3
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
            case .call:
                let callee = context.pointee.functions[Int(pc[1])]
                let newFP = fp + Int(pc[2])
                if fuel == 0 || interrupt.pointee != 0 {
                    interrupt.pointee = 0
                    throw .interrupted
                }
                fuel &-= 1
                if callee.pointee.kind == .wasm && callee.pointee.tierID == tierID,
                   let code = callee.pointee.code, let calleeContext = callee.pointee.context {
                    guard frameCount < maxFrames, newFP + callee.pointee.frameSlots &* 8 <= slotEnd else {
                        throw .callStackExhausted
                    }
                    frames[frameCount] = CallFrame(returnPC: UnsafeRawPointer(pc + 3), callerFP: fp, function: callee)
                    frameCount += 1
                    if publishesFrameCount { stack.frameCount = frameCount }
                    fp = newFP
                    pc = code.assumingMemoryBound(to: UInt32.self)
                    if calleeContext != context {
                        context = calleeContext
                        (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
                    }
                } else {
                    let top = newFP + callee.pointee.frameSlots &* 8
                    guard top <= slotEnd else { throw .callStackExhausted }
                    stack.frameCount = frameCount
                    stack.fuel = fuel
                    stack.slotTop = top
                    try Function.callFromCompiledCode(callee, slots: newFP, store: store)
                    fuel = stack.fuel
                    (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
                    pc += 3
                }
            case .callIndirect:
                let table = context.pointee.tables[Int(pc[2])]
                let index = Int(fp.load(fromByteOffset: Int(pc[4]), as: UInt32.self))
                guard index < table.pointee.count else { throw .undefinedElement }
                guard let callee = UnsafeMutablePointer<FunctionRecord>(bitPattern: UInt(table.pointee.elements[index])) else {
                    throw .uninitializedElement
                }
                guard callee.pointee.typeID == Int(pc[1]) else { throw .indirectCallTypeMismatch }
                let newFP = fp + Int(pc[3])
                if fuel == 0 || interrupt.pointee != 0 {
                    interrupt.pointee = 0
                    throw .interrupted
                }
                fuel &-= 1
                if callee.pointee.kind == .wasm && callee.pointee.tierID == tierID,
                   let code = callee.pointee.code, let calleeContext = callee.pointee.context {
                    guard frameCount < maxFrames, newFP + callee.pointee.frameSlots &* 8 <= slotEnd else {
                        throw .callStackExhausted
                    }
                    frames[frameCount] = CallFrame(returnPC: UnsafeRawPointer(pc + 5), callerFP: fp, function: callee)
                    frameCount += 1
                    if publishesFrameCount { stack.frameCount = frameCount }
                    fp = newFP
                    pc = code.assumingMemoryBound(to: UInt32.self)
                    if calleeContext != context {
                        context = calleeContext
                        (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
                    }
                } else {
                    let top = newFP + callee.pointee.frameSlots &* 8
                    guard top <= slotEnd else { throw .callStackExhausted }
                    stack.frameCount = frameCount
                    stack.fuel = fuel
                    stack.slotTop = top
                    try Function.callFromCompiledCode(callee, slots: newFP, store: store)
                    fuel = stack.fuel
                    (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
                    pc += 5
                }
            case .select:
                let chosen = fp.load(fromByteOffset: Int(pc[4]), as: UInt32.self) != 0 ? pc[2] : pc[3]
                fp.storeBytes(of: fp.load(fromByteOffset: Int(chosen), as: UInt64.self), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .copy128:
                fp.storeBytes(of: fp.loadUnaligned(fromByteOffset: Int(pc[2]), as: SIMD2<UInt64>.self), toByteOffset: Int(pc[1]), as: SIMD2<UInt64>.self)
                pc += 3
            case .const128:
                fp.storeBytes(of: SIMD4<UInt32>(pc[2], pc[3], pc[4], pc[5]), toByteOffset: Int(pc[1]), as: SIMD4<UInt32>.self)
                pc += 6
            case .select128:
                let chosen = fp.load(fromByteOffset: Int(pc[4]), as: UInt32.self) != 0 ? pc[2] : pc[3]
                fp.storeBytes(of: fp.loadUnaligned(fromByteOffset: Int(chosen), as: SIMD2<UInt64>.self), toByteOffset: Int(pc[1]), as: SIMD2<UInt64>.self)
                pc += 5
            case .globalGet128:
                let cell = context.pointee.globals[Int(pc[2])]
                fp.storeBytes(of: SIMD2<UInt64>(cell[0], cell[1]), toByteOffset: Int(pc[1]), as: SIMD2<UInt64>.self)
                pc += 3
            case .globalSet128:
                let cell = context.pointee.globals[Int(pc[2])]
                cell[0] = fp.load(fromByteOffset: Int(pc[1]), as: UInt64.self)
                cell[1] = fp.load(fromByteOffset: Int(pc[1]) + 8, as: UInt64.self)
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
            case .globalGet:
                fp.storeBytes(of: context.pointee.globals[Int(pc[2])].pointee, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .globalSet:
                context.pointee.globals[Int(pc[2])].pointee = fp.load(fromByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .tableGet:
                let table = context.pointee.tables[Int(pc[3])]
                let index = Int(fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                guard index < table.pointee.count else { throw .outOfBoundsTableAccess }
                fp.storeBytes(of: table.pointee.elements[index], toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .tableSet:
                let table = context.pointee.tables[Int(pc[3])]
                let index = Int(fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self))
                guard index < table.pointee.count else { throw .outOfBoundsTableAccess }
                table.pointee.elements[index] = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                pc += 4
            case .tableSize:
                fp.storeBytes(of: UInt64(context.pointee.tables[Int(pc[2])].pointee.count), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .tableGrow:
                let initial = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                let delta = UInt64(fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self))
                let old = instance(context).tableGrow(table: Int(pc[4]), delta: delta, value: initial)
                fp.storeBytes(of: old.map { UInt64(UInt32(truncatingIfNeeded: $0)) } ?? 0xFFFF_FFFF,
                              toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .tableFill:
                try instance(context).tableFill(
                    table: Int(pc[4]), start: UInt64(fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self)),
                    value: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self),
                    count: UInt64(fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)))
                pc += 5
            case .tableCopy:
                try instance(context).tableCopy(
                    destinationTable: Int(pc[4]), sourceTable: Int(pc[5]),
                    destination: UInt64(fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self)),
                    source: UInt64(fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)),
                    count: UInt64(fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)))
                pc += 6
            case .tableInit:
                try instance(context).tableInit(
                    table: Int(pc[4]), segment: Int(pc[5]),
                    destination: UInt64(fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self)),
                    source: UInt64(fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)),
                    count: UInt64(fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)))
                pc += 6
            case .elemDrop:
                instance(context).elemDrop(Int(pc[1]))
                pc += 2
            case .memorySize:
                fp.storeBytes(of: memSize / 65536, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 2
            case .memoryGrow:
                let delta = UInt64(fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                let old = instance(context).memoryGrow(memory: 0, delta: delta)
                (memBase, memSize) = memoryView(context, fallback: stack.slotBase)
                fp.storeBytes(of: old.map { UInt64(UInt32(truncatingIfNeeded: $0)) } ?? 0xFFFF_FFFF,
                              toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .memoryInit:
                try instance(context).memoryInit(
                    memory: 0, segment: Int(pc[4]),
                    destination: UInt64(fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self)),
                    source: UInt64(fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)),
                    count: UInt64(fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)))
                pc += 5
            case .dataDrop:
                instance(context).dataDrop(Int(pc[1]))
                pc += 2
            case .memoryCopy:
                guard context.pointee.memoryCount > 0 else { throw .outOfBoundsMemoryAccess }
                try context.pointee.memories[0].takeUnretainedValue().copy(
                    to: UInt64(fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self)),
                    from: UInt64(fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)),
                    count: UInt64(fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)))
                pc += 4
            case .memoryFill:
                guard context.pointee.memoryCount > 0 else { throw .outOfBoundsMemoryAccess }
                try context.pointee.memories[0].takeUnretainedValue().fill(
                    at: UInt64(fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self)),
                    value: UInt8(truncatingIfNeeded: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)),
                    count: UInt64(fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)))
                pc += 4
            case .refNull:
                fp.storeBytes(of: UInt64(0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 2
            case .refIsNull:
                let isNull: UInt64 = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self) == 0 ? 1 : 0
                fp.storeBytes(of: isNull, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .refFunc:
                let record = context.pointee.functions[Int(pc[2])]
                fp.storeBytes(of: UInt64(UInt(bitPattern: record)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .refAsNonNull:
                guard fp.load(fromByteOffset: Int(pc[1]), as: UInt64.self) != 0 else { throw .nullReference }
                pc += 2
            case .i32Load:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 4)
                fp.storeBytes(of: UInt64(p.loadUnaligned(as: UInt32.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Load:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 8)
                fp.storeBytes(of: p.loadUnaligned(as: UInt64.self), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Load:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 4)
                fp.storeBytes(of: UInt64(p.loadUnaligned(as: UInt32.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Load:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 8)
                fp.storeBytes(of: p.loadUnaligned(as: UInt64.self), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Load8S:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 1)
                fp.storeBytes(of: UInt64(UInt32(bitPattern: Int32(p.load(as: Int8.self)))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Load8U:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 1)
                fp.storeBytes(of: UInt64(p.load(as: UInt8.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Load16S:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 2)
                fp.storeBytes(of: UInt64(UInt32(bitPattern: Int32(p.loadUnaligned(as: Int16.self)))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Load16U:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 2)
                fp.storeBytes(of: UInt64(p.loadUnaligned(as: UInt16.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Load8S:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 1)
                fp.storeBytes(of: UInt64(bitPattern: Int64(p.load(as: Int8.self))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Load8U:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 1)
                fp.storeBytes(of: UInt64(p.load(as: UInt8.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Load16S:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 2)
                fp.storeBytes(of: UInt64(bitPattern: Int64(p.loadUnaligned(as: Int16.self))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Load16U:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 2)
                fp.storeBytes(of: UInt64(p.loadUnaligned(as: UInt16.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Load32S:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 4)
                fp.storeBytes(of: UInt64(bitPattern: Int64(p.loadUnaligned(as: Int32.self))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Load32U:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 4)
                fp.storeBytes(of: UInt64(p.loadUnaligned(as: UInt32.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Store:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 4)
                p.storeBytes(of: UInt32(truncatingIfNeeded: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt32.self)
                pc += 4
            case .i64Store:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 8)
                p.storeBytes(of: UInt64(truncatingIfNeeded: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt64.self)
                pc += 4
            case .f32Store:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 4)
                p.storeBytes(of: UInt32(truncatingIfNeeded: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt32.self)
                pc += 4
            case .f64Store:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 8)
                p.storeBytes(of: UInt64(truncatingIfNeeded: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt64.self)
                pc += 4
            case .i32Store8:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 1)
                p.storeBytes(of: UInt8(truncatingIfNeeded: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt8.self)
                pc += 4
            case .i32Store16:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 2)
                p.storeBytes(of: UInt16(truncatingIfNeeded: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt16.self)
                pc += 4
            case .i64Store8:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 1)
                p.storeBytes(of: UInt8(truncatingIfNeeded: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt8.self)
                pc += 4
            case .i64Store16:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 2)
                p.storeBytes(of: UInt16(truncatingIfNeeded: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt16.self)
                pc += 4
            case .i64Store32:
                let p = try address(memBase, memSize, fp.load(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 4)
                p.storeBytes(of: UInt32(truncatingIfNeeded: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt32.self)
                pc += 4
            case .i32Eqz:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a == 0 ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32Eq:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a == b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Ne:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a != b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32LtS:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(Int32(bitPattern: a) < Int32(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32LtU:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a < b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32GtS:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(Int32(bitPattern: a) > Int32(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32GtU:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a > b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32LeS:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(Int32(bitPattern: a) <= Int32(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32LeU:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a <= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32GeS:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(Int32(bitPattern: a) >= Int32(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32GeU:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a >= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Eqz:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.storeBytes(of: UInt64(a == 0 ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64Eq:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: UInt64(a == b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Ne:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: UInt64(a != b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64LtS:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: UInt64(Int64(bitPattern: a) < Int64(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64LtU:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: UInt64(a < b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64GtS:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: UInt64(Int64(bitPattern: a) > Int64(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64GtU:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: UInt64(a > b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64LeS:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: UInt64(Int64(bitPattern: a) <= Int64(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64LeU:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: UInt64(a <= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64GeS:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: UInt64(Int64(bitPattern: a) >= Int64(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64GeU:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: UInt64(a >= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Clz:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: UInt64(UInt32(a.leadingZeroBitCount)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32Ctz:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: UInt64(UInt32(a.trailingZeroBitCount)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32Popcnt:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: UInt64(UInt32(a.nonzeroBitCount)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32Add:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a &+ b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Sub:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a &- b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Mul:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a &* b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32DivS:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(try Numerics.i32DivS(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32DivU:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(try Numerics.i32DivU(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32RemS:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(try Numerics.i32RemS(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32RemU:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(try Numerics.i32RemU(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32And:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a & b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Or:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a | b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Xor:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a ^ b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Shl:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a &<< b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32ShrS:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(UInt32(bitPattern: Int32(bitPattern: a) &>> Int32(bitPattern: b))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32ShrU:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a &>> b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Rotl:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(Numerics.i32Rotl(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Rotr:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.storeBytes(of: UInt64(Numerics.i32Rotr(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Clz:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.storeBytes(of: UInt64(a.leadingZeroBitCount), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64Ctz:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.storeBytes(of: UInt64(a.trailingZeroBitCount), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64Popcnt:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.storeBytes(of: UInt64(a.nonzeroBitCount), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64Add:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: a &+ b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Sub:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: a &- b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Mul:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: a &* b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64DivS:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: try Numerics.i64DivS(a, b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64DivU:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: try Numerics.i64DivU(a, b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64RemS:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: try Numerics.i64RemS(a, b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64RemU:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: try Numerics.i64RemU(a, b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64And:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: a & b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Or:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: a | b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Xor:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: a ^ b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Shl:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: a &<< b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64ShrS:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: UInt64(bitPattern: Int64(bitPattern: a) &>> Int64(bitPattern: b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64ShrU:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: a &>> b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Rotl:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: Numerics.i64Rotl(a, b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Rotr:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.storeBytes(of: Numerics.i64Rotr(a, b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Eq:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.storeBytes(of: UInt64(a == b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Ne:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.storeBytes(of: UInt64(a != b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Lt:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.storeBytes(of: UInt64(a < b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Gt:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.storeBytes(of: UInt64(a > b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Le:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.storeBytes(of: UInt64(a <= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Ge:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.storeBytes(of: UInt64(a >= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Eq:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.storeBytes(of: UInt64(a == b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Ne:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.storeBytes(of: UInt64(a != b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Lt:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.storeBytes(of: UInt64(a < b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Gt:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.storeBytes(of: UInt64(a > b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Le:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.storeBytes(of: UInt64(a <= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Ge:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.storeBytes(of: UInt64(a >= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Abs:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: bits(Numerics.f32Abs(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32Neg:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: bits(Numerics.f32Neg(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32Ceil:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: bits(Numerics.f32Ceil(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32Floor:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: bits(Numerics.f32Floor(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32Trunc:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: bits(Numerics.f32Trunc(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32Nearest:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: bits(Numerics.f32Nearest(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32Sqrt:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: bits(Numerics.f32Sqrt(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32Add:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.storeBytes(of: bits(a + b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Sub:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.storeBytes(of: bits(a - b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Mul:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.storeBytes(of: bits(a * b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Div:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.storeBytes(of: bits(a / b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Min:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.storeBytes(of: bits(Numerics.f32Min(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Max:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.storeBytes(of: bits(Numerics.f32Max(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Copysign:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.storeBytes(of: bits(Numerics.f32Copysign(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Abs:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: bits(Numerics.f64Abs(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64Neg:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: bits(Numerics.f64Neg(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64Ceil:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: bits(Numerics.f64Ceil(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64Floor:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: bits(Numerics.f64Floor(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64Trunc:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: bits(Numerics.f64Trunc(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64Nearest:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: bits(Numerics.f64Nearest(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64Sqrt:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: bits(Numerics.f64Sqrt(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64Add:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.storeBytes(of: bits(a + b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Sub:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.storeBytes(of: bits(a - b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Mul:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.storeBytes(of: bits(a * b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Div:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.storeBytes(of: bits(a / b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Min:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.storeBytes(of: bits(Numerics.f64Min(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Max:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.storeBytes(of: bits(Numerics.f64Max(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Copysign:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.storeBytes(of: bits(Numerics.f64Copysign(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32WrapI64:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.storeBytes(of: UInt64(UInt32(truncatingIfNeeded: a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32TruncF32S:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: UInt64(try Numerics.i32TruncF32S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32TruncF32U:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: UInt64(try Numerics.i32TruncF32U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32TruncF64S:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: UInt64(try Numerics.i32TruncF64S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32TruncF64U:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: UInt64(try Numerics.i32TruncF64U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64ExtendI32S:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: UInt64(bitPattern: Int64(Int32(bitPattern: a))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64ExtendI32U:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncF32S:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: try Numerics.i64TruncF32S(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncF32U:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: try Numerics.i64TruncF32U(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncF64S:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: try Numerics.i64TruncF64S(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncF64U:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: try Numerics.i64TruncF64U(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32ConvertI32S:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: bits(Numerics.f32ConvertI32S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32ConvertI32U:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: bits(Numerics.f32ConvertI32U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32ConvertI64S:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.storeBytes(of: bits(Numerics.f32ConvertI64S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32ConvertI64U:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.storeBytes(of: bits(Numerics.f32ConvertI64U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32DemoteF64:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: bits(Numerics.f32DemoteF64(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64ConvertI32S:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: bits(Numerics.f64ConvertI32S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64ConvertI32U:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: bits(Numerics.f64ConvertI32U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64ConvertI64S:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.storeBytes(of: bits(Numerics.f64ConvertI64S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64ConvertI64U:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.storeBytes(of: bits(Numerics.f64ConvertI64U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64PromoteF32:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: bits(Numerics.f64PromoteF32(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32ReinterpretF32:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64ReinterpretF64:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.storeBytes(of: a, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32ReinterpretI32:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64ReinterpretI64:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.storeBytes(of: a, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32Extend8S:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: UInt64(UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: a)))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32Extend16S:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: UInt64(UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: a)))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64Extend8S:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.storeBytes(of: UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: a))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64Extend16S:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.storeBytes(of: UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: a))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64Extend32S:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.storeBytes(of: UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: a))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32TruncSatF32S:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: UInt64(Numerics.i32TruncSatF32S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32TruncSatF32U:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: UInt64(Numerics.i32TruncSatF32U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32TruncSatF64S:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: UInt64(Numerics.i32TruncSatF64S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32TruncSatF64U:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: UInt64(Numerics.i32TruncSatF64U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncSatF32S:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: Numerics.i64TruncSatF32S(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncSatF32U:
                let a = Float(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.storeBytes(of: Numerics.i64TruncSatF32U(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncSatF64S:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: Numerics.i64TruncSatF64S(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64TruncSatF64U:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.storeBytes(of: Numerics.i64TruncSatF64U(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3

            // Wasm 3.0 proposals: handlers in Executor+Proposals.swift / +Exceptions.swift.
            case .loadX:
                try loadGeneral(pc, fp, context)
                pc += 7
            case .storeX:
                try storeGeneral(pc, fp, context)
                pc += 7
            case .memorySizeX:
                fp.storeBytes(of: linearMemory(context, pc[2]).pageCount, toByteOffset: Int(pc[1]), as: UInt64.self)
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
                fp.storeBytes(of: min(fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self), 0xFFFF_FFFF),
                              toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .widenGrowResult:
                if fp.load(fromByteOffset: Int(pc[1]), as: UInt64.self) == 0xFFFF_FFFF {
                    fp.storeBytes(of: UInt64.max, toByteOffset: Int(pc[1]), as: UInt64.self)
                }
                pc += 2
            case .callRef:
                let callee = try funcref(fp, pc[2])
                if try call(callee, newFP: fp + Int(pc[1]), next: pc + 3, pc: &pc, fp: &fp, context: &context,
                            frameCount: &frameCount, fuel: &fuel, stack: stack, store: store, tierID: tierID) {
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
                let callee = try tableCallee(context, table: pc[2], index: Int(fp.load(fromByteOffset: Int(pc[4]), as: UInt32.self)),
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
                if fp.load(fromByteOffset: Int(pc[1]), as: UInt64.self) == 0 {
                    try jump(&pc, pc[2], &fuel, interrupt)
                } else {
                    pc += 3
                }
            case .brOnNonNull:
                if fp.load(fromByteOffset: Int(pc[1]), as: UInt64.self) != 0 {
                    try jump(&pc, pc[2], &fuel, interrupt)
                } else {
                    pc += 3
                }
            case .throw:
                throw throwNew(pc, fp, context, stack: stack, store: store)
            case .throwRef:
                throw rethrow(fp.load(fromByteOffset: Int(pc[1]), as: UInt64.self), stack: stack)
            case .tryTable:
                pc += Int(pc[1])

            // Fused forms (Executor+Fused.swift).
            case .i32AddI: binaryI32(pc, fp, .add); pc += 4
            case .i32MulI: binaryI32(pc, fp, .mul); pc += 4
            case .i32AndI: binaryI32(pc, fp, .and); pc += 4
            case .i32OrI: binaryI32(pc, fp, .or); pc += 4
            case .i32XorI: binaryI32(pc, fp, .xor); pc += 4
            case .i32ShlI: binaryI32(pc, fp, .shl); pc += 4
            case .i32ShrSI: binaryI32(pc, fp, .shrS); pc += 4
            case .i32ShrUI: binaryI32(pc, fp, .shrU); pc += 4
            case .i64AddI: binaryI64(pc, fp, .add); pc += 5
            case .i64MulI: binaryI64(pc, fp, .mul); pc += 5
            case .i64AndI: binaryI64(pc, fp, .and); pc += 5
            case .i64OrI: binaryI64(pc, fp, .or); pc += 5
            case .i64XorI: binaryI64(pc, fp, .xor); pc += 5
            case .i64ShlI: binaryI64(pc, fp, .shl); pc += 5
            case .i64ShrSI: binaryI64(pc, fp, .shrS); pc += 5
            case .i64ShrUI: binaryI64(pc, fp, .shrU); pc += 5
            case .i32EqI: compareI32(pc, fp, .eq); pc += 4
            case .i32NeI: compareI32(pc, fp, .ne); pc += 4
            case .i32LtSI: compareI32(pc, fp, .ltS); pc += 4
            case .i32LtUI: compareI32(pc, fp, .ltU); pc += 4
            case .i32GtSI: compareI32(pc, fp, .gtS); pc += 4
            case .i32GtUI: compareI32(pc, fp, .gtU); pc += 4
            case .i32LeSI: compareI32(pc, fp, .leS); pc += 4
            case .i32LeUI: compareI32(pc, fp, .leU); pc += 4
            case .i32GeSI: compareI32(pc, fp, .geS); pc += 4
            case .i32GeUI: compareI32(pc, fp, .geU); pc += 4
            case .brI32Eq: try branchI32(&pc, fp, &fuel, interrupt, immediate: false, .eq)
            case .brI32Ne: try branchI32(&pc, fp, &fuel, interrupt, immediate: false, .ne)
            case .brI32LtS: try branchI32(&pc, fp, &fuel, interrupt, immediate: false, .ltS)
            case .brI32LtU: try branchI32(&pc, fp, &fuel, interrupt, immediate: false, .ltU)
            case .brI32GtS: try branchI32(&pc, fp, &fuel, interrupt, immediate: false, .gtS)
            case .brI32GtU: try branchI32(&pc, fp, &fuel, interrupt, immediate: false, .gtU)
            case .brI32LeS: try branchI32(&pc, fp, &fuel, interrupt, immediate: false, .leS)
            case .brI32LeU: try branchI32(&pc, fp, &fuel, interrupt, immediate: false, .leU)
            case .brI32GeS: try branchI32(&pc, fp, &fuel, interrupt, immediate: false, .geS)
            case .brI32GeU: try branchI32(&pc, fp, &fuel, interrupt, immediate: false, .geU)
            case .brI32EqI: try branchI32(&pc, fp, &fuel, interrupt, immediate: true, .eq)
            case .brI32NeI: try branchI32(&pc, fp, &fuel, interrupt, immediate: true, .ne)
            case .brI32LtSI: try branchI32(&pc, fp, &fuel, interrupt, immediate: true, .ltS)
            case .brI32LtUI: try branchI32(&pc, fp, &fuel, interrupt, immediate: true, .ltU)
            case .brI32GtSI: try branchI32(&pc, fp, &fuel, interrupt, immediate: true, .gtS)
            case .brI32GtUI: try branchI32(&pc, fp, &fuel, interrupt, immediate: true, .gtU)
            case .brI32LeSI: try branchI32(&pc, fp, &fuel, interrupt, immediate: true, .leS)
            case .brI32LeUI: try branchI32(&pc, fp, &fuel, interrupt, immediate: true, .leU)
            case .brI32GeSI: try branchI32(&pc, fp, &fuel, interrupt, immediate: true, .geS)
            case .brI32GeUI: try branchI32(&pc, fp, &fuel, interrupt, immediate: true, .geU)
            case .i32RotlI: binaryI32(pc, fp, .rotl); pc += 4
            case .i64RotlI: binaryI64(pc, fp, .rotl); pc += 5
            case .i64EqI: compareI64(pc, fp, .eq); pc += 5
            case .i64NeI: compareI64(pc, fp, .ne); pc += 5
            case .i64LtSI: compareI64(pc, fp, .ltS); pc += 5
            case .i64LtUI: compareI64(pc, fp, .ltU); pc += 5
            case .i64GtSI: compareI64(pc, fp, .gtS); pc += 5
            case .i64GtUI: compareI64(pc, fp, .gtU); pc += 5
            case .i64LeSI: compareI64(pc, fp, .leS); pc += 5
            case .i64LeUI: compareI64(pc, fp, .leU); pc += 5
            case .i64GeSI: compareI64(pc, fp, .geS); pc += 5
            case .i64GeUI: compareI64(pc, fp, .geU); pc += 5
            case .brI64Eq: try branchI64(&pc, fp, &fuel, interrupt, immediate: false, .eq)
            case .brI64Ne: try branchI64(&pc, fp, &fuel, interrupt, immediate: false, .ne)
            case .brI64LtS: try branchI64(&pc, fp, &fuel, interrupt, immediate: false, .ltS)
            case .brI64LtU: try branchI64(&pc, fp, &fuel, interrupt, immediate: false, .ltU)
            case .brI64GtS: try branchI64(&pc, fp, &fuel, interrupt, immediate: false, .gtS)
            case .brI64GtU: try branchI64(&pc, fp, &fuel, interrupt, immediate: false, .gtU)
            case .brI64LeS: try branchI64(&pc, fp, &fuel, interrupt, immediate: false, .leS)
            case .brI64LeU: try branchI64(&pc, fp, &fuel, interrupt, immediate: false, .leU)
            case .brI64GeS: try branchI64(&pc, fp, &fuel, interrupt, immediate: false, .geS)
            case .brI64GeU: try branchI64(&pc, fp, &fuel, interrupt, immediate: false, .geU)
            case .brI64EqI: try branchI64(&pc, fp, &fuel, interrupt, immediate: true, .eq)
            case .brI64NeI: try branchI64(&pc, fp, &fuel, interrupt, immediate: true, .ne)
            case .brI64LtSI: try branchI64(&pc, fp, &fuel, interrupt, immediate: true, .ltS)
            case .brI64LtUI: try branchI64(&pc, fp, &fuel, interrupt, immediate: true, .ltU)
            case .brI64GtSI: try branchI64(&pc, fp, &fuel, interrupt, immediate: true, .gtS)
            case .brI64GtUI: try branchI64(&pc, fp, &fuel, interrupt, immediate: true, .gtU)
            case .brI64LeSI: try branchI64(&pc, fp, &fuel, interrupt, immediate: true, .leS)
            case .brI64LeUI: try branchI64(&pc, fp, &fuel, interrupt, immediate: true, .leU)
            case .brI64GeSI: try branchI64(&pc, fp, &fuel, interrupt, immediate: true, .geS)
            case .brI64GeUI: try branchI64(&pc, fp, &fuel, interrupt, immediate: true, .geU)
            case .f64AddI: binaryF64(pc, fp, .add); pc += 5
            case .f64SubI: binaryF64(pc, fp, .sub); pc += 5
            case .f64MulI: binaryF64(pc, fp, .mul); pc += 5
            case .f64DivI: binaryF64(pc, fp, .div); pc += 5
            case .f64EqI: compareF64(pc, fp, .eq); pc += 5
            case .f64NeI: compareF64(pc, fp, .ne); pc += 5
            case .f64LtI: compareF64(pc, fp, .lt); pc += 5
            case .f64GtI: compareF64(pc, fp, .gt); pc += 5
            case .f64LeI: compareF64(pc, fp, .le); pc += 5
            case .f64GeI: compareF64(pc, fp, .ge); pc += 5
            case .brF64Eq: try branchF64(&pc, fp, &fuel, interrupt, immediate: false, .eq)
            case .brF64Ne: try branchF64(&pc, fp, &fuel, interrupt, immediate: false, .ne)
            case .brF64Lt: try branchF64(&pc, fp, &fuel, interrupt, immediate: false, .lt)
            case .brF64Gt: try branchF64(&pc, fp, &fuel, interrupt, immediate: false, .gt)
            case .brF64Le: try branchF64(&pc, fp, &fuel, interrupt, immediate: false, .le)
            case .brF64Ge: try branchF64(&pc, fp, &fuel, interrupt, immediate: false, .ge)
            case .brF64NotLt: try branchF64(&pc, fp, &fuel, interrupt, immediate: false, .notLt)
            case .brF64NotGt: try branchF64(&pc, fp, &fuel, interrupt, immediate: false, .notGt)
            case .brF64NotLe: try branchF64(&pc, fp, &fuel, interrupt, immediate: false, .notLe)
            case .brF64NotGe: try branchF64(&pc, fp, &fuel, interrupt, immediate: false, .notGe)
            case .brF64EqI: try branchF64(&pc, fp, &fuel, interrupt, immediate: true, .eq)
            case .brF64NeI: try branchF64(&pc, fp, &fuel, interrupt, immediate: true, .ne)
            case .brF64LtI: try branchF64(&pc, fp, &fuel, interrupt, immediate: true, .lt)
            case .brF64GtI: try branchF64(&pc, fp, &fuel, interrupt, immediate: true, .gt)
            case .brF64LeI: try branchF64(&pc, fp, &fuel, interrupt, immediate: true, .le)
            case .brF64GeI: try branchF64(&pc, fp, &fuel, interrupt, immediate: true, .ge)
            case .brF64NotLtI: try branchF64(&pc, fp, &fuel, interrupt, immediate: true, .notLt)
            case .brF64NotGtI: try branchF64(&pc, fp, &fuel, interrupt, immediate: true, .notGt)
            case .brF64NotLeI: try branchF64(&pc, fp, &fuel, interrupt, immediate: true, .notLe)
            case .brF64NotGeI: try branchF64(&pc, fp, &fuel, interrupt, immediate: true, .notGe)
            case .selectI32Eq: selectI32(pc, fp, immediate: false, .eq); pc += 6
            case .selectI32Ne: selectI32(pc, fp, immediate: false, .ne); pc += 6
            case .selectI32LtS: selectI32(pc, fp, immediate: false, .ltS); pc += 6
            case .selectI32LtU: selectI32(pc, fp, immediate: false, .ltU); pc += 6
            case .selectI32GtS: selectI32(pc, fp, immediate: false, .gtS); pc += 6
            case .selectI32GtU: selectI32(pc, fp, immediate: false, .gtU); pc += 6
            case .selectI32LeS: selectI32(pc, fp, immediate: false, .leS); pc += 6
            case .selectI32LeU: selectI32(pc, fp, immediate: false, .leU); pc += 6
            case .selectI32GeS: selectI32(pc, fp, immediate: false, .geS); pc += 6
            case .selectI32GeU: selectI32(pc, fp, immediate: false, .geU); pc += 6
            case .selectI32EqI: selectI32(pc, fp, immediate: true, .eq); pc += 6
            case .selectI32NeI: selectI32(pc, fp, immediate: true, .ne); pc += 6
            case .selectI32LtSI: selectI32(pc, fp, immediate: true, .ltS); pc += 6
            case .selectI32LtUI: selectI32(pc, fp, immediate: true, .ltU); pc += 6
            case .selectI32GtSI: selectI32(pc, fp, immediate: true, .gtS); pc += 6
            case .selectI32GtUI: selectI32(pc, fp, immediate: true, .gtU); pc += 6
            case .selectI32LeSI: selectI32(pc, fp, immediate: true, .leS); pc += 6
            case .selectI32LeUI: selectI32(pc, fp, immediate: true, .leU); pc += 6
            case .selectI32GeSI: selectI32(pc, fp, immediate: true, .geS); pc += 6
            case .selectI32GeUI: selectI32(pc, fp, immediate: true, .geU); pc += 6
            case .incBrI32Eq: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .eq)
            case .incBrI32Ne: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .ne)
            case .incBrI32LtS: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .ltS)
            case .incBrI32LtU: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .ltU)
            case .incBrI32GtS: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .gtS)
            case .incBrI32GtU: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .gtU)
            case .incBrI32LeS: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .leS)
            case .incBrI32LeU: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .leU)
            case .incBrI32GeS: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .geS)
            case .incBrI32GeU: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .geU)
            case .incBrI32EqI: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .eq)
            case .incBrI32NeI: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .ne)
            case .incBrI32LtSI: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .ltS)
            case .incBrI32LtUI: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .ltU)
            case .incBrI32GtSI: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .gtS)
            case .incBrI32GtUI: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .gtU)
            case .incBrI32LeSI: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .leS)
            case .incBrI32LeUI: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .leU)
            case .incBrI32GeSI: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .geS)
            case .incBrI32GeUI: try incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .geU)
            case .f64MulAdd: multiplyAdd(pc, fp, .mulAdd); pc += 5
            case .f64MulSub: multiplyAdd(pc, fp, .mulSub); pc += 5
            case .f64SubMul: multiplyAdd(pc, fp, .subMul); pc += 5
            case .i32LoadA:
                let p = try address(memBase, memSize, sum(pc, fp), pc[4], 4)
                fp.storeBytes(of: UInt64(p.loadUnaligned(as: UInt32.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i64LoadA:
                let p = try address(memBase, memSize, sum(pc, fp), pc[4], 8)
                fp.storeBytes(of: p.loadUnaligned(as: UInt64.self), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32Load8SA:
                let p = try address(memBase, memSize, sum(pc, fp), pc[4], 1)
                fp.storeBytes(of: UInt64(UInt32(bitPattern: Int32(p.load(as: Int8.self)))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32Load8UA:
                let p = try address(memBase, memSize, sum(pc, fp), pc[4], 1)
                fp.storeBytes(of: UInt64(p.load(as: UInt8.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32Load16SA:
                let p = try address(memBase, memSize, sum(pc, fp), pc[4], 2)
                fp.storeBytes(of: UInt64(UInt32(bitPattern: Int32(p.loadUnaligned(as: Int16.self)))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32Load16UA:
                let p = try address(memBase, memSize, sum(pc, fp), pc[4], 2)
                fp.storeBytes(of: UInt64(p.loadUnaligned(as: UInt16.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32StoreA:
                let p = try address(memBase, memSize, sumFrom(pc, fp, 1), pc[4], 4)
                p.storeBytes(of: fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self), as: UInt32.self)
                pc += 5
            case .i64StoreA:
                let p = try address(memBase, memSize, sumFrom(pc, fp, 1), pc[4], 8)
                p.storeBytes(of: fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self), as: UInt64.self)
                pc += 5
            case .i32Store8A:
                let p = try address(memBase, memSize, sumFrom(pc, fp, 1), pc[4], 1)
                p.storeBytes(of: fp.load(fromByteOffset: Int(pc[3]), as: UInt8.self), as: UInt8.self)
                pc += 5
            case .i32Store16A:
                let p = try address(memBase, memSize, sumFrom(pc, fp, 1), pc[4], 2)
                p.storeBytes(of: fp.load(fromByteOffset: Int(pc[3]), as: UInt16.self), as: UInt16.self)
                pc += 5
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

import WasmCore
import WasmRuntime

// The hot part of the dispatch loop: every op that neither calls out of the loop nor
// changes the frame, the instance or the memory (arithmetic, conversions, loads and
// stores, branches, globals, the fused forms). It runs until the first op it does not
// handle and returns there; `Executor.run` executes that op and calls it again.
//
// Why a separate function: with calls anywhere in the loop (host calls, table and memory
// instructions, SIMD families) and Swift's reserved registers (self, error, async context)
// only rbx, r14 and r15 stay callee-saved, so the register allocator kept the memory base
// and size on the stack and stored `pc` to its stack slot after every op, a store and a
// reload on the critical path of each dispatch. This function makes no calls on its hot
// paths and does not throw, so `pc`, `fp`, the memory base and size and the jump table base
// stay in registers.
//
//     run:     while true { runHot(...) until a cold op or trap;  switch cold op { ... } }
//     runHot:  while true { switch hot op { ... }  cold op: return state }
extension Executor {
    /// Runs hot ops from `state` until an op it does not handle (returns the state at that
    /// op) or a trap (`pc` at the trapping op, the reason stored by `stop`, read with
    /// `stoppedTrap`). `fp` and
    /// `frameCount` change with the calls and returns it makes itself (same tier, same
    /// instance). The state goes in and out by value: with `inout` parameters the
    /// optimiser kept `pc` in the caller's memory, a store and a reload per op.
    @inline(never)
    static func runHot(_ state: HotState, memBase: UnsafeMutableRawPointer, memSize: UInt64,
                       context: UnsafeMutablePointer<InstanceContext>,
                       interrupt: UnsafeMutablePointer<UInt32>, limits: HotLimits) -> HotState {
        var pc = state.pc
        var fuel = state.fuel
        var fp = state.fp
        var frameCount = state.frameCount
        let frames = limits.frames
        // No `throw` in here: a throw is a runtime call, and one call anywhere in the loop
        // made the register allocator shuffle pc, fp and frameCount at every dispatch.
        // Traps leave through the one exit below with the reason stored in the poll words
        // (`stop`), not in a variable: a trap variable merged at the exit kept its `nil` in
        // a register that every dispatch re-loaded.
        //
        // Calls and returns change fp and frameCount by leaving the inner loop, so within
        // it only pc and fuel change: with fp assigned inside, the allocator moved pc, fp
        // and frameCount between registers at every dispatch.
        frame: while true {
        while true {
            switch IOp.decode(at: pc) {
            // Calls and returns within one instance and tier; anything else (host or
            // other-tier callees, instance switches, stack exhaustion, an interrupt at the
            // call) is left to `run`, untouched. Strategies whose faults abandon the frames
            // publish the frame count at each (`publish`).
            case .call:
                let callee = context.pointee.functions[Int(pc[1])]
                let newFP = fp + Int(pc[2])
                // A host record's tier id is -1 and its context nil: these two compares
                // (the context's as bits, one instruction) leave it to `run`.
                guard callee.pointee.tierID == limits.tierID,
                      UInt(bitPattern: callee.pointee.context) == UInt(bitPattern: context),
                      let code = callee.pointee.code,
                      mayEnter(callee, newFP: newFP, frameCount, fuel, interrupt, limits) else { break frame }
                enterFrame(callee, code: code, newFP: newFP, length: 3, &pc, &fp, &frameCount, &fuel, frames, interrupt)
                continue frame
            case .callDefined:
                // A function the module defines, interpreted in this instance (the translator
                // knows): its record's tier, instance and code need no checks.
                let callee = context.pointee.functions[Int(pc[1])]
                let newFP = fp + Int(pc[2])
                guard mayEnter(callee, newFP: newFP, frameCount, fuel, interrupt, limits) else { break frame }
                enterFrame(callee, code: callee.pointee.code.unsafelyUnwrapped, newFP: newFP, length: 3, &pc, &fp, &frameCount,
                           &fuel, frames, interrupt)
                continue frame
            case .callDefinedCopy:
                // The copy is repeated by `run` when the call is left to it (harmless: it
                // writes the same value again).
                fp.hotStore(of: fp.hotLoad(fromByteOffset: Int(pc[4]), as: UInt64.self), toByteOffset: Int(pc[3]), as: UInt64.self)
                let callee = context.pointee.functions[Int(pc[1])]
                let newFP = fp + Int(pc[2])
                guard mayEnter(callee, newFP: newFP, frameCount, fuel, interrupt, limits) else { break frame }
                enterFrame(callee, code: callee.pointee.code.unsafelyUnwrapped, newFP: newFP, length: 5, &pc, &fp, &frameCount,
                           &fuel, frames, interrupt)
                continue frame
            case .retValue:
                // The copy is repeated by `run` when the return is left to it (harmless: the
                // source is never slot 0).
                fp.hotStore(of: fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt64.self), toByteOffset: 0, as: UInt64.self)
                guard leaveFrame(&pc, &fp, &frameCount, frames, interrupt) else { break frame }
                continue frame
            case .ret:
                guard leaveFrame(&pc, &fp, &frameCount, frames, interrupt) else { break frame }
                continue frame
            case .enter:
                // A plain loop storing the op word's upper half (always 0 for `enter`):
                // `initializeMemory`, or a loop storing a literal 0, becomes a memset call,
                // and one call in this function costs registers on every path.
                let locals = fp + Int(pc[1])
                let zero = UInt64(pc[0] &>> 16)
                var index = 0
                let count = Int(pc[2])
                while index < count {
                    locals.hotStore(of: zero, toByteOffset: index &* 8, as: UInt64.self)
                    index &+= 1
                }
                pc += 3
            case .copy:
                fp.hotStore(of: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .const32:
                fp.hotStore(of: UInt64(pc[2]), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .const64:
                fp.hotStore(of: UInt64(pc[2]) | UInt64(pc[3]) << 32, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .br:
                guard leap(&pc, pc[1], &fuel, interrupt) else { stop(.interrupted, interrupt); break frame }
            case .brIf:
                if fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self) != 0 {
                    guard leap(&pc, pc[2], &fuel, interrupt) else { stop(.interrupted, interrupt); break frame }
                } else {
                    pc += 3
                }
            case .brIfNot:
                if fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self) == 0 {
                    guard leap(&pc, pc[2], &fuel, interrupt) else { stop(.interrupted, interrupt); break frame }
                } else {
                    pc += 3
                }
            case .brTable:
                let index = Int(fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self))
                let last = Int(pc[2]) &- 1
                guard leap(&pc, pc[3 &+ (index < last ? index : last)], &fuel, interrupt) else { stop(.interrupted, interrupt); break frame }
            case .select:
                let chosen = fp.hotLoad(fromByteOffset: Int(pc[4]), as: UInt32.self) != 0 ? pc[2] : pc[3]
                fp.hotStore(of: fp.hotLoad(fromByteOffset: Int(chosen), as: UInt64.self), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .globalGet:
                fp.hotStore(of: context.pointee.globals[Int(pc[2])].pointee, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .globalSet:
                context.pointee.globals[Int(pc[2])].pointee = fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32Load:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 4) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(p.hotLoadUnaligned(as: UInt32.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Load:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 8) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: p.hotLoadUnaligned(as: UInt64.self), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Load:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 4) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(p.hotLoadUnaligned(as: UInt32.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Load:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 8) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: p.hotLoadUnaligned(as: UInt64.self), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Load8S:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 1) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(UInt32(bitPattern: Int32(p.hotLoad(as: Int8.self)))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Load8U:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 1) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(p.hotLoad(as: UInt8.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Load16S:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 2) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(UInt32(bitPattern: Int32(p.hotLoadUnaligned(as: Int16.self)))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Load16U:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 2) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(p.hotLoadUnaligned(as: UInt16.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Load8S:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 1) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(bitPattern: Int64(p.hotLoad(as: Int8.self))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Load8U:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 1) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(p.hotLoad(as: UInt8.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Load16S:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 2) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(bitPattern: Int64(p.hotLoadUnaligned(as: Int16.self))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Load16U:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 2) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(p.hotLoadUnaligned(as: UInt16.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Load32S:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 4) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(bitPattern: Int64(p.hotLoadUnaligned(as: Int32.self))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Load32U:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 4) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(p.hotLoadUnaligned(as: UInt32.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Store:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 4) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: UInt32(truncatingIfNeeded: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt32.self)
                pc += 4
            case .i64Store:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 8) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: UInt64(truncatingIfNeeded: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt64.self)
                pc += 4
            case .f32Store:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 4) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: UInt32(truncatingIfNeeded: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt32.self)
                pc += 4
            case .f64Store:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 8) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: UInt64(truncatingIfNeeded: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt64.self)
                pc += 4
            case .i32Store8:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 1) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: UInt8(truncatingIfNeeded: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt8.self)
                pc += 4
            case .i32Store16:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 2) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: UInt16(truncatingIfNeeded: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt16.self)
                pc += 4
            case .i64Store8:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 1) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: UInt8(truncatingIfNeeded: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt8.self)
                pc += 4
            case .i64Store16:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 2) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: UInt16(truncatingIfNeeded: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt16.self)
                pc += 4
            case .i64Store32:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self), pc[3], 4) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: UInt32(truncatingIfNeeded: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), as: UInt32.self)
                pc += 4
            case .i32Eqz:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: UInt64(a == 0 ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32Eq:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(a == b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Ne:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(a != b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32LtS:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(Int32(bitPattern: a) < Int32(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32LtU:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(a < b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32GtS:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(Int32(bitPattern: a) > Int32(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32GtU:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(a > b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32LeS:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(Int32(bitPattern: a) <= Int32(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32LeU:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(a <= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32GeS:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(Int32(bitPattern: a) >= Int32(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32GeU:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(a >= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Eqz:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.hotStore(of: UInt64(a == 0 ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64Eq:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: UInt64(a == b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Ne:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: UInt64(a != b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64LtS:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: UInt64(Int64(bitPattern: a) < Int64(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64LtU:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: UInt64(a < b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64GtS:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: UInt64(Int64(bitPattern: a) > Int64(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64GtU:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: UInt64(a > b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64LeS:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: UInt64(Int64(bitPattern: a) <= Int64(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64LeU:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: UInt64(a <= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64GeS:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: UInt64(Int64(bitPattern: a) >= Int64(bitPattern: b) ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64GeU:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: UInt64(a >= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Clz:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: UInt64(UInt32(a.leadingZeroBitCount)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32Ctz:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: UInt64(UInt32(a.trailingZeroBitCount)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32Popcnt:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: UInt64(UInt32(a.nonzeroBitCount)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32Add:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(a &+ b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Sub:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(a &- b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Mul:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(a &* b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32And:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(a & b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Or:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(a | b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Xor:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(a ^ b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Shl:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(a &<< b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32ShrS:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(UInt32(bitPattern: Int32(bitPattern: a) &>> Int32(bitPattern: b))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32ShrU:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(a &>> b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Rotl:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(Numerics.i32Rotl(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32Rotr:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                fp.hotStore(of: UInt64(Numerics.i32Rotr(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Clz:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.hotStore(of: UInt64(a.leadingZeroBitCount), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64Ctz:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.hotStore(of: UInt64(a.trailingZeroBitCount), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64Popcnt:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.hotStore(of: UInt64(a.nonzeroBitCount), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64Add:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: a &+ b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Sub:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: a &- b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Mul:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: a &* b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64And:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: a & b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Or:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: a | b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Xor:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: a ^ b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Shl:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: a &<< b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64ShrS:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: UInt64(bitPattern: Int64(bitPattern: a) &>> Int64(bitPattern: b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64ShrU:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: a &>> b, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Rotl:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: Numerics.i64Rotl(a, b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i64Rotr:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self), b = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self)
                fp.hotStore(of: Numerics.i64Rotr(a, b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Eq:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.hotStore(of: UInt64(a == b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Ne:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.hotStore(of: UInt64(a != b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Lt:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.hotStore(of: UInt64(a < b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Gt:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.hotStore(of: UInt64(a > b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Le:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.hotStore(of: UInt64(a <= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Ge:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.hotStore(of: UInt64(a >= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Eq:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.hotStore(of: UInt64(a == b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Ne:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.hotStore(of: UInt64(a != b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Lt:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.hotStore(of: UInt64(a < b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Gt:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.hotStore(of: UInt64(a > b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Le:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.hotStore(of: UInt64(a <= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Ge:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.hotStore(of: UInt64(a >= b ? 1 : 0), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Abs:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: bits(Numerics.f32Abs(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32Neg:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: bits(Numerics.f32Neg(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32Add:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.hotStore(of: bits(a + b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Sub:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.hotStore(of: bits(a - b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Mul:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.hotStore(of: bits(a * b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Div:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.hotStore(of: bits(a / b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f32Copysign:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)), b = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self))
                fp.hotStore(of: bits(Numerics.f32Copysign(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Abs:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: bits(Numerics.f64Abs(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64Neg:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: bits(Numerics.f64Neg(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64Add:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.hotStore(of: bits(a + b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Sub:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.hotStore(of: bits(a - b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Mul:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.hotStore(of: bits(a * b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            // Inline `sqrtss`/`sqrtsd`: the Interpreter target is compiled with
            // -fno-math-errno, without which `squareRoot()` keeps a libm call for errno on
            // its negative path, and a call site anywhere in here costs registers everywhere.
            case .f32Sqrt:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: bits(Numerics.f32Sqrt(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64Sqrt:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: bits(Numerics.f64Sqrt(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64Div:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.hotStore(of: bits(a / b), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .f64Copysign:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.hotStore(of: bits(Numerics.f64Copysign(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32WrapI64:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.hotStore(of: UInt64(UInt32(truncatingIfNeeded: a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64ExtendI32S:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: UInt64(bitPattern: Int64(Int32(bitPattern: a))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64ExtendI32U:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: UInt64(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32ConvertI32S:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: bits(Numerics.f32ConvertI32S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32ConvertI32U:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: bits(Numerics.f32ConvertI32U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32ConvertI64S:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.hotStore(of: bits(Numerics.f32ConvertI64S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32ConvertI64U:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.hotStore(of: bits(Numerics.f32ConvertI64U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32DemoteF64:
                let a = Double(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: bits(Numerics.f32DemoteF64(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64ConvertI32S:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: bits(Numerics.f64ConvertI32S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64ConvertI32U:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: bits(Numerics.f64ConvertI32U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64ConvertI64S:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.hotStore(of: bits(Numerics.f64ConvertI64S(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64ConvertI64U:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.hotStore(of: bits(Numerics.f64ConvertI64U(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64PromoteF32:
                let a = Float(bitPattern: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self))
                fp.hotStore(of: bits(Numerics.f64PromoteF32(a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32ReinterpretF32:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: UInt64(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64ReinterpretF64:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.hotStore(of: a, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f32ReinterpretI32:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: UInt64(a), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .f64ReinterpretI64:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.hotStore(of: a, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32Extend8S:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: UInt64(UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: a)))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i32Extend16S:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: UInt64(UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: a)))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64Extend8S:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.hotStore(of: UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: a))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64Extend16S:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.hotStore(of: UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: a))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64Extend32S:
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.hotStore(of: UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: a))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3


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
            case .brI32Eq: guard branchI32(&pc, fp, &fuel, interrupt, immediate: false, .eq) else { stop(.interrupted, interrupt); break frame }
            case .brI32Ne: guard branchI32(&pc, fp, &fuel, interrupt, immediate: false, .ne) else { stop(.interrupted, interrupt); break frame }
            case .brI32LtS: guard branchI32(&pc, fp, &fuel, interrupt, immediate: false, .ltS) else { stop(.interrupted, interrupt); break frame }
            case .brI32LtU: guard branchI32(&pc, fp, &fuel, interrupt, immediate: false, .ltU) else { stop(.interrupted, interrupt); break frame }
            case .brI32GtS: guard branchI32(&pc, fp, &fuel, interrupt, immediate: false, .gtS) else { stop(.interrupted, interrupt); break frame }
            case .brI32GtU: guard branchI32(&pc, fp, &fuel, interrupt, immediate: false, .gtU) else { stop(.interrupted, interrupt); break frame }
            case .brI32LeS: guard branchI32(&pc, fp, &fuel, interrupt, immediate: false, .leS) else { stop(.interrupted, interrupt); break frame }
            case .brI32LeU: guard branchI32(&pc, fp, &fuel, interrupt, immediate: false, .leU) else { stop(.interrupted, interrupt); break frame }
            case .brI32GeS: guard branchI32(&pc, fp, &fuel, interrupt, immediate: false, .geS) else { stop(.interrupted, interrupt); break frame }
            case .brI32GeU: guard branchI32(&pc, fp, &fuel, interrupt, immediate: false, .geU) else { stop(.interrupted, interrupt); break frame }
            case .brI32EqI: guard branchI32(&pc, fp, &fuel, interrupt, immediate: true, .eq) else { stop(.interrupted, interrupt); break frame }
            case .brI32NeI: guard branchI32(&pc, fp, &fuel, interrupt, immediate: true, .ne) else { stop(.interrupted, interrupt); break frame }
            case .brI32LtSI: guard branchI32(&pc, fp, &fuel, interrupt, immediate: true, .ltS) else { stop(.interrupted, interrupt); break frame }
            case .brI32LtUI: guard branchI32(&pc, fp, &fuel, interrupt, immediate: true, .ltU) else { stop(.interrupted, interrupt); break frame }
            case .brI32GtSI: guard branchI32(&pc, fp, &fuel, interrupt, immediate: true, .gtS) else { stop(.interrupted, interrupt); break frame }
            case .brI32GtUI: guard branchI32(&pc, fp, &fuel, interrupt, immediate: true, .gtU) else { stop(.interrupted, interrupt); break frame }
            case .brI32LeSI: guard branchI32(&pc, fp, &fuel, interrupt, immediate: true, .leS) else { stop(.interrupted, interrupt); break frame }
            case .brI32LeUI: guard branchI32(&pc, fp, &fuel, interrupt, immediate: true, .leU) else { stop(.interrupted, interrupt); break frame }
            case .brI32GeSI: guard branchI32(&pc, fp, &fuel, interrupt, immediate: true, .geS) else { stop(.interrupted, interrupt); break frame }
            case .brI32GeUI: guard branchI32(&pc, fp, &fuel, interrupt, immediate: true, .geU) else { stop(.interrupted, interrupt); break frame }
            case .brI32AndI: guard branchI32(&pc, fp, &fuel, interrupt, immediate: true, .anyBit) else { stop(.interrupted, interrupt); break frame }
            case .brI32AndNotI: guard branchI32(&pc, fp, &fuel, interrupt, immediate: true, .noBit) else { stop(.interrupted, interrupt); break frame }
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
            case .brI64Eq: guard branchI64(&pc, fp, &fuel, interrupt, immediate: false, .eq) else { stop(.interrupted, interrupt); break frame }
            case .brI64Ne: guard branchI64(&pc, fp, &fuel, interrupt, immediate: false, .ne) else { stop(.interrupted, interrupt); break frame }
            case .brI64LtS: guard branchI64(&pc, fp, &fuel, interrupt, immediate: false, .ltS) else { stop(.interrupted, interrupt); break frame }
            case .brI64LtU: guard branchI64(&pc, fp, &fuel, interrupt, immediate: false, .ltU) else { stop(.interrupted, interrupt); break frame }
            case .brI64GtS: guard branchI64(&pc, fp, &fuel, interrupt, immediate: false, .gtS) else { stop(.interrupted, interrupt); break frame }
            case .brI64GtU: guard branchI64(&pc, fp, &fuel, interrupt, immediate: false, .gtU) else { stop(.interrupted, interrupt); break frame }
            case .brI64LeS: guard branchI64(&pc, fp, &fuel, interrupt, immediate: false, .leS) else { stop(.interrupted, interrupt); break frame }
            case .brI64LeU: guard branchI64(&pc, fp, &fuel, interrupt, immediate: false, .leU) else { stop(.interrupted, interrupt); break frame }
            case .brI64GeS: guard branchI64(&pc, fp, &fuel, interrupt, immediate: false, .geS) else { stop(.interrupted, interrupt); break frame }
            case .brI64GeU: guard branchI64(&pc, fp, &fuel, interrupt, immediate: false, .geU) else { stop(.interrupted, interrupt); break frame }
            case .brI64EqI: guard branchI64(&pc, fp, &fuel, interrupt, immediate: true, .eq) else { stop(.interrupted, interrupt); break frame }
            case .brI64NeI: guard branchI64(&pc, fp, &fuel, interrupt, immediate: true, .ne) else { stop(.interrupted, interrupt); break frame }
            case .brI64LtSI: guard branchI64(&pc, fp, &fuel, interrupt, immediate: true, .ltS) else { stop(.interrupted, interrupt); break frame }
            case .brI64LtUI: guard branchI64(&pc, fp, &fuel, interrupt, immediate: true, .ltU) else { stop(.interrupted, interrupt); break frame }
            case .brI64GtSI: guard branchI64(&pc, fp, &fuel, interrupt, immediate: true, .gtS) else { stop(.interrupted, interrupt); break frame }
            case .brI64GtUI: guard branchI64(&pc, fp, &fuel, interrupt, immediate: true, .gtU) else { stop(.interrupted, interrupt); break frame }
            case .brI64LeSI: guard branchI64(&pc, fp, &fuel, interrupt, immediate: true, .leS) else { stop(.interrupted, interrupt); break frame }
            case .brI64LeUI: guard branchI64(&pc, fp, &fuel, interrupt, immediate: true, .leU) else { stop(.interrupted, interrupt); break frame }
            case .brI64GeSI: guard branchI64(&pc, fp, &fuel, interrupt, immediate: true, .geS) else { stop(.interrupted, interrupt); break frame }
            case .brI64GeUI: guard branchI64(&pc, fp, &fuel, interrupt, immediate: true, .geU) else { stop(.interrupted, interrupt); break frame }
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
            case .brF64Eq: guard branchF64(&pc, fp, &fuel, interrupt, immediate: false, .eq) else { stop(.interrupted, interrupt); break frame }
            case .brF64Ne: guard branchF64(&pc, fp, &fuel, interrupt, immediate: false, .ne) else { stop(.interrupted, interrupt); break frame }
            case .brF64Lt: guard branchF64(&pc, fp, &fuel, interrupt, immediate: false, .lt) else { stop(.interrupted, interrupt); break frame }
            case .brF64Gt: guard branchF64(&pc, fp, &fuel, interrupt, immediate: false, .gt) else { stop(.interrupted, interrupt); break frame }
            case .brF64Le: guard branchF64(&pc, fp, &fuel, interrupt, immediate: false, .le) else { stop(.interrupted, interrupt); break frame }
            case .brF64Ge: guard branchF64(&pc, fp, &fuel, interrupt, immediate: false, .ge) else { stop(.interrupted, interrupt); break frame }
            case .brF64NotLt: guard branchF64(&pc, fp, &fuel, interrupt, immediate: false, .notLt) else { stop(.interrupted, interrupt); break frame }
            case .brF64NotGt: guard branchF64(&pc, fp, &fuel, interrupt, immediate: false, .notGt) else { stop(.interrupted, interrupt); break frame }
            case .brF64NotLe: guard branchF64(&pc, fp, &fuel, interrupt, immediate: false, .notLe) else { stop(.interrupted, interrupt); break frame }
            case .brF64NotGe: guard branchF64(&pc, fp, &fuel, interrupt, immediate: false, .notGe) else { stop(.interrupted, interrupt); break frame }
            case .brF64EqI: guard branchF64(&pc, fp, &fuel, interrupt, immediate: true, .eq) else { stop(.interrupted, interrupt); break frame }
            case .brF64NeI: guard branchF64(&pc, fp, &fuel, interrupt, immediate: true, .ne) else { stop(.interrupted, interrupt); break frame }
            case .brF64LtI: guard branchF64(&pc, fp, &fuel, interrupt, immediate: true, .lt) else { stop(.interrupted, interrupt); break frame }
            case .brF64GtI: guard branchF64(&pc, fp, &fuel, interrupt, immediate: true, .gt) else { stop(.interrupted, interrupt); break frame }
            case .brF64LeI: guard branchF64(&pc, fp, &fuel, interrupt, immediate: true, .le) else { stop(.interrupted, interrupt); break frame }
            case .brF64GeI: guard branchF64(&pc, fp, &fuel, interrupt, immediate: true, .ge) else { stop(.interrupted, interrupt); break frame }
            case .brF64NotLtI: guard branchF64(&pc, fp, &fuel, interrupt, immediate: true, .notLt) else { stop(.interrupted, interrupt); break frame }
            case .brF64NotGtI: guard branchF64(&pc, fp, &fuel, interrupt, immediate: true, .notGt) else { stop(.interrupted, interrupt); break frame }
            case .brF64NotLeI: guard branchF64(&pc, fp, &fuel, interrupt, immediate: true, .notLe) else { stop(.interrupted, interrupt); break frame }
            case .brF64NotGeI: guard branchF64(&pc, fp, &fuel, interrupt, immediate: true, .notGe) else { stop(.interrupted, interrupt); break frame }
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
            case .incBrI32Eq: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .eq) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32Ne: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .ne) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32LtS: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .ltS) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32LtU: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .ltU) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32GtS: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .gtS) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32GtU: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .gtU) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32LeS: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .leS) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32LeU: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .leU) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32GeS: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .geS) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32GeU: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: false, .geU) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32EqI: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .eq) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32NeI: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .ne) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32LtSI: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .ltS) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32LtUI: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .ltU) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32GtSI: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .gtS) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32GtUI: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .gtU) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32LeSI: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .leS) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32LeUI: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .leU) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32GeSI: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .geS) else { stop(.interrupted, interrupt); break frame }
            case .incBrI32GeUI: guard incrementBranchI32(&pc, fp, &fuel, interrupt, immediate: true, .geU) else { stop(.interrupted, interrupt); break frame }
            case .f64MulAdd: multiplyAdd(pc, fp, .mulAdd); pc += 5
            case .f64AddLoad:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self), pc[4], 8)
                else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                let a = double(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: bits(a + double(p.hotLoadUnaligned(as: UInt64.self))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .f64AddLoadStore:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), pc[3], 8),
                      let q = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[4]), as: UInt32.self), pc[5], 8)
                else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                let a = double(fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt64.self))
                q.hotStore(of: bits(a + double(p.hotLoadUnaligned(as: UInt64.self))), as: UInt64.self)
                pc += 6
            case .i64XorShrUI:
                let x = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self) &>> UInt64(pc[4])
                fp.hotStore(of: fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self) ^ x, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .f64MulLoad:
                guard let p = validAddress(memBase, memSize, fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self), pc[4], 8)
                else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                let a = double(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: bits(a * double(p.hotLoadUnaligned(as: UInt64.self))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32ShrUAndI:
                let x = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: UInt64(x &>> pc[3] & pc[4]), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32ShlAndI:
                let x = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: UInt64(x &<< pc[3] & pc[4]), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32LoadAI:
                guard let p = validAddress(memBase, memSize, sumImmediate(pc, fp, 2), pc[4], 4) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(p.hotLoadUnaligned(as: UInt32.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i64LoadAI:
                guard let p = validAddress(memBase, memSize, sumImmediate(pc, fp, 2), pc[4], 8) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: p.hotLoadUnaligned(as: UInt64.self), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32Load8UAI:
                guard let p = validAddress(memBase, memSize, sumImmediate(pc, fp, 2), pc[4], 1) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(p.hotLoad(as: UInt8.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32StoreAI:
                guard let p = validAddress(memBase, memSize, sumImmediate(pc, fp, 1), pc[4], 4) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self), as: UInt32.self)
                pc += 5
            case .i64StoreAI:
                guard let p = validAddress(memBase, memSize, sumImmediate(pc, fp, 1), pc[4], 8) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self), as: UInt64.self)
                pc += 5
            case .i32Store8AI:
                guard let p = validAddress(memBase, memSize, sumImmediate(pc, fp, 1), pc[4], 1) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt8.self), as: UInt8.self)
                pc += 5
            case .selectI64Eq: selectI64(pc, fp, .eq); pc += 6
            case .selectI64Ne: selectI64(pc, fp, .ne); pc += 6
            case .selectI64LtS: selectI64(pc, fp, .ltS); pc += 6
            case .selectI64LtU: selectI64(pc, fp, .ltU); pc += 6
            case .selectI64GtS: selectI64(pc, fp, .gtS); pc += 6
            case .selectI64GtU: selectI64(pc, fp, .gtU); pc += 6
            case .selectI64LeS: selectI64(pc, fp, .leS); pc += 6
            case .selectI64LeU: selectI64(pc, fp, .leU); pc += 6
            case .selectI64GeS: selectI64(pc, fp, .geS); pc += 6
            case .selectI64GeU: selectI64(pc, fp, .geU); pc += 6
            case .f64AddLoadAI:
                guard let p = validAddress(memBase, memSize, sumImmediate(pc, fp, 3), pc[5], 8)
                else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                let a = double(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: bits(a + double(p.hotLoadUnaligned(as: UInt64.self))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 6
            case .f64AddLoad2AI:
                guard let p = validAddress(memBase, memSize, sumImmediate(pc, fp, 3), pc[5], 8),
                      let q = validAddress(memBase, memSize, sumImmediate(pc, fp, 6), pc[8], 8)
                else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                let a = double(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                let sum = a + double(p.hotLoadUnaligned(as: UInt64.self)) + double(q.hotLoadUnaligned(as: UInt64.self))
                fp.hotStore(of: bits(sum), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 9
            case .f64MulLoadAI:
                guard let p = validAddress(memBase, memSize, sumImmediate(pc, fp, 3), pc[5], 8)
                else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                let a = double(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
                fp.hotStore(of: bits(a * double(p.hotLoadUnaligned(as: UInt64.self))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 6
            case .i32AddAndI:
                let x = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: UInt64((x &+ pc[3]) & pc[4]), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32AddShlI:
                let sum = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self) &+ (fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self) &<< pc[4])
                fp.hotStore(of: UInt64(sum), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32AddMulI:
                let sum = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self) &+ fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self) &* pc[4]
                fp.hotStore(of: UInt64(sum), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32AddI2:
                // The first add (words 4-6) runs first: the second may read what it wrote.
                fp.hotStore(of: UInt64(fp.hotLoad(fromByteOffset: Int(pc[5]), as: UInt32.self) &+ pc[6]), toByteOffset: Int(pc[4]), as: UInt64.self)
                fp.hotStore(of: UInt64(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self) &+ pc[3]), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 7
            case .i32LoadAS:
                guard let p = validAddress(memBase, memSize, scaledSum(pc, fp, 2), pc[5], 4) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(p.hotLoadUnaligned(as: UInt32.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 6
            case .i64LoadAS:
                guard let p = validAddress(memBase, memSize, scaledSum(pc, fp, 2), pc[5], 8) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: p.hotLoadUnaligned(as: UInt64.self), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 6
            case .i32StoreAS:
                guard let p = validAddress(memBase, memSize, scaledSum(pc, fp, 1), pc[5], 4) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: fp.hotLoad(fromByteOffset: Int(pc[4]), as: UInt32.self), as: UInt32.self)
                pc += 6
            case .i64StoreAS:
                guard let p = validAddress(memBase, memSize, scaledSum(pc, fp, 1), pc[5], 8) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: fp.hotLoad(fromByteOffset: Int(pc[4]), as: UInt64.self), as: UInt64.self)
                pc += 6
            case .i32XorLoadShrUAnd:
                let x = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                guard let p = validAddress(memBase, memSize, x &>> pc[4] & pc[5], pc[6], 4)
                else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: UInt64(a ^ p.hotLoadUnaligned(as: UInt32.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 7
            case .i32XorLoadShlAnd:
                let x = fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
                guard let p = validAddress(memBase, memSize, x &<< pc[4] & pc[5], pc[6], 4)
                else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.hotStore(of: UInt64(a ^ p.hotLoadUnaligned(as: UInt32.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 7
            case .i32LoadShrUAnd:
                let x = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                guard let p = validAddress(memBase, memSize, x &>> pc[3] & pc[4], pc[5], 4)
                else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(p.hotLoadUnaligned(as: UInt32.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 6
            case .i32LoadShlAnd:
                let x = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
                guard let p = validAddress(memBase, memSize, x &<< pc[3] & pc[4], pc[5], 4)
                else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(p.hotLoadUnaligned(as: UInt32.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 6
            case .f64MulSub: multiplyAdd(pc, fp, .mulSub); pc += 5
            case .f64SubMul: multiplyAdd(pc, fp, .subMul); pc += 5
            case .i32LoadA:
                guard let p = validAddress(memBase, memSize, sum(pc, fp), pc[4], 4) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(p.hotLoadUnaligned(as: UInt32.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i64LoadA:
                guard let p = validAddress(memBase, memSize, sum(pc, fp), pc[4], 8) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: p.hotLoadUnaligned(as: UInt64.self), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32Load8SA:
                guard let p = validAddress(memBase, memSize, sum(pc, fp), pc[4], 1) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(UInt32(bitPattern: Int32(p.hotLoad(as: Int8.self)))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32Load8UA:
                guard let p = validAddress(memBase, memSize, sum(pc, fp), pc[4], 1) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(p.hotLoad(as: UInt8.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32Load16SA:
                guard let p = validAddress(memBase, memSize, sum(pc, fp), pc[4], 2) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(UInt32(bitPattern: Int32(p.hotLoadUnaligned(as: Int16.self)))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32Load16UA:
                guard let p = validAddress(memBase, memSize, sum(pc, fp), pc[4], 2) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                fp.hotStore(of: UInt64(p.hotLoadUnaligned(as: UInt16.self)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .i32StoreA:
                guard let p = validAddress(memBase, memSize, sumFrom(pc, fp, 1), pc[4], 4) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self), as: UInt32.self)
                pc += 5
            case .i64StoreA:
                guard let p = validAddress(memBase, memSize, sumFrom(pc, fp, 1), pc[4], 8) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self), as: UInt64.self)
                pc += 5
            case .i32Store8A:
                guard let p = validAddress(memBase, memSize, sumFrom(pc, fp, 1), pc[4], 1) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt8.self), as: UInt8.self)
                pc += 5
            case .i32Store16A:
                guard let p = validAddress(memBase, memSize, sumFrom(pc, fp, 1), pc[4], 2) else { stop(.outOfBoundsMemoryAccess, interrupt); break frame }
                p.hotStore(of: fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt16.self), as: UInt16.self)
                pc += 5
            // The ops `run` executes: listed rather than left to `default`, so the jump
            // table covers every op and dispatch needs no range check.
            case .copy128, .const128, .select128, .globalGet128, .globalSet128, .v128Lanes, .v128Memory, .v128Int,
                 .v128Float, .v128Convert, .v128Relaxed, .unreachable, .callIndirect, .tableGet, .tableSet,
                 .tableSize, .tableGrow, .tableFill, .tableCopy, .tableInit, .elemDrop, .memorySize, .memoryGrow,
                 .memoryInit, .dataDrop, .memoryCopy, .memoryFill, .refNull, .refIsNull, .refFunc, .refAsNonNull,
                 .i32DivS, .i32DivU, .i32RemS, .i32RemU, .i64DivS, .i64DivU, .i64RemS, .i64RemU, .f32Ceil, .f32Floor,
                 .f32Trunc, .f32Nearest, .f32Min, .f32Max, .f64Ceil, .f64Floor, .f64Trunc, .f64Nearest,
                 .f64Min, .f64Max, .i32TruncF32S, .i32TruncF32U, .i32TruncF64S, .i32TruncF64U,
                 .i64TruncF32S, .i64TruncF32U, .i64TruncF64S, .i64TruncF64U, .i32TruncSatF32S, .i32TruncSatF32U,
                 .i32TruncSatF64S, .i32TruncSatF64U, .i64TruncSatF32S, .i64TruncSatF32U, .i64TruncSatF64S,
                 .i64TruncSatF64U, .loadX, .storeX, .memorySizeX, .memoryGrowX, .memoryFillX, .memoryCopyX,
                 .memoryInitX, .clampIndex, .widenGrowResult, .callRef, .returnCall, .returnCallIndirect,
                 .returnCallRef, .brOnNull, .brOnNonNull, .`throw`, .throwRef, .tryTable, .gc, .brOnCast, .brOnCastFail:
                return HotState(pc: pc, fp: fp, fuel: fuel, frameCount: frameCount)
            }
        }
        }
        return HotState(pc: pc, fp: fp, fuel: fuel, frameCount: frameCount)
    }
}

extension Executor {
    /// Records why `runHot` stops: the reason + 1 in the poll words' spare word
    /// (`ExecutionStack.pollHotTrapOffset`), 0 meaning no trap.
    @inline(__always)
    static func stop(_ reason: TrapReason, _ interrupt: UnsafeMutablePointer<UInt32>) {
        interrupt[1] = UInt32(reason.rawValue) &+ 1
    }

    /// The trap `runHot` stopped at, if any (and clears it).
    @inline(__always)
    static func stoppedTrap(_ interrupt: UnsafeMutablePointer<UInt32>) -> TrapReason? {
        let word = interrupt[1]
        guard word != 0 else { return nil }
        interrupt[1] = 0
        return TrapReason(rawValue: UInt8(truncatingIfNeeded: word &- 1)) ?? .hostError
    }
}

/// The registers `runHot` and `run` hand over.
struct HotState {
    var pc: UnsafePointer<UInt32>
    var fp: UnsafeMutableRawPointer
    var fuel: UInt64
    var frameCount: Int
}

extension Executor {
    /// Whether a call may push its frame here: room on both stacks, fuel left and no
    /// interrupt pending (else `run` makes the call, or traps).
    @inline(__always)
    static func mayEnter(_ callee: UnsafeMutablePointer<FunctionRecord>, newFP: UnsafeMutableRawPointer, _ frameCount: Int,
                         _ fuel: UInt64, _ interrupt: UnsafeMutablePointer<UInt32>, _ limits: HotLimits) -> Bool {
        frameCount < limits.maxFrames && newFP + callee.pointee.frameSlots &* 8 <= limits.slotEnd
            && fuel != 0 && interrupt.pointee == 0
    }

    /// Pushes the frame of a call whose checks passed and jumps to the callee's code.
    @inline(__always)
    static func enterFrame(_ callee: UnsafeMutablePointer<FunctionRecord>, code: UnsafeRawPointer,
                           newFP: UnsafeMutableRawPointer, length: Int, _ pc: inout UnsafePointer<UInt32>,
                           _ fp: inout UnsafeMutableRawPointer, _ frameCount: inout Int, _ fuel: inout UInt64,
                           _ frames: UnsafeMutablePointer<CallFrame>, _ interrupt: UnsafeMutablePointer<UInt32>) {
        fuel &-= 1
        frames[frameCount] = CallFrame(returnPC: UnsafeRawPointer(pc + length), callerFP: fp, function: callee, withinInstance: true)
        frameCount &+= 1
        if publishesFrameCount { publish(frameCount, interrupt) }
        fp = newFP
        pc = code.assumingMemoryBound(to: UInt32.self)
    }

    /// Pops the top frame and resumes its caller when the frame's tag says the caller runs
    /// in this instance and tier; false (nothing changed) for anything else, and for the
    /// entry frame, which `run` handles.
    @inline(__always)
    static func leaveFrame(_ pc: inout UnsafePointer<UInt32>, _ fp: inout UnsafeMutableRawPointer, _ frameCount: inout Int,
                           _ frames: UnsafeMutablePointer<CallFrame>, _ interrupt: UnsafeMutablePointer<UInt32>) -> Bool {
        let top = frames[frameCount &- 1]
        guard top.returnsWithinInstance else { return false }
        frameCount &-= 1
        if publishesFrameCount { publish(frameCount, interrupt) }
        pc = UnsafeRawPointer(bitPattern: top.returnBits).unsafelyUnwrapped.assumingMemoryBound(to: UInt32.self)
        fp = top.callerFP
        return true
    }

    /// Stores `count` as `ExecutionStack.frameCount`, reached from the poll word.
    @inline(__always)
    static func publish(_ count: Int, _ interrupt: UnsafeMutablePointer<UInt32>) {
        UnsafeMutableRawPointer(interrupt).storeBytes(
            of: count, toByteOffset: ExecutionStack.pollFrameCountOffset - ExecutionStack.pollInterruptOffset, as: Int.self)
    }
}

/// What `runHot` needs to push and pop frames itself; fixed for one `run`.
struct HotLimits {
    var frames: UnsafeMutablePointer<CallFrame>
    var maxFrames: Int
    var slotEnd: UnsafeMutableRawPointer
    var tierID: Int
}

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
//     runHot:  while true { switch hot op { ... }  default: return nil }
extension Executor {
    /// Runs hot ops from `pcIn` until an op it does not handle (returns nil with `pcIn` at
    /// that op) or a trap (returns the reason; `pcIn` at the trapping op). `fuelIn` is the
    /// loop check's fuel counter, updated on return.
    @inline(never)
    static func runHot(_ pcIn: inout UnsafePointer<UInt32>, _ fuelIn: inout UInt64, fp: UnsafeMutableRawPointer,
                       memBase: UnsafeMutableRawPointer, memSize: UInt64,
                       context: UnsafeMutablePointer<InstanceContext>,
                       interrupt: UnsafeMutablePointer<UInt32>) -> TrapReason? {
        var pc = pcIn
        var fuel = fuelIn
        do throws(TrapReason) {
        while true {
            switch IOp.decode(pc.pointee) {
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
            case .select:
                let chosen = fp.load(fromByteOffset: Int(pc[4]), as: UInt32.self) != 0 ? pc[2] : pc[3]
                fp.storeBytes(of: fp.load(fromByteOffset: Int(chosen), as: UInt64.self), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 5
            case .globalGet:
                fp.storeBytes(of: context.pointee.globals[Int(pc[2])].pointee, toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .globalSet:
                context.pointee.globals[Int(pc[2])].pointee = fp.load(fromByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
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
            case .f64Copysign:
                let a = Double(bitPattern: fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)), b = Double(bitPattern: fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self))
                fp.storeBytes(of: bits(Numerics.f64Copysign(a, b)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 4
            case .i32WrapI64:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt64.self)
                fp.storeBytes(of: UInt64(UInt32(truncatingIfNeeded: a)), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64ExtendI32S:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: UInt64(bitPattern: Int64(Int32(bitPattern: a))), toByteOffset: Int(pc[1]), as: UInt64.self)
                pc += 3
            case .i64ExtendI32U:
                let a = fp.load(fromByteOffset: Int(pc[2]), as: UInt32.self)
                fp.storeBytes(of: UInt64(a), toByteOffset: Int(pc[1]), as: UInt64.self)
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
            default:
                pcIn = pc
                fuelIn = fuel
                return nil
            }
        }
        } catch {
            pcIn = pc
            fuelIn = fuel
            return error
        }
    }
}

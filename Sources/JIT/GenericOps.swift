import Interpreter
import WasmCore
import WasmRuntime

/// The operations compiled code delegates to `RuntimeHelpers.generic`: operands are in
/// consecutive 64-bit slots at `operands` (the values' home slots), the result (if any)
/// goes to the first slot. A v128 spans two slots; SIMD instructions and v128 globals
/// come here too.
enum GenericOps {
    @inline(__always) static func u32(_ p: UnsafeMutableRawPointer, _ i: Int) -> UInt32 { p.load(fromByteOffset: i * 8, as: UInt32.self) }
    @inline(__always) static func u64(_ p: UnsafeMutableRawPointer, _ i: Int) -> UInt64 { p.load(fromByteOffset: i * 8, as: UInt64.self) }
    @inline(__always) static func f32(_ p: UnsafeMutableRawPointer, _ i: Int) -> Float { Float(bitPattern: u32(p, i)) }
    @inline(__always) static func f64(_ p: UnsafeMutableRawPointer, _ i: Int) -> Double { Double(bitPattern: u64(p, i)) }
    @inline(__always) static func put(_ p: UnsafeMutableRawPointer, _ v: UInt64) { p.storeBytes(of: v, as: UInt64.self) }
    @inline(__always) static func put(_ p: UnsafeMutableRawPointer, _ v: UInt32) { p.storeBytes(of: UInt64(v), as: UInt64.self) }
    @inline(__always) static func put(_ p: UnsafeMutableRawPointer, _ v: Float) { put(p, v.bitPattern) }
    @inline(__always) static func put(_ p: UnsafeMutableRawPointer, _ v: Double) { put(p, v.bitPattern) }

    /// Flags in the high half of `imm2` of table operations: the (destination) table, and
    /// the source table of `table.copy`, is a table64, so its indices and counts are u64.
    static let firstTable64: UInt64 = 1 << 32
    static let secondTable64: UInt64 = 1 << 33

    /// A table or memory index, size or count: u64 for a table64 or memory64, else u32
    /// (the slot's upper half is not defined for i32 values).
    @inline(__always) static func index(_ p: UnsafeMutableRawPointer, _ i: Int, wide: Bool) -> UInt64 {
        wide ? u64(p, i) : UInt64(u32(p, i))
    }

    /// Whether `op` is handled here.
    static func supports(_ op: Opcode) -> Bool {
        switch op {
        case .f32Min, .f32Max, .f64Min, .f64Max, .f32Nearest, .f64Nearest,
             .i32TruncF32S, .i32TruncF32U, .i32TruncF64S, .i32TruncF64U,
             .i64TruncF32S, .i64TruncF32U, .i64TruncF64S, .i64TruncF64U,
             .i32TruncSatF32S, .i32TruncSatF32U, .i32TruncSatF64S, .i32TruncSatF64U,
             .i64TruncSatF32S, .i64TruncSatF32U, .i64TruncSatF64S, .i64TruncSatF64U,
             .f32ConvertI32U, .f32ConvertI64U, .f64ConvertI32U, .f64ConvertI64U, .f32ConvertI64S,
             .f32DemoteF64, .f64PromoteF32,
             .memoryGrow, .memoryInit, .dataDrop, .memoryCopy, .memoryFill,
             .tableGet, .tableSet, .tableSize, .tableGrow, .tableFill, .tableCopy, .tableInit, .elemDrop:
            return true
        default:
            return false
        }
    }

    static func run(_ op: Opcode, context: UnsafeMutablePointer<InstanceContext>, operands p: UnsafeMutableRawPointer,
                    imm1: UInt64, imm2: UInt64) throws(TrapReason) {
        switch op {
        case .f32Min: put(p, Numerics.f32Min(f32(p, 0), f32(p, 1)))
        case .f32Max: put(p, Numerics.f32Max(f32(p, 0), f32(p, 1)))
        case .f64Min: put(p, Numerics.f64Min(f64(p, 0), f64(p, 1)))
        case .f64Max: put(p, Numerics.f64Max(f64(p, 0), f64(p, 1)))
        case .f32Nearest: put(p, Numerics.f32Nearest(f32(p, 0)))
        // ceil, floor and trunc come here only where the CPU cannot round (x86-64 without SSE4.1).
        case .f32Ceil: put(p, f32(p, 0).rounded(.up))
        case .f32Floor: put(p, f32(p, 0).rounded(.down))
        case .f32Trunc: put(p, f32(p, 0).rounded(.towardZero))
        case .f64Ceil: put(p, f64(p, 0).rounded(.up))
        case .f64Floor: put(p, f64(p, 0).rounded(.down))
        case .f64Trunc: put(p, f64(p, 0).rounded(.towardZero))
        case .f64Nearest: put(p, Numerics.f64Nearest(f64(p, 0)))
        case .i32TruncF32S: put(p, try Numerics.i32TruncF32S(f32(p, 0)))
        case .i32TruncF32U: put(p, try Numerics.i32TruncF32U(f32(p, 0)))
        case .i32TruncF64S: put(p, try Numerics.i32TruncF64S(f64(p, 0)))
        case .i32TruncF64U: put(p, try Numerics.i32TruncF64U(f64(p, 0)))
        case .i64TruncF32S: put(p, try Numerics.i64TruncF32S(f32(p, 0)))
        case .i64TruncF32U: put(p, try Numerics.i64TruncF32U(f32(p, 0)))
        case .i64TruncF64S: put(p, try Numerics.i64TruncF64S(f64(p, 0)))
        case .i64TruncF64U: put(p, try Numerics.i64TruncF64U(f64(p, 0)))
        case .i32TruncSatF32S: put(p, Numerics.i32TruncSatF32S(f32(p, 0)))
        case .i32TruncSatF32U: put(p, Numerics.i32TruncSatF32U(f32(p, 0)))
        case .i32TruncSatF64S: put(p, Numerics.i32TruncSatF64S(f64(p, 0)))
        case .i32TruncSatF64U: put(p, Numerics.i32TruncSatF64U(f64(p, 0)))
        case .i64TruncSatF32S: put(p, Numerics.i64TruncSatF32S(f32(p, 0)))
        case .i64TruncSatF32U: put(p, Numerics.i64TruncSatF32U(f32(p, 0)))
        case .i64TruncSatF64S: put(p, Numerics.i64TruncSatF64S(f64(p, 0)))
        case .i64TruncSatF64U: put(p, Numerics.i64TruncSatF64U(f64(p, 0)))
        case .f32ConvertI32U: put(p, Numerics.f32ConvertI32U(u32(p, 0)))
        case .f32ConvertI64U: put(p, Numerics.f32ConvertI64U(u64(p, 0)))
        case .f32ConvertI64S: put(p, Numerics.f32ConvertI64S(u64(p, 0)))
        case .f64ConvertI32U: put(p, Numerics.f64ConvertI32U(u32(p, 0)))
        case .f64ConvertI64U: put(p, Numerics.f64ConvertI64U(u64(p, 0)))
        case .f32DemoteF64: put(p, Numerics.f32DemoteF64(f64(p, 0)))
        case .f64PromoteF32: put(p, Numerics.f64PromoteF32(f32(p, 0)))
        case .globalGet:
            let cell = context.pointee.globals[Int(imm1)]
            put(p, cell[0])
            put(p + 8, cell[1])
        case .globalSet:
            let cell = context.pointee.globals[Int(imm1)]
            cell[0] = u64(p, 0)
            cell[1] = u64(p, 1)
        case .memoryCopy, .memoryFill:
            try runBulkMemory(op, context: context, operands: p, imm1: imm1, imm2: imm2)
        case .callIndirect:
            try GCOps.checkIndirectCallee(u64(p, 0), typeIndex: imm1, context)
        case .memoryGrow, .memoryInit, .dataDrop, .tableGet, .tableSet, .tableSize, .tableGrow, .tableFill,
             .tableCopy, .tableInit, .elemDrop:
            try runStateful(op, context: context, operands: p, imm1: imm1, imm2: imm2)
        default:
            if GCOps.supports(op) {
                try GCOps.run(op, operands: p, imm1: imm1, imm2: imm2, context: context)
            } else {
                try SIMDRunner.run(op, operands: p, imm1: imm1, imm2: imm2, context: context)
            }
        }
    }

    /// `memory.copy` and `memory.fill`, the helper calls of memcpy- and memset-heavy code:
    /// memories by guaranteed references (no retain and release per call).
    static func runBulkMemory(_ op: Opcode, context: UnsafeMutablePointer<InstanceContext>, operands p: UnsafeMutableRawPointer,
                              imm1: UInt64, imm2: UInt64) throws(TrapReason) {
        let count = UInt64(context.pointee.memoryCount)
        guard imm1 < count, op == .memoryFill || imm2 < count else { throw .outOfBoundsMemoryAccess }
        let memories = context.pointee.memories
        let failure = memories[Int(imm1)]._withUnsafeGuaranteedRef { target -> TrapReason? in
            guard op == .memoryCopy else {
                do throws(TrapReason) {
                    try target.fill(at: index(p, 0, wide: target.is64), value: UInt8(truncatingIfNeeded: u32(p, 1)),
                                    count: index(p, 2, wide: target.is64))
                    return nil
                } catch {
                    return error
                }
            }
            // The count is u64 only when both memories are memory64s.
            return memories[Int(imm2)]._withUnsafeGuaranteedRef { source -> TrapReason? in
                do throws(TrapReason) {
                    try target.copy(to: index(p, 0, wide: target.is64), from: index(p, 1, wide: source.is64), in: source,
                                    count: index(p, 2, wide: target.is64 && source.is64))
                    return nil
                } catch {
                    return error
                }
            }
        }
        if let failure { throw failure }
    }

    /// Memory `index` of the running instance (validation makes it exist).
    @inline(__always)
    static func memory(_ context: UnsafeMutablePointer<InstanceContext>, _ index: UInt64) throws(TrapReason) -> LinearMemory {
        guard index < UInt64(context.pointee.memoryCount) else { throw .outOfBoundsMemoryAccess }
        return context.pointee.memories[Int(index)].takeUnretainedValue()
    }

    /// Memory growth and initialisation, table and segment operations (they need the instance).
    static func runStateful(_ op: Opcode, context: UnsafeMutablePointer<InstanceContext>, operands p: UnsafeMutableRawPointer,
                            imm1: UInt64, imm2: UInt64) throws(TrapReason) {
        let instance = context.pointee.instance.takeUnretainedValue()
        switch op {
        // Addresses, sizes and counts are u64 for a memory64, else u32 (see `index`).
        case .memoryGrow:
            let is64 = try memory(context, imm1).is64
            let old = instance.memoryGrow(memory: Int(imm1), delta: index(p, 0, wide: is64))
            put(p, old ?? (is64 ? UInt64.max : 0xFFFF_FFFF))
        case .memoryInit:
            let is64 = try memory(context, imm2).is64
            try instance.memoryInit(memory: Int(imm2), segment: Int(imm1), destination: index(p, 0, wide: is64),
                                    source: UInt64(u32(p, 1)), count: UInt64(u32(p, 2)))
        case .dataDrop:
            instance.dataDrop(Int(imm1))
        case .tableGet:
            let table = context.pointee.tables[Int(imm1)]
            let index = Self.index(p, 0, wide: imm2 & firstTable64 != 0)
            guard index < UInt64(table.pointee.count) else { throw .outOfBoundsTableAccess }
            put(p, table.pointee.elements[Int(index)])
        case .tableSet:
            let table = context.pointee.tables[Int(imm1)]
            let index = Self.index(p, 0, wide: imm2 & firstTable64 != 0)
            guard index < UInt64(table.pointee.count) else { throw .outOfBoundsTableAccess }
            table.pointee.elements[Int(index)] = u64(p, 1)
        case .tableSize:
            put(p, UInt64(context.pointee.tables[Int(imm1)].pointee.count))
        case .tableGrow:
            let wide = imm2 & firstTable64 != 0
            let old = instance.tableGrow(table: Int(imm1), delta: index(p, 1, wide: wide), value: u64(p, 0))
            // Tables never reach 2^32 elements: a successful old size fits either width.
            put(p, old ?? (wide ? UInt64.max : 0xFFFF_FFFF))
        case .tableFill:
            let wide = imm2 & firstTable64 != 0
            try instance.tableFill(table: Int(imm1), start: index(p, 0, wide: wide), value: u64(p, 1),
                                   count: index(p, 2, wide: wide))
        case .tableCopy:
            let destination64 = imm2 & firstTable64 != 0, source64 = imm2 & secondTable64 != 0
            try instance.tableCopy(destinationTable: Int(imm1), sourceTable: Int(UInt32(truncatingIfNeeded: imm2)),
                                   destination: index(p, 0, wide: destination64), source: index(p, 1, wide: source64),
                                   count: index(p, 2, wide: destination64 && source64))
        case .tableInit:
            try instance.tableInit(table: Int(UInt32(truncatingIfNeeded: imm2)), segment: Int(imm1),
                                   destination: index(p, 0, wide: imm2 & firstTable64 != 0),
                                   source: UInt64(u32(p, 1)), count: UInt64(u32(p, 2)))
        case .elemDrop:
            instance.elemDrop(Int(imm1))
        default:
            throw .unreachable
        }
    }
}

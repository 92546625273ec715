import WasmCore
import WasmRuntime

/// Runs one SIMD instruction for code outside the interpreter's loop (the JIT's baseline
/// path): the operands lie in consecutive slots at `operands` (a v128 spans two), and the
/// result goes to the first. It writes the handler's instruction words and calls the
/// handler the interpreter runs, so both tiers share one implementation of every SIMD
/// operation. Memory accesses are always checked explicitly (correct under any strategy).
public enum SIMDRunner {
    /// Per opcode: the handler family (0 when not SIMD) and the byte offsets of the second
    /// and third operands from the first.
    struct Layout {
        var family: UInt16 = 0
        var b: UInt32 = 0
        var c: UInt32 = 0
    }

    static let layouts: [Layout] = {
        var table = [Layout](repeating: Layout(), count: Int(Opcode.allCases.map(\.rawValue).max()!) + 1)
        for (op, family) in Translator.simdFamilies {
            guard let pops = op.info.signature?.pops else { continue }
            var offsets: [UInt32] = [0]
            for p in pops { offsets.append(offsets.last! + (p == .value(.v128) ? 16 : 8)) }
            table[Int(op.rawValue)] = Layout(family: family.rawValue, b: pops.count > 1 ? offsets[1] : 0,
                                             c: pops.count > 2 ? offsets[2] : 0)
        }
        return table
    }()

    /// The bit of a memory instruction's memory index (bit 63 of `imm2`) that marks a
    /// memory64.
    public static var memory64Flag: UInt32 { SIMDExecutor.memory64Flag }

    /// Whether `op` is a SIMD instruction `run` executes (all but `v128.const`, which
    /// needs no code of its own).
    public static func supports(_ op: Opcode) -> Bool {
        op != .v128Const && layouts[Int(op.rawValue)].family != 0
    }

    /// Runs `op`. Immediates: a lane index in `imm1`; for memory instructions the static
    /// offset in `imm1` and the lane | memory index << 32 in `imm2`, with bit 63 set for a
    /// memory64; for `i8x16.shuffle` the 16 lane selectors, little-endian, in `imm1` and
    /// `imm2`.
    public static func run(_ op: Opcode, operands: UnsafeMutableRawPointer, imm1: UInt64, imm2: UInt64,
                           context: UnsafeMutablePointer<InstanceContext>) throws(TrapReason) {
        let layout = layouts[Int(op.rawValue)]
        guard layout.family != 0, let family = IOp(rawValue: layout.family) else { throw .unreachable }
        var failure: TrapReason?
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 12) { buffer in
            let pc = buffer.baseAddress!
            pc[0] = UInt32(family.rawValue)
            pc[1] = UInt32(op.rawValue) | 12 << 16
            pc[2] = 0
            pc[3] = 0
            pc[4] = layout.b
            pc[5] = layout.c
            pc[6] = UInt32(truncatingIfNeeded: imm1)
            pc[7] = UInt32(truncatingIfNeeded: imm1 >> 32)
            pc[8] = UInt32(truncatingIfNeeded: imm2)
            pc[9] = UInt32(truncatingIfNeeded: imm2 >> 32)
            switch family {
            case .v128Lanes: SIMDExecutor.lanes(pc, operands)
            case .v128Int: SIMDExecutor.integer(pc, operands)
            case .v128Float: SIMDExecutor.float(pc, operands)
            case .v128Convert: SIMDExecutor.convert(pc, operands)
            case .v128Relaxed: SIMDExecutor.relaxed(pc, operands)
            case .v128Memory:
                // As the interpreter's translation lays them out: offset (low), lane,
                // memory index | memory64 flag, offset (high).
                pc[7] = UInt32(truncatingIfNeeded: imm2)
                pc[8] = UInt32(truncatingIfNeeded: imm2 >> 32)
                pc[9] = UInt32(truncatingIfNeeded: imm1 >> 32)
                failure = runMemory(pc, operands, context)
            default:
                failure = .unreachable
            }
        }
        if let failure { throw failure }
    }

    static func runMemory(_ pc: UnsafePointer<UInt32>, _ operands: UnsafeMutableRawPointer,
                          _ context: UnsafeMutablePointer<InstanceContext>) -> TrapReason? {
        guard context.pointee.memoryCount > 0 else { return .outOfBoundsMemoryAccess }
        // Memory 0's view; the handler reads any other memory's (and a memory64's) itself.
        let (base, size) = context.pointee.memories[0]._withUnsafeGuaranteedRef { ($0.base, UInt64($0.byteCount)) }
        do {
            try SIMDExecutor.memory(pc, operands, base, size, context, CheckedAddressing.self)
            return nil
        } catch {
            return error
        }
    }
}

import WasmCore
import WasmDecoder
import WasmValidator

extension Translator {
    /// The handler family (and so the `IOp`) of each SIMD opcode; see Executor+SIMD*.swift.
    static let simdFamilies: [Opcode: IOp] = {
        var map: [Opcode: IOp] = [:]
        let conversions = ["extend", "narrow", "convert", "trunc_sat", "demote", "promote", "extmul", "extadd", "dot"]
        for op in Opcode.allCases where op.info.prefix == 0xFD {
            let info = op.info, name = info.name
            let family: IOp
            if info.immediate == .memarg || info.immediate == .memargLane {
                family = .v128Memory
            } else if info.code >= 0x100 {
                family = .v128Relaxed
            } else if conversions.contains(where: { name.contains($0) }) {
                family = .v128Convert
            } else if name.hasPrefix("v128.") || name.contains("lane") || name.contains("splat")
                        || name.contains("shuffle") || name.contains("swizzle") || name.contains("bitmask")
                        || name.contains("all_true") {
                family = .v128Lanes
            } else if name.hasPrefix("f32x4.") || name.hasPrefix("f64x2.") {
                family = .v128Float
            } else {
                family = .v128Int
            }
            map[op] = family
        }
        return map
    }()

    /// Emits a SIMD instruction: `family (opcode | words << 16) dst a b c imm*`. Operands
    /// are popped like any table-typed instruction; the result goes to the home of the
    /// lowest operand (handlers read every operand before writing it).
    mutating func translateSIMD(_ instruction: Instruction, context: some ValidationContext) throws {
        let op = instruction.opcode, info = op.info
        guard let signature = info.signature, let family = Translator.simdFamilies[op] else { throw unsupported(instruction) }
        let height = context.stackHeight
        if op == .v128Const {
            let v = instruction.value, w = instruction.value2
            emitProducer(.const128, home(height), UInt32(truncatingIfNeeded: v), UInt32(truncatingIfNeeded: v >> 32),
                         UInt32(truncatingIfNeeded: w), UInt32(truncatingIfNeeded: w >> 32))
            pushHome(.v128)
            return
        }
        let n = signature.pops.count
        var operands: [UInt32] = [0, 0, 0]
        for i in stride(from: n - 1, through: 0, by: -1) { operands[i] = pop() }
        let start = code.count
        code.append(UInt32(family.rawValue))
        code.append(UInt32(op.rawValue))
        code.append(signature.pushes.isEmpty ? 0 : home(height - n))
        code.append(contentsOf: operands)
        switch info.immediate {
        case .lane:
            code.append(instruction.index)
        case .memarg, .memargLane:
            // offset (low word), lane, memory index | memory64 flag, offset (high word).
            let is64 = context.operandType(n - 1) == .i64
            code.append(UInt32(truncatingIfNeeded: instruction.value))
            code.append(info.immediate == .memargLane ? UInt32(truncatingIfNeeded: instruction.value2) : 0)
            code.append(instruction.index2 | (is64 ? SIMDExecutor.memory64Flag : 0))
            code.append(UInt32(truncatingIfNeeded: instruction.value >> 32))
        case .shuffle:
            for word in [instruction.value, instruction.value >> 32, instruction.value2, instruction.value2 >> 32] {
                code.append(UInt32(truncatingIfNeeded: word))
            }
        default:
            break
        }
        code[start + 1] |= UInt32(code.count - start) << 16
        lastDestination = nil
        if let result = signature.pushes.first {
            lastDestination = start + 2
            pushHome(result == .value(.v128) ? .v128 : .i32)
        }
    }
}

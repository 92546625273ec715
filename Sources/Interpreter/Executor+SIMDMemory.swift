import WasmCore
import WasmRuntime

extension SIMDExecutor {
    /// Set in a memory instruction's memory-index word when the memory is a memory64.
    static let memory64Flag: UInt32 = 1 << 31

    /// v128 loads and stores: `a` is the address slot, `b` the vector (stores, lane
    /// accesses), pc[6] and pc[9] the static offset's low and high words, pc[7] the lane
    /// and pc[8] the memory index with `memory64Flag` (`base`/`size` are memory 0's, cached
    /// by the loop). Accesses of 32-bit addresses go through `Executor.address` of the
    /// loop's addressing (bounds strategy); widths are at most 16 bytes, which each
    /// strategy's reservation argument allows for. A memory64's are checked explicitly,
    /// with the 64-bit sums' overflow, under every strategy.
    @inline(never)  // keeps the scalar dispatch loop small
    static func memory<Addressing: InterpreterAddressing>(
        _ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer,
        _ memory0: UnsafeMutableRawPointer, _ size0: UInt64,
        _ context: UnsafeMutablePointer<InstanceContext>, _: Addressing.Type
    ) throws(TrapReason) {
        let dst = pc[2], b = pc[4], offset = pc[6], lane = Int(pc[7])
        let memory = Int(pc[8] & ~memory64Flag), is64 = pc[8] & memory64Flag != 0
        var base = memory0, size = size0
        if memory != 0 || is64 {
            guard memory < context.pointee.memoryCount else { throw .outOfBoundsMemoryAccess }
            (base, size) = context.pointee.memories[memory]._withUnsafeGuaranteedRef { ($0.base, UInt64($0.byteCount)) }
        }
        @inline(__always) func at(_ width: UInt64) throws(TrapReason) -> UnsafeMutableRawPointer {
            guard is64 else {
                return try Executor<Addressing>.address(base, size, fp.load(fromByteOffset: Int(pc[3]), as: UInt32.self),
                                                        offset, width)
            }
            let address = fp.load(fromByteOffset: Int(pc[3]), as: UInt64.self)
            let (ea, wrapped) = address.addingReportingOverflow(UInt64(offset) | UInt64(pc[9]) << 32)
            guard !wrapped, ea < size, width <= size - ea else { throw .outOfBoundsMemoryAccess }
            return base + Int(ea)
        }
        switch opcode(pc) {
        case .v128Load: fp.setV128(dst, try at(16).loadUnaligned(as: U8x16.self))
        case .v128Store: try at(16).storeBytes(of: fp.v128(b, as: U8x16.self), as: U8x16.self)

        case .v128Load8x8S: fp.setV128(dst, I16x8(truncatingIfNeeded: try at(8).loadUnaligned(as: SIMD8<Int8>.self)))
        case .v128Load8x8U: fp.setV128(dst, U16x8(truncatingIfNeeded: try at(8).loadUnaligned(as: SIMD8<UInt8>.self)))
        case .v128Load16x4S: fp.setV128(dst, I32x4(truncatingIfNeeded: try at(8).loadUnaligned(as: SIMD4<Int16>.self)))
        case .v128Load16x4U: fp.setV128(dst, U32x4(truncatingIfNeeded: try at(8).loadUnaligned(as: SIMD4<UInt16>.self)))
        case .v128Load32x2S: fp.setV128(dst, I64x2(truncatingIfNeeded: try at(8).loadUnaligned(as: SIMD2<Int32>.self)))
        case .v128Load32x2U: fp.setV128(dst, U64x2(truncatingIfNeeded: try at(8).loadUnaligned(as: SIMD2<UInt32>.self)))

        case .v128Load8Splat: fp.setV128(dst, U8x16(repeating: try at(1).load(as: UInt8.self)))
        case .v128Load16Splat: fp.setV128(dst, U16x8(repeating: try at(2).loadUnaligned(as: UInt16.self)))
        case .v128Load32Splat: fp.setV128(dst, U32x4(repeating: try at(4).loadUnaligned(as: UInt32.self)))
        case .v128Load64Splat: fp.setV128(dst, U64x2(repeating: try at(8).loadUnaligned(as: UInt64.self)))
        case .v128Load32Zero: fp.setV128(dst, U32x4(try at(4).loadUnaligned(as: UInt32.self), 0, 0, 0))
        case .v128Load64Zero: fp.setV128(dst, U64x2(try at(8).loadUnaligned(as: UInt64.self), 0))

        case .v128Load8Lane:
            var v = fp.v128(b, as: U8x16.self)
            v[lane] = try at(1).load(as: UInt8.self)
            fp.setV128(dst, v)
        case .v128Load16Lane:
            var v = fp.v128(b, as: U16x8.self)
            v[lane] = try at(2).loadUnaligned(as: UInt16.self)
            fp.setV128(dst, v)
        case .v128Load32Lane:
            var v = fp.v128(b, as: U32x4.self)
            v[lane] = try at(4).loadUnaligned(as: UInt32.self)
            fp.setV128(dst, v)
        case .v128Load64Lane:
            var v = fp.v128(b, as: U64x2.self)
            v[lane] = try at(8).loadUnaligned(as: UInt64.self)
            fp.setV128(dst, v)
        case .v128Store8Lane: try at(1).storeBytes(of: fp.v128(b, as: U8x16.self)[lane], as: UInt8.self)
        case .v128Store16Lane: try at(2).storeBytes(of: fp.v128(b, as: U16x8.self)[lane], as: UInt16.self)
        case .v128Store32Lane: try at(4).storeBytes(of: fp.v128(b, as: U32x4.self)[lane], as: UInt32.self)
        case .v128Store64Lane: try at(8).storeBytes(of: fp.v128(b, as: U64x2.self)[lane], as: UInt64.self)
        default:
            preconditionFailure("not a v128 memory instruction")
        }
    }
}

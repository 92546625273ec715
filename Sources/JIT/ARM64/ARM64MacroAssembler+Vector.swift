import WasmCore

// SIMD on AArch64: v128 values stay in their homes and every operation but the lane
// accesses runs in `SIMDRunner` (NEON forms would be the inline ones; under emulation
// they would show only in instruction counts).
extension ARM64MacroAssembler {
    func inlinesVector(_ op: Opcode) -> Bool { false }

    mutating func copyVectorSlot(_ dst: Int32, from src: Int32) {
        guard dst != src else { return }
        // Both halves are read before either is written: the ranges may overlap.
        loadSlot(ARM64Regs.scratch, src)
        loadSlot(ARM64Regs.scratch2, src + 8)
        storeSlot(dst, register: ARM64Regs.scratch)
        storeSlot(dst + 8, register: ARM64Regs.scratch2)
    }

    mutating func vectorConstant(_ dst: Int32, low: UInt64, high: UInt64) {
        storeSlot(dst, .imm(Int64(bitPattern: low)))
        storeSlot(dst + 8, .imm(Int64(bitPattern: high)))
    }

    static var keepsVectorsInRegisters: Bool { false }
    mutating func loadVector(_ dst: FPR, slot: Int32) { notInline(.v128Load) }
    mutating func storeVector(slot: Int32, _ src: FPR) { notInline(.v128Store) }
    mutating func vectorConstant(_ dst: FPR, low: UInt64, high: UInt64) { notInline(.v128Const) }
    mutating func vectorSplat(_ op: Opcode, dst: FPR, value: GPR) { notInline(op) }
    mutating func vectorBinary(_ op: Opcode, dst: FPR, lhs: FPR, rhs: FPR) { notInline(op) }
    mutating func vectorUnary(_ op: Opcode, dst: FPR, src: FPR) { notInline(op) }
    mutating func vectorShift(_ op: Opcode, dst: FPR, count: GPR) { notInline(op) }
    mutating func vectorLoad(_ access: MemoryAccess, dst: FPR, address: GPR, offset: UInt64) { notInline(.v128Load) }
    mutating func vectorStore(_ access: MemoryAccess, address: GPR, offset: UInt64, src: FPR) { notInline(.v128Store) }

    private func notInline(_ op: Opcode) -> Never {
        preconditionFailure("\(op.name) is not inline on AArch64 (inlinesVector is false)")
    }
}

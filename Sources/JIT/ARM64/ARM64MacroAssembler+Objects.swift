import Assembler

// Fields of GC objects, as on x86-64 (X64MacroAssembler+Objects.swift).
extension ARM64MacroAssembler {
    mutating func loadField(_ dst: GPR, base: GPR, offset: Int32, bytes: Int, signed: Bool) {
        let kind: ARM64Load = switch (bytes, signed) {
        case (1, true): .ldrsbW
        case (1, false): .ldrb
        case (2, true): .ldrshW
        case (2, false): .ldrh
        case (4, _): .ldrW
        default: .ldrX
        }
        a.load(dst, base: base, offset: Int64(offset), kind, scratch: ARM64Regs.scratch)
    }

    mutating func storeField(base: GPR, offset: Int32, bytes: Int, _ src: GPR) {
        let kind: ARM64Store = switch bytes {
        case 1: .strb
        case 2: .strh
        case 4: .strW
        default: .strX
        }
        a.store(src, base: base, offset: Int64(offset), kind, scratch: ARM64Regs.scratch)
    }
}

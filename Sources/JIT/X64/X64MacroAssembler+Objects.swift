import Assembler

// Fields of GC objects: plain loads and stores at a fixed offset from the object's
// address (the compiler checks null and array bounds before).
extension X64MacroAssembler {
    mutating func loadField(_ dst: GPR, base: GPR, offset: Int32, bytes: Int, signed: Bool) {
        let m = mem(base, offset)
        switch (bytes, signed) {
        case (1, true): a.loadSigned(dst, m, .b8, to64: false)
        case (1, false): a.load(dst, m, .b8)
        case (2, true): a.loadSigned(dst, m, .b16, to64: false)
        case (2, false): a.load(dst, m, .b16)
        case (4, _): a.load(dst, m, .b32)
        default: a.load(dst, m, .b64)
        }
    }

    mutating func storeField(base: GPR, offset: Int32, bytes: Int, _ src: GPR) {
        let width: X64Width = switch bytes {
        case 1: .b8
        case 2: .b16
        case 4: .b32
        default: .b64
        }
        a.store(mem(base, offset), src, width)
    }
}

import Assembler

/// The call-frame rules of x86-64 code (System V psABI register numbers): what compiled
/// functions, the JIT's entry trampoline and `TrapGuard`'s entry stub describe.
extension CallFrameInfo {
    /// The return address's column.
    private static let x64ReturnAddress: UInt8 = 16

    /// A section whose CIE holds the rules at any x86-64 function's first instruction:
    /// the CFA is rsp + 8, the return address just below it.
    public static func x64(_ format: Format = .debugFrame) -> CallFrameInfo {
        CallFrameInfo(initial: [.cfa(register: X64Register.rsp.dwarfNumber, offset: 8), .saved(register: x64ReturnAddress, offset: -8)],
                      returnAddressColumn: x64ReturnAddress, dataAlignment: -8, format: format)
    }

    /// The rules after a `push` of `register` that brings the CFA to rsp + `depth`.
    public static func x64Push(_ register: X64Register, depth: Int) -> [Rule] {
        [.cfaOffset(depth), .saved(register: register.dwarfNumber, offset: -depth)]
    }

    /// ELF's machine number for x86-64.
    public static let x64ELFMachine: UInt16 = 62
}

extension X64Register {
    /// DWARF's number for this register.
    public var dwarfNumber: UInt8 {
        switch self {
        case .rax: 0
        case .rdx: 1
        case .rcx: 2
        case .rbx: 3
        case .rsi: 4
        case .rdi: 5
        case .rbp: 6
        case .rsp: 7
        default: rawValue
        }
    }
}

extension X64Assembler {
    /// Pushes `registers` at the first instruction of a stub (the CFA at rsp + 8), then
    /// moves rsp down by `padding` bytes; the call-frame rule changes, at offsets from
    /// where the pushes start.
    public mutating func pushFrame(saving registers: [X64Register], padding: Int32) -> [(offset: Int, rule: CallFrameInfo.Rule)] {
        let start = offset
        var changes: [(offset: Int, rule: CallFrameInfo.Rule)] = []
        for (k, register) in registers.enumerated() {
            push(register)
            changes += CallFrameInfo.x64Push(register, depth: 16 + 8 * k).map { (offset - start, $0) }
        }
        sub(.rsp, imm: padding)
        changes.append((offset - start, .cfaOffset(8 + 8 * registers.count + Int(padding))))
        return changes
    }
}

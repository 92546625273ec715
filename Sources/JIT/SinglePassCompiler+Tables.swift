import WasmCore

// Opcode tables of the compiler: which instructions map to which macro operation.
let _binaryOps: [Opcode: SinglePassCompilerBinary] = {
    var t: [Opcode: SinglePassCompilerBinary] = [:]
    let ints: [(Opcode, Opcode, IntBinaryOp)] = [
        (.i32Add, .i64Add, .add), (.i32Sub, .i64Sub, .sub), (.i32Mul, .i64Mul, .mul),
        (.i32And, .i64And, .and), (.i32Or, .i64Or, .or), (.i32Xor, .i64Xor, .xor),
        (.i32Shl, .i64Shl, .shl), (.i32ShrS, .i64ShrS, .shrS), (.i32ShrU, .i64ShrU, .shrU),
        (.i32Rotl, .i64Rotl, .rotl), (.i32Rotr, .i64Rotr, .rotr),
        (.i32DivS, .i64DivS, .divS), (.i32DivU, .i64DivU, .divU), (.i32RemS, .i64RemS, .remS), (.i32RemU, .i64RemU, .remU),
    ]
    for (a, b, op) in ints {
        t[a] = .int(op, false)
        t[b] = .int(op, true)
    }
    let compares: [(Opcode, Opcode, IntCompareOp)] = [
        (.i32Eq, .i64Eq, .eq), (.i32Ne, .i64Ne, .ne), (.i32LtS, .i64LtS, .ltS), (.i32LtU, .i64LtU, .ltU),
        (.i32GtS, .i64GtS, .gtS), (.i32GtU, .i64GtU, .gtU), (.i32LeS, .i64LeS, .leS), (.i32LeU, .i64LeU, .leU),
        (.i32GeS, .i64GeS, .geS), (.i32GeU, .i64GeU, .geU),
    ]
    for (a, b, op) in compares {
        t[a] = .compare(op, false)
        t[b] = .compare(op, true)
    }
    return t
}()

enum SinglePassCompilerBinary {
    case int(IntBinaryOp, Bool)
    case compare(IntCompareOp, Bool)
}

let _loads: [Opcode: MemoryAccess] = [
    .i32Load: MemoryAccess(bytes: 4), .i64Load: MemoryAccess(bytes: 8, to64: true),
    .f32Load: MemoryAccess(bytes: 4, float: true), .f64Load: MemoryAccess(bytes: 8, to64: true, float: true),
    .i32Load8S: MemoryAccess(bytes: 1, signed: true), .i32Load8U: MemoryAccess(bytes: 1),
    .i32Load16S: MemoryAccess(bytes: 2, signed: true), .i32Load16U: MemoryAccess(bytes: 2),
    .i64Load8S: MemoryAccess(bytes: 1, signed: true, to64: true), .i64Load8U: MemoryAccess(bytes: 1, to64: true),
    .i64Load16S: MemoryAccess(bytes: 2, signed: true, to64: true), .i64Load16U: MemoryAccess(bytes: 2, to64: true),
    .i64Load32S: MemoryAccess(bytes: 4, signed: true, to64: true), .i64Load32U: MemoryAccess(bytes: 4, to64: true),
]

let _stores: [Opcode: MemoryAccess] = [
    .i32Store: MemoryAccess(bytes: 4), .i64Store: MemoryAccess(bytes: 8),
    .f32Store: MemoryAccess(bytes: 4), .f64Store: MemoryAccess(bytes: 8),
    .i32Store8: MemoryAccess(bytes: 1), .i32Store16: MemoryAccess(bytes: 2),
    .i64Store8: MemoryAccess(bytes: 1), .i64Store16: MemoryAccess(bytes: 2), .i64Store32: MemoryAccess(bytes: 4),
]

/// The tables above indexed by opcode (array lookups in the hot path instead of hashing),
/// plus which index space an instruction addresses (1 = memory, 2 = table).
struct OpcodeTables {
    let binary: [SinglePassCompilerBinary?]
    let load: [MemoryAccess?]
    let store: [MemoryAccess?]
    let addressKind: [UInt8]

    static let shared = OpcodeTables()

    private init() {
        let count = Opcode.allCases.count
        var binary = [SinglePassCompilerBinary?](repeating: nil, count: count)
        var load = [MemoryAccess?](repeating: nil, count: count)
        var store = [MemoryAccess?](repeating: nil, count: count)
        var addressKind = [UInt8](repeating: 0, count: count)
        for op in Opcode.allCases {
            let i = Int(op.rawValue)
            binary[i] = _binaryOps[op]
            load[i] = _loads[op]
            store[i] = _stores[op]
            switch op.info.immediate {
            case .memarg, .memory, .dataMemory, .memoryMemory: addressKind[i] = 1
            case .table, .elemTable, .tableTable, .callIndirect: addressKind[i] = 2
            default: break
            }
        }
        self.binary = binary
        self.load = load
        self.store = store
        self.addressKind = addressKind
    }
}

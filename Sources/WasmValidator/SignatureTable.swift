import WasmCore

/// The instruction table's `OpcodeSignature`s in a flat form the validator can check
/// without retaining arrays per instruction. Operand codes: 0 is the memory's address
/// type, `n > 0` is `SignatureTable.types[n - 1]`.
@usableFromInline
struct CompactSignature: Sendable {
    var popCount: UInt8
    var pops: (UInt8, UInt8, UInt8, UInt8)
    var pushCount: UInt8
    var pushes: (UInt8, UInt8)
    /// The opcode has immediates to check (`checkImmediates`); read here, the opcode's
    /// `immediateKind` (an out-of-line switch) is not needed per instruction.
    var hasImmediates = false

    func pop(_ i: Int) -> UInt8 {
        switch i {
        case 0: pops.0
        case 1: pops.1
        case 2: pops.2
        default: pops.3
        }
    }

    func push(_ i: Int) -> UInt8 { i == 0 ? pushes.0 : pushes.1 }
}

enum SignatureTable {
    static let types: [ValueType] = [.i32, .i64, .f32, .f64, .v128, .funcRef, .externRef, .exnRef]

    /// Per opcode raw value: the compact signature, nil for hand-typed instructions.
    static let entries: [CompactSignature?] = Opcode.allCases.map { op in
        guard let signature = op.info.signature, var entry = compact(signature) else { return nil }
        entry.hasImmediates = op.immediateKind != .none
        return entry
    }

    /// Per opcode raw value: signatures too large for the compact form (none today).
    static let overflow: [OpcodeSignature?] = Opcode.allCases.map { op in
        guard let signature = op.info.signature, compact(signature) == nil else { return nil }
        return signature
    }

    private static func code(_ operand: OperandType) -> UInt8? {
        switch operand {
        case .address: return 0
        case .value(let t):
            guard let i = types.firstIndex(of: t) else { return nil }
            return UInt8(i + 1)
        }
    }

    private static func compact(_ s: OpcodeSignature) -> CompactSignature? {
        guard s.pops.count <= 4, s.pushes.count <= 2 else { return nil }
        var pops: [UInt8] = []
        for p in s.pops {
            guard let c = code(p) else { return nil }
            pops.append(c)
        }
        var pushes: [UInt8] = []
        for p in s.pushes {
            guard let c = code(p) else { return nil }
            pushes.append(c)
        }
        pops += [0, 0, 0, 0]
        pushes += [0, 0]
        return CompactSignature(
            popCount: UInt8(s.pops.count), pops: (pops[0], pops[1], pops[2], pops[3]),
            pushCount: UInt8(s.pushes.count), pushes: (pushes[0], pushes[1]))
    }

    /// A switch rather than `types[code - 1]`: no lazily initialised global per operand.
    @inline(__always)
    static func type(_ code: UInt8, address: ValueType) -> ValueType {
        switch code {
        case 0: address
        case 1: .i32
        case 2: .i64
        case 3: .f32
        case 4: .f64
        case 5: .v128
        case 6: .funcRef
        case 7: .externRef
        default: .exnRef
        }
    }

    /// `type(_:address:)` as a `TypeCode`: codes 1...5 are the numeric types' raw codes.
    @inline(__always)
    static func typeCode(_ code: UInt8, address: TypeCode) -> TypeCode {
        switch code {
        case 0: address
        case 1...5: TypeCode(raw: UInt64(code))
        case 6: .funcRef
        case 7: .externRef
        default: .exnRef
        }
    }

    static func type(_ operand: OperandType, address: ValueType) -> ValueType {
        switch operand {
        case .address: address
        case .value(let t): t
        }
    }
}

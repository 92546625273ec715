import WasmCore

/// What `InstructionReader` needs to know about an instruction's first byte, in one load.
///
/// `Opcode.singleByte` and `Opcode.immediateKind` are switches over a few hundred cases;
/// the optimiser keeps them as out-of-line calls in the reader's loop (two calls per
/// instruction). One row per byte answers both.
@usableFromInline
struct OpcodeByteEntry: Sendable {
    @usableFromInline var opcode: Opcode
    @usableFromInline var immediate: ImmediateKind
    /// A one-byte opcode of the core set, decoded without further checks. False for the
    /// prefix bytes, unassigned bytes and the opcodes of optional proposals: those take
    /// `readOpcode()`, which reports the errors and checks the features.
    @usableFromInline var isPlain: Bool
}

/// The 256 rows, built once from the generated opcode table and never freed or changed
/// afterwards (hence safe to share between threads). Readers keep the pointer: reading a
/// global per instruction would go through its lazy initialiser.
@usableFromInline
struct OpcodeByteTable: @unchecked Sendable {
    @usableFromInline let rows: UnsafePointer<OpcodeByteEntry>

    @usableFromInline static let shared = OpcodeByteTable()

    private init() {
        let rows = UnsafeMutablePointer<OpcodeByteEntry>.allocate(capacity: 256)
        for byte in 0..<256 {
            let entry: OpcodeByteEntry
            if let op = Opcode.singleByte(UInt8(byte)) {
                entry = OpcodeByteEntry(opcode: op, immediate: op.immediateKind,
                                        isPlain: !InstructionReader.mayNeedFeature(op))
            } else {
                entry = OpcodeByteEntry(opcode: .unreachable, immediate: .none, isPlain: false)
            }
            (rows + byte).initialize(to: entry)
        }
        self.rows = UnsafePointer(rows)
    }

    @inline(__always) subscript(byte: UInt8) -> OpcodeByteEntry { rows[Int(byte)] }
}

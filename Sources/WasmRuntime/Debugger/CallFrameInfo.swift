import WasmCore

/// DWARF call-frame information for compiled code: one CIE with the rules at a function's
/// first instruction, then an FDE per code range with the rule changes after it, in
/// either form: `.debug_frame` (DWARF 4 §6.4), which debuggers read from a symbol file,
/// or `.eh_frame` (the LSB's), which unwinders read from memory. The rules themselves are
/// the ISA's (`CallFrameInfo.x64`).
public struct CallFrameInfo {
    /// The section's form.
    public enum Format: Sendable {
        case debugFrame, ehFrame
    }

    /// A rule change at a code offset from the start of a range.
    public enum Rule: Sendable {
        /// The CFA is `register` plus `offset`.
        case cfa(register: UInt8, offset: Int)
        /// The CFA's register stays, its offset becomes `offset`.
        case cfaOffset(Int)
        /// `register` is saved at the CFA plus `offset` (negative: below it).
        case saved(register: UInt8, offset: Int)
    }

    /// The rules at a range's first byte, for the CIE.
    public let initial: [Rule]
    /// The register that holds the return address (a column, not a machine register).
    public let returnAddressColumn: UInt8
    /// The factor saved-register offsets are divided by (the stack slot size).
    public let dataAlignment: Int
    /// Which of the two forms the section takes.
    public let format: Format
    /// The section's bytes so far.
    public private(set) var bytes: [UInt8] = []
    /// Where each FDE starts in `bytes`, in the order added.
    public private(set) var entryOffsets: [Int] = []

    /// A section with the CIE of `initial` rules.
    public init(initial: [Rule], returnAddressColumn: UInt8, dataAlignment: Int, format: Format = .debugFrame) {
        self.initial = initial
        self.returnAddressColumn = returnAddressColumn
        self.dataAlignment = dataAlignment
        self.format = format
        var body: [UInt8] = []
        switch format {
        case .debugFrame:
            body.appendLittleEndian(UInt32.max) // CIE id
            body.append(4)                      // version
            body.append(0)                      // no augmentation
            body.append(8)                      // address size
            body.append(0)                      // segment selector size
        case .ehFrame:
            body.appendLittleEndian(UInt32(0))  // CIE id
            body.append(1)                      // version
            body += Array("zR".utf8) + [0]      // augmentation data follows; pointer encoding
        }
        body.appendULEB(1)                      // code alignment
        body.appendSLEB(Int64(dataAlignment))
        body.appendULEB(UInt64(returnAddressColumn))
        if format == .ehFrame {
            body.appendULEB(1)                  // augmentation data: 1 byte,
            body.append(0)                      // DW_EH_PE_absptr (8-byte addresses)
        }
        for rule in initial { Self.encode(rule, dataAlignment: dataAlignment, to: &body) }
        appendEntry(body)
    }

    /// Rule changes encoded once, for the many ranges that share them.
    public struct Program: Sendable {
        fileprivate let bytes: [UInt8]
    }

    /// `changes` (offset, rule) in ascending offsets, encoded for this section.
    public func program(_ changes: [(offset: Int, rule: Rule)]) -> Program {
        var out: [UInt8] = []
        var at = 0
        for (offset, rule) in changes {
            Self.advance(by: offset - at, to: &out)
            at = offset
            Self.encode(rule, dataAlignment: dataAlignment, to: &out)
        }
        return Program(bytes: out)
    }

    /// Adds an FDE for the `length` bytes at `address`, with `changes` (offset, rule) in
    /// ascending offsets.
    public mutating func addRange(address: UInt, length: Int, changes: [(offset: Int, rule: Rule)]) {
        addRange(address: address, length: length, program: program(changes))
    }

    /// Adds an FDE for the `length` bytes at `address` whose rules change by `program`.
    public mutating func addRange(address: UInt, length: Int, program: Program) {
        // CIE pointer, address and length, (no augmentation data), the program, no-ops to
        // 8 bytes.
        let body = 4 + 8 + 8 + (format == .ehFrame ? 1 : 0) + program.bytes.count
        let padded = (body + 4 + 7) / 8 * 8 - 4
        entryOffsets.append(bytes.count)
        bytes.appendLittleEndian(UInt32(padded))
        // The CIE, at offset 0: .debug_frame gives its offset, .eh_frame the distance back.
        bytes.appendLittleEndian(UInt32(format == .debugFrame ? 0 : bytes.count))
        bytes.appendLittleEndian(UInt64(address))
        bytes.appendLittleEndian(UInt64(length))
        if format == .ehFrame { bytes.append(0) }
        bytes.append(contentsOf: program.bytes)
        bytes.append(contentsOf: repeatElement(0, count: padded - body))  // DW_CFA_nop
    }

    /// Makes room for `count` more ranges of `program`.
    public mutating func reserve(ranges count: Int, program: Program) {
        bytes.reserveCapacity(bytes.count + count * (24 + program.bytes.count + 8))
    }

    /// `body` with its length in front, padded with no-ops to 8 bytes.
    private mutating func appendEntry(_ body: [UInt8]) {
        var body = body
        while (body.count + 4) % 8 != 0 { body.append(0) }  // DW_CFA_nop
        bytes.appendLittleEndian(UInt32(body.count))
        bytes += body
    }

    private static func encode(_ rule: Rule, dataAlignment: Int, to out: inout [UInt8]) {
        switch rule {
        case .cfa(let register, let offset):
            out.append(0x0c)                    // DW_CFA_def_cfa
            out.appendULEB(UInt64(register))
            out.appendULEB(UInt64(offset))
        case .cfaOffset(let offset):
            out.append(0x0e)                    // DW_CFA_def_cfa_offset
            out.appendULEB(UInt64(offset))
        case .saved(let register, let offset):
            // DW_CFA_offset_extended_sf: any register, a signed factored offset.
            out.append(0x11)
            out.appendULEB(UInt64(register))
            out.appendSLEB(Int64(offset / dataAlignment))
        }
    }

    private static func advance(by delta: Int, to out: inout [UInt8]) {
        guard delta > 0 else { return }
        if delta < 0x40 {
            out.append(0x40 | UInt8(delta))     // DW_CFA_advance_loc
        } else if delta <= 0xFF {
            out += [0x02, UInt8(delta)]         // DW_CFA_advance_loc1
        } else if delta <= 0xFFFF {
            out.append(0x03)                    // DW_CFA_advance_loc2
            out.appendLittleEndian(UInt16(delta))
        } else {
            out.append(0x04)                    // DW_CFA_advance_loc4
            out.appendLittleEndian(UInt32(delta))
        }
    }
}

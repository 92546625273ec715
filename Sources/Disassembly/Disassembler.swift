import CCapstone

/// An instruction set the disassembler reads.
public enum DisassemblyArchitecture: String, Sendable, CaseIterable {
    case x86_64
    case aarch64

    /// The architecture of the machine running this code.
    public static var host: DisassemblyArchitecture {
        #if arch(arm64)
        .aarch64
        #else
        .x86_64
        #endif
    }
}

/// One decoded machine instruction.
public struct DisassembledInstruction: Sendable, Equatable, CustomStringConvertible {
    /// Address of the instruction (the buffer's start address plus its offset).
    public var address: UInt64
    /// The instruction's bytes.
    public var bytes: [UInt8]
    /// e.g. "mov".
    public var mnemonic: String
    /// e.g. "rax, qword ptr [rdi + 8]".
    public var operands: String

    /// `mnemonic operands`.
    public var text: String { operands.isEmpty ? mnemonic : "\(mnemonic) \(operands)" }

    /// `address: bytes  mnemonic operands`, objdump style.
    public var description: String {
        let hex = bytes.map { byte in
            let digits = "0123456789abcdef".utf8.map { Character(UnicodeScalar($0)) }
            return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
        }.joined(separator: " ")
        var address = String(self.address, radix: 16)
        if address.count < 8 { address = String(repeating: "0", count: 8 - address.count) + address }
        let padded = hex.count < 30 ? hex + String(repeating: " ", count: 30 - hex.count) : hex
        return "\(address): \(padded) \(text)"
    }
}

/// Why a disassembler could not be created.
public struct DisassemblyError: Error, CustomStringConvertible {
    /// What failed (capstone missing, an unsupported architecture).
    public var description: String
}

/// x86-64 and AArch64 disassembly of byte buffers (capstone), for tools, tests and
/// teaching. Not thread-safe: use one disassembler per thread.
public final class Disassembler {
    /// The instruction set this disassembler decodes.
    public let architecture: DisassemblyArchitecture
    private var handle: csh = 0
    private let capstone: CapstoneLibrary

    /// - Parameter attSyntax: AT&T operand order for x86-64 (default: Intel).
    public init(architecture: DisassemblyArchitecture, attSyntax: Bool = false) throws(DisassemblyError) {
        self.architecture = architecture
        capstone = try CapstoneLibrary.shared.get()
        let status: cs_err
        switch architecture {
        case .x86_64: status = capstone.open(CS_ARCH_X86, CS_MODE_64, &handle)
        case .aarch64: status = capstone.open(CS_ARCH_ARM64, CS_MODE_ARM, &handle)
        }
        guard status == CS_ERR_OK else {
            throw DisassemblyError(description: "capstone cannot open \(architecture.rawValue): \(capstone.strerror(status).map { String(cString: $0) } ?? "error \(status.rawValue)")")
        }
        if attSyntax && architecture == .x86_64 {
            _ = capstone.option(handle, CS_OPT_SYNTAX, Int(CS_OPT_SYNTAX_ATT.rawValue))
        }
    }

    deinit { _ = capstone.close(&handle) }

    /// Decodes `bytes` as if loaded at `address`. Stops at the first byte sequence that
    /// is not an instruction; the rest is not returned.
    public func disassemble(_ bytes: some Collection<UInt8>, address: UInt64 = 0) -> [DisassembledInstruction] {
        let buffer = Array(bytes)
        var decoded: UnsafeMutablePointer<cs_insn>?
        let count = buffer.withUnsafeBufferPointer { code in
            capstone.disasm(handle, code.baseAddress, code.count, address, 0, &decoded)
        }
        guard count > 0, let decoded else { return [] }
        defer { capstone.free(decoded, count) }
        var result: [DisassembledInstruction] = []
        result.reserveCapacity(count)
        for i in 0 ..< count {
            var insn = decoded[i]
            let size = Int(insn.size)
            let raw = withUnsafeBytes(of: &insn.bytes) { Array($0.prefix(size)) }
            let mnemonic = withUnsafeBytes(of: &insn.mnemonic) { Self.string($0) }
            let operands = withUnsafeBytes(of: &insn.op_str) { Self.string($0) }
            result.append(DisassembledInstruction(address: insn.address, bytes: raw, mnemonic: mnemonic, operands: operands))
        }
        return result
    }

    /// A NUL-terminated C string inside a fixed-size array.
    private static func string(_ raw: UnsafeRawBufferPointer) -> String {
        let end = raw.firstIndex(of: 0) ?? raw.count
        return String(decoding: raw[..<end], as: UTF8.self)
    }
}

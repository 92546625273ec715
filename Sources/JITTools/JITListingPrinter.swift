import Disassembly
import JIT
import WasmCore
import WasmDecoder
import WasmRuntime

/// Prints compiled functions as machine code interleaved with the Wasm instructions that
/// produced it (`wasmlab disasm`, the golden-disassembly tests). Needs code compiled with
/// `recordListing: true`.
///
/// ```
///  function 1 <add>: (i32, i32) -> (i32), 36 bytes
///    prologue:
///      0000  push r14
///      ...
///    local.get 0                 <- no code: the value stays in the abstract stack
///    local.get 1
///    i32.add
///      002a  mov esi, dword ptr [r15]
///      ...
///    trap stubs:
///      0034  call <trap stub: call stack exhausted>
/// ```
/// Output is deterministic: offsets are relative to the function's entry, branch targets
/// inside the function are such offsets, calls name their target (a function, a module
/// stub), and process-dependent immediates (helper addresses, registry ids) print as the
/// names the compiler noted for them.
public struct JITListingPrinter {
    /// The code was compiled without `recordListing`.
    public struct ListingMissing: Error, CustomStringConvertible {
        /// Why there is no listing.
        public var description: String { "the module was compiled without recordListing" }
    }

    let module: Module
    let code: JITCode
    let listing: JITListing
    let disassembler: Disassembler
    let bytes: [UInt8]
    /// Module code offset -> name, for call and jump targets outside the function.
    let targets: [Int: String]
    let notes: [Int: JITListing.Note]
    /// Module code offset -> how that instruction isolates a memory access.
    let isolation: [Int: JITListing.IsolationSite.Kind]

    /// A printer for `code`, which must have been compiled with `recordListing: true`.
    public init(module: Module, code: JITCode, disassembler: Disassembler) throws(ListingMissing) {
        guard let listing = code.listing else { throw ListingMissing() }
        self.module = module
        self.code = code
        self.listing = listing
        self.disassembler = disassembler
        bytes = code.codeBytes
        var targets: [Int: String] = [:]
        for i in module.functions.indices {
            targets[code.codeRange(definedIndex: i).lowerBound] = Self.name(module, code.importCount + i)
        }
        for event in listing.module {
            if case .label(let text) = event.mark { targets[event.codeOffset] = text }
        }
        self.targets = targets
        notes = Dictionary(listing.notes.map { ($0.codeOffset, $0) }, uniquingKeysWith: { a, _ in a })
        isolation = Dictionary(listing.isolation.map { ($0.codeOffset, $0.kind) }, uniquingKeysWith: { a, _ in a })
    }

    static func name(_ module: Module, _ index: Int) -> String { Instance.functionName(module, UInt32(index)) }

    /// One line of a function's listing.
    public enum Row: Equatable, Sendable {
        /// "function 1 <add>: (i32, i32) -> (i32), 36 bytes".
        case header(String)
        /// A Wasm instruction, nested `depth` blocks deep.
        case wasm(String, depth: Int)
        /// Code that belongs to no instruction: "prologue", "epilogue", "trap stubs", ...
        case section(String)
        /// A machine instruction at `offset` from the function's entry; `isolation` says
        /// when it keeps a memory access in bounds.
        case machine(offset: Int, text: String, isolation: JITListing.IsolationSite.Kind?)
    }

    /// The listing of function `index` (imports count; must be a defined function).
    public func function(_ index: Int) -> String {
        rows(ofFunction: index).map { row in
            switch row {
            case .header(let text): text
            case .wasm(let text, let depth): "  " + String(repeating: "  ", count: depth) + text
            case .section(let title): "  \(title):"
            case .machine(let offset, let text, _): "    " + Self.hex4(offset) + "  " + text
            }
        }.joined(separator: "\n")
    }

    /// The rows of function `index` (imports count; must be a defined function).
    public func rows(ofFunction index: Int) -> [Row] {
        let defined = index - code.importCount
        let range = code.codeRange(definedIndex: defined)
        var rows: [Row] = []
        let typeIndex = Int(module.functions[defined])
        let type = typeIndex < module.types.count ? Self.signature(module.functionType(UInt32(typeIndex))) : "?"
        let how = code.isInterpreted(definedIndex: defined) ? ", runs in the interpreter" : ""
        rows.append(.header("function \(index) <\(Self.name(module, index))>: \(type), \(range.count) bytes\(how)"))
        var texts: [Int: Instruction] = [:]
        var reader = InstructionReader(module: module, body: module.codes[defined])
        while let (instruction, offset) = try? reader.read() { texts[offset] = instruction }
        let events = defined < listing.functions.count ? listing.functions[defined] : []
        var depth = 0
        for (k, event) in events.enumerated() {
            let end = k + 1 < events.count ? events[k + 1].codeOffset : range.upperBound
            let section = event.codeOffset ..< max(end, event.codeOffset)
            switch event.mark {
            case .instruction(let offset):
                guard let instruction = texts[offset] else { continue }
                if instruction.opcode == .end || instruction.opcode == .else { depth = max(depth - 1, 0) }
                rows.append(.wasm(describe(instruction), depth: depth))
                switch instruction.opcode {
                case .block, .loop, .if, .else, .tryTable: depth += 1
                default: break
                }
            case .prologue: rows.append(.section("prologue"))
            case .epilogue: rows.append(.section("epilogue"))
            case .trapStubs: if section.isEmpty { continue } else { rows.append(.section("trap stubs")) }
            case .interpreterShim: rows.append(.section("interpreter shim"))
            case .label(let text): rows.append(.section(text))
            }
            rows += machine(section, functionStart: range.lowerBound)
        }
        return rows
    }

    /// The module-level stubs and trap exit after the functions.
    public func moduleStubs() -> String {
        var lines = ["module stubs: \(bytes.count - code.moduleStubsOffset) bytes"]
        for (k, event) in listing.module.enumerated() {
            guard case .label(let text) = event.mark else { continue }
            let end = k + 1 < listing.module.count ? listing.module[k + 1].codeOffset : bytes.count
            lines.append("  \(text):")
            for case .machine(let offset, let text, _) in machine(event.codeOffset ..< max(end, event.codeOffset),
                                                                  functionStart: code.moduleStubsOffset) {
                lines.append("    " + Self.hex4(offset) + "  " + text)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The Wasm instruction, with the callee's name for direct calls.
    func describe(_ instruction: Instruction) -> String {
        if instruction.opcode == .call || instruction.opcode == .returnCall {
            return instruction.text + " <\(Self.name(module, Int(instruction.index)))>"
        }
        return instruction.text
    }

    /// Disassembly of the module code in `range`, offsets relative to `functionStart`.
    func machine(_ range: Range<Int>, functionStart: Int) -> [Row] {
        guard !range.isEmpty, range.upperBound <= bytes.count else { return [] }
        var rows: [Row] = []
        var decodedEnd = range.lowerBound
        for insn in disassembler.disassemble(bytes[range], address: UInt64(range.lowerBound)) {
            let at = Int(insn.address)
            decodedEnd = at + insn.bytes.count
            rows.append(.machine(offset: at - functionStart, text: symbolise(insn, at: at, functionStart: functionStart),
                                 isolation: isolation[at]))
        }
        if decodedEnd < range.upperBound {
            // Data (jump tables) or bytes capstone does not decode.
            let rest = bytes[decodedEnd ..< range.upperBound].map { Self.hex($0) }.joined(separator: " ")
            rows.append(.machine(offset: decodedEnd - functionStart, text: ".byte " + rest, isolation: nil))
        }
        return rows
    }

    func symbolise(_ insn: DisassembledInstruction, at: Int, functionStart: Int) -> String {
        var operands = insn.operands
        if let note = notes[at] {
            operands = Self.replacingLast(Self.capstoneLiteral(note.value), in: operands, with: "<\(note.symbol)>")
        }
        let isBranch = insn.mnemonic == "call" || insn.mnemonic.hasPrefix("j")
        let target = operands.hasPrefix("0x") ? Int(operands.dropFirst(2), radix: 16) : Int(operands)
        if isBranch, let target {
            if let name = targets[target], target != functionStart || insn.mnemonic == "call" {
                operands = "<\(name)>"
            } else {
                operands = "0x" + String(target - functionStart, radix: 16)
            }
        }
        return operands.isEmpty ? insn.mnemonic : "\(insn.mnemonic) \(operands)"
    }

    /// `text` with the last occurrence of `literal` (the immediate: operands end with it)
    /// replaced.
    static func replacingLast(_ literal: String, in text: String, with replacement: String) -> String {
        let chars = Array(text), needle = Array(literal)
        guard needle.count <= chars.count else { return text }
        var i = chars.count - needle.count
        while i >= 0 {
            if Array(chars[i ..< i + needle.count]) == needle {
                return String(chars[..<i]) + replacement + String(chars[(i + needle.count)...])
            }
            i -= 1
        }
        return text
    }

    /// How capstone prints an immediate (decimal below 10, else hex).
    static func capstoneLiteral(_ value: UInt64) -> String {
        value < 10 ? "\(value)" : "0x" + String(value, radix: 16)
    }

    static func hex(_ byte: UInt8) -> String { (byte < 16 ? "0" : "") + String(byte, radix: 16) }

    static func hex4(_ value: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(4 - digits.count, 0)) + digits
    }

    static func signature(_ type: FunctionType) -> String {
        let parameters: [String] = type.parameters.map(\.description)
        let results: [String] = type.results.map(\.description)
        return "(" + parameters.joined(separator: ", ") + ") -> (" + results.joined(separator: ", ") + ")"
    }
}

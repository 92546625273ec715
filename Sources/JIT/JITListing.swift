/// What the compiler records, when asked, to show machine code next to the Wasm code that
/// produced it (`wasmlab disasm`, the golden-disassembly tests).
///
/// Recording is a flag of the compile request (`JITTier.compileModule(recordListing:)`):
/// normal compiles record nothing. Offsets are from the start of the module's code.
///
/// ```
///  function's events, in code order        code they own
///  prologue                 @0x00          [0x00, 0x2a)  push r14, stack checks
///  instruction(wasm 0x1f)   @0x2a          [0x2a, 0x2a)  local.get cached: no code
///  instruction(wasm 0x21)   @0x2a          [0x2a, 0x31)  ... until the next event
///  epilogue                 @0x31          [0x31, 0x34)
///  trapStubs                @0x34          [0x34, function end)
/// ```
/// Code emitted on behalf of earlier instructions (spills at a merge) belongs to the
/// instruction being compiled when it was emitted.
public struct JITListing: Sendable {
    /// What the code from an event's offset to the next event's is for.
    public enum Mark: Sendable, Equatable {
        case prologue
        /// The Wasm instruction at this byte offset of the module.
        case instruction(wasmOffset: Int)
        case epilogue
        /// The function's out-of-line trap stubs.
        case trapStubs
        /// A function left to the interpreter: the native shim that runs it.
        case interpreterShim
        /// Module-level code: trap stubs, the fault resume point, the trap exit.
        case label(String)
    }

    /// A machine instruction that keeps a memory access in bounds, and how (`wasmlab explore`
    /// highlights them, so each strategy's cost shows in the code).
    public struct IsolationSite: Sendable {
        /// How the instruction isolates.
        public enum Kind: String, Sendable {
            /// Part of an explicit compare-and-trap (software).
            case boundsCheck = "bounds check"
            /// Truncates the address to 32 bits (masked).
            case addressMask = "address mask"
            /// An access that faults into the guard region when out of bounds (guard, masked).
            case guardedAccess = "guarded access"
        }
        /// Offset from the start of the module's code.
        public var codeOffset: Int
        /// How it isolates.
        public var kind: Kind
    }

    /// Where a part of the code starts, and what it is.
    public struct Event: Sendable {
        /// Offset from the start of the module's code.
        public var codeOffset: Int
        /// What the code from here to the next event is.
        public var mark: Mark
    }

    /// An immediate that differs between processes (helper addresses, registry ids): the
    /// listing prints `symbol` instead, so output is deterministic.
    public struct Note: Sendable {
        /// Offset from the start of the module's code.
        public var codeOffset: Int
        /// The immediate as the code holds it.
        public var value: UInt64
        /// What the listing prints instead.
        public var symbol: String
    }

    /// Events of each defined function.
    public internal(set) var functions: [[Event]] = []
    /// Events of the module-level code after the functions.
    public internal(set) var module: [Event] = []
    /// Immediates to print by name, in code order.
    public internal(set) var notes: [Note] = []
    /// In code order.
    public internal(set) var isolation: [IsolationSite] = []
}

import Assembler
import WasmCore
import WasmRuntime

/// `MacroAssembler` for AArch64: Wasm-level operations on top of `ARM64Assembler`.
/// Register roles are in `ARM64Regs`, the calling convention in `ARM64ABI`, frames and
/// the entry trampoline in `ARM64Frames`. Every instruction is one 32-bit word, so code
/// offsets and patch positions are multiples of 4.
struct ARM64MacroAssembler {
    typealias GPR = ARM64Register
    typealias FPR = ARM64FPRegister
    typealias Label = Assembler.Label
    typealias Condition = ARM64Condition

    static let allocatableGPRs = ARM64Regs.allocatable
    /// frintp/frintm/frintz are base AArch64.
    static var roundsFloats: Bool { true }
    static let allocatableFPRs = ARM64Regs.allocatableFloat
    var localGPRs: [GPR] { ARM64Regs.locals }
    static let localFPRs = ARM64Regs.localsFloat

    var a: ARM64Assembler
    /// The current function's trap stubs (see `emitFunctionTrapStubs`).
    var trapLabels = TrapLabelTable()
    var pendingTrapLabel: Label?
    /// The current function's float constants (emitted after its trap stubs).
    var floatConstants = FloatConstantTable()
    var fuelOutLabel: Label?
    /// The current function's out-of-line poll paths: (entry, where to go on).
    var pollSlowPaths: [(entry: Label, resume: Label)] = []
    /// The module's stubs the functions' stubs call, and its trap exit.
    var moduleTrapLabels = TrapLabelTable()
    var modulePendingLabel: Label?
    var exitLabel: Label?
    /// Where the module's stubs start, and where a fault at a trap site resumes.
    var moduleStubsOffset = 0
    var faultResumeOffset = 0
    var trapTable = TrapTable()
    var handlerTable = HandlerTable()
    /// Module-wide stubs emitted after all functions (ARM64MacroAssembler+Exceptions.swift).
    var unwindLabel: Label?
    var tailCallOtherLabel: Label?
    var pollServiceLabel: Label?
    /// Whether to keep the listing notes below (`wasmlab disasm`); off for normal compiles.
    var recordsListing = false
    var notes: [JITListing.Note] = []
    var isolation: [JITListing.IsolationSite] = []
    var moduleMarks: [JITListing.Event] = []
    /// How memory accesses are kept in bounds (from the store's `BoundsStrategy`).
    let addressing: MemoryAddressing
    /// Whether `poll` spends fuel (the store meters fuel); the interrupt flag is always polled.
    let countsFuel: Bool

    /// `capacity`: expected code bytes (growing the buffer copies it).
    /// Always reloaded after calls on this instruction set (see `callDirect`).
    var memoryBaseIsFixed: Bool { false }

    init(addressing: MemoryAddressing = .explicitCheck, capacity: Int = 1 << 14, countsFuel: Bool = true) {
        self.addressing = addressing
        self.countsFuel = countsFuel
        a = ARM64Assembler(capacity: capacity)
    }

    var offset: Int { a.offset }
    mutating func newLabel() -> Label { a.newLabel() }
    mutating func bind(_ label: Label) { a.bind(label) }
    mutating func truncateMachineCode(to offset: Int) { a.truncate(to: offset) }
    mutating func callStub(_ label: Label) { a.bl(label) }
    mutating func rewind(to offset: Int) { a.dropBytes(from: offset) }
    func invert(_ cond: Condition) -> Condition { cond.inverted }

    @inline(__always) static func width(_ is64: Bool) -> ARM64Width { is64 ? .b64 : .b32 }

    // MARK: data movement

    mutating func move(_ dst: GPR, _ src: MacroOperand<GPR>, is64: Bool) {
        switch src {
        case .reg(let r): if r != dst { a.mov(dst, r) }
        case .imm(let v): a.mov(dst, imm: is64 ? UInt64(bitPattern: v) : UInt64(UInt32(truncatingIfNeeded: v)))
        case .slot(let s):
            if is64 {
                loadSlot(dst, s)
            } else {
                // 32 bits, zero-extended: the slot's upper half is not part of an i32 (a
                // lane read from the middle of a v128 home has another lane there).
                a.load(dst, base: ARM64Regs.fp, offset: Int64(s), .ldrW,
                       scratch: dst == ARM64Regs.scratch3 ? ARM64Regs.scratch2 : ARM64Regs.scratch3)
            }
        }
    }

    /// Loads the 64-bit slot `s` (any offset: through scratch3 when it does not encode).
    mutating func loadSlot(_ dst: GPR, _ s: Int32) {
        a.load(dst, base: ARM64Regs.fp, offset: Int64(s), .ldrX, scratch: dst == ARM64Regs.scratch3 ? ARM64Regs.scratch2 : ARM64Regs.scratch3)
    }

    /// Stores `src` to the 64-bit slot `s` (any offset).
    mutating func storeSlot(_ s: Int32, register src: GPR) {
        a.store(src, base: ARM64Regs.fp, offset: Int64(s), .strX, scratch: src == ARM64Regs.scratch3 ? ARM64Regs.scratch2 : ARM64Regs.scratch3)
    }

    mutating func storeSlot(_ slot: Int32, _ src: MacroOperand<GPR>) {
        switch src {
        case .reg(let r): storeSlot(slot, register: r)
        case .imm(let v):
            if v == 0 {
                storeSlot(slot, register: .zr)
            } else {
                a.mov(ARM64Regs.scratch, imm: UInt64(bitPattern: v))
                storeSlot(slot, register: ARM64Regs.scratch)
            }
        case .slot(let s): copySlot(slot, from: s)
        }
    }

    mutating func copySlot(_ dst: Int32, from src: Int32) {
        guard dst != src else { return }
        loadSlot(ARM64Regs.scratch, src)
        storeSlot(dst, register: ARM64Regs.scratch)
    }

    /// Slot offsets patched later are built in scratch3 (`movPatchable32`: any offset up to
    /// 2^32), which `patchSlotOffset` rewrites.
    mutating func saveSlot(from src: Int32) -> Int {
        loadSlot(ARM64Regs.scratch, src)
        let at = a.movPatchable32(ARM64Regs.scratch3)
        a.store(ARM64Regs.scratch, .indexed(ARM64Regs.fp, ARM64Regs.scratch3))
        return at
    }

    mutating func restoreSlot(to dst: Int32) -> Int {
        let at = a.movPatchable32(ARM64Regs.scratch3)
        a.load(ARM64Regs.scratch, .indexed(ARM64Regs.fp, ARM64Regs.scratch3))
        storeSlot(dst, register: ARM64Regs.scratch)
        return at
    }

    mutating func patchSlotOffset(at: Int, _ offset: Int32) { a.patchConstant32(at: at, UInt32(bitPattern: offset)) }

    mutating func loadFloat(_ dst: FPR, slot: Int32, isF64: Bool) {
        a.load(dst, base: ARM64Regs.fp, offset: Int64(slot), isF64 ? .d : .s, scratch: ARM64Regs.scratch3)
    }

    mutating func storeFloat(_ slot: Int32, _ src: FPR, isF64: Bool) {
        a.store(src, base: ARM64Regs.fp, offset: Int64(slot), isF64 ? .d : .s, scratch: ARM64Regs.scratch3)
    }

    mutating func moveFloat(_ dst: FPR, _ src: FPR) {
        if dst != src { a.movVector(dst, src) }
    }

    mutating func bitsToFloat(_ dst: FPR, _ src: GPR, isF64: Bool) { a.fmov(dst, src, isF64 ? .f64 : .f32) }
    mutating func floatToBits(_ dst: GPR, _ src: FPR, isF64: Bool) { a.fmov(dst, src, isF64 ? .f64 : .f32) }

    mutating func loadGlobal(_ dst: GPR, index: Int) {
        a.load(ARM64Regs.scratch, .offset(ARM64Regs.instance, Int(RuntimeLayout.contextGlobals)))
        a.load(ARM64Regs.scratch, base: ARM64Regs.scratch, offset: Int64(index * 8), scratch: ARM64Regs.scratch2)
        a.load(dst, .offset(ARM64Regs.scratch, 0))
    }

    mutating func storeGlobal(index: Int, _ src: GPR) {
        a.load(ARM64Regs.scratch, .offset(ARM64Regs.instance, Int(RuntimeLayout.contextGlobals)))
        a.load(ARM64Regs.scratch, base: ARM64Regs.scratch, offset: Int64(index * 8), scratch: ARM64Regs.scratch2)
        a.store(src, .offset(ARM64Regs.scratch, 0))
    }

    mutating func loadFunctionRecord(_ dst: GPR, index: Int) {
        a.load(dst, .offset(ARM64Regs.instance, Int(RuntimeLayout.contextFunctions)))
        a.load(dst, base: dst, offset: Int64(index * 8), scratch: ARM64Regs.scratch)
    }
}

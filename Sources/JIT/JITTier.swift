import Synchronization
import Platform
import Assembler
import Interpreter
import WasmCore
import WasmDecoder
import WasmRuntime
import WasmValidator

/// The template JIT tier: compiles each function in the validator's pass with
/// `SinglePassCompiler`; functions it cannot compile run in the interpreter behind native
/// shims, so a module may run mixed. See Docs/JIT.md. One instance per instruction set:
/// `shared` ("jit", x86-64, run natively) and `arm64` ("jit-arm64", run under emulation,
/// `ARM64Emulation`).
public final class JITTier: ExecutionTier, @unchecked Sendable {
    /// The name configurations select the tier by.
    public let name: String
    /// The tier's id in `ExecutionTiers` (-1 until registered).
    public private(set) var id: Int = -1
    /// The instruction set it compiles for.
    public let instructionSet: JITISA
    typealias Trampoline = @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer?,
                                           UnsafeMutableRawPointer, UnsafeRawPointer) -> UInt
    /// The entry trampoline's code (run natively through `trampoline`, or emulated).
    let trampolineBuffer: CodeBuffer
    private let trampoline: Trampoline
    private let totals = Mutex(JITStatistics())
    /// The emulator's machines and helper bridge (the arm64 tier).
    let emulation: ARM64Emulation?

    /// The trampoline as debuggers and unwinders see it (for as long as the process runs).
    private let trampolineRegistration: CodeRegistration?

    private init(_ instructionSet: JITISA, name: String) {
        self.instructionSet = instructionSet
        self.name = name
        let (bytes, unwind) = instructionSet.trampoline()
        // Failing to map one page at startup leaves no tier to run anything with.
        trampolineBuffer = try! CodeBuffer(byteCount: bytes.count) { _ in bytes }
        trampoline = unsafeBitCast(trampolineBuffer.base, to: Trampoline.self)
        trampolineRegistration = instructionSet.trampolineRegistration(base: UnsafeRawPointer(trampolineBuffer.base),
                                                                       size: bytes.count, changes: unwind)
        emulation = instructionSet == .arm64 ? ARM64Emulation() : nil
    }

    /// The x86-64 JIT, "jit" (registers it on first use).
    public static let shared: JITTier = {
        let tier = JITTier(.x64, name: "jit")
        tier.id = ExecutionTiers.register(tier)
        return tier
    }()

    /// The AArch64 JIT under emulation, "jit-arm64" (registers it on first use).
    public static let arm64: JITTier = {
        let tier = JITTier(.arm64, name: "jit-arm64")
        tier.id = ExecutionTiers.register(tier)
        return tier
    }()

    /// Makes the "jit" tier available to `StoreConfiguration.tier`. Idempotent.
    public static func register() { _ = shared }

    /// Makes the "jit-arm64" tier available to `StoreConfiguration.tier`. Idempotent.
    public static func registerARM64() { _ = arm64 }

    /// Whether this machine can run the x86-64 tier's code.
    public static var isSupported: Bool {
        #if arch(x86_64)
        true
        #else
        false
        #endif
    }

    /// Whether this machine can run the arm64 tier's code (the emulator loads).
    public static var isARM64Supported: Bool { ARM64Emulation.isAvailable }

    /// Whether runs of this tier count the instructions they execute (the arm64 tier under
    /// emulation only; x86-64 code is counted from outside, with valgrind).
    public var countsInstructions: Bool {
        get { emulation?.counting.load(ordering: .relaxed) ?? false }
        set { emulation?.counting.store(newValue, ordering: .relaxed) }
    }

    /// Instructions executed by runs while `countsInstructions` was on.
    public var instructionsExecuted: UInt64 { emulation?.executed.load(ordering: .relaxed) ?? 0 }

    /// Whether this tier's code can run here.
    var canRun: Bool { instructionSet == .x64 ? Self.isSupported : Self.isARM64Supported }

    /// Functions compiled and left to the interpreter by all `compile` calls so far.
    public var statistics: JITStatistics { totals.withLock { $0 } }

    /// Validates and compiles every defined function (see `compileModule`).
    public func compile(module: Module, validator: ModuleValidator, configuration: EngineConfiguration) throws -> any CompiledCode {
        let code = try compileModule(module, validator: validator, bounds: configuration.bounds,
                                     countsFuel: configuration.countsFuel)
        totals.withLock { $0.add(code.statistics) }
        return code
    }

    /// Runs `function`'s machine code with its arguments in the slots at `arguments`; results overwrite them.
    public func invoke(_ function: UnsafeMutablePointer<FunctionRecord>, arguments: UnsafeMutableRawPointer,
                       store: Store) throws(Trap) {
        guard let code = function.pointee.code else { throw Trap(.hostError, detail: "function has no code") }
        let stack = store.stack
        var context = JITContext(slotEnd: stack.slotEnd, store: Unmanaged.passUnretained(store).toOpaque(), tierID: id,
                                 poll: stack.pollWords)
        context.stackLimit = stack.nativeStackLimit != 0 ? stack.nativeStackLimit : NativeStackLimit.current
        let savedTop = stack.slotTop
        let savedPending = stack.pendingTrap
        stack.pendingTrap = nil
        let result: UInt
        if let emulation {
            do {
                result = try withUnsafeMutablePointer(to: &context) { vm throws(Trap) in
                    try emulation.run(vm, instance: UnsafeMutableRawPointer(function.pointee.context), fp: arguments,
                                      code: code, trampoline: UnsafeRawPointer(trampolineBuffer.base))
                }
            } catch {
                stack.slotTop = savedTop
                stack.pendingTrap = savedPending
                throw error
            }
        } else if store.configuration.bounds.usesFaultHandling, let trapGuard = TrapGuard.shared {
            // Faults at the recorded access sites become traps; TrapGuard's activation
            // unwinds to its own trampoline, abandoning ours and the compiled frames.
            var entry = GuardedEntry(trampoline: trampoline, context: nil,
                                     instance: UnsafeMutableRawPointer(function.pointee.context), fp: arguments, code: code)
            result = withUnsafeMutablePointer(to: &context) { vm in
                entry.context = UnsafeMutableRawPointer(vm)
                return withUnsafeMutablePointer(to: &entry) { e in
                    UInt(trapGuard.run(guardedEntryBody, UnsafeMutableRawPointer(e), anyPC: false))
                }
            }
        } else {
            result = withUnsafeMutablePointer(to: &context) { vm in
                trampoline(UnsafeMutableRawPointer(vm), UnsafeMutableRawPointer(function.pointee.context), arguments, code)
            }
        }
        stack.slotTop = savedTop
        if result != 0 {
            let reason = TrapReason(rawValue: UInt8(truncatingIfNeeded: result - 1)) ?? .hostError
            var trap = stack.pendingTrap ?? Trap(reason)
            if let raw = context.backtrace {
                // Symbolised only now, after the trampoline returned (never in a handler).
                let frames = Unmanaged<RawBacktrace>.fromOpaque(raw).takeRetainedValue()
                trap.backtrace += JITCodeRegistry.shared.names(frames, skipInnermostShim: stack.pendingTrap != nil)
            }
            stack.pendingTrap = savedPending
            throw trap
        }
        stack.pendingTrap = savedPending
    }
}

/// The arguments of the trampoline, handed through `TrapGuard.run`.
struct GuardedEntry {
    let trampoline: JITTier.Trampoline
    var context: UnsafeMutableRawPointer?
    let instance: UnsafeMutableRawPointer?
    let fp: UnsafeMutableRawPointer
    let code: UnsafeRawPointer
}

/// Runs the trampoline inside a `TrapGuard` activation.
private let guardedEntryBody: TrapGuard.Body = { raw in
    guard let entry = raw?.assumingMemoryBound(to: GuardedEntry.self), let context = entry.pointee.context else {
        return UInt32(TrapReason.hostError.rawValue) + 1
    }
    return UInt32(truncatingIfNeeded: entry.pointee.trampoline(context, entry.pointee.instance, entry.pointee.fp,
                                                               entry.pointee.code))
}

/// Counts of what the JIT produced.
public struct JITStatistics: Sendable {
    /// Functions compiled to machine code.
    public var compiledFunctions = 0
    /// Functions left to the interpreter.
    public var interpretedFunctions = 0
    /// Bytes of machine code.
    public var codeBytes = 0
    /// Wasm instructions compiled.
    public var instructions = 0
    /// Threads that compiled the module (`JITParallelism`); over several modules, the most.
    public var workers = 0
    /// Modules compiled by more than one thread.
    public var parallelModules = 0
    /// Innermost loops that gave pinned registers to their own locals
    /// (SinglePassCompiler+LoopPins).
    public var repinnedLoops = 0
    /// Why functions were left to the interpreter (first unsupported feature, count).
    public var unsupported: [String: Int] = [:]

    /// All zero.
    public init() {}

    mutating func add(_ other: JITStatistics) {
        compiledFunctions += other.compiledFunctions
        interpretedFunctions += other.interpretedFunctions
        codeBytes += other.codeBytes
        instructions += other.instructions
        workers = max(workers, other.workers)
        parallelModules += other.parallelModules
        repinnedLoops += other.repinnedLoops
        unsupported.merge(other.unsupported, uniquingKeysWith: +)
    }
}

/// One module's machine code and the interpreter code of the functions left to it.
/// Immutable after compilation (the pointers lead into the code buffer it owns), hence
/// shareable between threads.
public final class JITCode: HostsInterpretedCode, @unchecked Sendable {
    /// The instruction set of the machine code.
    let instructionSet: JITISA
    let buffer: CodeBuffer
    let entries: [(UnsafeRawPointer, Int)]
    let interpreted: any CompiledCode
    let trapTable: TrapTable
    let handlers: HandlerTable
    /// What this module's compile produced.
    public let statistics: JITStatistics
    /// The module (names for backtraces and listings).
    public let module: Module
    let compiled: [Bool]
    /// Offset of the module-level stubs and exit after the functions.
    public let moduleStubsOffset: Int
    let faultResumeOffset: Int
    /// Instruction offsets and sections, when the compile request asked for them.
    public let listing: JITListing?
    /// Entry offsets in code order, with their defined index (PC -> function lookups).
    private let sortedEntries: [(offset: Int, index: Int)]
    /// Where each chunk of a parallel compile ends (padding follows; `ModuleCodeLayout`).
    let chunkEnds: [Int]
    /// This code as debuggers and unwinders see it (`CodeRegistration`).
    private var registration: CodeRegistration?

    init(instructionSet: JITISA, buffer: CodeBuffer, entries: [(UnsafeRawPointer, Int)], interpreted: any CompiledCode, trapTable: TrapTable,
         handlers: HandlerTable, statistics: JITStatistics, module: Module, compiled: [Bool], moduleStubsOffset: Int,
         faultResumeOffset: Int, listing: JITListing?, chunkEnds: [Int] = []) {
        self.instructionSet = instructionSet
        self.chunkEnds = chunkEnds
        self.buffer = buffer
        self.entries = entries
        self.interpreted = interpreted
        self.trapTable = trapTable
        self.handlers = handlers
        self.statistics = statistics
        self.module = module
        self.compiled = compiled
        self.moduleStubsOffset = moduleStubsOffset
        self.faultResumeOffset = faultResumeOffset
        self.listing = listing
        let base = UnsafeRawPointer(buffer.base)
        sortedEntries = entries.enumerated().map { ($0.element.0 - base, $0.offset) }.sorted { $0.offset < $1.offset }
        JITCodeRegistry.shared.add(self)
        PerfMap.record(self)
        registration = instructionSet.registration(for: self)
    }

    /// Number of imported functions (defined function `i` is function `importCount + i`).
    public var importCount: Int { module.importedFunctionTypes.count }

    /// Whether defined function `index` runs in the interpreter (behind a native shim).
    public func isInterpreted(definedIndex index: Int) -> Bool { index >= 0 && index < compiled.count && !compiled[index] }

    /// The whole module's machine code (functions, then the module-level stubs).
    public var codeBytes: [UInt8] { Array(UnsafeRawBufferPointer(start: buffer.base, count: buffer.codeSize)) }

    /// The code offsets of defined function `index`: from its entry to the next entry in
    /// code order, or to the module-level stubs after the last function.
    public func codeRange(definedIndex index: Int) -> Range<Int> {
        guard let k = sortedEntries.firstIndex(where: { $0.index == index }) else { return 0 ..< 0 }
        return range(ofSortedEntry: k, chunkEnd: chunkEnds.first { $0 > sortedEntries[k].offset })
    }

    /// The code offsets of every compiled function (not those left to the interpreter),
    /// in code order: as `codeRange(definedIndex:)` gives them, in one pass.
    public func compiledRanges() -> [(definedIndex: Int, range: Range<Int>)] {
        var ranges: [(definedIndex: Int, range: Range<Int>)] = []
        var chunk = 0
        for (k, entry) in sortedEntries.enumerated() where !isInterpreted(definedIndex: entry.index) {
            while chunk < chunkEnds.count && chunkEnds[chunk] <= entry.offset { chunk += 1 }
            let range = range(ofSortedEntry: k, chunkEnd: chunk < chunkEnds.count ? chunkEnds[chunk] : nil)
            if !range.isEmpty { ranges.append((entry.index, range)) }
        }
        return ranges
    }

    /// The code of the `k`th entry in code order: up to the next entry, or to the
    /// module-level stubs after the last; and the last function of a chunk ends before
    /// the padding to the next chunk, at `chunkEnd` (the first chunk end after its entry).
    private func range(ofSortedEntry k: Int, chunkEnd: Int?) -> Range<Int> {
        let start = sortedEntries[k].offset
        var end = k + 1 < sortedEntries.count ? sortedEntries[k + 1].offset : moduleStubsOffset
        if let chunkEnd { end = min(end, chunkEnd) }
        return start ..< max(end, start)
    }

    /// The defined function whose code contains `offset`.
    func definedIndex(atOffset offset: Int) -> Int? {
        guard offset < moduleStubsOffset else { return nil }
        var lo = 0, hi = sortedEntries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sortedEntries[mid].offset <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : sortedEntries[lo - 1].index
    }

    /// The interpreter code of the functions left to the interpreter (their try_table
    /// regions are found there when an exception unwinds through them).
    public var interpretedPart: any CompiledCode { interpreted }

    /// Entry point and frame size of defined function `index`.
    public func entry(definedIndex index: Int) -> (code: UnsafeRawPointer, frameSlots: Int) {
        guard index >= 0 && index < entries.count else { return (UnsafeRawPointer(buffer.base), 1) }
        return (entries[index].0, entries[index].1)
    }

    /// The machine code of defined function `index`: from its entry to the next entry (or
    /// to the trap stubs after the last function), for disassembly.
    public func machineCode(definedIndex index: Int) -> [UInt8] {
        let range = codeRange(definedIndex: index)
        return Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(buffer.base) + range.lowerBound, count: range.count))
    }

    private var guardHandle: TrapGuard.CodeHandle?
    private var sites: UnsafeMutableBufferPointer<TrapSite>?

    /// Tells `TrapGuard` where this code may fault on purpose (guard and masked strategies).
    func registerWithTrapGuard() throws(WasmError) {
        guard let trapGuard = TrapGuard.shared else { throw WasmError(.uninstantiable, "no trap guard") }
        let list = trapTable.sites
        let buffer = UnsafeMutableBufferPointer<TrapSite>.allocate(capacity: max(list.count, 1))
        _ = buffer.initialize(from: list)
        sites = buffer
        guard let handle = trapGuard.registerCode(start: UnsafeRawPointer(self.buffer.base),
                                                  byteCount: self.buffer.codeSize,
                                                  sites: UnsafePointer(buffer.baseAddress), siteCount: list.count,
                                                  resume: UnsafeRawPointer(self.buffer.base + faultResumeOffset)) else {
            throw WasmError(.uninstantiable, "too many compiled modules registered with the trap guard")
        }
        guardHandle = handle
    }

    /// Code that never faults on purpose (software bounds) is registered too, so that a
    /// scheduler's timer signal can preempt it at any instruction; with the registry full
    /// it is preempted at its safe points only.
    func registerForPreemption() {
        do { try registerWithTrapGuard() } catch { return }
    }

    deinit {
        if instructionSet == .arm64 {
            let start = UInt64(UInt(bitPattern: buffer.base))
            ARM64Emulation.codeFreed(start: start, end: start + UInt64(buffer.codeSize))
        }
        registration?.remove()
        JITCodeRegistry.shared.remove(self)
        // Unregister before the code and its site table go away.
        if let guardHandle { TrapGuard.shared?.unregister(guardHandle) }
        sites?.deallocate()
    }
}

import Interpreter
import WasmCore
import WasmDecoder
import WasmRuntime
import WasmValidator

// The JIT's code as bytes (`Engine.precompile`) and back. The machine code is position
// independent (helpers through `JITContext.helpers`, ids through the instance; see
// PositionIndependenceTests), so loading copies it into fresh executable pages as is.
// Functions the JIT left to the interpreter are translated again on load: their
// interpreter code holds process-wide type ids.
extension JITTier: PrecompilingTier {
    /// The instruction set of the code.
    public var isa: String { instructionSet.rawValue }

    /// The context and record layouts and helper slots compiled code relies on.
    public var codeABI: String {
        let context = [JITContext.trapOffset, JITContext.stackLimitOffset, JITContext.slotEndOffset,
                       JITContext.tierIDOffset, JITContext.trapPCOffset, JITContext.trapSPOffset,
                       JITContext.handlerSPOffset, JITContext.handlerFPOffset, JITContext.pollOffset,
                       JITContext.helpersOffset].map(String.init).joined(separator: ",")
        let layout = [RuntimeLayout.recordKind, RuntimeLayout.recordTierID, RuntimeLayout.recordCode,
                      RuntimeLayout.recordContext, RuntimeLayout.contextFunctions, RuntimeLayout.contextGlobals,
                      RuntimeLayout.contextMemoryViews].map(String.init).joined(separator: ",")
        let helpers = RuntimeHelpers.Slot.allCases.map { "\($0.rawValue)=\($0.name)" }.joined(separator: ",")
        return "context[\(context)] layout[\(layout)] helpers[\(helpers)]"
    }

    /// The machine code and its tables as bytes.
    public func serialize(_ code: any CompiledCode) throws(WasmError) -> [UInt8] {
        guard let code = code as? JITCode else { throw WasmError(.uninstantiable, "not code of the jit tier") }
        var w = ArchiveWriter()
        w.blob(code.codeBytes)
        let base = UnsafeRawPointer(code.buffer.base)
        w.u64(UInt64(code.entries.count))
        for (entry, frameSlots) in code.entries {
            w.int(entry - base)
            w.int(frameSlots)
        }
        w.u64(UInt64(code.compiled.count))
        for flag in code.compiled { w.bool(flag) }
        w.u64(UInt64(code.trapTable.stubs.count))
        for stub in code.trapTable.stubs {
            w.int(stub.offset)
            w.u8(stub.reason.rawValue)
        }
        w.u64(UInt64(code.trapTable.sites.count))
        for site in code.trapTable.sites {
            w.u32(site.offset)
            w.u8(site.reason)
        }
        w.u64(UInt64(code.handlers.returnOffsets.count))
        for (r, f) in zip(code.handlers.returnOffsets, code.handlers.frameOffsets) {
            w.u32(UInt32(bitPattern: r))
            w.u32(UInt32(bitPattern: f))
        }
        w.u64(UInt64(code.handlers.regions.count))
        for region in code.handlers.regions {
            w.int(region.start)
            w.int(region.end)
            w.u64(UInt64(region.clauses.count))
            for clause in region.clauses {
                w.u8(clause.kind.rawValue)
                w.u32(clause.tag)
                w.u32(UInt32(bitPattern: clause.slot))
                w.int(clause.landing)
            }
        }
        w.int(code.moduleStubsOffset)
        w.int(code.faultResumeOffset)
        w.u64(UInt64(code.chunkEnds.count))
        for end in code.chunkEnds { w.int(end) }
        w.int(code.statistics.instructions)
        return w.bytes
    }

    /// The code back from `serialize`, in fresh executable pages.
    public func deserialize(_ bytes: [UInt8], module: Module, validator: ModuleValidator,
                            configuration: EngineConfiguration) throws -> any CompiledCode {
        guard canRun else { throw WasmError(.uninstantiable, "the \(name) tier cannot run on this host") }
        if configuration.bounds.usesFaultHandling && TrapGuard.shared == nil {
            throw WasmError(.uninstantiable, "bounds strategy \(configuration.bounds.rawValue) needs the trap guard")
        }
        var r = ArchiveReader(bytes)
        let machineCode = try r.blob()
        func offset(_ value: Int, allowingEnd: Bool = false) throws(WasmError) -> Int {
            guard value >= 0, value < machineCode.count || allowingEnd && value == machineCode.count else {
                throw WasmError(.malformed, "precompiled code offset \(value) is outside the code")
            }
            return value
        }
        let functionCount = try r.count(minimumSize: 16)
        guard functionCount == module.functions.count else {
            throw WasmError(.malformed, "precompiled code has \(functionCount) functions, the module \(module.functions.count)")
        }
        var entryOffsets: [(Int, Int)] = []
        for _ in 0 ..< functionCount { entryOffsets.append((try offset(try r.int()), try r.int())) }
        let flagCount = try r.count()
        guard flagCount == functionCount else { throw WasmError(.malformed, "precompiled code is inconsistent") }
        var compiled: [Bool] = []
        for _ in 0 ..< flagCount { compiled.append(try r.bool()) }
        var stubs: [(offset: Int, reason: TrapReason)] = []
        for _ in 0 ..< (try r.count(minimumSize: 9)) {
            let at = try offset(try r.int())
            guard let reason = TrapReason(rawValue: try r.u8()) else { throw WasmError(.malformed, "precompiled code names an unknown trap") }
            stubs.append((at, reason))
        }
        var sites: [TrapSite] = []
        for _ in 0 ..< (try r.count(minimumSize: 5)) {
            let at = try offset(Int(try r.u32()))
            guard let reason = TrapReason(rawValue: try r.u8()) else { throw WasmError(.malformed, "precompiled code names an unknown trap") }
            sites.append(TrapSite(offset: UInt32(at), reason: reason))
        }
        guard zip(sites, sites.dropFirst()).allSatisfy({ $0.offset < $1.offset }) else {
            throw WasmError(.malformed, "precompiled trap sites are out of order")
        }
        var returnOffsets: [Int32] = [], frameOffsets: [Int32] = []
        for _ in 0 ..< (try r.count(minimumSize: 8)) {
            returnOffsets.append(Int32(try offset(Int(Int32(bitPattern: try r.u32())), allowingEnd: true)))
            frameOffsets.append(Int32(bitPattern: try r.u32()))
        }
        var regions: [HandlerTable.Region] = []
        for _ in 0 ..< (try r.count(minimumSize: 24)) {
            let start = try offset(try r.int(), allowingEnd: true), end = try offset(try r.int(), allowingEnd: true)
            var clauses: [HandlerTable.Clause] = []
            for _ in 0 ..< (try r.count(minimumSize: 17)) {
                guard let kind = CatchClause.Kind(rawValue: try r.u8()) else {
                    throw WasmError(.malformed, "precompiled code has an unknown catch clause")
                }
                let tag = try r.u32(), slot = Int32(bitPattern: try r.u32())
                clauses.append(HandlerTable.Clause(kind: kind, tag: tag, slot: slot, landing: try offset(try r.int())))
            }
            regions.append(HandlerTable.Region(start: start, end: end, clauses: clauses))
        }
        let moduleStubsOffset = try offset(try r.int(), allowingEnd: true)
        let faultResumeOffset = try offset(try r.int())
        var chunkEnds: [Int] = []
        for _ in 0 ..< (try r.count(minimumSize: 8)) { chunkEnds.append(try offset(try r.int(), allowingEnd: true)) }
        var statistics = JITStatistics()
        statistics.instructions = try r.int()
        guard r.isAtEnd else { throw WasmError(.malformed, "precompiled code has trailing bytes") }

        // Functions left to the interpreter: translated again here (validated as they go).
        let interpreted = try interpreterPart(compiled.indices.filter { !compiled[$0] }, module: module,
                                              validator: validator)
        let buffer = try CodeBuffer(byteCount: machineCode.count) { _, destination in
            destination.copyBytes(from: machineCode)
            return machineCode.count
        }
        statistics.compiledFunctions = compiled.filter { $0 }.count
        statistics.interpretedFunctions = compiled.count - statistics.compiledFunctions
        statistics.codeBytes = buffer.codeSize
        let code = JITCode(instructionSet: instructionSet, buffer: buffer,
                           entries: entryOffsets.map { (UnsafeRawPointer(buffer.base + $0.0), $0.1) },
                           interpreted: interpreted, trapTable: TrapTable(stubs: stubs, sites: sites),
                           handlers: HandlerTable(returnOffsets: returnOffsets, frameOffsets: frameOffsets, regions: regions),
                           statistics: statistics, module: module, compiled: compiled,
                           moduleStubsOffset: moduleStubsOffset, faultResumeOffset: faultResumeOffset, listing: nil,
                           chunkEnds: chunkEnds)
        if instructionSet == .x64 {
            if configuration.bounds.usesFaultHandling { try code.registerWithTrapGuard() } else { code.registerForPreemption() }
        }
        return code
    }
}

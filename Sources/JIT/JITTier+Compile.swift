import Assembler
import Interpreter
import WasmCore
import WasmDecoder
import WasmRuntime
import WasmValidator

// Compiling a module: its defined functions in chunks (one per worker thread, Docs/JIT.md
// "Parallel compilation"), then the functions left to the interpreter, then linking the
// chunks into one code buffer laid out by `ModuleCodeLayout`.
extension JITTier {
    /// Defined functions (by defined index) that compiles started in this task leave to
    /// the interpreter, as they leave a function the compiler does not handle: tests use it
    /// to mix frames of both tiers in one module.
    @TaskLocal public static var interpretedFunctions: Set<Int> = []

    /// Compiles `module` for memories of the given strategy (also used by `wasmlab
    /// compile-stats`). With `recordListing`, the code keeps a `JITListing` (machine-code
    /// offset of each Wasm instruction) for `wasmlab disasm`; normal compiles leave it off.
    /// Without `countsFuel` the code polls only the interrupt flag: a store that meters
    /// fuel must do so when its modules are compiled (Docs/JIT.md "Interruption and fuel").
    /// `parallelism` defaults to `JITParallelism.override`, else the process default.
    public func compileModule(_ module: Module, validator: ModuleValidator,
                              bounds: BoundsStrategy = .software, recordListing: Bool = false,
                              countsFuel: Bool = true, parallelism: JITParallelism? = nil) throws -> JITCode {
        switch instructionSet {
        case .x64:
            return try compileModule(X64Backend.self, module, validator: validator, bounds: bounds, recordListing: recordListing,
                                     countsFuel: countsFuel, parallelism: parallelism)
        case .arm64:
            return try compileModule(ARM64Backend.self, module, validator: validator, bounds: bounds,
                                     recordListing: recordListing, countsFuel: countsFuel, parallelism: parallelism)
        }
    }

    private func compileModule<B: JITBackend>(_ backend: B.Type, _ module: Module, validator: ModuleValidator,
                                              bounds: BoundsStrategy, recordListing: Bool, countsFuel: Bool,
                                              parallelism: JITParallelism?) throws -> JITCode {
        typealias Compiler = SinglePassCompiler<B.Masm>
        guard canRun else {
            throw WasmError(.uninstantiable, instructionSet == .x64 ? "the jit tier needs an x86-64 host"
                                                                    : "the jit-arm64 tier needs the unicorn emulator (libunicorn-dev)")
        }
        if bounds.usesFaultHandling && TrapGuard.shared == nil {  // its guard regions (both ISAs)
            throw WasmError(.uninstantiable, "bounds strategy \(bounds.rawValue) needs the trap guard")
        }
        let ranges = (parallelism ?? JITParallelism.current).chunks(of: module)
        let interpreted = Self.interpretedFunctions  // read here: workers are other threads
        // The compilers in a raw buffer: an array of this large generic struct looked up its
        // metadata and destroyed it unspecialised, a cost every small module's compile paid.
        let chunks = UnsafeMutableBufferPointer<Compiler>.allocate(capacity: ranges.count)
        var initialized = 0
        defer {
            chunks.baseAddress!.deinitialize(count: initialized)
            chunks.deallocate()
        }
        if ranges.count == 1 {
            chunks.initializeElement(at: 0, to: try compileChunk(B.self, ranges[0], module: module, validator: validator,
                                                                  bounds: bounds, recordListing: recordListing,
                                                                  countsFuel: countsFuel, interpreted: interpreted))
            initialized = 1
        } else {
            let results = WorkerResults<Result<Compiler, any Error>>(count: ranges.count)
            WorkerThreads.run(ranges.count) { k in
                results[k] = Result {
                    // Workers other than the calling thread read their own copies (shared
                    // buffers' reference counts would bounce between the cores).
                    var own = module, ownValidator = validator
                    if k > 0 {
                        own = module.workerCopy()
                        ownValidator = try ModuleValidator(module: own, features: validator.features)
                    }
                    return try self.compileChunk(B.self, ranges[k], module: own, validator: ownValidator, bounds: bounds,
                                                 recordListing: recordListing, countsFuel: countsFuel,
                                                 interpreted: interpreted)
                }
            }
            // Each worker stopped at its first error: the first chunk's error is the first
            // error in function order, as in a compile on one thread.
            for result in results.take() {
                chunks.initializeElement(at: initialized, to: try result!.get())
                initialized += 1
            }
        }
        let code = try link(B.self, chunks, ranges: ranges, module: module, validator: validator, recordListing: recordListing)
        // Faults of emulated code are the emulator's to turn into traps (ARM64Emulation).
        if instructionSet == .x64 {
            if bounds.usesFaultHandling { try code.registerWithTrapGuard() } else { code.registerForPreemption() }
        }
        return code
    }

    /// Validates and compiles defined functions `functions` into a fresh assembler (one
    /// worker's share; nothing here is shared with other workers but read-only state).
    func compileChunk<B: JITBackend>(_ backend: B.Type, _ functions: Range<Int>, module: Module, validator: ModuleValidator,
                                     bounds: BoundsStrategy, recordListing: Bool, countsFuel: Bool,
                                     interpreted: Set<Int> = []) throws -> SinglePassCompiler<B.Masm> {
        // About 3 bytes of machine code per byte of Wasm code (Docs/JIT.md statistics).
        var wasmBytes = 0
        for i in functions { wasmBytes += module.codes[i].code.count }
        var masm = B.macroAssembler(bounds: bounds, capacity: max(1 << 12, wasmBytes * 4), countsFuel: countsFuel)
        masm.recordsListing = recordListing
        var compiler = SinglePassCompiler(masm: consume masm, tierID: id, module: module, interpretedOnRequest: interpreted)
        compiler.recording = recordListing
        // Moved, not copied, into the sink and back: a second live copy would make every
        // first write to each of the compiler's arrays copy it.
        var sink = CompilerSink(compiler: consume compiler)
        for i in functions {
            try validator.validateFunction(definedIndex: i, sink: &sink)
        }
        return (consume sink).compiler
    }

    /// Emits the tail (interpreter shims, module stubs) after the last chunk, places the
    /// chunks by `ModuleCodeLayout`, resolves the labels that cross chunks and builds the
    /// module's code with every table in module offsets.
    private func link<B: JITBackend>(_ backend: B.Type, _ chunks: UnsafeMutableBufferPointer<SinglePassCompiler<B.Masm>>,
                                     ranges: [Range<Int>], module: Module,
                      validator: ModuleValidator, recordListing: Bool) throws -> JITCode {
        let n = chunks.count, last = n - 1
        var compiled = chunks[0].compiled
        for c in 1 ..< n { compiled += chunks[c].compiled }
        let leftOut = compiled.indices.filter { !compiled[$0] }
        let interpreted = try interpreterPart(leftOut, module: module, validator: validator)
        // The last chunk emits the module stubs every chunk uses.
        for c in 0 ..< last {
            let used = chunks[c].masm.moduleStubLabels().map(\.stub)
            chunks[last].masm.requireModuleStubs(used)
        }
        var interpretedSlots: [Int: Int] = [:]
        var shimOffsets: [Int: Int] = [:]
        for (k, i) in leftOut.enumerated() {
            let entry = interpreted.entry(definedIndex: k)
            interpretedSlots[i] = entry.frameSlots
            chunks[last].masm.bind(chunks[last].entryLabels[i])
            shimOffsets[i] = chunks[last].masm.offset
            chunks[last].masm.interpreterShim(definedIndex: i, importCount: chunks[last].importCount,
                                              interpretedIndex: k, tierID: id)
        }
        chunks[last].masm.emitTrapStubs()

        var sizes: [Int] = []
        for c in 0 ..< n { sizes.append(chunks[c].masm.offset) }
        let layout = ModuleCodeLayout(chunkSizes: sizes)
        // Every function's entry and every module stub in module offsets.
        var entryOffsets = [Int](repeating: 0, count: compiled.count)
        for c in 0 ..< n {
            for i in ranges[c] where compiled[i] {
                entryOffsets[i] = layout.moduleOffset(chunks[c].masm.offset(of: chunks[c].entryLabels[i])!, inChunk: c)
            }
        }
        for (i, offset) in shimOffsets { entryOffsets[i] = layout.moduleOffset(offset, inChunk: last) }
        var resolved: [[Int32: Int]] = []
        if n > 1 {
            resolved = Array(repeating: [:], count: n)
            var stubOffsets: [ModuleStub: Int] = [:]
            for (stub, label) in chunks[last].masm.moduleStubLabels() {
                stubOffsets[stub] = layout.moduleOffset(chunks[last].masm.offset(of: label)!, inChunk: last)
            }
            // A chunk's labels it never bound, as offsets from its own start.
            for c in 0 ..< n {
                let start = layout.starts[c]
                for (i, label) in chunks[c].entryLabels.enumerated() { resolved[c][label.id] = entryOffsets[i] - start }
                for (stub, label) in chunks[c].masm.moduleStubLabels() { resolved[c][label.id] = stubOffsets[stub]! - start }
            }
        }
        var failure: String?
        let buffer = try CodeBuffer(byteCount: layout.size) { base, destination in
            for c in 0 ..< n where failure == nil {
                let start = layout.starts[c]
                let external = n > 1 ? resolved[c] : [:]
                failure = chunks[c].masm.link(baseAddress: base + UInt64(start)) { external[$0.id] }
                _ = chunks[c].masm.copyBytes(to: UnsafeMutableRawBufferPointer(rebasing: destination[start...]))
                let padding = layout.padding(after: c)
                B.fillPadding(UnsafeMutableRawBufferPointer(rebasing: destination[padding]))
            }
            return layout.size
        }
        if let failure {
            // A compiler bug, caught before any of this code can run: the module is refused.
            throw WasmError(.uninstantiable, "internal JIT error: \(failure)")
        }
        var entries: [(UnsafeRawPointer, Int)] = []
        entries.reserveCapacity(compiled.count)
        var frameSlots = chunks[0].frameSlots
        for c in 1 ..< n { frameSlots += chunks[c].frameSlots }
        for (i, slots) in interpretedSlots { frameSlots[i] = slots }
        for i in compiled.indices { entries.append((UnsafeRawPointer(buffer.base + entryOffsets[i]), frameSlots[i])) }
        var stats = JITStatistics()
        stats.compiledFunctions = compiled.filter { $0 }.count
        stats.interpretedFunctions = compiled.count - stats.compiledFunctions
        stats.codeBytes = buffer.codeSize
        stats.workers = n
        stats.parallelModules = n > 1 ? 1 : 0
        for c in 0 ..< n {
            stats.instructions += chunks[c].instructionCount
            stats.repinnedLoops += chunks[c].repinnedLoopCount
            stats.unsupported.merge(chunks[c].unsupportedReasons, uniquingKeysWith: +)
        }
        var listing: JITListing?
        if recordListing {
            var functions: [[JITListing.Event]] = []
            var notes: [JITListing.Note] = []
            var isolation: [JITListing.IsolationSite] = []
            for c in 0 ..< n {
                functions += chunks[c].listings.map { layout.rebase($0, chunk: c) }
                notes += layout.rebase(chunks[c].masm.notes, chunk: c)
                isolation += layout.rebase(chunks[c].masm.isolation, chunk: c)
            }
            for (i, offset) in shimOffsets {
                let at = layout.moduleOffset(offset, inChunk: last)
                functions[i] = [JITListing.Event(codeOffset: at, mark: .interpreterShim)]
            }
            listing = JITListing(functions: functions, module: layout.rebase(chunks[last].masm.moduleMarks, chunk: last),
                                 notes: notes, isolation: isolation)
        }
        return JITCode(instructionSet: instructionSet, buffer: buffer, entries: entries, interpreted: interpreted,
                       trapTable: layout.mergeTrapTables { chunks[$0].masm.trapTable },
                       handlers: layout.mergeHandlerTables { chunks[$0].masm.handlerTable },
                       statistics: stats, module: module, compiled: compiled,
                       moduleStubsOffset: layout.moduleOffset(chunks[last].masm.moduleStubsOffset, inChunk: last),
                       faultResumeOffset: layout.moduleOffset(chunks[last].masm.faultResumeOffset, inChunk: last),
                       listing: listing, chunkEnds: n == 1 ? [] : (0 ..< last).map { layout.padding(after: $0).lowerBound })
    }

    /// Interpreter code for the functions the compiler left out (`leftOut`, defined
    /// indices): a second validator pass over those functions only.
    func interpreterPart(_ leftOut: [Int], module: Module, validator: ModuleValidator) throws -> any CompiledCode {
        guard !leftOut.isEmpty else { return InterpreterTranslation.noFunctions() }
        var translation = InterpreterTranslation(module: module)
        for i in leftOut { try validator.validateFunction(definedIndex: i, sink: &translation) }
        return translation.finish()
    }
}

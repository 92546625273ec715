import Testing
import Disassembly
@testable import JIT
import JITTools
import WAT
import WasmCore
import WasmDecoder
import WasmRuntime
import WasmValidator

/// A module compiled in chunks on several threads (threshold forced to 0, 2 workers) runs
/// like the same module compiled on one thread: same results, same traps with the same
/// backtraces from functions of the second chunk, same machine code per function except
/// call displacements; and the layout arithmetic that links the chunks.
@Suite(.enabled(if: JITTier.isSupported && TrapGuard.isSupported)) struct ParallelCompileTests {
    static let twoWorkers = JITParallelism(workers: 2, minimumCodeBytes: 0)

    /// The first function is big, so the split puts everything after it in chunk 1: calls
    /// go both ways between the chunks, and the trapping functions are all in chunk 1.
    static let wat: String = {
        let filler = (0 ..< 300).map { "(local.set 1 (i32.xor (local.get 1) (i32.add (local.get 0) (i32.const \($0)))))" }
        return """
            (module
              (memory 1)
              (tag $e (param i32))
              (table 2 funcref)
              (elem (i32.const 0) $square $inc)
              (func $filler (export "filler") (param i32) (result i32) (local i32)
                \(filler.joined(separator: "\n    "))
                (i32.add (local.get 1) (call $square (local.get 0))))
              (func $square (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
              (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
              (func $sum (export "sum") (param i32) (result i32) (local i32)
                (block (loop
                  (br_if 1 (i32.eqz (local.get 0)))
                  (local.set 1 (i32.add (local.get 1) (call $square (local.get 0))))
                  (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                  (br 0)))
                (local.get 1))
              (func $viaTable (export "viaTable") (param i32 i32) (result i32)
                (call_indirect (param i32) (result i32) (local.get 1) (local.get 0)))
              (func $tailInc (export "tailInc") (param i32) (result i32) (return_call $inc (local.get 0)))
              (func $load (param i32) (result i32) (i32.load (local.get 0)))
              (func $loadFromFiller (export "loadFromFiller") (param i32) (result i32) (call $load (local.get 0)))
              (func $divide (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
              (func $quotient (export "quotient") (param i32) (result i32) (call $divide (i32.const 100) (local.get 0)))
              (func $boom (export "boom") (unreachable))
              (func $down (export "down") (param i32) (result i32) (call $down (i32.add (local.get 0) (i32.const 1))))
              (func $thrower (param i32) (throw $e (local.get 0)))
              (func $catcher (export "catcher") (param i32) (result i32)
                (block $h (result i32)
                  (try_table (catch $e $h) (call $thrower (local.get 0)))
                  (i32.const -1))
                (i32.add (i32.const 1000)))
              (func $filler2 (export "filler2") (param i32) (result i32) (call $filler (local.get 0))))
            """
    }()

    static func bytes() throws -> [UInt8] { try WAT.encode(wat, debugNames: true) }

    /// An instance of the module compiled with `parallelism`, with the linker that keeps
    /// its store alive.
    static func instance(_ parallelism: JITParallelism, bounds: BoundsStrategy) throws -> (Linker, Instance) {
        try JITParallelism.$override.withValue(parallelism) {
            let linker = jitLinker(bounds: bounds)
            return (linker, try linker.instantiate(bytes: bytes()))
        }
    }

    static func trap(_ instance: Instance, _ export: String, _ args: [Value]) throws -> Trap? {
        do {
            _ = try #require(instance.function(export)).invoke(args)
            return nil
        } catch let trap as Trap {
            return trap
        }
    }

    @Test func theTrappingFunctionsAreInTheSecondChunk() throws {
        let module = try decodeModule(Self.bytes(), features: .wasm3)
        let chunks = Self.twoWorkers.chunks(of: module)
        #expect(chunks == [0 ..< 1, 1 ..< module.functions.count])
        let code = try JITTier.shared.compileModule(module, validator: ModuleValidator(module: module, features: .wasm3),
                                                    parallelism: Self.twoWorkers)
        #expect(code.statistics.workers == 2)
        #expect(code.statistics.compiledFunctions == module.functions.count)
        // The ranges in one pass (perf map, debugger symbols) are each function's own,
        // the first chunk's last one cut before the padding.
        let ranges = code.compiledRanges()
        #expect(ranges.count == module.functions.count)
        for (index, range) in ranges { #expect(range == code.codeRange(definedIndex: index), "function \(index)") }
        #expect(ranges.map(\.range.lowerBound) == ranges.map(\.range.lowerBound).sorted())
    }

    @Test(arguments: [BoundsStrategy.software, .guard])
    func resultsMatchTheSingleThreadedCompile(bounds: BoundsStrategy) throws {
        let (serialLinker, serial) = try Self.instance(.serial, bounds: bounds)
        let (parallelLinker, parallel) = try Self.instance(Self.twoWorkers, bounds: bounds)
        defer { withExtendedLifetime((serialLinker, parallelLinker)) {} }
        let calls: [(String, [Value])] = [("filler", [.i32(7)]), ("sum", [.i32(100)]), ("viaTable", [.i32(0), .i32(9)]),
                                          ("viaTable", [.i32(1), .i32(9)]), ("tailInc", [.i32(41)]),
                                          ("quotient", [.i32(7)]), ("catcher", [.i32(5)]), ("filler2", [.i32(3)]),
                                          ("loadFromFiller", [.i32(16)])]
        for (name, args) in calls {
            let expected = try call(serial, name, args)
            #expect(try call(parallel, name, args) == expected, "\(name)")
        }
        #expect(try call(parallel, "sum", [.i32(100)]) == [.i32(338_350)])
        #expect(try call(parallel, "catcher", [.i32(5)]) == [.i32(1005)])
        #expect(try call(parallel, "viaTable", [.i32(1), .i32(9)]) == [.i32(10)])
    }

    @Test(arguments: [BoundsStrategy.software, .guard])
    func trapsInTheSecondChunkReportTheirReasonAndFrames(bounds: BoundsStrategy) throws {
        let (parallelLinker, parallel) = try Self.instance(Self.twoWorkers, bounds: bounds)
        let (serialLinker, serial) = try Self.instance(.serial, bounds: bounds)
        defer { withExtendedLifetime((serialLinker, parallelLinker)) {} }
        let cases: [(String, [Value], TrapReason, [String])] = [
            ("loadFromFiller", [.i32(70_000)], .outOfBoundsMemoryAccess, ["load", "loadFromFiller"]),
            ("quotient", [.i32(0)], .integerDivideByZero, ["divide", "quotient"]),
            ("boom", [], .unreachable, ["boom"]),
        ]
        for (name, args, reason, frames) in cases {
            let trap = try #require(try Self.trap(parallel, name, args), "\(name)")
            #expect(trap.reason == reason, "\(name)")
            #expect(trap.backtrace == frames, "\(name)")
            let reference = try #require(try Self.trap(serial, name, args))
            #expect(trap.backtrace == reference.backtrace && trap.reason == reference.reason)
        }
        let exhausted = try #require(try Self.trap(parallel, "down", [.i32(0)]))
        #expect(exhausted.reason == .callStackExhausted)
        #expect(exhausted.backtrace.prefix(100).allSatisfy { $0 == "down" })
    }

    /// Listings print calls by name and offsets from each function's entry: apart from
    /// call displacements, the machine code of every function and of the module stubs is
    /// the same (this module has no jump tables or float constants, whose alignment
    /// padding depends on where a function starts).
    @Test(arguments: [BoundsStrategy.software, .guard])
    func machineCodeMatchesTheSingleThreadedCompile(bounds: BoundsStrategy) throws {
        let module = try decodeModule(Self.bytes(), features: .wasm3)
        let disassembler = try Disassembler(architecture: .x86_64)
        func listing(_ parallelism: JITParallelism) throws -> [String] {
            let code = try JITTier.shared.compileModule(module, validator: ModuleValidator(module: module, features: .wasm3),
                                                        bounds: bounds, recordListing: true, parallelism: parallelism)
            let printer = try JITListingPrinter(module: module, code: code, disassembler: disassembler)
            return module.functions.indices.map { printer.function(code.importCount + $0) } + [printer.moduleStubs()]
        }
        let serial = try listing(.serial)
        let parallel = try listing(Self.twoWorkers)
        #expect(serial.count == parallel.count)
        for (a, b) in zip(serial, parallel) { #expect(a == b) }
    }

    /// A function left to the interpreter in chunk 0 runs behind its shim, which the last
    /// chunk emits; calls reach it from both chunks.
    @Test(arguments: [BoundsStrategy.software, .guard])
    func interpretedFunctionOfTheFirstChunkIsCalledFromTheSecond(bounds: BoundsStrategy) throws {
        let filler = (0 ..< 300).map { "(local.set 1 (i32.add (local.get 1) (i32.const \($0))))" }.joined(separator: " ")
        let wat = """
            (module
              (func $lanes (export "lanes") (param i32) (result i32)
                (i32x4.extract_lane 2 (i32x4.splat (local.get 0))))
              (func $filler (param i32) (result i32) (local i32) \(filler) (call $lanes (local.get 1)))
              (func $viaSecond (export "viaSecond") (param i32) (result i32)
                (i32.add (call $lanes (local.get 0)) (call $filler (local.get 0)))))
            """
        let bytes = try WAT.encode(wat, debugNames: true)
        let module = try decodeModule(bytes, features: .wasm3)
        #expect(Self.twoWorkers.chunks(of: module) == [0 ..< 2, 2 ..< 3])
        func run(_ parallelism: JITParallelism) throws -> [[Value]] {
            try JITParallelism.$override.withValue(parallelism) {
                let linker = jitLinker(bounds: bounds)
                let instance = try JITTier.$interpretedFunctions.withValue([0]) { try linker.instantiate(bytes: bytes) }
                return try withExtendedLifetime(linker) {
                    [try call(instance, "lanes", [.i32(7)]), try call(instance, "viaSecond", [.i32(5)])]
                }
            }
        }
        let parallel = try run(Self.twoWorkers)
        #expect(try parallel == run(.serial))
        #expect(parallel[0] == [.i32(7)])
        let code = try JITTier.$interpretedFunctions.withValue([0]) {
            try JITTier.shared.compileModule(module, validator: ModuleValidator(module: module, features: .wasm3),
                                             bounds: bounds, parallelism: Self.twoWorkers)
        }
        #expect(code.isInterpreted(definedIndex: 0) && !code.isInterpreted(definedIndex: 2))
        #expect(code.statistics.workers == 2)
    }

    @Test func theFirstInvalidFunctionInFunctionOrderIsReported() throws {
        let filler = (0 ..< 200).map { _ in "(drop (i32.const 1))" }.joined(separator: " ")
        // Function 1 (chunk 0 with its filler) and function 3 (chunk 1) are both invalid.
        let wat = """
            (module
              (func \(filler))
              (func (result i32) (i64.const 1))
              (func \(filler))
              (func (result i64) (i32.const 1)))
            """
        let module = try decodeModule(WAT.encode(wat), features: .wasm3)
        #expect(JITParallelism(workers: 2, minimumCodeBytes: 0).chunks(of: module).count == 2)
        func message(_ parallelism: JITParallelism) -> String? {
            do {
                _ = try JITTier.shared.compileModule(module, validator: ModuleValidator(module: module, features: .wasm3),
                                                     parallelism: parallelism)
                return nil
            } catch {
                return "\(error)"
            }
        }
        let serial = try #require(message(.serial))
        #expect(message(JITParallelism(workers: 2, minimumCodeBytes: 0)) == serial)
        #expect(message(JITParallelism(workers: 4, minimumCodeBytes: 0)) == serial)
    }

    @Test func splitCutsAtTheNearestFunctionBoundary() {
        #expect(JITParallelism.split(sizes: [10, 10, 80], into: 2) == [0 ..< 2, 2 ..< 3])
        #expect(JITParallelism.split(sizes: [25, 25, 25, 25], into: 2) == [0 ..< 2, 2 ..< 4])
        #expect(JITParallelism.split(sizes: [90, 5, 5], into: 2) == [0 ..< 1, 1 ..< 3])
        #expect(JITParallelism.split(sizes: [1, 1, 1, 1, 1, 1], into: 3) == [0 ..< 2, 2 ..< 4, 4 ..< 6])
        #expect(JITParallelism.split(sizes: [5], into: 4) == [0 ..< 1])
        #expect(JITParallelism.split(sizes: [], into: 2) == [0 ..< 0])
        // Never an empty range, never more ranges than functions.
        let ranges = JITParallelism.split(sizes: [1, 1000], into: 8)
        #expect(ranges.count <= 2 && ranges.allSatisfy { !$0.isEmpty })
    }

    @Test func belowTheThresholdOneThreadCompiles() throws {
        let module = try decodeModule(Self.bytes(), features: .wasm3)
        #expect(JITParallelism(workers: 2, minimumCodeBytes: 1 << 30).chunks(of: module).count == 1)
        #expect(JITParallelism(workers: 1, minimumCodeBytes: 0).chunks(of: module).count == 1)
    }

    @Test func layoutAlignsChunksAndRebasesOffsets() {
        let layout = ModuleCodeLayout(chunkSizes: [100, 37, 5])
        #expect(layout.starts == [0, 112, 160])
        #expect(layout.size == 165)
        #expect(layout.padding(after: 0) == 100 ..< 112)
        #expect(layout.padding(after: 1) == 149 ..< 160)
        #expect(layout.padding(after: 2) == 165 ..< 165)
        #expect(layout.moduleOffset(3, inChunk: 1) == 115)

        var first = TrapTable(), second = TrapTable()
        first.add(offset: 10, reason: .unreachable)
        first.addSite(offset: 20, reason: .outOfBoundsMemoryAccess)
        second.add(offset: 4, reason: .integerDivideByZero)
        second.addSite(offset: 8, reason: .outOfBoundsMemoryAccess)
        let traps = layout.mergeTrapTables { [first, second, TrapTable()][$0] }
        #expect(traps.reason(at: 10) == .unreachable)
        #expect(traps.reason(at: 20) == .outOfBoundsMemoryAccess)
        #expect(traps.reason(at: 116) == .integerDivideByZero)
        #expect(traps.reason(at: 120) == .outOfBoundsMemoryAccess)
        #expect(traps.reason(at: 4) == nil && traps.reason(at: 8) == nil)
        #expect(traps.sites.map(\.offset) == [20, 120])

        var h0 = HandlerTable(), h1 = HandlerTable()
        h0.addCallSite(returnOffset: 30, frameOffset: 16)
        h1.addCallSite(returnOffset: 6, frameOffset: 24)
        let region = h1.open(start: 2, clauses: [.init(kind: .catchAll, tag: 0, slot: 8, landing: 30)])
        h1.close(region, end: 12)
        let handlers = layout.mergeHandlerTables { [h0, HandlerTable(), h1][$0] }
        #expect(handlers.frameOffset(returningTo: 30) == 16)
        #expect(handlers.frameOffset(returningTo: 166) == 24)
        #expect(handlers.frameOffset(returningTo: 6) == nil)
        var landings: [Int] = []
        handlers.forEachClause(at: 170) { landings.append($0.landing); return true }
        #expect(landings == [190])
        handlers.forEachClause(at: 10) { _ in Issue.record("region moved with its chunk"); return true }

        let events = layout.rebase([JITListing.Event(codeOffset: 1, mark: .prologue)], chunk: 2)
        #expect(events.map(\.codeOffset) == [161])
    }

    @Test func aSingleChunkIsNotMoved() {
        let layout = ModuleCodeLayout(chunkSizes: [77])
        #expect(layout.starts == [0] && layout.size == 77 && layout.padding(after: 0).isEmpty)
    }
}

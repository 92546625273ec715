import Testing
import TestSupport
import WAT
import WasmCore
import Interpreter
import WasmRuntime

/// The reason `body` trapped with, nil when it returned.
func trapReason(_ body: () throws(Trap) -> Void) -> TrapReason? {
    do throws(Trap) {
        try body()
        return nil
    } catch {
        return error.reason
    }
}

/// Bounds strategies and fault-based traps, run on the interpreter.
@Suite struct IsolationTests {
    static let safe = TierMatrix.safeStrategies

    func linker(_ bounds: BoundsStrategy, allowUnsafe: Bool = false) -> Linker {
        InterpreterTier.register()
        var configuration = StoreConfiguration()
        configuration.bounds = bounds
        configuration.allowUnsafeStrategies = allowUnsafe
        return Linker(store: Store(configuration: configuration))
    }

    func instantiate(_ text: String, _ linker: Linker) throws -> Instance {
        try linker.instantiate(CompiledModule(bytes: WAT.encode(text), store: linker.store))
    }

    // MARK: every width around the memory end and around 4 GiB

    struct Access { var name: String; var op: String; var width: UInt64; var isStore: Bool }
    static let accesses: [Access] = [
        Access(name: "l8", op: "i32.load8_u", width: 1, isStore: false),
        Access(name: "l16", op: "i32.load16_u", width: 2, isStore: false),
        Access(name: "l32", op: "i32.load", width: 4, isStore: false),
        Access(name: "lf32", op: "f32.load", width: 4, isStore: false),
        Access(name: "l64", op: "i64.load", width: 8, isStore: false),
        Access(name: "lf64", op: "f64.load", width: 8, isStore: false),
        Access(name: "s8", op: "i64.store8", width: 1, isStore: true),
        Access(name: "s16", op: "i64.store16", width: 2, isStore: true),
        Access(name: "s32", op: "i64.store32", width: 4, isStore: true),
        Access(name: "s64", op: "i64.store", width: 8, isStore: true),
        Access(name: "l128", op: "v128.load", width: 16, isStore: false),
        Access(name: "s128", op: "v128.store", width: 16, isStore: true),
    ]
    static let offsets: [UInt64] = [0, 1, 7, 65535, 65536, 1 << 31, (1 << 32) - 8, (1 << 32) - 1]
    static let addresses: [UInt64] = Array(0 ..< 4) + Array(65536 - 12 ..< 65536 + 12) + Array(131072 - 10 ..< 131072 + 10)
        + [1 << 31, (1 << 32) - 65536] + Array((1 << 32) - 12 ..< (1 << 32))

    static var accessModule: String {
        var text = "(module (memory (export \"mem\") 1 2)\n"
        for a in accesses {
            for (i, offset) in offsets.enumerated() {
                let value = a.width == 16 ? "(v128.const i64x2 -1 -1)" : "(i64.const -1)"
                let body = a.isStore
                    ? "(\(a.op) offset=\(offset) (local.get 0) \(value)) (i32.const 0)"
                    : "(drop (\(a.op) offset=\(offset) (local.get 0))) (i32.const 0)"
                text += "(func (export \"\(a.name)_\(i)\") (param i32) (result i32) \(body))\n"
            }
        }
        text += "(func (export \"grow\") (result i32) (memory.grow (i32.const 1))))"
        return text
    }

    /// The byte index an access really touches, or nil when it must trap.
    static func expectedIndex(_ strategy: BoundsStrategy, address: UInt64, offset: UInt64, width: UInt64,
                              size: UInt64) -> UInt64? {
        let sum = address + offset
        let index = strategy == .masked ? sum & 0xFFFF_FFFF : sum
        return index + width <= size ? index : nil
    }

    @Test(arguments: safe)
    func noAccessLeavesTheSandbox(strategy: BoundsStrategy) throws {
        let linker = linker(strategy)
        let instance = try instantiate(Self.accessModule, linker)
        guard case .memory(let memory)? = instance.export("mem") else { Issue.record("no memory"); return }
        for size: UInt64 in [65536, 131072] {
            if size == 131072 { #expect(try instance.function("grow")?.invoke([]) == [.i32(1)]) }
            for access in Self.accesses {
                for (i, offset) in Self.offsets.enumerated() {
                    let function = try #require(instance.function("\(access.name)_\(i)"))
                    for address in Self.addresses {
                        let expected = Self.expectedIndex(strategy, address: address, offset: offset,
                                                          width: access.width, size: size)
                        if let index = expected, access.isStore {
                            try memory.write([UInt8](repeating: 0, count: Int(access.width)), at: index)
                        }
                        let what = "\(strategy) \(access.op) offset=\(offset) at \(address), size \(size)"
                        let reason = trapReason { () throws(Trap) in
                            _ = try function.invoke([.i32(UInt32(truncatingIfNeeded: address))])
                        }
                        if let reason {
                            #expect(reason == .outOfBoundsMemoryAccess, "\(what): \(reason)")
                            #expect(expected == nil, "trapped: \(what)")
                        } else {
                            #expect(expected != nil, "succeeded: \(what)")
                            if let index = expected, access.isStore {
                                // The bytes landed where the strategy says, inside the memory.
                                #expect(try memory.read(at: index, count: Int(access.width)).allSatisfy { $0 == 0xFF },
                                        "misplaced: \(what)")
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: many faults, one healthy process

    static let oobModule = """
        (module (memory 1)
          (func (export "oob") (param i32) (result i32)
            (i32.load offset=65536 (local.get 0)))
          (func (export "ok") (param i32) (result i32)
            (i32.store (i32.const 8) (local.get 0)) (i32.load (i32.const 8))))
        """

    /// Traps `count` times through the guard and checks nothing was left behind.
    func trapRepeatedly(_ strategy: BoundsStrategy, count: Int) throws {
        weak var weakStore: Store?
        do {
            let linker = linker(strategy)
            weakStore = linker.store
            let instance = try instantiate(Self.oobModule, linker)
            let oob = try #require(instance.function("oob"))
            let ok = try #require(instance.function("ok"))
            var traps = 0
            for i in 0 ..< count {
                let reason = trapReason { () throws(Trap) in _ = try oob.invoke([.i32(UInt32(i % 70_000))]) }
                if reason == .outOfBoundsMemoryAccess { traps += 1 }
            }
            #expect(traps == count)
            #expect(try ok.invoke([.i32(42)]) == [.i32(42)])
            #expect(linker.store.stack.frameCount == 0)
        }
        // Abandoned frames kept no reference: the store and its memories are gone.
        #expect(weakStore == nil)
    }

    @Test(arguments: [BoundsStrategy.guard, .masked])
    func tenThousandFaultsTrapCleanly(strategy: BoundsStrategy) throws {
        try trapRepeatedly(strategy, count: 10_000)
    }

    @Test func faultsOnSeveralThreadsStayApart() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0 ..< 4 {
                group.addTask { try self.trapRepeatedly(.guard, count: 2_500) }
            }
            try await group.waitForAll()
        }
    }

    @Test func hostFunctionsReenteringWasmTrapInTheInnerEntry() throws {
        let linker = linker(.guard)
        let inner = try instantiate(Self.oobModule, linker)
        let oob = try #require(inner.function("oob"))
        var innerTrapped = false
        let host = Function(type: FunctionType(parameters: [.i32], results: [.i32])) { args in
            innerTrapped = trapReason { () throws(Trap) in _ = try oob.invoke(args) } == .outOfBoundsMemoryAccess
            return [.i32(5)]
        }
        linker.define(module: "host", name: "f", .function(host))
        let outer = try instantiate("""
            (module (import "host" "f" (func $f (param i32) (result i32))) (memory 1)
              (func (export "run") (result i32)
                (i32.add (call $f (i32.const 3)) (i32.load (i32.const 0)))))
            """, linker)
        #expect(try outer.function("run")?.invoke([]) == [.i32(5)])
        #expect(innerTrapped)
    }

    @Test(arguments: safe)
    func backtracesNameTheFaultingFrames(strategy: BoundsStrategy) throws {
        let linker = linker(strategy)
        let instance = try instantiate("""
            (module (memory 1)
              (func $inner (export "inner") (param i32) (result i32) (i32.load (local.get 0)))
              (func $middle (export "middle") (param i32) (result i32) (call $inner (local.get 0)))
              (func (export "outer") (param i32) (result i32)
                (drop (call $middle (i32.const 0))) (call $middle (local.get 0))))
            """, linker)
        let outer = try #require(instance.function("outer"))
        do throws(Trap) {
            _ = try outer.invoke([.i32(70_000)])
            Issue.record("no trap")
        } catch {
            #expect(error.reason == .outOfBoundsMemoryAccess)
            #expect(error.backtrace == ["inner", "middle", "outer"])
        }
        #expect(linker.store.stack.frameCount == 0)
    }

    /// Reservations are reused once their memory is gone: the next memory, of whatever
    /// size, must read as zero and end where its own size says.
    @Test(arguments: safe)
    func reusedReservationsAreZeroAndBoundedAgain(strategy: BoundsStrategy) throws {
        func dirty(pages: Int, growBy grow: Int) throws {
            let linker = linker(strategy)
            let instance = try instantiate("""
                (module (memory \(pages))
                  (func (export "run") (result i32)
                    (drop (memory.grow (i32.const \(grow))))
                    (memory.fill (i32.const 0) (i32.const 0xA5) (i32.mul (memory.size) (i32.const 65536)))
                    (memory.size)))
                """, linker)
            #expect(try instance.function("run")?.invoke([]) == [.i32(UInt32(pages + grow))])
        }
        // 10 and 12 pages: larger memories than the 3-page ones before.
        for (pages, grow, next) in [(1, 2, 1), (1, 0, 2), (2, 1, 2), (3, 0, 1), (9, 3, 10)] {
            for _ in 0..<3 { try dirty(pages: pages, growBy: grow) }
            let linker = linker(strategy)
            let instance = try instantiate("""
                (module (memory (export "mem") \(next))
                  (func (export "at") (param i32) (result i32) (i32.load8_u (local.get 0))))
                """, linker)
            guard case .memory(let memory)? = instance.export("mem") else { Issue.record("no memory"); return }
            #expect(memory.linear.byteCount == next * 65536)
            #expect(try memory.linear.read(at: 0, count: memory.linear.byteCount).allSatisfy { $0 == 0 })
            let at = try #require(instance.function("at"))
            #expect(trapReason { () throws(Trap) in _ = try at.invoke([.i32(UInt32(next * 65536))]) } == .outOfBoundsMemoryAccess)
            #expect(trapReason { () throws(Trap) in _ = try at.invoke([.i32(UInt32(max(3, pages + grow) * 65536 - 1))]) }
                    == .outOfBoundsMemoryAccess)
        }
    }

    // MARK: configuration rules

    @Test func reservationsFollowTheStrategy() throws {
        let type = MemoryType(Limits(min: 1, max: 3))
        let guarded = try LinearMemory(type: type, strategy: .guard)
        #expect(UInt64(guarded.reservedByteCount) == BoundsStrategy.guardReservation)
        let base = guarded.base
        #expect(guarded.grow(by: 2) == 1)
        #expect(guarded.base == base)
        #expect(guarded.grow(by: 1) == nil)
        let masked = try LinearMemory(type: type, strategy: .masked)
        #expect(UInt64(masked.reservedByteCount) == BoundsStrategy.maskedReservation)
        let software = try LinearMemory(type: type, strategy: .software)
        #expect(software.reservedByteCount == 3 * 65536)
        #expect(BoundsStrategy.guard.addressing(is64: true) == .explicitCheck)
        #expect(!BoundsStrategy.masked.isSpecConforming && BoundsStrategy.guard.isSpecConforming)
    }

    @Test func uncheckedNeedsExplicitPermission() throws {
        let module = "(module (memory 1) (func (export \"f\") (result i32) (i32.load (i32.const 0))))"
        #expect(throws: WasmError.self) { try instantiate(module, linker(.unchecked)) }
        let unsafeLinker = linker(.unchecked, allowUnsafe: true)
        let allowed = try instantiate(module, unsafeLinker)
        #expect(try allowed.function("f")?.invoke([]) == [.i32(0)])
    }

    @Test func guardedCodeRefusesMemoriesWithoutAGuardRegion() throws {
        let linker = linker(.guard)
        linker.define(module: "env", name: "mem", .memory(try Memory(type: MemoryType(Limits(min: 1)), strategy: .software)))
        #expect(throws: WasmError.self) {
            try instantiate("(module (import \"env\" \"mem\" (memory 1)))", linker)
        }
        let checked = self.linker(.software)
        checked.define(module: "env", name: "mem", .memory(try Memory(type: MemoryType(Limits(min: 1)), strategy: .guard)))
        _ = try instantiate("(module (import \"env\" \"mem\" (memory 1)))", checked)
    }
}

import Emulation
import Platform
import Synchronization
import WasmCore
import WasmRuntime

/// Runs the arm64 tier's code on this host (Docs/Emulation.md, Docs/JIT.md "AArch64"):
/// each run takes a `Runner` — an `ARM64Machine` with a native stack of its own and a
/// helper table whose entries are the machine's bridge entries — and starts the AArch64
/// entry trampoline with the same `JITContext` the x86-64 tier uses. Host pages are mapped
/// as the host itself may access them (`/proc/self/maps`), so a guard page faults; a fault
/// in guarded code on a guard region resumes at the module's fault resume as a trap, as
/// `TrapGuard` does for x86-64 code. Runs nest (a helper may call arm64 code again) by
/// taking another runner.
final class ARM64Emulation: @unchecked Sendable {
    /// Whether the emulator loads on this host.
    static var isAvailable: Bool { ARM64Machine.isAvailable }

    /// Bytes of each runner's native stack, and the margin below which `stackLimit` traps.
    static let stackBytes = 1 << 20
    static let stackMargin = 16 << 10

    /// The code ranges freed, numbered: a machine that translated code before a free
    /// drops its translations of that range (and its mapping) before it runs again, since
    /// the pages may hold new code now. Dropping all of them costs tens of milliseconds
    /// (unicorn resets its whole translation cache), so only the freed ranges go; a machine
    /// further behind than the log reaches drops everything.
    private static let freed = Mutex<(count: Int, ranges: [(number: Int, start: UInt64, end: UInt64)])>((0, []))
    private static let freedLogLength = 256

    /// Records that arm64 code at `start ..< end` was freed (`JITCode.deinit`).
    static func codeFreed(start: UInt64, end: UInt64) {
        freed.withLock { log in
            log.count += 1
            log.ranges.append((log.count, start, end))
            if log.ranges.count > freedLogLength { log.ranges.removeFirst(log.ranges.count - freedLogLength) }
        }
    }

    /// The ranges freed after number `seen`, and the count now; nil ranges when the log
    /// no longer reaches back that far.
    private static func freed(after seen: Int) -> (ranges: [(start: UInt64, end: UInt64)]?, count: Int) {
        freed.withLock { log in
            guard seen < log.count else { return ([], log.count) }
            guard let first = log.ranges.first, first.number <= seen + 1 else { return (nil, log.count) }
            return (log.ranges.filter { $0.number > seen }.map { ($0.start, $0.end) }, log.count)
        }
    }

    /// A machine, its native stack and its helper table (used by one run at a time).
    final class Runner: @unchecked Sendable {
        let machine: ARM64Machine
        /// The number of code frees this machine's translations account for.
        var freesSeen = 0
        /// The machine's instruction count already added to `executed`.
        var counted: UInt64 = 0
        /// The host's mappings as of this run.
        var mappings = HostMappings()
        /// Runs so far (`runsPerMachine`).
        var runs = 0
        let stack: UnsafeMutableRawPointer
        let helpers: UnsafeMutablePointer<UInt64>

        init() throws(EmulationError) {
            machine = try ARM64Machine()
            guard let stack = mmap(nil, ARM64Emulation.stackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  stack != MAP_FAILED else { throw EmulationError("cannot map an emulated stack") }
            self.stack = stack
            let slots = RuntimeHelpers.Slot.allCases.count + 1
            helpers = .allocate(capacity: slots)
            helpers.initialize(repeating: 0, count: slots)
            for slot in RuntimeHelpers.Slot.allCases { helpers[slot.rawValue] = machine.bridgeAddress(slot.rawValue) }
            machine.hostCall = Self.callHelper
            machine.resolve = { [unowned self] address, _ in resolve(address) }
        }

        deinit {
            munmap(stack, ARM64Emulation.stackBytes)
            helpers.deallocate()
        }

        /// What to map at `address`: the runner's own stack and arm64 code stay mapped
        /// across runs (until code is freed: `take`); the rest as the host maps it, for
        /// this run only.
        private func resolve(_ address: UInt64) -> ARM64Machine.Region? {
            let stackStart = UInt64(UInt(bitPattern: stack))
            if stackStart <= address && address < stackTop {
                return .init(start: stackStart, count: ARM64Emulation.stackBytes, permissions: .readWrite, pinned: true)
            }
            if let code = JITCodeRegistry.shared.code(containing: UInt(address)), code.instructionSet == .arm64 {
                let page = UInt(ARM64Machine.pageSize)
                let start = UInt(bitPattern: code.buffer.base), end = (start + UInt(code.buffer.codeSize) + page - 1) & ~(page - 1)
                return .init(start: UInt64(start), count: Int(end - start), permissions: .readExecute, pinned: true)
            }
            return mappings.region(containing: address)
        }

        var stackTop: UInt64 { UInt64(UInt(bitPattern: stack)) + UInt64(ARM64Emulation.stackBytes) }
        var stackLimit: UInt { UInt(bitPattern: stack) + UInt(ARM64Emulation.stackMargin) }

        /// Bridge entry `entry` is the helper of that `RuntimeHelpers.Slot`: called with the
        /// argument registers (every helper takes at most six integers or pointers).
        private static func callHelper(_ machine: ARM64Machine, _ entry: Int) {
            typealias AnyHelper = @convention(c) (UInt, UInt, UInt, UInt, UInt, UInt) -> UInt
            guard let slot = RuntimeHelpers.Slot(rawValue: entry) else {
                machine.stop()
                return
            }
            let helper = unsafeBitCast(slot.address, to: AnyHelper.self)
            let r = helper(UInt(machine.x(0)), UInt(machine.x(1)), UInt(machine.x(2)), UInt(machine.x(3)),
                           UInt(machine.x(4)), UInt(machine.x(5)))
            machine.setX(0, UInt64(r))
        }
    }

    private let idle = Mutex<[Runner]>([])
    /// Mappings a machine keeps from run to run at most (beyond, it starts afresh).
    static let keptMappings = 64
    /// Runs after which a machine is replaced: unicorn 2.0 keeps a few hundred bytes per
    /// start until its engine is closed (measured with its C API alone), so a machine
    /// that ran forever would grow without end.
    static let runsPerMachine = 10_000
    /// Whether runs count their instructions, and the count so far (`JITTier.instructionsExecuted`).
    let counting = Atomic<Bool>(false)
    let executed = Atomic<UInt64>(0)

    private func take() throws(Trap) -> Runner {
        let runner: Runner
        if let idle = idle.withLock({ $0.popLast() }) {
            runner = idle
        } else {
            do {
                runner = try Runner()
                runner.freesSeen = Self.freed(after: Int.max).count
            } catch {
                throw Trap(.hostError, detail: "arm64 emulation: \(error)")
            }
        }
        runner.machine.countsInstructions = counting.load(ordering: .relaxed)
        runner.mappings.invalidate()
        let kept = runner.machine.unpinnedMappingCount
        if kept > Self.keptMappings {
            // Each mapping costs unicorn memory of its own: runs over ever new host memory
            // (fresh stores) would grow it without end.
            runner.machine.unmapAll()
        } else if kept > 0 {
            // What an earlier run mapped stays only where the host still maps it alike.
            runner.machine.unmap { !runner.mappings.covers($0) }
        }
        let (ranges, count) = Self.freed(after: runner.freesSeen)
        if let ranges {
            for range in ranges { runner.machine.forget(start: range.start, end: range.end) }
        } else {
            runner.machine.unmapAll(includingPinned: true)
            runner.machine.flushTranslations()
        }
        runner.freesSeen = count
        return runner
    }

    /// Returns `runner` to the pool; its mappings are checked against the host's when it
    /// is taken again (`take`).
    private func release(_ runner: Runner) {
        if runner.machine.countsInstructions {
            executed.wrappingAdd(runner.machine.instructionCount &- runner.counted, ordering: .relaxed)
            runner.counted = runner.machine.instructionCount
        }
        runner.runs += 1
        // Dropped rather than pooled: closing the engine frees what it kept.
        guard runner.runs < Self.runsPerMachine else { return }
        idle.withLock { $0.append(runner) }
    }

    /// Runs the trampoline at `trampoline` for `code` with `context` (its helpers and stack
    /// limit set here); the trampoline's result: 0, or a trap reason + 1.
    func run(_ context: UnsafeMutablePointer<JITContext>, instance: UnsafeMutableRawPointer?,
             fp: UnsafeMutableRawPointer, code: UnsafeRawPointer, trampoline: UnsafeRawPointer) throws(Trap) -> UInt {
        let runner = try take()
        defer { release(runner) }
        context.pointee.helpers = UnsafeRawPointer(runner.helpers)
        context.pointee.stackLimit = runner.stackLimit
        let m = runner.machine
        m.sp = runner.stackTop
        m.setX(0, UInt64(UInt(bitPattern: context)))
        m.setX(1, UInt64(UInt(bitPattern: instance)))
        m.setX(2, UInt64(UInt(bitPattern: fp)))
        m.setX(3, UInt64(UInt(bitPattern: code)))
        var entry = UInt64(UInt(bitPattern: trampoline))
        while true {
            let stop: ARM64Machine.Stop
            do {
                stop = try m.run(from: entry)
            } catch {
                throw Trap(.hostError, detail: "arm64 emulation: \(error)")
            }
            switch stop {
            case .returned:
                return UInt(m.x(0))
            case .stopped:
                throw Trap(.hostError, detail: "arm64 emulation stopped by a host call")
            case .fault(let pc, let address, let access):
                guard let resume = Self.faultResume(pc: UInt(pc), address: UInt(address)) else {
                    throw Trap(.hostError, detail: "arm64 code faulted at pc 0x\(String(pc, radix: 16)) (\(access) of 0x\(String(address, radix: 16)))")
                }
                // As TrapGuard resumes x86-64 code: x0 = the fault PC, x1 = the reason + 1,
                // sp unchanged (the faulting body's).
                m.setX(0, pc)
                m.setX(1, UInt64(TrapReason.outOfBoundsMemoryAccess.rawValue) + 1)
                entry = UInt64(resume)
            }
        }
    }

    /// Where a fault at `pc` on `address` resumes as an out-of-bounds trap: in arm64 code
    /// with guarded accesses, on a memory's guard region; nil for any other fault.
    private static func faultResume(pc: UInt, address: UInt) -> UInt? {
        guard let (code, _) = JITCodeRegistry.shared.function(containing: pc &+ 1), code.instructionSet == .arm64,
              !code.trapTable.sites.isEmpty, TrapGuard.shared?.guardRegionContains(address) == true else { return nil }
        return UInt(bitPattern: code.buffer.base) + UInt(code.faultResumeOffset)
    }
}


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

    /// Counts frees of arm64 code: a machine that translated code before the last free
    /// drops its translations before it runs again (the pages may hold new code now).
    static let codeGeneration = Atomic<Int>(0)

    /// A machine, its native stack and its helper table (used by one run at a time).
    final class Runner: @unchecked Sendable {
        let machine: ARM64Machine
        /// `codeGeneration` when the machine last dropped its translations.
        var generation = -1
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
            machine.resolve = { address, _ in HostMappings.region(containing: address) }
        }

        deinit {
            munmap(stack, ARM64Emulation.stackBytes)
            helpers.deallocate()
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

    private func take() throws(Trap) -> Runner {
        let runner: Runner
        if let idle = idle.withLock({ $0.popLast() }) {
            runner = idle
        } else {
            do {
                runner = try Runner()
            } catch {
                throw Trap(.hostError, detail: "arm64 emulation: \(error)")
            }
        }
        let generation = Self.codeGeneration.load(ordering: .acquiring)
        if runner.generation != generation {
            runner.machine.flushTranslations()
            runner.generation = generation
        }
        return runner
    }

    private func release(_ runner: Runner) {
        // Host memory may be unmapped or reprotected before the next run.
        runner.machine.unmapAll()
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

import WasmCore
import WasmRuntime

// Picks the executor specialisation for the store's bounds strategy. Strategies that
// detect out-of-bounds accesses by faulting run the executor under `TrapGuard`:
//
//   invoke ── TrapGuard.run ──> [entry trampoline] ──> guardedBody ──> Executor.run
//      ^                              |  trap exit  <── signal handler <── fault in a load
//      └──── reason + 1 ──────────────┘
//
// Frames from `guardedBody` down are abandoned on a fault, so the guarded path hands the
// executor only raw pointers and unretained references (nothing to release).

extension InterpreterTier {
    func execute(_ function: UnsafeMutablePointer<FunctionRecord>, fp: UnsafeMutableRawPointer,
                 stack: ExecutionStack, store: Store) throws(TrapReason) {
        let strategy = store.configuration.bounds
        switch strategy.addressing(is64: false) {
        case .explicitCheck:
            try Executor<CheckedAddressing>.run(entry: function, fp: fp, stack: stack, store: store, tierID: id)
        case .none:
            try Executor<UncheckedAddressing>.run(entry: function, fp: fp, stack: stack, store: store, tierID: id)
        case .guardRegion:
            try runGuarded(function, fp: fp, stack: stack, store: store, body: guardedBody)
        case .mask32:
            try runGuarded(function, fp: fp, stack: stack, store: store, body: maskedBody)
        }
    }

    private func runGuarded(_ function: UnsafeMutablePointer<FunctionRecord>, fp: UnsafeMutableRawPointer,
                            stack: ExecutionStack, store: Store, body: TrapGuard.Body) throws(TrapReason) {
        guard let trapGuard = TrapGuard.shared else { throw .hostError }
        var run = GuardedRun(entry: function, fp: fp, stack: Unmanaged.passUnretained(stack),
                             store: Unmanaged.passUnretained(store), tierID: id)
        let code = withUnsafeMutablePointer(to: &run) { trapGuard.run(body, UnsafeMutableRawPointer($0), anyPC: true) }
        guard code == 0 else { throw TrapReason(rawValue: UInt8(truncatingIfNeeded: code &- 1)) ?? .hostError }
    }
}

/// Everything the guarded executor needs, as raw values.
struct GuardedRun {
    var entry: UnsafeMutablePointer<FunctionRecord>
    var fp: UnsafeMutableRawPointer
    var stack: Unmanaged<ExecutionStack>
    var store: Unmanaged<Store>
    var tierID: Int
}

/// Runs the executor with a given addressing inside the trampoline; 0 or reason + 1.
@inline(__always)
private func runExecutor<A: InterpreterAddressing>(_ raw: UnsafeMutableRawPointer?, _: A.Type) -> UInt32 {
    guard let run = raw?.assumingMemoryBound(to: GuardedRun.self) else { return UInt32(TrapReason.hostError.rawValue) + 1 }
    let entry = run.pointee.entry, fp = run.pointee.fp, tierID = run.pointee.tierID
    // Guaranteed (+0) references: a fault that abandons these frames leaves no count behind.
    return run.pointee.stack._withUnsafeGuaranteedRef { stack in
        run.pointee.store._withUnsafeGuaranteedRef { store in
            do throws(TrapReason) {
                try Executor<A>.run(entry: entry, fp: fp, stack: stack, store: store, tierID: tierID)
                return 0
            } catch {
                return UInt32(error.rawValue) + 1
            }
        }
    }
}

private let guardedBody: TrapGuard.Body = { runExecutor($0, UncheckedAddressing.self) }
private let maskedBody: TrapGuard.Body = { runExecutor($0, MaskedAddressing.self) }

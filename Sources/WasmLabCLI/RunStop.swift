import Platform
import Synchronization
import WasmRuntime

/// What may stop a `wasmlab run` from outside the guest: its --timeout, and SIGINT or
/// SIGTERM. Each one interrupts the store (`Store.interrupt()`, the one thread-safe call),
/// so the guest stops at its next loop header or call with a Wasm backtrace; the first
/// cause is kept to name the stop and choose the exit status. A second signal while the
/// guest has not yet stopped (it may wait in a host call) ends the process at once.
///
/// Signals are taken synchronously by a watcher thread (`sigwait`), not by a handler: the
/// handler would have to stay async-signal-safe, and the store and the cause are Swift
/// objects. `start()` must run before any other thread exists, so that all inherit the
/// blocked mask and the watcher is the only taker.
final class RunStop: @unchecked Sendable {
    enum Cause: Int32 {
        case timeout = -1
        case interrupt = 2  // SIGINT
        case terminate = 15  // SIGTERM
    }

    private let cause = Atomic<Int32>(0)
    private let signalled = Atomic<Bool>(false)
    private let target = Mutex<Target?>(nil)

    /// The store to interrupt: only `interrupt()`, its one thread-safe call, is used from other threads.
    private struct Target: @unchecked Sendable { let store: Store }

    /// Blocks SIGINT and SIGTERM in this thread (and the threads it will create) and
    /// starts the watcher.
    static func start() -> RunStop {
        let stop = RunStop()
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let watched = signals
        spawnDetachedThread {
            var signals = watched
            while true {
                var signal: Int32 = 0
                guard sigwait(&signals, &signal) == 0 else { continue }
                if stop.signalled.exchange(true, ordering: .acquiringAndReleasing) { _exit(128 + signal) }
                stop.fire(Cause(rawValue: signal) ?? .terminate)
            }
        }
        return stop
    }

    /// The first cause that fired, if any.
    var stopCause: Cause? { Cause(rawValue: cause.load(ordering: .acquiring)) }

    /// Interrupts `store` from now on (and at once, when a cause already fired).
    func watch(_ store: Store) {
        target.withLock { $0 = Target(store: store) }
        if stopCause != nil { store.interrupt() }
    }

    /// Fires `.timeout` after `seconds`.
    func fire(after seconds: Double) {
        spawnDetachedThread { [self] in
            sleepSeconds(seconds)
            fire(.timeout)
        }
    }

    private func fire(_ reason: Cause) {
        _ = cause.compareExchange(expected: 0, desired: reason.rawValue, ordering: .acquiringAndReleasing)
        target.withLock { $0?.store.interrupt() }
    }
}

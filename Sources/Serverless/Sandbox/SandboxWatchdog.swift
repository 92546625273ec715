import GreenThreads
import HeapModule
import Platform
import Synchronization

/// Kills sandboxes that outlive their timeout: one thread that sleeps until the earliest
/// deadline. Kills come from outside the worker threads, as a user's would.
final class SandboxWatchdog: @unchecked Sendable {
    private struct Entry: Comparable {
        let deadline: UInt64
        let sandbox: Sandbox
        static func < (a: Self, b: Self) -> Bool { a.deadline < b.deadline }
        static func == (a: Self, b: Self) -> Bool { a.deadline == b.deadline && a.sandbox === b.sandbox }
    }

    /// Entries of sandboxes that ended early stay until their deadline passes; a kill
    /// then finds no store and does nothing.
    private let entries = Mutex<Heap<Entry>>(Heap())
    private let state = Mutex<(started: Bool, stopping: Bool)>((false, false))
    private var thread = pthread_t()

    init() {}

    deinit {
        let started = state.withLock { s -> Bool in
            s.stopping = true
            return s.started
        }
        if started { pthread_join(thread, nil) }
    }

    func watch(_ sandbox: Sandbox, until deadline: UInt64) {
        entries.withLock { $0.insert(Entry(deadline: deadline, sandbox: sandbox)) }
        startIfNeeded()
    }

    private func startIfNeeded() {
        let start = state.withLock { s -> Bool in
            guard !s.started else { return false }
            s.started = true
            return true
        }
        guard start else { return }
        let box = Unmanaged.passUnretained(self).toOpaque()
        pthread_create(&thread, nil, { raw in
            Unmanaged<SandboxWatchdog>.fromOpaque(raw!).takeUnretainedValue().loop()
            return nil
        }, box)
    }

    private func loop() {
        while !state.withLock({ $0.stopping }) {
            let now = MonotonicClock.now()
            let due = entries.withLock { heap -> [Sandbox] in
                var due: [Sandbox] = []
                while let first = heap.min, first.deadline <= now { due.append(heap.removeMin().sandbox) }
                return due
            }
            for sandbox in due { sandbox.kill() }
            usleep(1000)
        }
    }
}

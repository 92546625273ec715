import GreenThreads
import HeapModule
import Platform

/// Kills sandboxes that outlive their timeout: one thread that sleeps until the earliest
/// deadline (or until a new, earlier one arrives). Kills come from outside the worker
/// threads, as a user's would.
final class SandboxWatchdog: @unchecked Sendable {
    private struct Entry: Comparable {
        let deadline: UInt64
        let sandbox: Sandbox
        static func < (a: Self, b: Self) -> Bool { a.deadline < b.deadline }
        static func == (a: Self, b: Self) -> Bool { a.deadline == b.deadline && a.sandbox === b.sandbox }
    }

    // Guarded by `mutex`. Entries of sandboxes that ended stay until their deadline passes
    // (a kill then does nothing) or until they outnumber the live ones, when they are
    // swept: the heap stays proportional to the sandboxes running, not to the request
    // rate times the timeout.
    private var entries = Heap<Entry>()
    private var live = 0
    private var started = false, stopping = false
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var thread = pthread_t()

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_mutex_lock(mutex)
        stopping = true
        let join = started
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
        if join { pthread_join(thread, nil) }
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Kills `sandbox` at `deadline` (monotonic ns) unless `finished` came first.
    func watch(_ sandbox: Sandbox, until deadline: UInt64) {
        pthread_mutex_lock(mutex)
        let earliest = entries.min?.deadline ?? .max
        entries.insert(Entry(deadline: deadline, sandbox: sandbox))
        live += 1
        if !started {
            started = true
            let box = Unmanaged.passUnretained(self).toOpaque()
            pthread_create(&thread, nil, { raw in
                Unmanaged<SandboxWatchdog>.fromOpaque(raw!).takeUnretainedValue().loop()
                return nil
            }, box)
        } else if deadline < earliest {
            pthread_cond_signal(condition)
        }
        pthread_mutex_unlock(mutex)
    }

    /// A watched sandbox ended (`sandbox.isFinished` is set).
    func finished() {
        pthread_mutex_lock(mutex)
        live -= 1
        if entries.count > 2 * live + 1024 {
            entries = Heap(entries.unordered.filter { !$0.sandbox.isFinished })
        }
        pthread_mutex_unlock(mutex)
    }

    /// Entries held, live or ended and not yet swept.
    var count: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return entries.count
    }

    private func loop() {
        pthread_mutex_lock(mutex)
        while !stopping {
            let now = MonotonicClock.now()
            var due: [Sandbox] = []
            while let first = entries.min, first.deadline <= now { due.append(entries.removeMin().sandbox) }
            if !due.isEmpty {
                pthread_mutex_unlock(mutex)
                for sandbox in due where !sandbox.isFinished { sandbox.kill() }
                pthread_mutex_lock(mutex)
                continue
            }
            if let next = entries.min?.deadline {
                var until = timespec(tv_sec: Int(next / 1_000_000_000), tv_nsec: Int(next % 1_000_000_000))
                pthread_cond_timedwait(condition, mutex, &until)
            } else {
                pthread_cond_wait(condition, mutex)
            }
        }
        pthread_mutex_unlock(mutex)
    }
}

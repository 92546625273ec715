import Platform

/// Runs a few jobs at once on plain pthreads (core targets use no Foundation and no
/// task executor: a compile is synchronous and must not wait for a thread pool).
enum WorkerThreads {
    /// The stack of each worker: the validator and compiler do not recurse, but debug
    /// builds have large frames.
    static let stackBytes = 8 << 20

    /// Runs `body(k)` for every `k` in `0 ..< count` and returns when all have finished:
    /// job 0 on the calling thread, the others on new threads (or, if a thread cannot be
    /// started, on the calling thread afterwards). `body` must only touch state that is
    /// its own per `k` or read-only.
    static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        var threads: [pthread_t] = []
        var leftOver: [Int] = []
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, stackBytes)
        for k in 1 ..< max(count, 1) {
            let job = Unmanaged.passRetained(Job(index: k, body: body)).toOpaque()
            #if canImport(Glibc)
            var thread = pthread_t()
            let started = pthread_create(&thread, &attributes, { raw in
                Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue().run()
                return nil
            }, job)
            if started == 0 { threads.append(thread) } else {
                Unmanaged<Job>.fromOpaque(job).release()
                leftOver.append(k)
            }
            #else
            var thread: pthread_t?
            let started = pthread_create(&thread, &attributes, { raw in
                Unmanaged<Job>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, job)
            if started == 0, let thread { threads.append(thread) } else {
                Unmanaged<Job>.fromOpaque(job).release()
                leftOver.append(k)
            }
            #endif
        }
        pthread_attr_destroy(&attributes)
        if count > 0 { body(0) }
        for k in leftOver { body(k) }
        for thread in threads { pthread_join(thread, nil) }
    }

    private final class Job {
        let index: Int
        let body: @Sendable (Int) -> Void
        init(index: Int, body: @escaping @Sendable (Int) -> Void) {
            self.index = index
            self.body = body
        }
        func run() { body(index) }
    }
}

/// A fixed number of result slots that different threads fill, each its own slot, and the
/// starting thread reads after joining them (`WorkerThreads.run`).
final class WorkerResults<T>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<T?>
    let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: max(count, 1))
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// Only the thread that owns slot `k` writes it, once, before it is joined.
    subscript(k: Int) -> T? {
        get { slots[k] }
        set { slots[k] = newValue }
    }

    /// Moves the results out, in slot order (after every writer was joined).
    func take() -> [T?] {
        (0 ..< count).map { k in
            let value = slots[k]
            slots[k] = nil
            return value
        }
    }
}

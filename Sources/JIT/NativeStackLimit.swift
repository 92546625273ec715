import Platform

/// The lowest native stack address compiled code may use on the current thread: the
/// thread's stack bottom plus room for the Swift code (helpers, host functions, the
/// interpreter) that runs from deep frames. Prologues compare rsp with it.
///
/// Cached in thread-specific data, which ends with its thread: a new thread that reuses
/// an old one's `pthread_t` (and may have a smaller stack) computes its own limit instead
/// of inheriting a stale one.
enum NativeStackLimit {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        // No destructor: the value is an integer, not an allocation.
        guard pthread_key_create(&key, nil) == 0 else { return pthread_key_t.max }
        return key
    }()

    static var current: UInt {
        if key != pthread_key_t.max, let cached = pthread_getspecific(key) { return UInt(bitPattern: cached) }
        let limit = compute()
        if key != pthread_key_t.max { pthread_setspecific(key, UnsafeRawPointer(bitPattern: limit)) }
        return limit
    }

    private static func compute() -> UInt {
        var attributes = pthread_attr_t()
        var low: UnsafeMutableRawPointer?
        var size = 0
        // Glibc's module map hides pthread_getattr_np; resolve it at run time.
        typealias GetAttr = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_getattr_np"),
           unsafeBitCast(symbol, to: GetAttr.self)(pthread_self(), &attributes) == 0 {
            pthread_attr_getstack(&attributes, &low, &size)
            pthread_attr_destroy(&attributes)
        }
        guard let low, size > 0 else {
            // Unknown bounds: allow 256 KiB below the current frame.
            var marker = 0
            let sp = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
            return sp - (256 << 10)
        }
        let reserve = max(min(size / 2, 1 << 20), 64 << 10)
        return UInt(bitPattern: low) + UInt(reserve)
    }
}

import Platform

/// Nanoseconds of `CLOCK_MONOTONIC`: deadlines, quanta and timers all use it (the vDSO
/// reads it without a system call, and it is async-signal-safe).
public enum MonotonicClock {
    /// The current time in nanoseconds since an arbitrary start.
    @inline(__always)
    public static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }
}

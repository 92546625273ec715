#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmLab

/// Interrupts `store` from another thread after `microseconds` (`Store.interrupt()` is the
/// one call on a store that is safe from any thread). Join the returned thread.
func interrupt(_ store: Store, afterMicroseconds microseconds: UInt32) -> pthread_t {
    final class Target: @unchecked Sendable {
        let store: Store, delay: UInt32
        init(_ store: Store, _ delay: UInt32) { self.store = store; self.delay = delay }
    }
    var thread = pthread_t()
    pthread_create(&thread, nil, { raw in
        let target = Unmanaged<Target>.fromOpaque(raw!).takeRetainedValue()
        usleep(target.delay)
        target.store.interrupt()
        return nil
    }, Unmanaged.passRetained(Target(store, microseconds)).toOpaque())
    return thread
}

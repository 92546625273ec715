/// A reference to a store that does not keep it alive: functions and instances (and
/// host APIs such as WASI) hold this, which the store clears as it goes. It reads like a
/// `weak` reference by code on the thread that uses the store (as stores require),
/// without what `weak` costs: a side table for the store and slower reference counting
/// of it, and a weak-reference write for every function of every instance.
public final class StoreLink {
    /// The store, nil once its `deinit` has started.
    public internal(set) unowned(unsafe) var store: Store?

    init() {}
}

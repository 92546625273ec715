/// How functions and instances reach their store without keeping it alive: a strong
/// reference to this object, which the store clears as it goes. The same as a `weak`
/// reference for code that uses a store on one thread at a time (as stores require),
/// without what `weak` costs every function of every instance: a side table for the
/// store and the slower reference counting that comes with it.
final class StoreLink {
    /// The store, until its `deinit` starts.
    unowned(unsafe) var store: Store?

    init() {}
}

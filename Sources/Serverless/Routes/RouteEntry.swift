/// Which function of a route's module a sandbox runs.
enum RouteEntry: Sendable, Equatable {
    /// The WASI command's `_start`: a request, a `chain_name` call.
    case main
    /// An element of table 0 (Faasm's `chain_ptr`).
    case tableFunction(UInt32)
    /// An export taking nothing (CWASI's `cwasi_function`).
    case export(String)
}

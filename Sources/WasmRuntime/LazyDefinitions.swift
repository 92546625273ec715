/// Definitions of one import module that a `Linker` makes only when an import asks for
/// them (`Linker.define(module:lazily:)`).
///
/// A host API such as WASI defines dozens of functions, while a module imports a handful:
/// making every `Function` (its record, layout and type id) per store was most of what
/// instantiating a small WASI program cost.
public protocol LazyDefinitions: AnyObject {
    /// Whether `name` (UTF-8) is one of the definitions; must not make anything.
    func defines(_ name: [UInt8]) -> Bool
    /// The definition of `name`, nil when it is not one (asked at most once per linker
    /// for a name it defines).
    func make(_ name: [UInt8]) -> ExternalValue?
}

/// A host API's definitions by UTF-8 name, sorted once and searched by bisection (cheaper
/// than hashing the name), for `LazyDefinitions` made from a fixed table.
public struct SortedDefinitions<Entry: Sendable>: Sendable {
    private let entries: [(name: [UInt8], entry: Entry)]

    /// The table of `entries` (names unique).
    public init(_ entries: [(name: String, entry: Entry)]) {
        self.entries = entries.map { (Array($0.name.utf8), $0.entry) }.sorted { $0.name.lexicographicallyPrecedes($1.name) }
    }

    /// The entry named `name`, if there is one.
    public func entry(_ name: [UInt8]) -> Entry? {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].name.lexicographicallyPrecedes(name) { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].name == name ? entries[low].entry : nil
    }
}

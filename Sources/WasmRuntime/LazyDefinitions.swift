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

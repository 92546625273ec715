// Loads and stores of the dispatch loop (slots, code words, linear memory), forced inline.
//
// The standard library's `load(fromByteOffset:as:)`, `loadUnaligned` and `storeBytes` are
// generic; in `runHot`, which is far past the optimiser's inlining budget, their calls were
// bound to the library's exported prespecialisations: a call per access, and half of a
// float kernel's time. These are `@_transparent`, so they are inlined before any such
// decision, down to one `mov`.
//
// `pointee` of a typed pointer is an access of the type's alignment; the unaligned forms
// rely on x86-64 and AArch64 allowing unaligned scalar loads and stores, which is all that
// an access of at most 8 bytes through these compiles to.
extension UnsafeRawPointer {
    @_transparent
    func hotLoad<T: FixedWidthInteger>(fromByteOffset offset: Int = 0, as type: T.Type) -> T {
        (self + offset).assumingMemoryBound(to: T.self).pointee
    }

    /// `hotLoad` under the name that marks a linear-memory access (any alignment).
    @_transparent
    func hotLoadUnaligned<T: FixedWidthInteger>(fromByteOffset offset: Int = 0, as type: T.Type) -> T {
        hotLoad(fromByteOffset: offset, as: type)
    }
}

extension UnsafeMutableRawPointer {
    @_transparent
    func hotLoad<T: FixedWidthInteger>(fromByteOffset offset: Int = 0, as type: T.Type) -> T {
        UnsafeRawPointer(self).hotLoad(fromByteOffset: offset, as: type)
    }

    @_transparent
    func hotLoadUnaligned<T: FixedWidthInteger>(fromByteOffset offset: Int = 0, as type: T.Type) -> T {
        UnsafeRawPointer(self).hotLoadUnaligned(fromByteOffset: offset, as: type)
    }

    @_transparent
    func hotStore<T: FixedWidthInteger>(of value: T, toByteOffset offset: Int = 0, as type: T.Type) {
        (self + offset).assumingMemoryBound(to: T.self).pointee = value
    }
}

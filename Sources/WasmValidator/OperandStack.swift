/// The validator's operand stack: `TypeCode`s in a buffer owned by one class instance.
/// Pushing is a store and popping a subtraction; an `Array` would check its buffer for
/// uniqueness (a runtime call) on every push and pop.
///
/// Copies share the buffer (no copy-on-write): the stack lives inside one
/// `FunctionValidator`, which sinks only read (through `ValidatorView`) while it is unchanged.
struct OperandStack {
    final class Storage {
        var base: UnsafeMutablePointer<TypeCode>
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
        }

        func grow() {
            let larger = UnsafeMutablePointer<TypeCode>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: base, count: capacity)
            base.deallocate()
            base = larger
            capacity *= 2
        }

        deinit { base.deallocate() }
    }

    let storage = Storage(capacity: 32)
    private(set) var count = 0

    /// The value at `index` (0 = bottom); callers keep `index` in `0..<count`.
    @inline(__always)
    subscript(index: Int) -> TypeCode {
        precondition(index >= 0 && index < count)
        return storage.base[index]
    }

    @inline(__always)
    mutating func append(_ code: TypeCode) {
        if count == storage.capacity { storage.grow() }
        storage.base[count] = code
        count += 1
    }

    /// Drops the top `n` values (`0 <= n <= count`).
    @inline(__always)
    mutating func removeLast(_ n: Int) {
        precondition(n >= 0 && n <= count)
        count -= n
    }
}

import WasmCore

/// Fixed-arity forms of `emit` and `emitProducer`: the variadic originals build an
/// operand array per instruction, which made translating a small module cost about as
/// much as everything else in instantiating it. Overload resolution picks these for
/// calls with up to four operands; longer operand lists still take the variadic form.
extension Translator {
    @inline(__always)
    private mutating func start(_ op: IOp) {
        code.append(UInt32(op.rawValue))
        lastDestination = nil
    }

    mutating func emit(_ op: IOp) { start(op) }

    mutating func emit(_ op: IOp, _ a: UInt32) {
        start(op)
        code.append(a)
    }

    mutating func emit(_ op: IOp, _ a: UInt32, _ b: UInt32) {
        start(op)
        code.append(a)
        code.append(b)
    }

    mutating func emit(_ op: IOp, _ a: UInt32, _ b: UInt32, _ c: UInt32) {
        start(op)
        code.append(a)
        code.append(b)
        code.append(c)
    }

    mutating func emit(_ op: IOp, _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) {
        start(op)
        code.append(a)
        code.append(b)
        code.append(c)
        code.append(d)
    }

    // A producer's destination is its first operand word: `n` words back after emitting.
    mutating func emitProducer(_ op: IOp, _ a: UInt32) { emit(op, a); lastDestination = code.count - 1 }

    mutating func emitProducer(_ op: IOp, _ a: UInt32, _ b: UInt32) { emit(op, a, b); lastDestination = code.count - 2 }

    mutating func emitProducer(_ op: IOp, _ a: UInt32, _ b: UInt32, _ c: UInt32) {
        emit(op, a, b, c)
        lastDestination = code.count - 3
    }

    mutating func emitProducer(_ op: IOp, _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) {
        emit(op, a, b, c, d)
        lastDestination = code.count - 4
    }
}

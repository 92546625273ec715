import WasmCore

/// Fixed-arity forms of `emit` and `emitProducer`: the variadic originals build an
/// operand array per instruction, which made translating a small module cost about as
/// much as everything else in instantiating it. Overload resolution picks these for
/// calls with up to four operands; longer operand lists still take the variadic form.
extension Translator {
    @inline(__always)
    private mutating func start(_ op: IOp, producer: Bool) {
        code.append(UInt32(op.rawValue))
        lastDestination = producer ? code.count : nil
    }

    mutating func emit(_ op: IOp) { start(op, producer: false) }

    mutating func emit(_ op: IOp, _ a: UInt32) {
        start(op, producer: false)
        code.append(a)
    }

    mutating func emit(_ op: IOp, _ a: UInt32, _ b: UInt32) {
        start(op, producer: false)
        code.append(a)
        code.append(b)
    }

    mutating func emit(_ op: IOp, _ a: UInt32, _ b: UInt32, _ c: UInt32) {
        start(op, producer: false)
        code.append(a)
        code.append(b)
        code.append(c)
    }

    mutating func emit(_ op: IOp, _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) {
        start(op, producer: false)
        code.append(a)
        code.append(b)
        code.append(c)
        code.append(d)
    }

    mutating func emitProducer(_ op: IOp, _ a: UInt32) {
        start(op, producer: true)
        code.append(a)
    }

    mutating func emitProducer(_ op: IOp, _ a: UInt32, _ b: UInt32) {
        start(op, producer: true)
        code.append(a)
        code.append(b)
    }

    mutating func emitProducer(_ op: IOp, _ a: UInt32, _ b: UInt32, _ c: UInt32) {
        start(op, producer: true)
        code.append(a)
        code.append(b)
        code.append(c)
    }

    mutating func emitProducer(_ op: IOp, _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) {
        start(op, producer: true)
        code.append(a)
        code.append(b)
        code.append(c)
        code.append(d)
    }
}

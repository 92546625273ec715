import WasmCore

/// Weighs the locals and calls of a function body for `SinglePassCompiler.scanLocals` by
/// walking its raw bytes: per instruction one table lookup and the immediates skipped,
/// with no `Instruction` built. Decoding the body with `InstructionReader` for this cost
/// about as much as compiling it.
///
/// Only the opcode and the immediates' lengths matter here; whether they are valid is the
/// validator's business (it rejects the module before the weights are used). Every read
/// is bounds-checked, and anything the scanner cannot follow (an unknown opcode, a
/// truncated immediate) makes it return nil, as a failed decode did.
enum LocalUseScanner {
    /// What an opcode means to the weights.
    enum Action: UInt8 {
        case other, loop, block, end, get, set, call, generic, prefix, invalid
    }

    /// How the main loop treats an opcode: the common shapes inline, the rest (`general`)
    /// through `action` and `immediate`.
    enum Fast: UInt8 {
        /// No immediate and no weight: nothing to do.
        case plain
        /// One LEB128 immediate and no weight.
        case leb
        /// A `memarg` and no weight.
        case memarg
        case get, set, general
    }

    struct Entry {
        var action: Action
        var immediate: ImmediateKind
        /// The immediate is one LEB128 number (an index, a depth, an integer constant).
        var singleLEB: Bool
        var fast: Fast

        init(action: Action, immediate: ImmediateKind) {
            self.action = action
            self.immediate = immediate
            switch immediate {
            case .label, .func, .type, .local, .global, .table, .tag, .data, .elem, .memory, .i32, .i64: singleLEB = true
            default: singleLEB = false
            }
            switch action {
            case .get: fast = .get
            case .set: fast = .set
            case .other where immediate == .none: fast = .plain
            case .other where singleLEB: fast = .leb
            case .other where immediate == .memarg: fast = .memarg
            default: fast = .general
            }
        }
    }

    /// One entry per first byte; the prefix bytes (0xFB...0xFE) are looked up further.
    static let table: [Entry] = (0..<256).map { byte -> Entry in
        if byte >= 0xFB && byte <= 0xFE { return Entry(action: .prefix, immediate: .none) }
        guard let op = Opcode.byByte[byte] else { return Entry(action: .invalid, immediate: .none) }
        return Entry(action: action(op), immediate: op.immediateKind)
    }

    static func action(_ op: Opcode) -> Action {
        switch op {
        case .loop: .loop
        case .block, .if, .tryTable: .block
        case .end: .end
        case .localGet: .get
        case .localSet, .localTee: .set
        case .call, .callIndirect, .callRef, .returnCall, .returnCallIndirect, .returnCallRef: .call
        default: GenericOps.supports(op) ? .generic : .other
        }
    }

    /// A bounds-checked position in the body; a read past the end sets `failed`.
    struct Cursor {
        let base: UnsafePointer<UInt8>
        var at: Int
        let end: Int
        var failed = false

        @inline(__always) mutating func byte() -> UInt8 {
            guard at < end else {
                failed = true
                return 0
            }
            let b = base[at]
            at += 1
            return b
        }

        /// A LEB128 number of at most 10 bytes (its value truncated to 64 bits).
        @inline(__always) mutating func leb() -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = byte()
                if failed { return 0 }
                result |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
                if shift >= 70 {
                    failed = true
                    return 0
                }
            }
        }

        @inline(__always) mutating func skip(_ n: Int) {
            if end - at < n {
                failed = true
                at = end
            } else {
                at += n
            }
        }

        /// A value type or block type: one LEB128 (a type byte, `0x40` or a type index),
        /// after the `ref`/`ref null` prefix byte when there is one.
        @inline(__always) mutating func type() {
            if at < end && (base[at] == 0x63 || base[at] == 0x64) { at += 1 }
            _ = leb()
        }

        /// `memarg`: flags, a memory index when flag bit 6 is set, the offset.
        @inline(__always) mutating func memarg() {
            if leb() & 0x40 != 0 { _ = leb() }
            _ = leb()
        }
    }

    /// Adds each `local.get/set/tee` of the body in `range` of `bytes` to `weight` (x4 per
    /// enclosing loop, up to 8 loops) and marks the written locals; returns the calls'
    /// weight (Wasm calls and the operations run by runtime helpers) and whether a call
    /// sits outside every loop, or nil when the body cannot be followed.
    static func scan(_ bytes: [UInt8], _ range: Range<Int>, weight: inout [Int],
                     written: inout [Bool]) -> (callWeight: Int, callsOutsideLoops: Bool)? {
        // Through buffers: `weight[i] += w` on the inout arrays checked uniqueness each time.
        weight.withUnsafeMutableBufferPointer { weight in
            written.withUnsafeMutableBufferPointer { written in
                scan(bytes, range, weight: weight, written: written, loops: ValueStack<Int>())
            }
        }
    }

    /// `scan` into buffers; `loops` is scratch (emptied here), reused by the compiler from
    /// function to function so that a scan allocates nothing.
    static func scan(_ bytes: [UInt8], _ range: Range<Int>, weight: UnsafeMutableBufferPointer<Int>,
                     written: UnsafeMutableBufferPointer<Bool>,
                     loops: ValueStack<Int>) -> (callWeight: Int, callsOutsideLoops: Bool)? {
        let localCount = Swift.min(weight.count, written.count)
        loops.removeLast(loops.count)
        return Self.table.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { buffer -> (callWeight: Int, callsOutsideLoops: Bool)? in
                guard let base = buffer.baseAddress else { return range.isEmpty ? (0, false) : nil }
                let end = min(max(range.upperBound, 0), buffer.count)
                var c = Cursor(base: base, at: min(max(range.lowerBound, 0), end), end: end)
                // Open blocks (loops included; below 0 after unmatched `end`s) and, for each
                // open loop, the open-block count when it began: its `end` brings it back.
                var open = 0
                // Loop depth (counted up to 8) and the weight of a use at that depth.
                var w = 1
                var callWeight = 0
                var callsOutsideLoops = false
                while c.at < c.end {
                    var entry = table[Int(c.base[c.at])]
                    c.at += 1
                    switch entry.fast {
                    case .plain:
                        continue
                    case .leb:
                        if c.at < c.end && c.base[c.at] < 0x80 {
                            c.at += 1
                        } else {
                            _ = c.leb()
                            if c.failed { return nil }
                        }
                        continue
                    case .memarg:
                        if c.end - c.at >= 2 && c.base[c.at] < 0x40 && c.base[c.at + 1] < 0x80 {
                            c.at += 2
                        } else {
                            c.memarg()
                            if c.failed { return nil }
                        }
                        continue
                    case .get, .set:
                        let i: UInt64
                        if c.at < c.end && c.base[c.at] < 0x80 {
                            i = UInt64(c.base[c.at])
                            c.at += 1
                        } else {
                            i = c.leb()
                            if c.failed { return nil }
                        }
                        guard i < UInt64(localCount) else { return nil }
                        weight[Int(i)] += w
                        if entry.fast == .set { written[Int(i)] = true }
                        continue
                    case .general:
                        break
                    }
                    if entry.action == .prefix {
                        let prefix = c.base[c.at - 1]
                        let code = c.leb()
                        guard !c.failed, code <= UInt64(UInt32.max),
                              let op = Opcode.decode(prefix: prefix, code: UInt32(code)) else { return nil }
                        entry = Entry(action: action(op), immediate: op.immediateKind)
                    }
                    switch entry.action {
                    case .invalid, .prefix: return nil
                    case .other: break
                    case .loop:
                        loops.append(open)
                        open += 1
                        w = 1 << (2 * min(loops.count, 8))
                    case .block: open += 1
                    case .end:
                        open -= 1
                        if loops.last == open {
                            loops.removeLast()
                            w = 1 << (2 * min(loops.count, 8))
                        }
                    case .get, .set:
                        let i = c.leb()
                        guard !c.failed, i < UInt64(localCount) else { return nil }
                        weight[Int(i)] += w
                        if entry.action == .set { written[Int(i)] = true }
                        continue
                    case .call:
                        callWeight += w
                        if loops.isEmpty { callsOutsideLoops = true }
                    case .generic: callWeight += w
                    }
                    // Most immediates are one LEB128 byte, or a memarg of two.
                    if c.at < c.end && c.base[c.at] < 0x80 {
                        if entry.singleLEB {
                            c.at += 1
                            continue
                        }
                        if entry.immediate == .memarg && c.base[c.at] < 0x40 && c.end - c.at >= 2 && c.base[c.at + 1] < 0x80 {
                            c.at += 2
                            continue
                        }
                    }
                    skipImmediates(entry.immediate, &c)
                    if c.failed { return nil }
                }
                return (callWeight, callsOutsideLoops)
            }
        }
    }

    @inline(__always)
    static func skipImmediates(_ kind: ImmediateKind, _ c: inout Cursor) {
        switch kind {
        case .none: break
        case .block: c.type()
        case .label, .func, .type, .local, .global, .table, .tag, .data, .elem, .memory, .i32, .i64, .heapType:
            _ = c.leb()
        case .callIndirect, .dataMemory, .elemTable, .memoryMemory, .tableTable:
            _ = c.leb()
            _ = c.leb()
        case .brTable:
            let count = c.leb()
            var i: UInt64 = 0
            while i <= count && !c.failed {
                _ = c.leb()
                i += 1
            }
        case .selectT:
            let count = c.leb()
            var i: UInt64 = 0
            while i < count && !c.failed {
                c.type()
                i += 1
            }
        case .tryTable:
            c.type()
            let count = c.leb()
            var i: UInt64 = 0
            while i < count && !c.failed {
                // catch and catch_ref name a tag; catch_all and catch_all_ref do not.
                if c.byte() <= 1 { _ = c.leb() }
                _ = c.leb()
                i += 1
            }
        case .memarg: c.memarg()
        case .f32: c.skip(4)
        case .f64: c.skip(8)
        case .v128, .shuffle: c.skip(16)
        case .lane: c.skip(1)
        case .memargLane:
            c.memarg()
            c.skip(1)
        }
    }
}

import Interpreter
import WasmCore
import WasmRuntime

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
        case get, set
        /// `block` or `if`: a block type.
        case block
        case end
        /// A call with one LEB128 immediate (`call`, `return_call`, `call_ref`...).
        case call
        case general
    }

    struct Entry {
        var action: Action
        var immediate: ImmediateKind
        /// The immediate is one LEB128 number (an index, a depth, an integer constant).
        var singleLEB: Bool
        var fast: Fast

        init(_ op: Opcode) { self.init(action: LocalUseScanner.action(op), immediate: op.immediateKind) }

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
            case .block where immediate == .block: fast = .block
            case .end: fast = .end
            case .call where singleLEB: fast = .call
            default: fast = .general
            }
        }
    }

    /// One entry per first byte; the prefix bytes (0xFB...0xFE) are looked up further.
    static let table: [Entry] = (0..<256).map { byte -> Entry in
        if byte >= 0xFB && byte <= 0xFE { return Entry(action: .prefix, immediate: .none) }
        guard let op = Opcode.byByte[byte] else { return Entry(action: .invalid, immediate: .none) }
        return Entry(op)
    }

    static func action(_ op: Opcode) -> Action {
        switch op {
        case .loop: .loop
        case .block, .if, .tryTable: .block
        case .end: .end
        case .localGet: .get
        case .localSet, .localTee: .set
        case .call, .callIndirect, .callRef, .returnCall, .returnCallIndirect, .returnCallRef: .call
        // Compiled inline (SinglePassCompiler+GC): no helper call.
        case .refEq, .refI31, .i31GetS, .i31GetU, .anyConvertExtern, .externConvertAny, .arrayLen: .other
        default: GenericOps.supports(op) || SIMDRunner.supports(op) || GCOps.supports(op) ? .generic : .other
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
    /// sits outside every loop, or nil when the body cannot be followed. SIMD operations
    /// count as helper calls unless `inlinedSIMD` (by opcode raw value) says the compiler
    /// emits them inline.
    static func scan(_ bytes: [UInt8], _ range: Range<Int>, weight: inout [Int],
                     written: inout [Bool], inlinedSIMD: [Bool] = []) -> (callWeight: Int, callsOutsideLoops: Bool)? {
        // Through buffers: `weight[i] += w` on the inout arrays checked uniqueness each time.
        weight.withUnsafeMutableBufferPointer { weight in
            written.withUnsafeMutableBufferPointer { written in
                scan(bytes, range, weight: weight, written: written, loops: ValueStack<Int>(), inlinedSIMD: inlinedSIMD)
            }
        }
    }

    /// The main loop's byte-per-opcode table (`Fast` raw values): a load and a compare per
    /// common instruction, where the 4-byte `Entry` cost a wider load and a switch.
    static let fastTable: [UInt8] = table.map { $0.fast.rawValue }

    /// The scan's running state, touched by the general path only (`w` is read by every
    /// `local.*`).
    struct State {
        /// Open blocks (loops included; below 0 after unmatched `end`s).
        var open = 0
        /// The weight of a use at the current loop depth (x4 per loop, up to 8 loops).
        var w = 1
        var callWeight = 0
        var callsOutsideLoops = false
        /// `open` when the innermost open loop began (`Int.min` outside every loop).
        var loopTop = Int.min
        /// The module's first byte: positions in `loops` and `innermost` count from it.
        let origin: UnsafePointer<UInt8>
        /// Loops begun so far (the next one's ordinal).
        var loopsSeen = 0

        /// Each open loop pushes three entries on `loops`: the open-block count when it
        /// began (its `end` brings the count back there), the position of its `loop` opcode
        /// (-1 once a loop opens inside it) and its ordinal in the body.
        @inline(__always) mutating func beginLoop(_ loops: ValueStack<Int>, at position: Int) {
            if loops.count >= 3 { loops[loops.count - 2] = -1 }
            loops.append(open)
            loops.append(position)
            loops.append(loopsSeen)
            loopsSeen += 1
            loopTop = open
            open += 1
            w = 1 << (2 * min(loops.count / 3, 8))
        }

        /// An `end` ending before `position`; a loop with no loop inside it is appended to
        /// `innermost` as its ordinal, start and end positions.
        @inline(__always) mutating func endBlock(_ loops: ValueStack<Int>, at position: Int,
                                                 innermost: ValueStack<Int>?) {
            open -= 1
            if open == loopTop {
                let ordinal = loops.removeLast()
                let start = loops.removeLast()
                loops.removeLast()
                if start >= 0, let innermost {
                    innermost.append(ordinal)
                    innermost.append(start)
                    innermost.append(position)
                }
                loopTop = loops.count >= 3 ? loops[loops.count - 3] : Int.min
                w = 1 << (2 * min(loops.count / 3, 8))
            }
        }
    }

    /// `scan` into buffers; `loops` is scratch (emptied here), reused by the compiler from
    /// function to function so that a scan allocates nothing. `innermost` gets each loop
    /// with no loop inside it as three numbers, in order: its ordinal among the body's
    /// loops and its start and end positions in `bytes` (for `SinglePassCompiler+LoopPins`).
    /// With `setWeight`, writes are weighed there and `weight` counts reads only.
    static func scan(_ bytes: [UInt8], _ range: Range<Int>, weight: UnsafeMutableBufferPointer<Int>,
                     written: UnsafeMutableBufferPointer<Bool>, loops: ValueStack<Int>,
                     innermost: ValueStack<Int>? = nil, setWeight sets: UnsafeMutableBufferPointer<Int>? = nil,
                     inlinedSIMD: [Bool] = []) -> (callWeight: Int, callsOutsideLoops: Bool)? {
        let localCount = UInt64(Swift.min(weight.count, written.count))
        loops.removeLast(loops.count)
        return Self.fastTable.withUnsafeBufferPointer { fast in
            bytes.withUnsafeBufferPointer { buffer -> (callWeight: Int, callsOutsideLoops: Bool)? in
                guard let base = buffer.baseAddress else { return range.isEmpty ? (0, false) : nil }
                let endIndex = min(max(range.upperBound, 0), buffer.count)
                var p = base + min(max(range.lowerBound, 0), endIndex)
                let end = base + endIndex
                let kinds = fast.baseAddress!
                // Never dereferenced without locals: every index fails `localCount` first.
                let weight = weight.baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<Int>.alignment)!
                let written = written.baseAddress ?? UnsafeMutablePointer(bitPattern: 1)!
                var setWeight = weight
                if let sets, sets.count >= Int(localCount), let b = sets.baseAddress { setWeight = b }
                var state = State(origin: base)
                // By pointer, one case per shape, each straight-line: a table load, a jump
                // and the immediate's first byte. LEB128s of more than one byte and the
                // rest (`general`) leave the loop for out-of-line code. (Weights cannot
                // overflow: at most 4^8 per instruction.)
                while p < end {
                    let kind = kinds[Int(p.pointee)]
                    p += 1
                    switch kind {
                    case Fast.plain.rawValue:
                        continue
                    case Fast.leb.rawValue:
                        if p < end && p.pointee < 0x80 {
                            p += 1
                        } else {
                            guard let (_, next) = readLEB(p, end) else { return nil }
                            p = next
                        }
                    case Fast.get.rawValue:
                        guard let (i, next) = localIndex(p, end), i < localCount else { return nil }
                        p = next
                        weight[Int(i)] &+= state.w
                    case Fast.set.rawValue:
                        guard let (i, next) = localIndex(p, end), i < localCount else { return nil }
                        p = next
                        setWeight[Int(i)] &+= state.w
                        written[Int(i)] = true
                    case Fast.memarg.rawValue:
                        // Flags (bit 6: a memory index follows), then the offset.
                        if end - p >= 2 && p[0] < 0x40 && p[1] < 0x80 {
                            p += 2
                        } else {
                            guard let next = skipMemarg(p, end) else { return nil }
                            p = next
                        }
                    case Fast.end.rawValue:
                        state.endBlock(loops, at: p - base, innermost: innermost)
                    case Fast.block.rawValue:
                        state.open += 1
                        // Usually one byte: 0x40, a value type or a small type index.
                        let b = p < end ? p.pointee : 0x80
                        if b < 0x80 && b != 0x63 && b != 0x64 {
                            p += 1
                        } else {
                            guard let next = skipBlockType(p, end) else { return nil }
                            p = next
                        }
                    case Fast.call.rawValue:
                        state.callWeight &+= state.w
                        if state.loopTop == Int.min { state.callsOutsideLoops = true }
                        if p < end && p.pointee < 0x80 {
                            p += 1
                        } else {
                            guard let (_, next) = readLEB(p, end) else { return nil }
                            p = next
                        }
                    default:
                        guard let next = general(p, end, &state, loops, innermost, weight: weight,
                                                 setWeight: setWeight, written: written,
                                                 localCount: localCount, inlinedSIMD: inlinedSIMD) else { return nil }
                        p = next
                    }
                }
                return (state.callWeight, state.callsOutsideLoops)
            }
        }
    }

    /// Whether any of the bodies may leave the instance by a tail call: `return_call` of an
    /// import, `return_call_indirect` or `return_call_ref` (the callee then returns to the
    /// caller with its own instance and memory in the pinned registers). True when a body
    /// cannot be followed.
    static func tailCallsMayLeaveInstance(_ bytes: [UInt8], _ ranges: [Range<Int>], importCount: Int) -> Bool {
        // The tables by pointer: a static array read in the loop was a lazy-global check and
        // a retain and release per instruction.
        let entries = table
        return fastTable.withUnsafeBufferPointer { fast in entries.withUnsafeBufferPointer { entries in
            bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return false }
                let kinds = fast.baseAddress!
                let returnCall = UInt8(Opcode.returnCall.info.code)
                let returnCallIndirect = UInt8(Opcode.returnCallIndirect.info.code)
                let returnCallRef = UInt8(Opcode.returnCallRef.info.code)
                for range in ranges where !range.isEmpty {
                    guard range.lowerBound >= 0, range.upperBound <= buffer.count else { return true }
                    var p = base + range.lowerBound
                    let end = base + range.upperBound
                    // The shapes of `scan`'s main loop, with nothing weighed.
                    while p < end {
                        let first = p.pointee
                        p += 1
                        switch kinds[Int(first)] {
                        case Fast.plain.rawValue, Fast.end.rawValue:
                            continue
                        case Fast.leb.rawValue, Fast.get.rawValue, Fast.set.rawValue:
                            guard let (_, next) = readLEB(p, end) else { return true }
                            p = next
                        case Fast.memarg.rawValue:
                            guard let next = skipMemarg(p, end) else { return true }
                            p = next
                        case Fast.block.rawValue:
                            guard let next = skipBlockType(p, end) else { return true }
                            p = next
                        case Fast.call.rawValue:
                            guard let (callee, next) = readLEB(p, end) else { return true }
                            p = next
                            if first == returnCallRef { return true }
                            if first == returnCall && callee < UInt64(importCount) { return true }
                        default:
                            if first == returnCallIndirect { return true }
                            var c = Cursor(base: p, at: 0, end: end - p)
                            var entry = entries[Int(first)]
                            if entry.action == .prefix {
                                guard let op = prefixed(first, &c) else { return true }
                                entry = Entry(op)
                            }
                            guard entry.action != .invalid else { return true }
                            skipImmediates(entry.immediate, &c)
                            if c.failed { return true }
                            p += c.at
                        }
                    }
                }
                return false
            }
        } }
    }

    /// Whether the loop whose bytes are `range` (from its `loop` opcode to the byte after its
    /// `end`) can be left other than by falling through its `end`: a branch to a label
    /// outside it, `return` or a tail call. True when it cannot be followed.
    static func loopExitsEarly(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return true }
        return bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return true }
            var c = Cursor(base: base + range.lowerBound, at: 0, end: range.count)
            // Blocks open inside the range, the loop included: a label at or past it is outside.
            var open = 0
            while c.at < c.end {
                let first = c.byte()
                var entry = table[Int(first)]
                var op = Opcode.byByte[Int(first)]
                if entry.action == .prefix {
                    op = prefixed(first, &c)
                    guard let op else { return true }
                    entry = Entry(op)
                }
                guard entry.action != .invalid, let op else { return true }
                switch op {
                case .block, .loop, .if, .tryTable: open += 1
                case .end: open -= 1
                case .return, .returnCall, .returnCallIndirect, .returnCallRef: return true
                default: break
                }
                switch entry.immediate {
                case .label:
                    if c.leb() >= UInt64(open) { return true }
                case .brTable:
                    let count = c.leb()
                    var i: UInt64 = 0
                    while i <= count && !c.failed {
                        if c.leb() >= UInt64(open) { return true }
                        i += 1
                    }
                case .brOnCast:
                    c.skip(1)
                    if c.leb() >= UInt64(open) { return true }
                    _ = c.leb()
                    _ = c.leb()
                default:
                    skipImmediates(entry.immediate, &c)
                }
                if c.failed { return true }
            }
            return false
        }
    }

    /// The opcode of a prefixed instruction whose prefix byte `first` was read: its code
    /// follows at `c`. Nil when it is unknown or cannot be read.
    static func prefixed(_ first: UInt8, _ c: inout Cursor) -> Opcode? {
        let code = c.leb()
        guard !c.failed, code <= UInt64(UInt32.max) else { return nil }
        return Opcode.decode(prefix: first, code: UInt32(code))
    }

    /// A `local.*` index at `p` and the position after it (one byte inline).
    @inline(__always)
    static func localIndex(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (UInt64, UnsafePointer<UInt8>)? {
        if p < end && p.pointee < 0x80 { return (UInt64(p.pointee), p + 1) }
        return readLEB(p, end)
    }

    /// The position after the `memarg` at `p`; nil when it runs past `end`.
    @inline(never)
    static func skipMemarg(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        var c = Cursor(base: p, at: 0, end: end - p)
        c.memarg()
        return c.failed ? nil : p + c.at
    }

    /// A LEB128 number of at most 10 bytes at `p` (its value truncated to 64 bits) and the
    /// position after it; nil when it runs past `end` or is too long.
    @inline(never)
    static func readLEB(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (UInt64, UnsafePointer<UInt8>)? {
        // As `Cursor.leb`, without its failure flag.
        var q = p, result: UInt64 = 0, shift: UInt64 = 0
        while q < end {
            let b = q.pointee
            q += 1
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return (result, q) }
            shift += 7
            if shift >= 70 { return nil }
        }
        return nil
    }

    /// The position after the block type at `p`; nil when it runs past `end`.
    @inline(never)
    static func skipBlockType(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        var c = Cursor(base: p, at: 0, end: end - p)
        c.type()
        return c.failed ? nil : p + c.at
    }

    /// The instruction whose first byte is just before `p` when the fast table says
    /// `general`: blocks, loops, `end`, calls, prefixed and rare opcodes. Returns the
    /// position after its immediates, nil when it cannot be followed.
    @inline(never)
    static func general(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ state: inout State,
                        _ loops: ValueStack<Int>, _ innermost: ValueStack<Int>?, weight: UnsafeMutablePointer<Int>,
                        setWeight: UnsafeMutablePointer<Int>,
                        written: UnsafeMutablePointer<Bool>, localCount: UInt64,
                        inlinedSIMD: [Bool]) -> UnsafePointer<UInt8>? {
        let first = p[-1]
        var c = Cursor(base: p, at: 0, end: end - p)
        var entry = Self.table[Int(first)]
        if entry.action == .prefix {
            guard let op = prefixed(first, &c) else { return nil }
            entry = Entry(op)
            if entry.action == .generic, Int(op.rawValue) < inlinedSIMD.count, inlinedSIMD[Int(op.rawValue)] {
                entry.action = .other
            }
        }
        switch entry.action {
        case .invalid, .prefix: return nil
        case .other: break
        case .loop: state.beginLoop(loops, at: p - 1 - state.origin)
        case .block: state.open += 1
        case .end: state.endBlock(loops, at: p - state.origin, innermost: innermost)
        case .get, .set:
            // Prefixed forms do not exist; kept for completeness of the action table.
            let i = c.leb()
            guard !c.failed, i < localCount else { return nil }
            if entry.action == .set {
                setWeight[Int(i)] &+= state.w
                written[Int(i)] = true
            } else {
                weight[Int(i)] &+= state.w
            }
            return p + c.at
        case .call:
            state.callWeight += state.w
            if state.loopTop == Int.min { state.callsOutsideLoops = true }
        case .generic: state.callWeight += state.w
        }
        skipImmediates(entry.immediate, &c)
        return c.failed ? nil : p + c.at
    }

    @inline(__always)
    static func skipImmediates(_ kind: ImmediateKind, _ c: inout Cursor) {
        switch kind {
        case .none: break
        case .block: c.type()
        case .label, .func, .type, .local, .global, .table, .tag, .data, .elem, .memory, .i32, .i64, .heapType:
            _ = c.leb()
        case .callIndirect, .dataMemory, .elemTable, .memoryMemory, .tableTable,
             .typeField, .typeCount, .typeData, .typeElem, .typeType:
            _ = c.leb()
            _ = c.leb()
        case .brOnCast:
            c.skip(1)
            _ = c.leb()
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

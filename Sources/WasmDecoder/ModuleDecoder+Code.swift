import WasmCore

/// The sections that hold code: elements, function bodies, and the constant expressions
/// of globals, tables and segments.
extension ModuleDecoder {
    /// The type of the function-index element forms: `(ref func)` once typed references
    /// exist, plain `funcref` in Wasm 2.0.
    var functionIndexElementType: RefType {
        features.contains(.functionReferences) ? RefType(nullable: false, .func) : .funcRef
    }

    mutating func readElementSection() throws(WasmError) {
        let count = try reader.readLength()
        for _ in 0..<count {
            let flagsOffset = reader.offset
            let flags = try reader.readU32()
            guard flags <= 7 else { throw .malformed("malformed elements segment kind", offset: flagsOffset) }
            // Bit 0: passive/declarative, bit 1: explicit table (or declarative), bit 2: expressions.
            let usesExpressions = flags & 4 != 0
            let mode: ElementSegment.Mode
            if flags & 1 == 0 {
                let table = flags & 2 != 0 ? try reader.readU32() : 0
                mode = .active(table: table, offset: try readConstExpression())
            } else {
                mode = flags & 2 != 0 ? .declarative : .passive
            }
            let type: RefType
            if flags & 3 == 0 {
                type = usesExpressions ? .funcRef : functionIndexElementType
            } else if usesExpressions {
                type = try reader.readRefType(features)
            } else {
                let kindOffset = reader.offset
                guard try reader.readByte() == 0 else { throw .malformed("malformed element kind", offset: kindOffset) }
                type = functionIndexElementType
            }
            let n = try reader.readLength()
            var elements: [ConstExpression] = []
            for _ in 0..<n {
                if usesExpressions {
                    elements.append(try readConstExpression())
                } else {
                    var ref = Instruction(.refFunc)
                    ref.index = try reader.readU32()
                    elements.append(ConstExpression([ref]))
                }
            }
            module.elements.append(ElementSegment(type: type, elements: elements, mode: mode))
        }
    }

    mutating func readCodeSection() throws(WasmError) {
        let count = try reader.readLength()
        for _ in 0..<count {
            let size = try reader.readLength()
            let start = reader.offset
            let groups = try reader.readLength()
            var counts: [UInt32] = [], types: [ValueType] = []
            var total: UInt64 = 0
            for _ in 0..<groups {
                let n = try reader.readU32()
                let type = try reader.readValueType(features)
                total = Swift.min(total + UInt64(n), 1 << 33)
                counts.append(n)
                types.append(type)
            }
            guard total < 1 << 32 else { throw .malformed("too many locals", offset: start) }
            let codeStart = reader.offset
            _ = try scanCode(collecting: false)
            guard reader.offset == start + size else { throw .malformed("section size mismatch", offset: start) }
            module.codes.append(FunctionBody(localCounts: counts, localTypes: types, code: codeStart..<reader.offset))
        }
    }

    mutating func readConstExpression() throws(WasmError) -> ConstExpression {
        ConstExpression(try scanCode(collecting: true))
    }

    /// Reads instructions from the current offset through the `end` that closes the
    /// outermost frame, checking the block structure (`else` only inside `if`). The stream
    /// is not cut at the enclosing item's declared size: like the reference interpreter,
    /// the caller compares the extent afterwards. Returns the instructions without the
    /// final `end` when `collecting`.
    mutating func scanCode(collecting: Bool) throws(WasmError) -> [Instruction] {
        var code = InstructionReader(bytes: reader.bytes, range: reader.offset..<reader.bytes.count, features: features)
        // 0: block, loop, try_table or the body; 1: if; 2: if after its else.
        blockKinds.removeAll(keepingCapacity: true)
        blockKinds.append(0)
        var out: [Instruction] = []
        while true {
            // `next()` rather than `read()`: no optional tuple per instruction.
            guard !code.isAtEnd else { throw ByteReader.endError(at: reader.bytes.count) }
            let at = code.offset
            // Function bodies are only scanned here (their instructions are decoded again
            // in the validator's pass); constant expressions are kept.
            let op: Opcode
            if collecting {
                let ins = try code.next()
                op = ins.opcode
                if op != .end || blockKinds.count > 1 { out.append(ins) }
            } else {
                op = try code.skip()
            }
            switch op {
            case .block, .loop, .tryTable:
                blockKinds.append(0)
            case .if:
                blockKinds.append(1)
            case .else:
                guard blockKinds.last == 1 else { throw .malformed("END opcode expected", offset: at) }
                blockKinds[blockKinds.count - 1] = 2
            case .end:
                blockKinds.removeLast()
                if blockKinds.isEmpty {
                    reader.offset = code.offset
                    return out
                }
            case .memoryInit, .dataDrop, .arrayNewData, .arrayInitData:
                if !collecting { usesDataIndex = true }
            default:
                break
            }
        }
    }
}

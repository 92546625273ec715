import WasmCore

/// Text forms of the GC instructions' immediates: type and field indices (fields also by
/// their per-type identifiers), and the reference types of the casts.
extension ModuleParser {
    /// `ref.test rt` and `ref.cast rt`: one mnemonic each in the text, two opcodes in the
    /// binary, chosen by whether the target type is nullable.
    mutating func castInstruction(_ op: Opcode, _ out: inout [UInt8]) throws(WasmError) {
        let target = try refType()
        let chosen: Opcode = switch (op, target.isNullable) {
        case (.refTest, false): .refTest
        case (.refTest, true): .refTestNull
        case (_, false): .refCast
        case (_, true): .refCastNull
        }
        out.append(chosen.info.prefix)
        out.appendULEB(chosen.info.code)
        out.append(target.heapType)
    }

    mutating func gcImmediate(_ info: OpcodeInfo, _ out: inout [UInt8], _ ctx: FunctionContext) throws(WasmError) {
        switch info.immediate {
        case .typeField:
            let type = try index(.type)
            out.appendULEB(type)
            out.appendULEB(try fieldIndex(of: type))
        case .typeCount:
            out.appendULEB(try index(.type))
            out.appendULEB(try c.u32())
        case .typeData:
            // Data indices in code need the data count section, as for memory.init.
            builder.usesDataCount = true
            out.appendULEB(try index(.type))
            out.appendULEB(try index(.data))
        case .typeElem:
            out.appendULEB(try index(.type))
            out.appendULEB(try index(.elem))
        case .typeType:
            out.appendULEB(try index(.type))
            out.appendULEB(try index(.type))
        case .brOnCast:
            // `br_on_cast l rt1 rt2`: the flags byte carries both types' nullability.
            let label = try label(ctx)
            let source = try refType()
            let target = try refType()
            out.append((source.isNullable ? 1 : 0) | (target.isNullable ? 2 : 0))
            out.appendULEB(label)
            out.append(source.heapType)
            out.append(target.heapType)
        default:
            throw c.unexpected()
        }
    }
}

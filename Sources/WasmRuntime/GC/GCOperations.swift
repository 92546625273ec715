import Glibc
import WasmCore
import WasmDecoder

/// The GC instructions, one implementation for every tier. Operands lie in consecutive
/// 64-bit slots at `p` (a v128 spans two), the result goes to the first. Immediates:
///
///     struct.new*, array.new, array.new_default, array.get*, set, fill   imm1 = type index
///     struct.get*, struct.set                imm1 = type index, imm2 = field index
///     array.new_fixed                        imm1 = type index, imm2 = operand count
///     array.new_data/elem, init_data/elem    imm1 = type index, imm2 = segment index
///     array.copy                             imm1 = destination type, imm2 = source type
///     ref.test, ref.cast (and _null)         imm1 = `GCOps.castTarget` of the heap type
///
/// A collection may run at an allocation: the value stack up to the operands' end is
/// scanned, so every live reference of the running code must be in its slots then.
public enum GCOps {
    @inline(__always) static func u32(_ p: UnsafeMutableRawPointer, _ i: Int) -> UInt32 { p.load(fromByteOffset: i * 8, as: UInt32.self) }
    @inline(__always) static func u64(_ p: UnsafeMutableRawPointer, _ i: Int) -> UInt64 { p.load(fromByteOffset: i * 8, as: UInt64.self) }
    @inline(__always) static func put(_ p: UnsafeMutableRawPointer, _ i: Int, _ v: UInt64) { p.storeBytes(of: v, toByteOffset: i * 8, as: UInt64.self) }

    /// Whether `op` is a GC instruction `run` executes.
    public static func supports(_ op: Opcode) -> Bool {
        op == .refEq || op.prefixByte == 0xFB
    }

    /// The immediates `run` takes for `ins`.
    public static func immediates(_ ins: Instruction) -> (UInt64, UInt64) {
        switch ins.opcode {
        case .refTest, .refTestNull, .refCast, .refCastNull: (castTarget(ins.heapType), 0)
        default: (UInt64(ins.index), UInt64(ins.index2))
        }
    }

    /// Encodes a cast's target heap type for `imm1`: a concrete type's index, or an
    /// abstract type's byte with bit 32 set.
    public static func castTarget(_ h: HeapType) -> UInt64 {
        if case .concrete(let index) = h { return UInt64(index) }
        return 1 << 32 | UInt64(h.abstractByte ?? 0)
    }

    /// Runs GC instruction `op` on the operands at `p` (see the type's comment for the
    /// immediates); a trap is thrown as its reason.
    public static func run(_ op: Opcode, operands p: UnsafeMutableRawPointer, imm1: UInt64, imm2: UInt64,
                           context: UnsafeMutablePointer<InstanceContext>) throws(TrapReason) {
        switch op {
        case .structNew, .structNewDefault:
            let info = try typeInfo(context, imm1)
            let fields = info.pointee.fields
            var slots = 0
            if op == .structNew { for f in fields { slots += f.storage == .v128 ? 2 : 1 } }
            let object = try allocate(context, info, length: 0, scanTop: p + slots * 8)
            if op == .structNew {
                var at = 0
                for f in fields {
                    store(f.storage, from: p + at * 8, to: object + f.offset)
                    at += f.storage == .v128 ? 2 : 1
                }
            }
            put(p, 0, UInt64(UInt(bitPattern: object)))

        case .structGet, .structGetS, .structGetU:
            let info = try typeInfo(context, imm1)
            let object = try structure(p, 0)
            let field = info.pointee.fields[Int(imm2)]
            load(field.storage, from: object + field.offset, to: p, signed: op == .structGetS)

        case .structSet:
            let info = try typeInfo(context, imm1)
            let object = try structure(p, 0)
            let field = info.pointee.fields[Int(imm2)]
            store(field.storage, from: p + 8, to: object + field.offset)

        case .arrayNew, .arrayNewDefault:
            let info = try typeInfo(context, imm1)
            let width = op == .arrayNew ? slots(info) : 0
            let length = u32(p, width)
            let object = try allocate(context, info, length: Int(length), scanTop: p + (width + 1) * 8)
            if op == .arrayNew {
                let element = info.pointee.fields[0]
                for i in 0..<Int(length) { store(element.storage, from: p, to: object + element.offset + i * info.pointee.payloadSize) }
            }
            put(p, 0, UInt64(UInt(bitPattern: object)))

        case .arrayNewFixed:
            let info = try typeInfo(context, imm1)
            let width = slots(info)
            let count = Int(imm2)
            let object = try allocate(context, info, length: count, scanTop: p + count * width * 8)
            let element = info.pointee.fields[0]
            for i in 0..<count {
                store(element.storage, from: p + i * width * 8, to: object + element.offset + i * info.pointee.payloadSize)
            }
            put(p, 0, UInt64(UInt(bitPattern: object)))

        case .arrayNewData, .arrayNewElem:
            let info = try typeInfo(context, imm1)
            let offset = UInt64(u32(p, 0)), length = u32(p, 1)
            let instance = context.pointee.instance.takeUnretainedValue()
            if op == .arrayNewData {
                let bytes = UInt64(length) * UInt64(info.pointee.payloadSize)
                let source = try instance.dataBytes(segment: Int(imm2), offset: offset, count: bytes)
                let object = try allocate(context, info, length: Int(length), scanTop: p + 16)
                try instance.copyData(from: source, count: Int(bytes), to: object + GCTypeInfo.headerSize)
                put(p, 0, UInt64(UInt(bitPattern: object)))
            } else {
                let refs = try instance.elementRange(segment: Int(imm2), offset: offset, count: UInt64(length))
                let object = try allocate(context, info, length: Int(length), scanTop: p + 16)
                let segment = instance.elements[Int(imm2)]
                for i in 0..<Int(length) {
                    (object + GCTypeInfo.headerSize + i * 8).storeBytes(of: segment[refs.lowerBound + i], as: UInt64.self)
                }
                put(p, 0, UInt64(UInt(bitPattern: object)))
            }

        case .arrayGet, .arrayGetS, .arrayGetU:
            let info = try typeInfo(context, imm1)
            let address = try element(p, info, index: u32(p, 1))
            load(info.pointee.fields[0].storage, from: address, to: p, signed: op == .arrayGetS)

        case .arraySet:
            let info = try typeInfo(context, imm1)
            let address = try element(p, info, index: u32(p, 1))
            store(info.pointee.fields[0].storage, from: p + 16, to: address)

        case .arrayLen:
            put(p, 0, UInt64(length(try array(p, 0))))

        case .arrayFill:
            let info = try typeInfo(context, imm1)
            let object = try array(p, 0)
            let offset = UInt64(u32(p, 1)), count = UInt64(u32(p, 2 + slots(info)))
            guard offset + count <= UInt64(length(object)) else { throw .outOfBoundsArrayAccess }
            let element = info.pointee.fields[0], size = info.pointee.payloadSize
            for i in 0..<Int(count) { store(element.storage, from: p + 16, to: object + element.offset + (Int(offset) + i) * size) }

        case .arrayCopy:
            let info = try typeInfo(context, imm1)
            let destination = try array(p, 0), source = try array(p, 2)
            let d = UInt64(u32(p, 1)), s = UInt64(u32(p, 3)), count = UInt64(u32(p, 4))
            guard d + count <= UInt64(length(destination)), s + count <= UInt64(length(source)) else {
                throw .outOfBoundsArrayAccess
            }
            let size = info.pointee.payloadSize
            memmove(destination + GCTypeInfo.headerSize + Int(d) * size, source + GCTypeInfo.headerSize + Int(s) * size,
                    Int(count) * size)

        case .arrayInitData, .arrayInitElem:
            let info = try typeInfo(context, imm1)
            let object = try array(p, 0)
            let d = UInt64(u32(p, 1)), s = UInt64(u32(p, 2)), count = UInt64(u32(p, 3))
            guard d + count <= UInt64(length(object)) else { throw .outOfBoundsArrayAccess }
            let instance = context.pointee.instance.takeUnretainedValue()
            let size = info.pointee.payloadSize
            let target = object + GCTypeInfo.headerSize + Int(d) * size
            if op == .arrayInitData {
                let source = try instance.dataBytes(segment: Int(imm2), offset: s, count: count * UInt64(size))
                try instance.copyData(from: source, count: Int(count) * size, to: target)
            } else {
                let refs = try instance.elementRange(segment: Int(imm2), offset: s, count: count)
                let segment = instance.elements[Int(imm2)]
                for i in 0..<Int(count) { (target + i * 8).storeBytes(of: segment[refs.lowerBound + i], as: UInt64.self) }
            }

        case .refTest, .refTestNull:
            put(p, 0, test(u64(p, 0), imm1, nullable: op == .refTestNull, context) ? 1 : 0)

        case .refCast, .refCastNull:
            guard test(u64(p, 0), imm1, nullable: op == .refCastNull, context) else { throw .castFailure }

        case .refI31:
            put(p, 0, Slot.i31(u32(p, 0)))
        case .i31GetS, .i31GetU:
            let bits = u64(p, 0)
            guard bits != 0 else { throw .nullI31Reference }
            let payload = UInt32(truncatingIfNeeded: bits)
            put(p, 0, UInt64(op == .i31GetS ? UInt32(bitPattern: Int32(bitPattern: payload) >> 1) : payload >> 1))
        case .anyConvertExtern, .externConvertAny:
            break // The hierarchies share one encoding (see `Slot`).
        case .refEq:
            put(p, 0, u64(p, 0) == u64(p, 1) ? 1 : 0)
        default:
            throw .unreachable
        }
    }

    // MARK: Objects

    @inline(__always)
    static func typeInfo(_ context: UnsafeMutablePointer<InstanceContext>, _ index: UInt64) throws(TrapReason) -> UnsafePointer<GCTypeInfo> {
        guard let info = context.pointee.gcTypes[Int(index)] else { throw .unreachable }
        return info
    }

    static func allocate(_ context: UnsafeMutablePointer<InstanceContext>, _ info: UnsafePointer<GCTypeInfo>, length: Int,
                         scanTop: UnsafeMutableRawPointer) throws(TrapReason) -> UnsafeMutableRawPointer {
        try context.pointee.gcHeap._withUnsafeGuaranteedRef { heap in
            Result { () throws(TrapReason) in try heap.allocate(info, length: length, scanTop: scanTop) }
        }.get()
    }

    /// Slots one element of an array type takes as an operand.
    @inline(__always) static func slots(_ info: UnsafePointer<GCTypeInfo>) -> Int {
        info.pointee.fields[0].storage == .v128 ? 2 : 1
    }

    @inline(__always) static func structure(_ p: UnsafeMutableRawPointer, _ i: Int) throws(TrapReason) -> UnsafeMutableRawPointer {
        guard let object = UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: u64(p, i))) else { throw .nullStructureReference }
        return object
    }

    @inline(__always) static func array(_ p: UnsafeMutableRawPointer, _ i: Int) throws(TrapReason) -> UnsafeMutableRawPointer {
        guard let object = UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: u64(p, i))) else { throw .nullArrayReference }
        return object
    }

    @inline(__always) static func length(_ object: UnsafeMutableRawPointer) -> UInt32 {
        object.load(fromByteOffset: GCTypeInfo.lengthOffset, as: UInt32.self)
    }

    /// The address of element `index` of the array in slot 0, bounds-checked.
    @inline(__always)
    static func element(_ p: UnsafeMutableRawPointer, _ info: UnsafePointer<GCTypeInfo>, index: UInt32) throws(TrapReason) -> UnsafeMutableRawPointer {
        let object = try array(p, 0)
        guard index < length(object) else { throw .outOfBoundsArrayAccess }
        return object + GCTypeInfo.headerSize + Int(index) * info.pointee.payloadSize
    }

    /// Reads a field or element into slot form (packed types extended to i32).
    @inline(__always)
    static func load(_ storage: GCTypeInfo.Storage, from address: UnsafeMutableRawPointer, to p: UnsafeMutableRawPointer, signed: Bool) {
        switch storage {
        case .i8:
            let b = address.load(as: UInt8.self)
            put(p, 0, UInt64(signed ? UInt32(bitPattern: Int32(Int8(bitPattern: b))) : UInt32(b)))
        case .i16:
            let h = address.loadUnaligned(as: UInt16.self)
            put(p, 0, UInt64(signed ? UInt32(bitPattern: Int32(Int16(bitPattern: h))) : UInt32(h)))
        case .i32, .f32: put(p, 0, UInt64(address.loadUnaligned(as: UInt32.self)))
        case .i64, .f64, .reference: put(p, 0, address.loadUnaligned(as: UInt64.self))
        case .v128:
            put(p, 0, address.loadUnaligned(as: UInt64.self))
            put(p, 1, address.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
    }

    /// Writes a slot-form value into a field or element (packed types truncated).
    @inline(__always)
    static func store(_ storage: GCTypeInfo.Storage, from p: UnsafeMutableRawPointer, to address: UnsafeMutableRawPointer) {
        switch storage {
        case .i8: address.storeBytes(of: UInt8(truncatingIfNeeded: u64(p, 0)), as: UInt8.self)
        case .i16: address.storeBytes(of: UInt16(truncatingIfNeeded: u64(p, 0)), as: UInt16.self)
        case .i32, .f32: address.storeBytes(of: u32(p, 0), as: UInt32.self)
        case .i64, .f64, .reference: address.storeBytes(of: u64(p, 0), as: UInt64.self)
        case .v128:
            address.storeBytes(of: u64(p, 0), as: UInt64.self)
            address.storeBytes(of: u64(p, 1), toByteOffset: 8, as: UInt64.self)
        }
    }

    // MARK: Casts

    /// Whether reference `bits` is of the heap type `target` encodes (`castTarget`),
    /// null counting only when `nullable`. The operand is known to be of the target's
    /// hierarchy (validation).
    public static func test(_ bits: UInt64, _ target: UInt64, nullable: Bool,
                            _ context: UnsafeMutablePointer<InstanceContext>) -> Bool {
        guard bits != 0 else { return nullable }
        if target >> 32 != 0 {
            switch HeapType(abstractByte: UInt8(truncatingIfNeeded: target)) {
            case .any?, .func?, .extern?, .exn?: return true
            case .eq?: return bits & 1 != 0 || bits & 3 == 0
            case .i31?: return bits & 1 != 0
            case .struct?: return bits & 3 == 0 && kind(bits) == .structure
            case .array?: return bits & 3 == 0 && kind(bits) == .array
            default: return false
            }
        }
        if let info = context.pointee.gcTypes[Int(target)] {
            guard bits & 3 == 0 else { return false }
            let object = UnsafeRawPointer(bitPattern: UInt(truncatingIfNeeded: bits))!
            return object.load(as: UnsafePointer<GCTypeInfo>.self).pointee.isSubtype(of: info)
        }
        // A function type: the function's canonical type must be a subtype.
        let record = UnsafeMutablePointer<FunctionRecord>(bitPattern: UInt(truncatingIfNeeded: bits))!
        let expected = context.pointee.typeIDs[Int(target)]
        return record.pointee.typeID == expected || TypeRegistry.isSubtype(record.pointee.typeID, of: expected)
    }

    /// Traps unless the function record `bits` has the type of `typeIndex` or a subtype
    /// (`call_indirect` to a non-final type).
    public static func checkIndirectCallee(_ bits: UInt64, typeIndex: UInt64,
                                           _ context: UnsafeMutablePointer<InstanceContext>) throws(TrapReason) {
        guard test(bits, typeIndex, nullable: false, context) else { throw .indirectCallTypeMismatch }
    }

    @inline(__always) static func kind(_ bits: UInt64) -> GCTypeInfo.Kind {
        UnsafeRawPointer(bitPattern: UInt(truncatingIfNeeded: bits))!.load(as: UnsafePointer<GCTypeInfo>.self).pointee.kind
    }
}

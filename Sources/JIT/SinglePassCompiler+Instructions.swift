import Interpreter
import WasmCore
import WasmDecoder
import WasmRuntime
import WasmValidator

// Variables, constants, numeric operators, memory accesses and the operations delegated
// to runtime helpers.
extension SinglePassCompiler {
    mutating func compile(_ instruction: Instruction, context: Facts) throws(Unsupported) {
        let op = instruction.opcode
        switch op {
        case .block, .loop, .if, .else, .end, .tryTable:
            // `if` branches on a pending comparison as it stands (`popCondition`).
            if op != .if { materializeCondition() }
            try compileControl(instruction, context: context)
            return
        default:
            break
        }
        if context.isUnreachable { return }
        try checkAddressTypes(op)
        // br_if, i32.eqz and select consume a pending comparison as it stands.
        if op != .brIf && op != .i32Eqz && op != .select && op != .selectT { materializeCondition() }
        if let fused = tables.binary[Int(op.rawValue)] {
            try compileBinary(fused)
            return
        }
        switch op {
        case .unreachable: masm.trap(.unreachable)
        case .nop: break
        case .br, .brIf, .brTable, .return, .call, .callIndirect:
            try compileControl(instruction, context: context)
        case .returnCall, .returnCallIndirect, .returnCallRef, .callRef, .throw, .throwRef:
            try compileProposal(instruction)
        case .refAsNonNull, .brOnNull, .brOnNonNull:
            compileNullCheck(instruction)
        case .drop: release(stack.removeLast())
        case .select, .selectT: compileSelect()
        case .localGet where localKinds[Int(instruction.index)] == .v128:
            if M.keepsVectorsInRegisters {
                let f = allocFPR()
                masm.loadVector(f, slot: localSlot(instruction.index))
                push(.fpr(f), .v128)
            } else {
                push(.home, .v128)
                copyValue(.v128, to: stack[stack.count - 1].slot, from: localSlot(instruction.index))
            }
        case .localGet: push(.local(instruction.index), localKinds[Int(instruction.index)])
        case .localSet, .localTee: compileLocalSet(instruction.index, tee: op == .localTee)
        case .globalGet where globalTypes[Int(instruction.index)] == .v128,
             .globalSet where globalTypes[Int(instruction.index)] == .v128:
            compileGeneric(instruction)
        case .v128Const:
            if M.keepsVectorsInRegisters {
                let f = allocFPR()
                masm.vectorConstant(f, low: instruction.value, high: instruction.value2)
                push(.fpr(f), .v128)
            } else {
                push(.home, .v128)
                masm.vectorConstant(stack[stack.count - 1].slot, low: instruction.value, high: instruction.value2)
            }
        case .globalGet:
            let t = globalTypes[Int(instruction.index)]
            let r = allocGPR()
            masm.loadGlobal(r, index: Int(instruction.index))
            push(.gpr(r), Self.kind(t))
        case .globalSet:
            let r = popGPR()
            masm.storeGlobal(index: Int(instruction.index), r)
            freeGPRs.append(r)
        case .i32Const: push(.const(UInt64(UInt32(truncatingIfNeeded: instruction.value))), .i32)
        case .i64Const: push(.const(instruction.value), .i64)
        case .f32Const: push(.const(instruction.value & 0xFFFF_FFFF), .f32)
        case .f64Const: push(.const(instruction.value), .f64)
        case .refNull: push(.const(0), .i64)
        case .refIsNull:
            let r = popGPR()
            let c = masm.testZero(r, is64: true)
            freeGPRs.append(r)
            push(.cond(c), .i32)
        case .refFunc:
            let r = allocGPR()
            masm.loadFunctionRecord(r, index: Int(instruction.index))
            push(.gpr(r), .i64)
        case .i32Eqz, .i64Eqz:
            if case .cond(let c)? = stack.last?.location, op == .i32Eqz {
                stack[stack.count - 1].location = .cond(masm.invert(c))
            } else {
                let (r, owned) = popGPRForRead()
                let c = masm.testZero(r, is64: op == .i64Eqz)
                if owned { freeGPRs.append(r) }
                push(.cond(c), .i32)
            }
        case .i32Clz, .i32Ctz, .i32Popcnt, .i64Clz, .i64Ctz, .i64Popcnt:
            let is64 = op == .i64Clz || op == .i64Ctz || op == .i64Popcnt
            let r = popGPR()
            let u: IntUnaryOp = op == .i32Clz || op == .i64Clz ? .clz : op == .i32Ctz || op == .i64Ctz ? .ctz : .popcnt
            masm.intUnary(u, is64: is64, dst: r, src: r)
            push(.gpr(r), is64 ? .i64 : .i32)
        case .i32WrapI64: unaryExtend(fromBits: 32, signed: false, to64: false, result: .i32)
        case .i64ExtendI32S: unaryExtend(fromBits: 32, signed: true, to64: true, result: .i64)
        case .i64ExtendI32U: unaryExtend(fromBits: 32, signed: false, to64: true, result: .i64)
        case .i32Extend8S: unaryExtend(fromBits: 8, signed: true, to64: false, result: .i32)
        case .i32Extend16S: unaryExtend(fromBits: 16, signed: true, to64: false, result: .i32)
        case .i64Extend8S: unaryExtend(fromBits: 8, signed: true, to64: true, result: .i64)
        case .i64Extend16S: unaryExtend(fromBits: 16, signed: true, to64: true, result: .i64)
        case .i64Extend32S: unaryExtend(fromBits: 32, signed: true, to64: true, result: .i64)
        case .i32ReinterpretF32, .i64ReinterpretF64, .f32ReinterpretI32, .f64ReinterpretI64:
            let kind: Kind = op == .i32ReinterpretF32 ? .i32 : op == .i64ReinterpretF64 ? .i64
                : op == .f32ReinterpretI32 ? .f32 : .f64
            var v = stack.removeLast()
            // Slots and constants hold bits already; registers change class.
            if case .fpr(let f) = v.location {
                let r = allocGPR()
                masm.floatToBits(r, f, isF64: v.kind == .f64)
                freeFPRs.append(f)
                v.location = .gpr(r)
            } else if case .gpr(let r) = v.location, kind == .f32 || kind == .f64 {
                let f = allocFPR()
                masm.bitsToFloat(f, r, isF64: kind == .f64)
                freeGPRs.append(r)
                v.location = .fpr(f)
            }
            v.kind = kind
            stack.append(v)
        case .f32Sqrt, .f32Ceil, .f32Floor, .f32Trunc, .f32Abs, .f32Neg,
             .f64Sqrt, .f64Ceil, .f64Floor, .f64Trunc, .f64Abs, .f64Neg:
            if !M.roundsFloats, op == .f32Ceil || op == .f32Floor || op == .f32Trunc || op == .f64Ceil
                || op == .f64Floor || op == .f64Trunc {
                compileGeneric(instruction)
                return
            }
            let isF64 = stack.last!.kind == .f64
            let u: FloatUnaryOp = switch op {
            case .f32Sqrt, .f64Sqrt: .sqrt
            case .f32Ceil, .f64Ceil: .ceil
            case .f32Floor, .f64Floor: .floor
            case .f32Trunc, .f64Trunc: .trunc
            case .f32Abs, .f64Abs: .abs
            default: .neg
            }
            let f = popFPR()
            masm.floatUnary(u, isF64: isF64, dst: f, src: f)
            push(.fpr(f), isF64 ? .f64 : .f32)
        case .f32Add, .f32Sub, .f32Mul, .f32Div, .f64Add, .f64Sub, .f64Mul, .f64Div:
            let isF64 = stack.last!.kind == .f64
            let b: FloatBinaryOp = switch op {
            case .f32Add, .f64Add: .add
            case .f32Sub, .f64Sub: .sub
            case .f32Mul, .f64Mul: .mul
            default: .div
            }
            if inSlot(stack[stack.count - 1]) || (b == .add || b == .mul) && inSlot(stack[stack.count - 2])
                && stack[stack.count - 1].location.isFPR {
                compileFloatBinaryFromSlot(b, isF64: isF64)
                return
            }
            let (rhs, rhsOwned) = popFPRForRead()
            // A pinned local is read in place into a free register (no spill needed).
            var pinnedLHS: M.FPR?
            if case .local(let x) = stack.last!.location, !freeFPRs.isEmpty { pinnedLHS = localFPR[Int(x)] }
            let start = masm.offset
            let lhs: M.FPR
            if let p = pinnedLHS, rhsOwned, b == .add || b == .mul {
                // Commutative (any NaN result is allowed): the right operand's register
                // takes the result, so the local is not copied.
                stack.removeLast()
                lhs = rhs
                masm.floatBinary(b, isF64: isF64, dst: rhs, lhs: rhs, rhs: p)
            } else if let p = pinnedLHS {
                stack.removeLast()
                lhs = allocFPR()
                masm.floatBinary(b, isF64: isF64, dst: lhs, lhs: p, rhs: rhs)
                if rhsOwned { freeFPRs.append(rhs) }
            } else {
                lhs = popFPR()
                masm.floatBinary(b, isF64: isF64, dst: lhs, lhs: lhs, rhs: rhs)
                if rhsOwned { freeFPRs.append(rhs) }
            }
            push(.fpr(lhs), isF64 ? .f64 : .f32)
            if let p = pinnedLHS {
                lastFloatOp = FloatOpRecord(start: start, end: masm.offset, op: b, isF64: isF64, lhs: p, rhs: rhs, result: lhs)
            }
        case .f32Copysign, .f64Copysign:
            let isF64 = op == .f64Copysign
            let rhs = popFPR(), lhs = popFPR()
            masm.copySign(isF64: isF64, dst: lhs, lhs: lhs, rhs: rhs)
            freeFPRs.append(rhs)
            push(.fpr(lhs), isF64 ? .f64 : .f32)
        case .f32Eq, .f32Ne, .f32Lt, .f32Gt, .f32Le, .f32Ge, .f64Eq, .f64Ne, .f64Lt, .f64Gt, .f64Le, .f64Ge:
            let isF64 = stack.last!.kind == .f64
            let c: FloatCompareOp = switch op {
            case .f32Eq, .f64Eq: .eq
            case .f32Ne, .f64Ne: .ne
            case .f32Lt, .f64Lt: .lt
            case .f32Gt, .f64Gt: .gt
            case .f32Le, .f64Le: .le
            default: .ge
            }
            let (rhs, rhsOwned) = popFPRForRead()
            let (lhs, lhsOwned) = popFPRForRead()
            if let cond = masm.floatCompareFlags(c, isF64: isF64, lhs: lhs, rhs: rhs) {
                // Like integer compares: br_if/if/i32.eqz consume the flags directly.
                push(.cond(cond), .i32)
            } else {
                let r = allocGPR()
                masm.floatCompare(c, isF64: isF64, dst: r, lhs: lhs, rhs: rhs)
                push(.gpr(r), .i32)
            }
            if rhsOwned { freeFPRs.append(rhs) }
            if lhsOwned { freeFPRs.append(lhs) }
        case .f32ConvertI32S, .f32ConvertI32U, .f64ConvertI32S, .f64ConvertI32U, .f64ConvertI64S:
            let toF64 = op == .f64ConvertI32S || op == .f64ConvertI32U || op == .f64ConvertI64S
            // Unsigned 32-bit values are zero-extended: converting them as signed 64-bit is exact.
            let from64 = op != .f32ConvertI32S && op != .f64ConvertI32S
            let (r, owned) = popGPRForRead()
            let f = allocFPR()
            masm.intToFloat(dst: f, src: r, fromI64: from64, toF64: toF64)
            if owned { freeGPRs.append(r) }
            push(.fpr(f), toF64 ? .f64 : .f32)
        case .memorySize:
            let r = allocGPR()
            masm.memorySize(r, memory: instruction.index)
            push(.gpr(r), isMemory64(instruction.index) ? .i64 : .i32)
        default:
            if let access = tables.load[Int(op.rawValue)] {
                try compileLoad(access, instruction)
            } else if let access = tables.store[Int(op.rawValue)] {
                try compileStore(access, instruction)
            } else if GenericOps.supports(op) {
                compileGeneric(instruction)
            } else if SIMDRunner.supports(op) {
                try compileSIMD(instruction)
            } else if GCOps.supports(op) {
                try compileGC(instruction, effect: context.gcEffect)
            } else {
                throw Unsupported(what: op.name)
            }
        }
    }

    /// Memory and table instructions take any memory and either address type: i64
    /// addresses and indices are whole 64-bit values on the stack; accesses other than
    /// plain ones (`MemoryAccess.isPlain`) are checked explicitly, and the helpers read
    /// operands by each memory's and table's own type. Memories past the first 4096 are
    /// left to the interpreter (their views' offsets would not fit one A64 load).
    @inline(__always)
    func checkAddressTypes(_ op: Opcode) throws(Unsupported) {
        if tables.addressKind[Int(op.rawValue)] == 1 && memoryIs64.count > Self.compiledMemories {
            throw Unsupported(what: "more than \(Self.compiledMemories) memories")
        }
    }

    static var compiledMemories: Int { 4096 }

    /// Whether memory `index` is a memory64.
    func isMemory64(_ index: UInt32) -> Bool { Int(index) < memoryIs64.count && memoryIs64[Int(index)] }

    mutating func unaryExtend(fromBits: Int, signed: Bool, to64: Bool, result: Kind) {
        let r = popGPR()
        masm.extend(dst: r, src: r, fromBits: fromBits, signed: signed, to64: to64)
        push(.gpr(r), result)
    }

    /// A value read from memory where it lies: its home or an unpinned local's slot.
    @inline(__always) func inSlot(_ v: Value) -> Bool {
        switch v.location {
        case .home: v.kind != .v128
        case .local(let x): localGPR[Int(x)] == nil && localFPR[Int(x)] == nil && v.kind != .v128
        default: false
        }
    }

    /// A value in a general register: its own or a pinned local's.
    @inline(__always) func inGPR(_ v: Value) -> Bool {
        switch v.location {
        case .gpr: true
        case .local(let x): localGPR[Int(x)] != nil
        default: false
        }
    }

    mutating func compileBinary(_ b: SinglePassCompilerBinary) throws(Unsupported) {
        switch b {
        case .int(let op, let is64):
            if Self.commutes(op), inSlot(stack[stack.count - 2]), case .gpr(let r) = stack[stack.count - 1].location {
                // `base + computed` with base in its slot: into the computed value's
                // register, the slot read in place.
                stack.removeLast()
                let (lhs, lv) = popOperand()
                masm.intBinary(op, is64: is64, dst: r, lhs: r, rhs: lhs)
                release(lv)
                push(.gpr(r), is64 ? .i64 : .i32)
                return
            }
            let (rhs, rv) = popOperand()
            // A pinned local is read in place into a free register (no spill needed).
            var pinnedLHS: M.GPR?
            if case .local(let x) = stack.last!.location, !freeGPRs.isEmpty { pinnedLHS = localGPR[Int(x)] }
            let start = masm.offset
            let lhs: M.GPR
            if let p = pinnedLHS {
                stack.removeLast()
                lhs = allocGPR()
                masm.intBinary(op, is64: is64, dst: lhs, lhs: p, rhs: rhs)
            } else {
                lhs = popGPR()
                masm.intBinary(op, is64: is64, dst: lhs, lhs: lhs, rhs: rhs)
            }
            release(rv)
            push(.gpr(lhs), is64 ? .i64 : .i32)
            if let p = pinnedLHS, Self.redoable(op) {
                lastIntOp = IntOpRecord(start: start, end: masm.offset, op: op, is64: is64, lhs: p, rhs: rhs, result: lhs)
            }
        case .compare(let op, let is64):
            // A slot on the left and a register on the right (`i < n` with n in its slot):
            // compared the other way round, the slot is read in place.
            let swap = inSlot(stack[stack.count - 2]) && inGPR(stack[stack.count - 1])
            let lhs: M.GPR, owned: Bool, rhs: MacroOperand<M.GPR>, rv: Value
            if swap {
                (lhs, owned) = popGPRForRead()
                (rhs, rv) = popOperand()
            } else {
                (rhs, rv) = popOperand()
                (lhs, owned) = popGPRForRead()
            }
            let c = masm.compare(swap ? op.swapped : op, is64: is64, lhs: lhs, rhs: rhs)
            release(rv)
            if owned { freeGPRs.append(lhs) }
            push(.cond(c), .i32)
        }
    }

    /// A float operation with an operand in a slot, read in place: the right one, or the
    /// left one of `add`/`mul` (commutative: any NaN result is allowed) when the right one
    /// is a computed register, which then takes the result.
    mutating func compileFloatBinaryFromSlot(_ b: FloatBinaryOp, isF64: Bool) {
        lastFloatOp = nil
        let kind: Kind = isF64 ? .f64 : .f32
        if case .fpr(let r) = stack[stack.count - 1].location {
            stack.removeLast()
            let slot = slotOf(stack.count - 1)
            stack.removeLast()
            masm.floatBinary(b, isF64: isF64, dst: r, lhs: r, rhsSlot: slot)
            push(.fpr(r), kind)
            return
        }
        let slot = slotOf(stack.count - 1)
        stack.removeLast()
        let (lhs, owned) = popFPRForRead()
        let dst = owned ? lhs : allocFPR()
        masm.floatBinary(b, isF64: isF64, dst: dst, lhs: lhs, rhsSlot: slot)
        push(.fpr(dst), kind)
    }

    /// The slot of the value at `index`, which `inSlot` accepted: its home or its local's.
    func slotOf(_ index: Int) -> Int32 {
        if case .local(let x) = stack[index].location { return localSlot(x) }
        return home(index)
    }

    /// Operations whose operands may be exchanged.
    static func commutes(_ op: IntBinaryOp) -> Bool {
        switch op {
        case .add, .mul, .and, .or, .xor: true
        default: false
        }
    }

    /// At most two registers are taken at once (locals may hold the others): the condition
    /// is tested and released first (a pending comparison is used as it stands), and only
    /// moves and loads follow, so the flags survive.
    mutating func compileSelect() {
        if stack[stack.count - 2].kind == .v128 {
            // Both vectors go home: the false one replaces the true one when cond is 0.
            materializeCondition()
            spill(stack.count - 2)
            spill(stack.count - 3)
            let (cond, condOwned) = popGPRForRead()
            let isZero = masm.testZero(cond, is64: false)
            if condOwned { freeGPRs.append(cond) }
            let ifFalse = stack.removeLast(), ifTrue = stack[stack.count - 1]
            let keep = masm.newLabel()
            masm.branch(masm.invert(isZero), keep)
            copyValue(.v128, to: ifTrue.slot, from: ifFalse.slot)
            masm.bind(keep)
            return
        }
        let nonZero: M.Condition
        if case .cond(let c) = stack[stack.count - 1].location {
            stack.removeLast()
            nonZero = c
        } else {
            let (cond, condOwned) = popGPRForRead()
            nonZero = masm.invert(masm.testZero(cond, is64: false))
            if condOwned { freeGPRs.append(cond) }
        }
        let kind = stack.last!.kind
        let ifFalse = popGPR()
        let (ifTrue, trueOwned) = popGPRForRead()
        masm.select(ifFalse, ifTrue: ifTrue, cond: nonZero)
        if trueOwned { freeGPRs.append(ifTrue) }
        push(.gpr(ifFalse), kind)
    }

    mutating func compileLocalSet(_ index: UInt32, tee: Bool) {
        detachLocal(index)
        if isPinned(index) {
            setPinnedLocal(index, tee: tee)
            return
        }
        let v = stack.removeLast()
        let slot = localSlot(index)
        switch v.location {
        case .gpr(let r):
            masm.storeSlot(slot, .reg(r))
            if tee { stack.append(v) } else { freeGPRs.append(r) }
            return
        case .fpr(let f):
            storeFPR(f, kind: v.kind, to: slot)
            if tee { stack.append(v) } else { freeFPRs.append(f) }
            return
        case .home where v.kind == .v128:
            // A v128 is never a pending local read: it stays in its home.
            copyValue(.v128, to: slot, from: v.slot)
            if tee { stack.append(v) }
            return
        case .const(let bits): masm.storeSlot(slot, .imm(Int64(bitPattern: bits)))
        case .home: masm.copySlot(slot, from: v.slot)
        case .local(let x):
            // A pinned local's slot is stale: its register is the value.
            if isPinned(x) { storePinned(Int(x), to: slot) } else { masm.copySlot(slot, from: localSlot(x)) }
        case .cond: preconditionFailure("conditions are materialized before local.set")
        }
        if tee { push(.local(index), v.kind) }
    }

    /// `access` of the memory an instruction names (its second immediate).
    func access(_ access: MemoryAccess, of instruction: Instruction) -> MemoryAccess {
        var access = access
        access.memory = instruction.index2
        access.address64 = isMemory64(instruction.index2)
        return access
    }

    mutating func compileLoad(_ access: MemoryAccess, _ instruction: Instruction) throws(Unsupported) {
        let access = self.access(access, of: instruction)
        let (address, owned) = popGPRForRead()
        if access.float {
            let f = allocFPR()
            masm.loadFloat(access, dst: f, address: address, offset: instruction.value)
            if owned { freeGPRs.append(address) }
            push(.fpr(f), access.bytes == 8 ? .f64 : .f32)
        } else {
            let dst = owned ? address : allocGPR()
            masm.load(access, dst: dst, address: address, offset: instruction.value)
            push(.gpr(dst), access.to64 ? .i64 : .i32)
        }
    }

    mutating func compileStore(_ access: MemoryAccess, _ instruction: Instruction) throws(Unsupported) {
        let access = self.access(access, of: instruction)
        if case .fpr(let f) = stack.last!.location {
            stack.removeLast()
            let (address, owned) = popGPRForRead()
            masm.storeFloat(access, address: address, offset: instruction.value, value: f)
            freeFPRs.append(f)
            if owned { freeGPRs.append(address) }
            return
        }
        let (value, v) = popOperand()
        let (address, owned) = popGPRForRead()
        masm.store(access, address: address, offset: instruction.value, value: value)
        release(v)
        if owned { freeGPRs.append(address) }
    }

    /// Arity of the operations run by `RuntimeHelpers.generic`.
    static func genericArity(_ op: Opcode) -> (pops: Int, pushes: Int, result: Kind?) {
        switch op {
        case .globalGet: return (0, 1, .v128)  // only v128 globals are read by the helper
        case .globalSet: return (1, 0, nil)
        case .tableGet: return (1, 1, .i64)
        case .tableSet: return (2, 0, nil)
        case .tableSize: return (0, 1, .i32)
        case .tableGrow: return (2, 1, .i32)
        case .tableFill, .tableCopy, .tableInit, .memoryInit, .memoryCopy, .memoryFill: return (3, 0, nil)
        case .elemDrop, .dataDrop: return (0, 0, nil)
        case .memoryGrow: return (1, 1, .i32)
        default:
            let sig = op.info.signature!
            var result: Kind?
            if case .value(let t)? = sig.pushes.first { result = kind(t) }
            return (sig.pops.count, sig.pushes.count, result)
        }
    }

    mutating func compileGeneric(_ instruction: Instruction) {
        var (pops, pushes, result) = Self.genericArity(instruction.opcode)
        let flags = tableFlags(instruction)
        if instruction.opcode == .memoryGrow && isMemory64(instruction.index) { result = .i64 }
        // table.size and table.grow of a table64 produce i64.
        if flags & GenericOps.firstTable64 != 0, instruction.opcode == .tableSize || instruction.opcode == .tableGrow {
            result = .i64
        }
        callGeneric(instruction.opcode, pops: pops, result: pushes == 1 ? result : nil,
                    imm1: UInt64(instruction.index), imm2: UInt64(instruction.index2) | flags)
    }

    /// Runs `op` in `RuntimeHelpers.generic` on the top `pops` values (all home) and
    /// pushes its result, if any, in the first one's home.
    mutating func callGeneric(_ op: Opcode, pops: Int, result: Kind?, imm1: UInt64, imm2: UInt64) {
        spillAll()
        savePinnedLocals()
        masm.callGeneric(op, operandsSlot: home(stack.count - pops), imm1: imm1, imm2: imm2)
        if op == .memoryGrow && hasMemory { masm.reloadMemory() }
        restorePinnedLocals()
        stack.removeLast(pops)
        if let result { push(.home, result) }
    }

    /// A SIMD instruction, inline where the macro assembler can, else run by `SIMDRunner` on
    /// its operands' homes (immediates as it takes them).
    mutating func compileSIMD(_ instruction: Instruction) throws(Unsupported) {
        let op = instruction.opcode, info = op.info
        guard let signature = info.signature else { throw Unsupported(what: op.name) }
        if M.keepsVectorsInRegisters && masm.inlinesVector(op) {
            compileInlineVector(instruction, signature: signature)
            return
        }
        if compileLaneAccess(instruction) { return }
        var imm1: UInt64 = 0, imm2: UInt64 = 0
        switch info.immediate {
        case .lane:
            imm1 = UInt64(instruction.index)
        case .memarg, .memargLane:
            imm1 = instruction.value
            imm2 = (info.immediate == .memargLane ? instruction.value2 & 0xFF : 0) | UInt64(instruction.index2) << 32
                | (isMemory64(instruction.index2) ? UInt64(SIMDRunner.memory64Flag) << 32 : 0)
        case .shuffle:
            (imm1, imm2) = (instruction.value, instruction.value2)
        default:
            break
        }
        var result: Kind?
        if case .value(let t)? = signature.pushes.first { result = Self.kind(t) }
        callGeneric(op, pops: signature.pops.count, result: result, imm1: imm1, imm2: imm2)
    }

    /// The table64 flags of a table operation for `GenericOps` (0 for 32-bit tables).
    func tableFlags(_ instruction: Instruction) -> UInt64 {
        func is64(_ table: UInt32) -> Bool { Int(table) < tableIs64.count && tableIs64[Int(table)] }
        switch instruction.opcode {
        case .tableGet, .tableSet, .tableSize, .tableGrow, .tableFill:
            return is64(instruction.index) ? GenericOps.firstTable64 : 0
        case .tableCopy:
            return (is64(instruction.index) ? GenericOps.firstTable64 : 0) | (is64(instruction.index2) ? GenericOps.secondTable64 : 0)
        case .tableInit:
            return is64(instruction.index2) ? GenericOps.firstTable64 : 0
        default:
            return 0
        }
    }
}

// SIMD operations that need no helper call (Docs/JIT.md, "SIMD").
extension SinglePassCompiler {
    /// Whether `compileLaneAccess` handles `op`.
    static func accessesLanes(_ op: Opcode) -> Bool {
        switch op {
        case .i64x2ExtractLane, .f64x2ExtractLane, .i32x4ExtractLane, .f32x4ExtractLane, .i8x16ExtractLaneS,
             .i8x16ExtractLaneU, .i16x8ExtractLaneS, .i16x8ExtractLaneU, .i64x2ReplaceLane, .f64x2ReplaceLane,
             .i64x2Splat, .f64x2Splat, .i32x4Splat, .f32x4Splat:
            return true
        default:
            return false
        }
    }

    /// Lane reads, 64-bit lane writes and splats with the scalar operations every
    /// instruction set has (frame loads and stores of the v128's home); false for any other
    /// operation.
    mutating func compileLaneAccess(_ instruction: Instruction) -> Bool {
        let op = instruction.opcode, lane = Int32(instruction.index)
        // The vector operand is read or written in its home.
        switch op {
        case .i64x2ExtractLane, .f64x2ExtractLane, .i32x4ExtractLane, .f32x4ExtractLane, .i8x16ExtractLaneS,
             .i8x16ExtractLaneU, .i16x8ExtractLaneS, .i16x8ExtractLaneU:
            spill(stack.count - 1)
        case .i64x2ReplaceLane, .f64x2ReplaceLane:
            spill(stack.count - 2)
        default:
            break
        }
        switch op {
        case .i64x2ExtractLane, .f64x2ExtractLane:
            // The lane becomes the value in the vector's home: lane 0 is there already.
            let v = stack.removeLast()
            if lane == 1 { masm.copySlot(v.slot, from: v.slot + 8) }
            push(.home, op == .i64x2ExtractLane ? .i64 : .f64)
        case .i32x4ExtractLane, .f32x4ExtractLane:
            // An i32 or f32 home's upper half is not part of the value.
            let v = stack.removeLast()
            let kind: Kind = op == .i32x4ExtractLane ? .i32 : .f32
            if lane == 0 {
                push(.home, kind)
                return true
            }
            let r = allocGPR()
            masm.move(r, .slot(v.slot + 4 * lane), is64: false)
            if kind == .f32 {
                let f = allocFPR()
                masm.bitsToFloat(f, r, isF64: false)
                freeGPRs.append(r)
                push(.fpr(f), .f32)
            } else {
                push(.gpr(r), .i32)
            }
        case .i8x16ExtractLaneS, .i8x16ExtractLaneU, .i16x8ExtractLaneS, .i16x8ExtractLaneU:
            // The aligned word holding the lane, shifted and extended.
            let v = stack.removeLast()
            let size: Int32 = op == .i8x16ExtractLaneS || op == .i8x16ExtractLaneU ? 1 : 2
            let byte = lane * size
            let r = allocGPR()
            masm.move(r, .slot(v.slot + byte & ~3), is64: false)
            if byte & 3 != 0 { masm.intBinary(.shrU, is64: false, dst: r, lhs: r, rhs: .imm(Int64(byte & 3) * 8)) }
            if op == .i8x16ExtractLaneS || op == .i16x8ExtractLaneS {
                masm.extend(dst: r, src: r, fromBits: Int(size) * 8, signed: true, to64: false)
            } else {
                masm.intBinary(.and, is64: false, dst: r, lhs: r, rhs: .imm(size == 1 ? 0xFF : 0xFFFF))
            }
            push(.gpr(r), .i32)
        case .i64x2ReplaceLane, .f64x2ReplaceLane:
            let r = popGPR()
            masm.storeSlot(stack[stack.count - 1].slot + 8 * lane, .reg(r))
            freeGPRs.append(r)
        case .i64x2Splat, .f64x2Splat:
            let r = popGPR()
            push(.home, .v128)
            let slot = stack[stack.count - 1].slot
            masm.storeSlot(slot, .reg(r))
            masm.storeSlot(slot + 8, .reg(r))
            freeGPRs.append(r)
        case .i32x4Splat, .f32x4Splat:
            // Both halves of the vector hold the lane twice: x | x << 32.
            let r = popGPR()
            let t = allocGPR()
            masm.extend(dst: r, src: r, fromBits: 32, signed: false, to64: true)
            masm.intBinary(.shl, is64: true, dst: t, lhs: r, rhs: .imm(32))
            masm.intBinary(.or, is64: true, dst: r, lhs: r, rhs: .reg(t))
            freeGPRs.append(t)
            push(.home, .v128)
            let slot = stack[stack.count - 1].slot
            masm.storeSlot(slot, .reg(r))
            masm.storeSlot(slot + 8, .reg(r))
            freeGPRs.append(r)
        default:
            return false
        }
        return true
    }

    /// An operation the macro assembler emits inline (`inlinesVector`, only where it keeps
    /// vectors in registers): loads and stores of whole vectors, splats, lane-wise
    /// arithmetic and shifts, on float registers.
    mutating func compileInlineVector(_ instruction: Instruction, signature: OpcodeSignature) {
        let op = instruction.opcode
        switch op {
        case .i64x2Splat, .f64x2Splat, .i32x4Splat, .f32x4Splat:
            let r = popGPR()
            let f = allocFPR()
            masm.vectorSplat(op, dst: f, value: r)
            freeGPRs.append(r)
            push(.fpr(f), .v128)
        case .v128Load:
            let access = self.access(MemoryAccess(bytes: 16), of: instruction)
            let (address, owned) = popGPRForRead()
            let f = allocFPR()
            masm.vectorLoad(access, dst: f, address: address, offset: instruction.value)
            if owned { freeGPRs.append(address) }
            push(.fpr(f), .v128)
        case .v128Store:
            let access = self.access(MemoryAccess(bytes: 16), of: instruction)
            let f = popVector()
            let (address, owned) = popGPRForRead()
            masm.vectorStore(access, address: address, offset: instruction.value, src: f)
            if owned { freeGPRs.append(address) }
            freeFPRs.append(f)
        default:
            if signature.pops.count == 2 && signature.pops[1] == .value(.i32) {
                let (count, owned) = popGPRForRead()
                let f = popVector()
                masm.vectorShift(op, dst: f, count: count)
                if owned { freeGPRs.append(count) }
                push(.fpr(f), .v128)
            } else if signature.pops.count == 2 {
                let rhs = popVector(), lhs = popVector()
                masm.vectorBinary(op, dst: lhs, lhs: lhs, rhs: rhs)
                freeFPRs.append(rhs)
                push(.fpr(lhs), .v128)
            } else {
                let f = popVector()
                masm.vectorUnary(op, dst: f, src: f)
                push(.fpr(f), .v128)
            }
        }
    }
}

import WasmCore
import WasmDecoder

/// A control frame of the validation algorithm.
@usableFromInline
struct ControlFrame: Sendable {
    var kind: LabelInfo.Kind
    /// Operand stack height below the frame's parameters.
    var height: Int
    var type: FunctionType
    @usableFromInline var unreachable: Bool
    /// Entered from unreachable code: nothing in it can run, whatever it contains.
    var enteredDead: Bool = false
    /// Height of the local-initialisation log when the frame was entered.
    var initLogHeight: Int

    var branchTypes: [ValueType] { kind == .loop ? type.parameters : type.results }
}

/// The state of validating one function body: the spec's operand stack (as `TypeCode`s,
/// `unknown` at the bottom of a polymorphic stack) and control stack. Sinks read it
/// through a `ValidatorView` (the `ValidationContext` the validation loop passes).
@usableFromInline
struct FunctionValidator {
    let module: ModuleValidator
    @usableFromInline let functionIndex: UInt32
    @usableFromInline let functionType: FunctionType
    @usableFromInline let locals: [ValueType]
    /// `locals` encoded, for the per-instruction checks.
    let localCodes: [TypeCode]
    /// The instruction bytes in `Module.bytes` (after the locals, including the final `end`).
    @usableFromInline let bodyStart: Int
    @usableFromInline let bodyEnd: Int
    var stack = OperandStack()
    @usableFromInline var frames: [ControlFrame] = []
    var maxHeight = 0
    /// Set-before-use tracking for non-defaultable locals; empty when there are none.
    var localInitialized: [Bool] = []
    var initLog: [Int] = []
    /// Whether the current instruction is dead code: the innermost frame is unreachable,
    /// or was entered from unreachable code (a block inside dead code is reachable for
    /// typing, but never runs). False with no frames. Kept beside `frames`: sinks read it
    /// for every instruction through `ValidatorView`, where reading the frames array
    /// retained and released it.
    @usableFromInline var topIsUnreachable = false

    init(module: ModuleValidator, functionIndex: UInt32, functionType: FunctionType, locals: [ValueType],
         body: Range<Int>) {
        self.module = module
        self.functionIndex = functionIndex
        // Clamped like `InstructionReader` clamps its range.
        let count = module.module.bytes.count
        bodyEnd = Swift.min(Swift.max(body.upperBound, 0), count)
        bodyStart = Swift.min(Swift.max(body.lowerBound, 0), bodyEnd)
        self.functionType = functionType
        self.locals = locals
        localCodes = locals.map(TypeCode.init)
        if locals.contains(where: { !$0.isDefaultable }) {
            localInitialized = locals.indices.map { $0 < functionType.parameters.count || locals[$0].isDefaultable }
        }
        frames.reserveCapacity(8)
        frames.append(ControlFrame(kind: .function, height: 0, type: functionType, unreachable: false, initLogHeight: 0))
    }

    // MARK: Operand stack

    var top: ControlFrame { frames[frames.count - 1] }
    // Single fields of the top frame: reading them does not copy (retain) its type.
    var topHeight: Int { frames[frames.count - 1].height }
    var topUnreachable: Bool { frames[frames.count - 1].unreachable }

    /// The operand `depth` values below the top (`unknown` on a polymorphic stack); a
    /// missing operand is a type mismatch unless the frame is unreachable.
    @inline(__always)
    func peekCode(_ depth: Int) throws(WasmError) -> TypeCode {
        if depth < stack.count - topHeight { return stack[stack.count - 1 - depth] }
        if topUnreachable { return .unknown }
        throw .invalid("type mismatch")
    }

    /// `peekCode` decoded: nil when unknown.
    func peek(_ depth: Int) throws(WasmError) -> ValueType? {
        try peekCode(depth).valueType
    }

    @inline(__always)
    func expectCode(_ code: TypeCode, at depth: Int) throws(WasmError) {
        guard depth < stack.count - topHeight else {
            if topUnreachable { return }
            throw Self.mismatch(expected: code, found: nil)
        }
        // Equal types are the common case (one compare); only references need the
        // subtype relation.
        let actual = stack[stack.count - 1 - depth]
        if actual != code && !actual.isUnknown { try expectSubtype(actual, of: code) }
    }

    @inline(never)
    func expectSubtype(_ actual: TypeCode, of expected: TypeCode) throws(WasmError) {
        guard let a = actual.valueType, let e = expected.valueType, module.relations.isSubtype(a, of: e) else {
            throw Self.mismatch(expected: expected, found: actual)
        }
    }

    /// "type mismatch: expected i32, found i64" (`found` nil: the frame has no operand left).
    @inline(never)
    static func mismatch(expected: TypeCode, found: TypeCode?) -> WasmError {
        func text(_ code: TypeCode) -> String { code.valueType.map { "\($0)" } ?? "any" }
        return .invalid("type mismatch: expected \(text(expected)), found \(found.map(text) ?? "nothing")")
    }

    @inline(__always)
    func expect(_ type: ValueType, at depth: Int) throws(WasmError) {
        try expectCode(TypeCode(type), at: depth)
    }

    /// `types` (bottom to top) on the stack with `depth` further values above them.
    func expect(_ types: [ValueType], above depth: Int) throws(WasmError) {
        let n = types.count
        for i in 0..<n { try expect(types[i], at: depth + n - 1 - i) }
    }

    /// The stack of the current frame holds exactly `types`.
    func expectExactly(_ types: [ValueType]) throws(WasmError) {
        try expect(types, above: 0)
        let extra = stack.count - topHeight - types.count
        if extra > 0 { throw .invalid("type mismatch: \(extra) extra value\(extra == 1 ? "" : "s") on the stack") }
    }

    @inline(__always)
    mutating func pop(_ n: Int) {
        let available = stack.count - topHeight
        let k = Swift.min(n, available)
        if k > 0 { stack.removeLast(k) }
    }

    @inline(__always)
    mutating func pushCode(_ code: TypeCode) {
        stack.append(code)
        if stack.count > maxHeight { maxHeight = stack.count }
    }

    mutating func push(_ type: ValueType?) {
        pushCode(TypeCode(type))
    }

    mutating func push(_ types: [ValueType]) {
        for t in types { stack.append(TypeCode(t)) }
        if stack.count > maxHeight { maxHeight = stack.count }
    }

    mutating func setUnreachable() {
        let height = topHeight
        if stack.count > height { stack.removeLast(stack.count - height) }
        frames[frames.count - 1].unreachable = true
        topIsUnreachable = true
    }

    // MARK: Control stack

    func frame(_ depth: UInt32) throws(WasmError) -> ControlFrame {
        guard Int(depth) < frames.count else { throw .invalid("unknown label \(depth)") }
        return frames[frames.count - 1 - Int(depth)]
    }

    func blockFunctionType(_ blockType: BlockType) throws(WasmError) -> FunctionType {
        try module.blockFunctionType(blockType)
    }

    /// Enters a block whose parameters were checked: they move into the new frame.
    /// Consumes `type` (moved into the frame, not copied).
    mutating func pushFrame(_ kind: LabelInfo.Kind, _ type: consuming FunctionType) {
        let parameters = type.parameters
        pop(parameters.count)
        let dead = topIsUnreachable
        frames.append(ControlFrame(kind: kind, height: stack.count, type: type, unreachable: false, enteredDead: dead,
                                   initLogHeight: initLog.count))
        topIsUnreachable = dead
        push(parameters)
    }

    /// Forgets local initialisations made inside the current frame.
    mutating func resetLocalInitialization() {
        guard initLog.count > 0 else { return }
        let height = frames[frames.count - 1].initLogHeight
        while initLog.count > height {
            let i = initLog.removeLast()
            localInitialized[i] = false
        }
    }

    // MARK: Fast paths of the validation loop

    // `local.get`, `i32.const` and `local.set`/`local.tee` are about half of all
    // instructions. The loop checks them
    // with these small calls and pushes their type after the sink has seen the pre-state,
    // instead of `check` and `apply` with a `ValidationEffect` in between. Same checks;
    // when one fails, the loop takes the general path, which reports the error. Mutating
    // only so that the loop's `var` is not copied for the call.

    /// `local.get`'s operand type, or nil when `check` would throw.
    @usableFromInline
    mutating func localGetCode(_ index: UInt32) -> TypeCode? {
        let i = Int(index)
        guard !frames.isEmpty, i < localCodes.count else { return nil }
        if i < localInitialized.count && !localInitialized[i] { return nil }
        return localCodes[i]
    }

    /// `i32.const`'s result type, or nil when `check` would throw (code after the final `end`).
    @usableFromInline
    mutating func i32ConstCode() -> TypeCode? {
        frames.isEmpty ? nil : .i32
    }

    @usableFromInline
    mutating func pushChecked(_ code: TypeCode) { pushCode(code) }

    /// `local.set`/`local.tee`'s local type when the operand is exactly of that type (nil:
    /// the general path, with subtyping and the errors).
    @usableFromInline
    mutating func localSetCode(_ index: UInt32) -> TypeCode? {
        let i = Int(index)
        guard !frames.isEmpty, i < localCodes.count, stack.count > topHeight else { return nil }
        let t = localCodes[i]
        return stack[stack.count - 1] == t ? t : nil
    }

    /// Performs a checked `local.set`/`local.tee` (what `apply` does for `.setLocal`).
    @usableFromInline
    mutating func setLocalChecked(_ index: UInt32, _ code: TypeCode, tee: Bool) {
        pop(1)
        if tee { pushCode(code) }
        markInitialized(index)
    }

    // MARK: Locals

    func local(_ index: UInt32) throws(WasmError) -> ValueType {
        guard Int(index) < locals.count else { throw .invalid("unknown local \(index)") }
        return locals[Int(index)]
    }

    @inline(__always)
    mutating func markInitialized(_ index: UInt32) {
        let i = Int(index)
        if i < localInitialized.count && !localInitialized[i] {
            localInitialized[i] = true
            initLog.append(i)
        }
    }

    @inline(__always)
    func checkInitialized(_ index: UInt32) throws(WasmError) {
        let i = Int(index)
        if i < localInitialized.count && !localInitialized[i] { throw .invalid("uninitialized local \(index)") }
    }
}

extension ModuleValidator {
    /// The resolved type of a block type (the module's part of `FunctionValidator`'s, so
    /// that `ValidatorView.resolve` needs only the module, not a copy of the validator).
    func blockFunctionType(_ blockType: BlockType) throws(WasmError) -> FunctionType {
        switch blockType {
        case .empty:
            return FunctionType()
        case .value(let t):
            try relations.check(t)
            switch t {
            case .i32: return singleResultTypes[0]
            case .i64: return singleResultTypes[1]
            case .f32: return singleResultTypes[2]
            case .f64: return singleResultTypes[3]
            case .v128: return singleResultTypes[4]
            case .funcRef: return singleResultTypes[5]
            case .externRef: return singleResultTypes[6]
            case .exnRef: return singleResultTypes[7]
            default: return FunctionType(results: [t])
            }
        case .typeIndex(let x):
            return try relations.functionType(x)
        }
    }
}

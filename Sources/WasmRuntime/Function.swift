import WasmCore
import WasmDecoder

/// A function: defined by a Wasm instance, or provided by the host.
public final class Function {
    /// The function's signature.
    public let type: FunctionType
    /// The record compiled code calls through; a `funcref` is its address.
    public let record: UnsafeMutablePointer<FunctionRecord>
    /// The body of a host function.
    let hostBody: HostBody?
    /// Where a `Function.host` body's arguments and results are (nil for other functions).
    let hostLayout: HostLayout?

    /// The two ways a host function receives its arguments.
    enum HostBody {
        /// As an array, results returned as one (`init(type:name:_:)`).
        case values(([Value]) throws -> [Value])
        /// In place, through a `HostCall` (`Function.host`).
        case inPlace((inout HostCall) throws -> Void)
    }
    /// The store a Wasm function runs in (nil once it is gone, and for host functions).
    var store: Store? { storeLink?.store }
    private let storeLink: StoreLink?
    /// Keeps the translated code alive.
    let code: (any CompiledCode)?
    /// Name for backtraces: the export or name-section name when known. Wasm functions
    /// look it up on first use (instantiation stays cheap; only traces need names).
    public var debugName: String {
        if let name { return name }
        let computed = names.map { Instance.functionName($0.module, index) } ?? "func[\(index)]"
        name = computed
        return computed
    }
    private var name: String?
    /// Where `debugName` is looked up (the compiled module, shared by every instance's
    /// functions), and the function's index in its module.
    private let names: CompiledModule.Parts?
    private let index: UInt32

    /// A host function: `body` receives arguments matching `type.parameters` and must
    /// return values matching `type.results`; throwing a `Trap` or any error traps.
    public convenience init(type: FunctionType, name: String = "host", _ body: @escaping ([Value]) throws -> [Value]) {
        self.init(type: type, name: name, body: .values(body))
    }

    /// A host function that reads its arguments and writes its results in place, and sees
    /// its caller (`HostCall`): no allocation per call.
    public static func host(_ type: FunctionType, name: String = "host",
                            _ body: @escaping (inout HostCall) throws -> Void) -> Function {
        Function(type: type, name: name, body: .inPlace(body))
    }

    private init(type: FunctionType, name: String, body: HostBody) {
        self.type = type
        self.hostBody = body
        if case .inPlace = body { hostLayout = HostLayout.shared(type) } else { hostLayout = nil }
        self.code = nil
        self.storeLink = nil
        self.name = name
        self.names = nil
        self.index = 0
        record = .allocate(capacity: 1)
        record.initialize(to: FunctionRecord(
            kind: .host, tierID: -1, typeID: hostLayout?.typeID ?? TypeRegistry.id(for: type), code: nil, context: nil,
            frameSlots: max(SlotLayout.slotCount(type.parameters), SlotLayout.slotCount(type.results)),
            parameterCount: type.parameters.count, resultCount: type.results.count,
            owner: Unmanaged.passUnretained(self)))
    }

    /// A Wasm function defined by an instance.
    init(type: FunctionType, typeID: Int, tierID: Int, code: any CompiledCode, definedIndex: Int,
         context: UnsafeMutablePointer<InstanceContext>, store: Store, names: CompiledModule.Parts, index: UInt32) {
        self.type = type
        self.hostBody = nil
        self.hostLayout = nil
        self.code = code
        self.storeLink = store.link
        self.name = nil
        self.names = names
        self.index = index
        let entry = code.entry(definedIndex: definedIndex)
        record = .allocate(capacity: 1)
        record.initialize(to: FunctionRecord(
            kind: .wasm, tierID: tierID, typeID: typeID, code: entry.code, context: context,
            frameSlots: entry.frameSlots, parameterCount: type.parameters.count,
            resultCount: type.results.count, owner: Unmanaged.passUnretained(self)))
        record.pointee.owner = Unmanaged.passUnretained(self)
    }

    deinit { record.deallocate() }

    /// Whether the host provides the function (rather than a Wasm instance).
    public var isHost: Bool { hostBody != nil }

    /// The function a `Slot`-encoded funcref designates.
    public static func from(recordBits bits: UInt64) -> Function? {
        guard let p = UnsafeMutablePointer<FunctionRecord>(bitPattern: UInt(bits)) else { return nil }
        return p.pointee.owner.takeUnretainedValue()
    }

    /// Calls the function. Arguments must match `type.parameters` (a mismatch is a trap
    /// with reason `hostError` and a detail, not a crash).
    public func invoke(_ args: [Value]) throws(Trap) -> [Value] {
        guard args.count == type.parameters.count else {
            throw Trap(.hostError, detail: "argument count mismatch: expected \(type.parameters.count), got \(args.count)")
        }
        for (i, (a, t)) in zip(args, type.parameters).enumerated() where !a.matches(t) || !conformsToConcrete(a, t) {
            throw Trap(.hostError, detail: "argument \(i) type mismatch: expected \(t), got \(a)")
        }
        if let hostBody {
            switch hostBody {
            case .values(let body): return try Function.callHost(body, args, type: type, name: debugName)
            case .inPlace(let body):
                // The same slots compiled code would pass, on the host's stack.
                let slots = max(SlotLayout.slotCount(type.parameters), SlotLayout.slotCount(type.results), 1)
                return try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: slots) { (buffer) throws(Trap) -> [Value] in
                    let base = UnsafeMutableRawPointer(buffer.baseAddress!)
                    SlotLayout.store(args, at: base)
                    try callInPlace(body, slots: base, caller: nil)
                    return SlotLayout.load(type.results, from: base)
                }
            }
        }
        guard let store else { throw Trap(.hostError, detail: "the function's store no longer exists") }
        let stack = store.stack
        let slots = stack.slotTop
        let needed = max(SlotLayout.slotCount(type.parameters), SlotLayout.slotCount(type.results)) * 8
        guard slots + needed <= stack.slotEnd else { throw Trap(.callStackExhausted) }
        for case .ref(.exception(let e)) in args { store.adopt(e) }
        for case .ref(.object(let o)) in args where o.heap !== store.gcHeap {
            throw Trap(.hostError, detail: "an argument is a struct or array of another store")
        }
        SlotLayout.store(args, at: slots)
        try Function.invokeCompiled(record, arguments: slots, store: store)
        return SlotLayout.load(type.results, from: slots)
    }

    /// A function or object passed for a typed reference `(ref $t)` must have type `$t`
    /// of this function's module or a subtype (compiled code relies on it without checking).
    private func conformsToConcrete(_ value: Value, _ type: ValueType) -> Bool {
        guard case .ref(let r) = type, case .concrete(let index) = r.heapType, !value.isNullReference else { return true }
        guard let context = record.pointee.context else { return false }
        let typeIDs = context.pointee.instance.takeUnretainedValue().compiled.typeIDs
        guard Int(index) < typeIDs.count else { return false }
        return value.conforms(toCanonical: typeIDs[Int(index)])
    }

    static func invokeCompiled(_ record: UnsafeMutablePointer<FunctionRecord>, arguments: UnsafeMutableRawPointer,
                               store: Store) throws(Trap) {
        guard let tier = ExecutionTiers.tier(id: record.pointee.tierID) else {
            throw Trap(.hostError, detail: "function compiled by an unregistered tier")
        }
        try tier.invoke(record, arguments: arguments, store: store)
    }

    /// What an error thrown by host function `name` becomes: a `Trap` as thrown, a Wasm
    /// exception propagating into the caller, a `TrapReason`, or any other error as
    /// `hostError` with its description.
    static func trap(thrownBy name: String, _ error: any Error) -> Trap {
        switch error {
        case let trap as Trap: trap
        case let exception as Exception: Trap(.uncaughtException, backtrace: [name], exception: exception)
        case let reason as TrapReason: Trap(reason, backtrace: [name])
        default: Trap(.hostError, backtrace: [name], detail: "\(error)")
        }
    }

    static func callHost(_ body: ([Value]) throws -> [Value], _ args: [Value], type: FunctionType,
                         name: String) throws(Trap) -> [Value] {
        let results: [Value]
        do {
            results = try body(args)
        } catch {
            throw trap(thrownBy: name, error)
        }
        guard results.count == type.results.count, zip(results, type.results).allSatisfy({ $0.matches($1) }) else {
            throw Trap(.hostError, backtrace: [name], detail: "host function returned \(results), expected \(type.results)")
        }
        return results
    }

    /// Calls a function that is not native to the calling tier (a host function or one
    /// compiled by another tier) with arguments in the slots at `slots`; results are
    /// written over them. On failure the full trap is left in `store.stack.pendingTrap`.
    public static func callFromCompiledCode(_ record: UnsafeMutablePointer<FunctionRecord>,
                                            slots: UnsafeMutableRawPointer, store: Store,
                                            caller: UnsafeMutablePointer<InstanceContext>? = nil) throws(TrapReason) {
        let function = record.pointee.owner.takeUnretainedValue()
        // Under fault-based bounds, faults in the host code are not traps of the caller.
        let trapGuard = store.configuration.bounds.usesFaultHandling ? TrapGuard.shared : nil
        trapGuard?.enterHost()
        defer { trapGuard?.leaveHost() }
        do throws(Trap) {
            if let hostBody = function.hostBody {
                switch hostBody {
                case .inPlace(let body):
                    try function.callInPlace(body, slots: slots, caller: caller)
                case .values(let body):
                    let type = function.type
                    let args = SlotLayout.load(type.parameters, from: slots)
                    let results = try callHost(body, args, type: type, name: function.debugName)
                    for case .ref(.exception(let e)) in results { store.adopt(e) }
                    for case .ref(.object(let o)) in results where o.heap !== store.gcHeap {
                        throw Trap(.hostError, detail: "\(function.debugName) returned a struct or array of another store")
                    }
                    SlotLayout.store(results, at: slots)
                }
            } else {
                guard let other = function.store else { throw Trap(.hostError, detail: "store released") }
                try invokeCompiled(record, arguments: slots, store: other)
            }
        } catch {
            store.stack.pendingTrap = error
            throw error.reason
        }
    }
}

extension Function {
    /// Runs an in-place host body on the slots at `slots` (arguments in, results out).
    /// Results go to a scratch area first: the body may read any argument after setting
    /// a result.
    func callInPlace(_ body: (inout HostCall) throws -> Void, slots: UnsafeMutableRawPointer,
                     caller: UnsafeMutablePointer<InstanceContext>?) throws(Trap) {
        guard let layout = hostLayout else { throw Trap(.hostError, detail: "not an in-place host function") }
        try withUnsafeTemporaryAllocation(byteCount: max(layout.resultBytes, 8), alignment: 8) { (scratch) throws(Trap) in
            let results = scratch.baseAddress!
            var call = HostCall(layout: layout, arguments: UnsafeRawPointer(slots), results: results, callerContext: caller)
            do {
                try body(&call)
            } catch {
                throw Function.trap(thrownBy: debugName, error)
            }
            if let failure = call.failure() {
                throw Trap(.hostError, backtrace: [debugName], detail: "host function \(debugName): \(failure)")
            }
            slots.copyMemory(from: results, byteCount: layout.resultBytes)
        }
    }
}

/// `HostFunction(type:) { args in ... }` builds a host `Function`.
public typealias HostFunction = Function

import Atomics
import GreenThreads
import Platform
import Synchronization
import WASI
import WasmRuntime

/// One running sandbox: a fresh store and instance on a fiber of a `Scheduler`.
/// Traps, `proc_exit` and kills end only this fiber; its completion handler reports how.
public final class Sandbox: @unchecked Sendable {
    /// The fiber the sandbox runs on.
    public private(set) var fiber: Fiber?
    /// The poll word of the sandbox's store while it lives (0 otherwise), for `kill`
    /// from other threads.
    private let pollWord = Mutex<UInt>(0)
    private let killed = ManagedAtomic<Bool>(false)
    /// Bytes of the fiber stack left below the lowest native frame compiled code may
    /// use: room for helpers, host functions and the yield path.
    static let nativeStackReserve: UInt = 64 << 10

    init() {}

    /// Ends the sandbox with the `interrupted` trap at its next safe point, or at once if
    /// it waits; any thread. A sandbox that already finished is not affected.
    public func kill() {
        killed.store(true, ordering: .releasing)
        pollWord.withLock { word in
            if let p = UnsafeMutablePointer<UInt32>(bitPattern: word) { ExecutionStack.requestInterrupt(p) }
        }
        fiber?.cancel()
    }

    /// Whether `kill()` was called.
    public var wasKilled: Bool { killed.load(ordering: .acquiring) }

    private let finished = ManagedAtomic<Bool>(false)
    /// Whether the sandbox has ended (its completion ran and its store is gone).
    public var isFinished: Bool { finished.load(ordering: .acquiring) }

    func attach(_ fiber: Fiber) { self.fiber = fiber }

    /// The fiber's body: set up, run, report.
    func run(_ request: SandboxRequest, completion: (SandboxOutcome) -> Void) {
        let store = Store(engine: request.engine, limits: request.limits)
        if let bounds = Fiber.current?.stackBounds {
            store.nativeStackLimit = bounds.low + Self.nativeStackReserve
        }
        store.setYieldHandler(yieldFiber, context: nil)
        let word = UInt(bitPattern: store.pollWord)
        pollWord.withLock { $0 = word }
        request.onStart?()
        var outcome: SandboxOutcome
        if wasKilled {
            outcome = .killed
        } else {
            Fiber.current?.setPreemption(word: store.pollWord, bit: ExecutionStack.yieldBit)
            outcome = Self.execute(request, in: store)
            // Before the store (and its poll word) goes.
            Fiber.current?.setPreemption(word: nil, bit: 0)
            if wasKilled, case .trapped(let trap) = outcome, trap.reason == .interrupted { outcome = .killed }
        }
        pollWord.withLock { $0 = 0 }
        // The store (its memories, instance and WASI descriptors) goes after the
        // completion: the response need not wait for the teardown, nor a caller the
        // completion woke on this worker (a chained call's), which runs first.
        completion(outcome)
        Self.switchingAway { Fiber.yield() }
        withExtendedLifetime(store) {}
        finished.store(true, ordering: .releasing)
    }

    private static func execute(_ request: SandboxRequest, in store: Store) -> SandboxOutcome {
        let linker = Linker(store: store)
        // WASI (and its descriptors) only where the module imports it.
        var wasi: WASI?
        let configuration: WASIConfiguration?
        switch request.entry {
        case .command(let c), .tableFunction(_, _, let c), .exportCommand(_, let c): configuration = c
        case .export: configuration = request.module.imports.contains { $0.module == WASI.moduleName } ? WASIConfiguration() : nil
        }
        if var configuration {
            configuration.wait = fiberWait
            do {
                wasi = try WASI(configuration: configuration)
            } catch {
                return .failed("WASI: \(error)")
            }
            wasi?.define(into: linker)
        }
        let instance: Instance
        do {
            try request.link?(linker)
            if let snapshot = request.snapshot {
                instance = try linker.instantiate(request.module, from: snapshot)
            } else {
                instance = try linker.instantiate(request.module)
            }
        } catch let trap as Trap {
            if let code = wasi?.exitCode { return .exited(code) }
            return .trapped(trap)
        } catch {
            return .failed("\(error)")
        }
        do {
            switch request.entry {
            case .command:
                guard let wasi else { return .failed("no WASI") }
                return .exited(try wasi.start(instance))
            case .export(let name, let arguments):
                guard let function = instance.function(name) else { return .failed("no exported function \"\(name)\"") }
                guard let wasi else { return .returned(try function.invoke(arguments)) }
                var results: [Value] = []
                let code = try wasi.run { () throws(Trap) in results = try function.invoke(arguments) }
                return wasi.exitCode != nil ? .exited(code) : .returned(results)
            case .tableFunction(let index, let argument, _):
                guard let wasi else { return .failed("no WASI") }
                wasi.bind(instance)
                var status: UInt32 = 0
                let code = try wasi.run { () throws(Trap) in
                    status = try callTableFunction(index, argument: argument, in: instance,
                                                   constructors: request.snapshot == nil)
                }
                return .exited(wasi.exitCode != nil ? code : status)
            case .exportCommand(let name, _):
                guard let wasi else { return .failed("no WASI") }
                guard let function = instance.function(name), function.type.parameters.isEmpty else {
                    return .failed("no exported function \"\(name)\" taking no arguments")
                }
                wasi.bind(instance)
                var results: [Value] = []
                let code = try wasi.run { () throws(Trap) in results = try function.invoke([]) }
                return wasi.exitCode != nil ? .exited(code) : .returned(results)
            }
        } catch {
            return .trapped(error)
        }
    }
}

extension Sandbox {
    /// The exports that run a module's constructors without its `main`: a reactor's
    /// `_initialize`, or the linker's `__wasm_call_ctors` when a command exports it.
    static let constructorExports = ["_initialize", "__wasm_call_ctors"]

    /// Runs the constructors (when `constructors`), then table 0's element `index` as
    /// `() -> i32` or `(i32) -> i32`; its result.
    private static func callTableFunction(_ index: UInt32, argument: Int32, in instance: Instance,
                                          constructors: Bool) throws(Trap) -> UInt32 {
        guard let table = instance.tables.first else {
            throw Trap(.hostError, detail: "function pointer \(index): the module has no table")
        }
        let element: Value
        do {
            element = try table.get(Int(index))
        } catch {
            throw Trap(.hostError, detail: "function pointer \(index) is outside the table (size \(table.size))")
        }
        guard case .ref(.function(let handle)) = element else {
            throw Trap(.hostError, detail: "function pointer \(index) is a null table element")
        }
        let function = handle.function, type = function.type
        guard type.results == [.i32], type.parameters.isEmpty || type.parameters == [.i32] else {
            throw Trap(.hostError, detail: "function pointer \(index) has type \(type), not () -> i32 or (i32) -> i32")
        }
        if constructors {
            guard let initialize = constructorExports.lazy.compactMap({ instance.function($0) }).first else {
                throw Trap(.hostError, detail: "function pointer \(index): the module exports neither _initialize nor __wasm_call_ctors, so its constructors cannot run first (link with -Wl,--export=__wasm_call_ctors)")
            }
            _ = try initialize.invoke([])
        }
        let results = try function.invoke(type.parameters.isEmpty ? [] : [.int32(argument)])
        guard case .i32(let status)? = results.first else { return 0 }
        return status
    }

    /// Suspends the calling sandbox's fiber until `fiber.unpark()` (from a host function:
    /// the worker runs other sandboxes meanwhile). Wake-ups may be spurious.
    public static func park() { switchingAway { Fiber.park() } }

    /// Suspends the calling sandbox's fiber for `nanoseconds`.
    public static func sleep(nanoseconds: UInt64) { switchingAway { Fiber.sleep(nanoseconds: nanoseconds) } }

    /// Runs `body`, which switches the fiber away, with the thread's trap-handling
    /// activations detached: they belong to this fiber's Wasm frames and go with it (the
    /// fiber may resume on another worker, and other fibers run Wasm on this one).
    static func switchingAway(_ body: () -> Void) {
        let saved = TrapGuard.shared?.suspendActivations()
        body()
        TrapGuard.shared?.resumeActivations(saved)
    }
}

/// The store's yield handler: the running Wasm code reached a safe point with a yield
/// request.
private let yieldFiber: ExecutionStack.YieldHandler = { _ in
    Sandbox.switchingAway { Fiber.yield() }
}

/// WASI's `poll_oneoff` on a fiber: checks the descriptors without blocking and sleeps
/// the fiber (not the worker) between checks, at most `timeout` ms.
private let fiberWait: @Sendable (UnsafeMutableBufferPointer<pollfd>, Int32) -> Int32 = { fds, timeout in
    let deadline = MonotonicClock.now() &+ UInt64(max(timeout, 0)) &* 1_000_000
    while true {
        let ready = fds.isEmpty ? 0 : poll(fds.baseAddress, nfds_t(fds.count), 0)
        if ready != 0 { return ready }
        let now = MonotonicClock.now()
        if timeout >= 0 && now >= deadline { return 0 }
        if Fiber.current?.isCancelled == true { return 0 }
        let step: UInt64 = fds.isEmpty ? (timeout < 0 ? 1_000_000 : deadline - now) : min(1_000_000, deadline &- now)
        Sandbox.sleep(nanoseconds: step)
    }
}

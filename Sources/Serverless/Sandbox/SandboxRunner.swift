import Atomics
import GreenThreads
import Platform
import Synchronization
import WasmRuntime

/// Starts sandboxes as fibers on a scheduler and enforces their timeouts.
///
/// ```swift
/// let runner = SandboxRunner(scheduler: try Scheduler(.init(workers: 2, policy: .edf)))
/// let sandbox = try runner.start(request) { outcome in print(outcome) }
/// ```
public final class SandboxRunner: Sendable {
    /// The scheduler the sandboxes run on.
    public let scheduler: Scheduler
    let watchdog: SandboxWatchdog

    /// A runner on `scheduler`. Under `signal` preemption, a timer signal that lands in
    /// compiled code switches the sandbox away at once (see TrapGuard+Preemption.swift).
    public init(scheduler: Scheduler) {
        self.scheduler = scheduler
        watchdog = SandboxWatchdog()
        if scheduler.configuration.preemption == .signal, let redirect = Self.redirect {
            scheduler.setPreemptionRedirect(redirect.handler, context: redirect.context)
        }
    }

    /// The process's redirect handler and stub, made once.
    nonisolated(unsafe) private static let redirect = TrapGuard.shared?.preemptionRedirect(yield: preemptedInCompiledCode)

    /// Starts `request` on a new fiber; `completion` runs on that fiber when the sandbox
    /// ends, with how it ended. The sandbox's Wasm code yields to the scheduler when its
    /// quantum ends (preemptive policies) and is killed after `request.timeout`.
    @discardableResult
    public func start(_ request: consuming SandboxRequest,
                      completion: @escaping @Sendable (SandboxOutcome) -> Void) throws(SchedulerError) -> Sandbox {
        let sandbox = Sandbox()
        let watchdog = self.watchdog
        let timeout = request.timeout
        let fiber = try scheduler.spawn(deadline: request.deadline) { [request] in
            if let timeout { watchdog.watch(sandbox, until: MonotonicClock.now() &+ timeout) }
            sandbox.run(request, completion: completion)
            if timeout != nil { watchdog.finished() }
        }
        sandbox.attach(fiber)
        return sandbox
    }

}

/// Where the redirect stub sends compiled code interrupted by the timer signal, with
/// every register saved: serves the yield request the handler made.
private let preemptedInCompiledCode: @convention(c) () -> Void = {
    guard let word = Fiber.current?.preemptionWord else { return }
    ExecutionStack.serveYieldRequest(word)
}

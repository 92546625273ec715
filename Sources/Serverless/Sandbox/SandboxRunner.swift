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
    private let watchdog: SandboxWatchdog

    /// A runner on `scheduler`.
    public init(scheduler: Scheduler) {
        self.scheduler = scheduler
        watchdog = SandboxWatchdog()
    }

    /// Starts `request` on a new fiber; `completion` runs on that fiber when the sandbox
    /// ends, with how it ended. The sandbox's Wasm code yields to the scheduler when its
    /// quantum ends (preemptive policies) and is killed after `request.timeout`.
    @discardableResult
    public func start(_ request: SandboxRequest,
                      completion: @escaping @Sendable (SandboxOutcome) -> Void) throws(SchedulerError) -> Sandbox {
        let sandbox = Sandbox()
        let watchdog = self.watchdog
        let timeout = request.timeout
        let fiber = try scheduler.spawn(deadline: request.deadline) {
            if let timeout { watchdog.watch(sandbox, until: MonotonicClock.now() &+ timeout) }
            sandbox.run(request, completion: completion)
        }
        sandbox.attach(fiber)
        return sandbox
    }

}

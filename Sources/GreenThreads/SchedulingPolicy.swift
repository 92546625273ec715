/// Which runnable fiber a worker resumes next, and whether a running one is preempted.
public enum SchedulingPolicy: String, Sendable, CaseIterable {
    /// Arrival order, run to completion: never preempted (the baseline).
    case fifo
    /// Arrival order; a fiber that has run a quantum is preempted and queued at the back.
    case rr
    /// Earliest absolute deadline first; preempted every quantum so an earlier deadline
    /// that arrived meanwhile runs next (fibers without a deadline come last).
    case edf

    /// Whether running fibers are asked to yield when their quantum ends.
    public var preempts: Bool { self != .fifo }
}

/// How a preemption request reaches running code.
public enum PreemptionMode: String, Sendable, CaseIterable {
    /// A ticker thread sets the running fiber's yield bit; the code yields at its next
    /// safe point (loop header or function entry). No signals.
    case poll
    /// A per-worker timer signal (`timer_create`, `SIGEV_THREAD_ID`): in JIT code the
    /// handler redirects the thread to a stub that switches fibers at once (when the
    /// embedder installs a redirect); anywhere else it sets the yield bit as `poll` does.
    case signal
}

/// How a `Scheduler` runs.
public struct SchedulerConfiguration: Sendable {
    /// Worker threads (each with its own run queue and reactor).
    public var workers: Int
    /// The scheduling policy.
    public var policy: SchedulingPolicy
    /// The time slice after which a preemptive policy asks a fiber to yield, in ns.
    public var quantum: UInt64
    /// How the request is delivered.
    public var preemption: PreemptionMode
    /// Usable bytes of each fiber stack (committed lazily, as touched).
    public var stackSize: Int
    /// Released stacks kept for reuse.
    public var spareStacks: Int

    /// One worker, `fifo`, a 1 ms quantum (Sledge's), `poll`, 256 KiB stacks.
    public init(workers: Int = 1, policy: SchedulingPolicy = .fifo, quantum: UInt64 = 1_000_000,
                preemption: PreemptionMode = .poll, stackSize: Int = 256 << 10, spareStacks: Int = 1024) {
        self.workers = max(workers, 1)
        self.policy = policy
        self.quantum = max(quantum, 10_000)
        self.preemption = preemption
        self.stackSize = stackSize
        self.spareStacks = spareStacks
    }
}

import Synchronization

/// Sledge's admission control: each route's cost is the `admissions-percentile` of its
/// recent run times divided by its relative deadline, the share of a worker a request
/// needs to meet its deadline. A request is admitted while the admitted shares plus its
/// own stay within the workers' capacity; its share is returned when it completes.
/// Shares are in millionths of a worker.
final class AdmissionControl: Sendable {
    private let capacity: Int
    private let admitted = Mutex<Int>(0)

    /// Capacity of `workers` workers.
    init(workers: Int) { capacity = workers * 1_000_000 }

    /// The share to reserve for a request of `route`, or nil when it does not fit.
    func admit(_ route: RouteStatistics) -> Int? {
        let share = route.share
        return admitted.withLock { total in
            guard total + share <= capacity else { return nil }
            total += share
            return share
        }
    }

    /// Gives back the share of a request that completed.
    func release(_ share: Int) { admitted.withLock { $0 -= share } }

    /// Millionths of a worker admitted now.
    var load: Int { admitted.withLock { $0 } }
}

/// Recent run times of one route (a ring of the last 256), for admission estimates.
final class RouteStatistics: Sendable {
    private let percentile: Int
    private let deadlineUs: UInt64
    private let state: Mutex<(times: [UInt64], next: Int, estimateUs: UInt64)>

    init(percentile: Int, relativeDeadlineUs: UInt64, expectedExecutionUs: UInt64) {
        self.percentile = percentile
        deadlineUs = max(relativeDeadlineUs, 1)
        state = Mutex(([], 0, expectedExecutionUs))
    }

    /// Millionths of a worker one request needs: estimate / relative deadline, at most one
    /// worker (a route whose runs take longer than its deadline still gets served, alone).
    var share: Int {
        let estimate = state.withLock { $0.estimateUs }
        return Int(min(estimate * 1_000_000 / deadlineUs, 1_000_000))
    }

    /// Records one run and updates the estimate.
    func record(runUs: UInt64) {
        state.withLock { s in
            if s.times.count < 256 { s.times.append(runUs) } else { s.times[s.next] = runUs }
            s.next = (s.next + 1) % 256
            // Sorting 256 samples per request would cost more than the rest of admission:
            // after the first few, the estimate follows every 16th run.
            guard s.times.count < 16 || s.next % 16 == 0 else { return }
            let sorted = s.times.sorted()
            s.estimateUs = max(sorted[min(sorted.count - 1, sorted.count * percentile / 100)], 1)
        }
    }
}

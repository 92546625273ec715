import CoreMetrics
import GreenThreads
import Prometheus

/// The server's metrics, through swift-metrics with a Prometheus factory of its own (no
/// process-wide bootstrap, so several servers can live in one process): request latency
/// per route, requests by route and status, deadline misses, admission refusals, queued
/// and running sandboxes, scheduler preemptions, chained calls sent to other nodes and the
/// connections they used. `GET /metrics` emits them.
final class ServeMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let queued: CoreMetrics.Gauge
    private let running: CoreMetrics.Gauge
    private let preemptions: CoreMetrics.Gauge
    private let admittedLoad: CoreMetrics.Gauge
    private let forwardConnections: CoreMetrics.Gauge
    private let forwardReuses: CoreMetrics.Gauge

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        self.factory = factory
        queued = CoreMetrics.Gauge(label: "wasmlab_sandboxes_queued", factory: factory)
        running = CoreMetrics.Gauge(label: "wasmlab_sandboxes_running", factory: factory)
        preemptions = CoreMetrics.Gauge(label: "wasmlab_scheduler_preemptions", factory: factory)
        admittedLoad = CoreMetrics.Gauge(label: "wasmlab_admitted_load_workers", factory: factory)
        forwardConnections = CoreMetrics.Gauge(label: "wasmlab_forward_connections_opened", factory: factory)
        forwardReuses = CoreMetrics.Gauge(label: "wasmlab_forward_connection_reuses", factory: factory)
    }

    /// A request of `route` finished with `status` after `latencyNs` (arrival to response).
    func request(route: String, status: Int, latencyNs: UInt64, missedDeadline: Bool) {
        CoreMetrics.Counter(label: "wasmlab_requests_total", dimensions: [("route", route), ("status", String(status))],
                factory: factory).increment()
        CoreMetrics.Timer(label: "wasmlab_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(Int64(clamping: latencyNs))
        if missedDeadline {
            CoreMetrics.Counter(label: "wasmlab_deadline_misses_total", dimensions: [("route", route)], factory: factory).increment()
        }
    }

    /// A request of `route` was refused by admission control (or a full queue).
    func refused(route: String) {
        CoreMetrics.Counter(label: "wasmlab_admission_refusals_total", dimensions: [("route", route)], factory: factory).increment()
    }

    /// A channel call (CWASI's `func_connect`) in `mode`, answered or not.
    func channelCall(mode: ChannelMode, failed: Bool) {
        CoreMetrics.Counter(label: "wasmlab_channel_calls_total",
                            dimensions: [("mode", mode.rawValue), ("result", failed ? "failed" : "replied")],
                            factory: factory).increment()
    }

    /// Another node's channel call in `mode` came to run here (an HTTP one counts as a
    /// request of its route instead).
    func channelCallServed(mode: ChannelMode) {
        CoreMetrics.Counter(label: "wasmlab_channel_calls_served_total", dimensions: [("mode", mode.rawValue)],
                            factory: factory).increment()
    }

    /// A chained call went to another node.
    func forwarded() {
        CoreMetrics.Counter(label: "wasmlab_chained_calls_forwarded_total", factory: factory).increment()
    }

    func sandboxes(queued q: Int, running r: Int) {
        queued.record(q)
        running.record(r)
    }

    /// The Prometheus text exposition, with the scheduler's and the forwarding pool's
    /// counters read now.
    func exposition(scheduler: Scheduler, load: Int, forwarding: ForwardConnectionPool.Statistics) -> [UInt8] {
        preemptions.record(scheduler.preemptions)
        admittedLoad.record(Double(load) / 1_000_000)
        forwardConnections.record(forwarding.opened)
        forwardReuses.record(forwarding.reused)
        return registry.emitToBuffer()
    }
}

import Foundation
import Logging
import Prometheus

/// What the write door reports to /metrics and the log: writes waiting,
/// batch sizes, commit times, writes shed, and commits the database refused.
final class WriteStats: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let logger = Logger(label: "jiujin.writes")
    private let waiting: Gauge
    private let batchSize: ValueHistogram
    private let commitTime: DurationHistogram
    private let shed: Counter
    private let failed: Counter

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        waiting = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "jiujin", metricName: "write_queue_depth", unitName: "", helpText: "Writes waiting for the writer"))
        batchSize = registry.makeValueHistogram(descriptor: MetricNameDescriptor(
            namespace: "jiujin", metricName: "write_batch_size", unitName: "", helpText: "Units of work committed in one transaction"),
            buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256])
        commitTime = registry.makeDurationHistogram(descriptor: MetricNameDescriptor(
            namespace: "jiujin", metricName: "write_batch_duration", unitName: "seconds", helpText: "Time to run and commit one batch"),
            buckets: [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                      .milliseconds(100), .milliseconds(250), .seconds(1)])
        shed = registry.makeCounter(descriptor: MetricNameDescriptor(
            namespace: "jiujin", metricName: "writes_shed", unitName: "total", helpText: "Writes refused with 503 because the queue was full"))
        failed = registry.makeCounter(descriptor: MetricNameDescriptor(
            namespace: "jiujin", metricName: "write_commits_failed", unitName: "total", helpText: "Batches the database refused to commit"))
    }

    func queued(_ depth: Int) { waiting.set(Double(depth)) }

    func committed(units: Int, in duration: Duration) {
        batchSize.record(Double(units))
        commitTime.record(duration)
    }

    func refused() { shed.increment() }

    func failedCommit(_ error: Error) {
        failed.increment()
        logger.error("write failed, nothing of the batch was stored (disk full or I/O error?)", metadata: ["error": "\(String(reflecting: error))"])
    }
}

import Foundation
import Prometheus

/// The Prometheus registry of one running app: request counts and durations
/// by route, plus gauges filled in when /metrics is scraped.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    static var requests: MetricNameDescriptor { MetricNameDescriptor(namespace: "jiujin", metricName: "http_requests", unitName: "total",
                                               helpText: "HTTP requests by method, route pattern and status") }
    static var durations: MetricNameDescriptor { MetricNameDescriptor(namespace: "jiujin", metricName: "http_request_duration", unitName: "seconds",
                                                helpText: "HTTP request durations by method and route pattern") }
    static let buckets: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                                      .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5)]

    func record(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: Self.requests, labels: [("method", method), ("route", route), ("status", String(status))])
            .increment()
        registry.makeDurationHistogram(descriptor: Self.durations, labels: [("method", method), ("route", route)], buckets: Self.buckets)
            .record(duration)
    }

    /// Sets a gauge named `jiujin_<name>`.
    func setGauge(_ name: String, help: String, labels: [(String, String)] = [], _ value: Double) {
        let descriptor = MetricNameDescriptor(namespace: "jiujin", metricName: name, unitName: "", helpText: help)
        registry.makeGauge(descriptor: descriptor, labels: labels).set(value)
    }

    func render() -> String { registry.emitToString() }
}

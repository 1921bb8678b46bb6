import Foundation
import Prometheus

/// The Prometheus registry of one running app: request counts and durations
/// by route, plus gauges filled in when /metrics is scraped.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    func record(method: String, route: String, status: Int, duration: Duration) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(name: "jiujin_http_requests_total", labels: labels).increment()
        registry.makeDurationHistogram(name: "jiujin_http_request_duration_seconds",
                                       labels: [("method", method), ("route", route)],
                                       buckets: [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                                 .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                                 .seconds(2.5), .seconds(5)]).record(duration)
    }

    func setGauge(_ name: String, labels: [(String, String)] = [], _ value: Double) {
        registry.makeGauge(name: name, labels: labels).set(value)
    }

    func render() -> String { registry.emitToString() }
}

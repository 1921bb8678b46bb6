import Prometheus
import Vapor

/// One structured line per request: method, route path (never the query
/// string, which may carry personal data), status, duration and staff id.
/// Also counts requests and their durations for /metrics.
struct RequestLogMiddleware: AsyncMiddleware {
    let metrics: ServerMetrics

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        let elapsed = ContinuousClock.now - start
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue), "route": .string(route),
            "status": .stringConvertible(response.status.code),
            "ms": .stringConvertible((Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000).rounded()),
        ]
        if let staff = request.storage[LoggedStaffKey.self] { metadata["staff"] = .string(staff) }
        request.logger.info("request", metadata: metadata)
        metrics.record(method: request.method.rawValue, route: route, status: Int(response.status.code), duration: elapsed)
        return response
    }
}

/// The id of the member of staff a request acts for, set by whatever signs them in, for the request log.
struct LoggedStaffKey: StorageKey {
    typealias Value = String
}

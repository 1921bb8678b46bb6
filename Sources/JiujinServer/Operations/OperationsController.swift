import Fluent
import JiujinCore
import Vapor

/// Health, metrics and the API description.
struct OperationsController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("livez", use: live)
        routes.get("healthz", use: health)
        routes.get("metrics", use: metrics)
        routes.get("api", "openapi.yaml", use: openAPI)
    }

    struct Health: Content {
        var status: String
        var database: String?
        var calendarYears: [Int]?
        var warnings: [WarningView]?
    }

    /// The process answers (a liveness probe); touches nothing else, so it is also the ceiling `scripts/bench` measures.
    func live(req: Request) -> String { "ok" }

    func health(req: Request) async throws -> Response {
        var dbOK = true
        do { _ = try await RegionModel.query(on: req.db).limit(1).all() } catch { dbOK = false }
        let calendar = req.jiujin.calendar
        let nextYear = req.jiujin.today.year + 1
        let warnings = calendar.covers(nextYear) ? [] : [WarningView(code: "calendar_year_missing",
                                                                      message: CalendarWarning.yearNotCovered(nextYear).message)]
        // Anonymous callers (a load balancer's probe) learn up or down; administrators and supervisors the details.
        let detailed = req.storage[StaffKey.self].map { [.administrator, .supervisor].contains($0.role) } ?? false
        let body = detailed
            ? Health(status: dbOK ? "ok" : "degraded", database: dbOK ? "ok" : "unreachable",
                     calendarYears: calendar.coveredYears, warnings: warnings)
            : Health(status: dbOK ? "ok" : "degraded")
        let response = Response(status: dbOK ? .ok : .serviceUnavailable)
        try response.content.encode(body)
        return response
    }

    func metrics(req: Request) async throws -> Response {
        if let expected = req.jiujin.options.metricsToken {
            let given = Array((req.headers.bearerAuthorization?.token ?? "").utf8)
            // Compared in constant time over the whole length.
            let wanted = Array(expected.utf8)
            var diff = given.count ^ wanted.count
            for i in 0..<wanted.count { diff |= Int((i < given.count ? given[i] : 0) ^ wanted[i]) }
            guard diff == 0 else { throw APIError(.unauthorized, "metrics_token", "需要监控令牌（Authorization: Bearer）") }
        }
        let m = req.jiujin.metrics
        for status in CaseStatus.allCases {
            let n = try await CaseModel.query(on: req.db).filter(\.$status == status.rawValue).count()
            m.setGauge("cases", help: "Cases by status", labels: [("status", status.rawValue)], Double(n))
        }
        m.setGauge("catalog_items", help: "Service items in the catalog", Double(req.jiujin.directory.items.count))
        m.setGauge("service_points", help: "Service points", Double(req.jiujin.directory.points.count))
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: m.render()))
    }

    func openAPI(req: Request) async throws -> Response {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml", subdirectory: "Resources"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { throw APIError.notFound("接口说明") }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "yaml", parameters: ["charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}

import Fluent
import JiujinCore
import Vapor

/// 好差评 over JSON.
struct RatingController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.grouped(RateLimitMiddleware(door: .ratings)).post("ratings", use: rate)
        routes.get("follow-ups", use: list)
        routes.post("follow-ups", ":id", "actions", use: act)
    }

    struct RateBody: Content {
        var number: String
        var queryCode: String
        var level: Int
        var channel: String
        var indicators: [String]?
        var text: String?
    }

    struct RatedView: Content {
        var round: Int
        var level: Int
        var followUpId: UUID?
        var followUpDue: String?
    }

    func rate(req: Request) async throws -> Response {
        let body = try req.content.decode(RateBody.self)
        let service = RatingService(req)
        let input = RatingService.Input(level: body.level, channel: body.channel, indicators: body.indicators, text: body.text)
        try service.check(input)
        let model = try await service.caseForResident(number: body.number, queryCode: body.queryCode, address: req.clientAddress)
        let (rating, followUp) = try await service.rate(model, input)
        let response = Response(status: .created)
        try response.content.encode(RatedView(round: rating.round, level: rating.level, followUpId: followUp?.id, followUpDue: followUp?.dueOn))
        return response
    }

    struct FollowUpView: Content {
        var id: UUID
        var caseId: UUID
        var orgId: String
        var status: String
        var dueOn: String
        var overdue: Bool
        var outcome: String?
        var version: Int
    }

    func list(req: Request) async throws -> [FollowUpView] {
        let staff = try req.requireStaff()
        let today = req.jiujin.today
        return try await RatingService(req).visibleFollowUps(staff: staff).map {
            FollowUpView(id: $0.id!, caseId: $0.caseId, orgId: $0.orgId, status: $0.status, dueOn: $0.dueOn,
                         overdue: $0.domain?.isOverdue(today: today) ?? false, outcome: $0.outcome, version: $0.version)
        }
    }

    func act(req: Request) async throws -> FollowUpView {
        let staff = try req.requireStaff()
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("回访") }
        let row = try await RatingService(req).act(on: id, try req.content.decode(RatingService.FollowUpInput.self), staff: staff)
        return FollowUpView(id: row.id!, caseId: row.caseId, orgId: row.orgId, status: row.status, dueOn: row.dueOn,
                            overdue: row.domain?.isOverdue(today: req.jiujin.today) ?? false, outcome: row.outcome, version: row.version)
    }
}

import Fluent
import JiujinCore
import Vapor

extension Request {
    /// The case named by the `:id` parameter; a malformed id is a case that does not exist.
    func caseID() throws -> UUID {
        guard let raw = parameters.get("id"), let id = UUID(uuidString: raw) else { throw APIError.notFound("办件") }
        return id
    }
}

/// Cases over JSON: intake, lifecycle actions, lists and detail (online applications: `ResidentController`).
struct CaseController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.post("cases", use: intake)
        routes.get("cases", use: list)
        routes.get("cases", ":id", use: detail)
        routes.get("cases", ":id", "applicant", use: applicant)
        routes.post("cases", ":id", "actions", use: act)
        routes.post("cases", ":id", "feedback", use: feedback)
    }

    func intake(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let body = try req.content.decode(IntakeRequest.self)
        let intake = try body.intake(today: req.jiujin.today)
        let c = try await CaseService(req).intake(itemCode: body.itemCode, intake, by: staff)
        return try await created(try await detail(of: c, req: req, staff: staff))
    }

    struct CaseList: Content {
        var count: Int
        var cases: [CaseSummary]
    }

    func list(req: Request) async throws -> CaseList {
        let staff = try req.requireStaff()
        var filter = CaseLists.Filter()
        if let raw = req.queryText("status") {
            guard CaseStatus(rawValue: raw) != nil else { throw APIError.invalid("status", "办件状态「\(TextLimit.echo(raw))」无效") }
            filter.statuses = [raw]
        }
        filter.number = try TextLimit.optional(req.queryText("number"), field: "number", max: 40, what: "办件编号")
        if let mine = req.queryText("mine") {
            guard mine == "decide" else { throw APIError.invalid("mine", "mine 只能为 decide（本机构审批的办件）") }
            filter.decidingOrgId = staff.org.id
        }
        let limit = try req.limitParameter(default: 100, max: 1000)
        let rows = try await CaseLists(req, staff: staff).rows(filter, order: .deadline, limit: limit)
        return CaseList(count: rows.count, cases: rows.map { r in
            CaseSummary(id: r.id, number: r.number, itemCode: r.itemCode, itemName: r.itemName,
                        applicantName: r.applicantName, channel: r.channel, status: r.status, statusLabel: r.statusLabel,
                        regionCode: r.regionCode, decidingOrgId: r.decidingOrgId, deadline: r.deadline, light: r.light, version: r.version)
        })
    }

    func detail(req: Request) async throws -> CaseDetail {
        let staff = try req.requireStaff()
        return CaseDetail(try await CaseReader(req).view(try req.caseID(), for: staff, parts: Self.detailParts))
    }

    /// What a case's detail carries beyond the case and its events.
    static let detailParts: CaseReader.Parts = [.actions, .feedback, .names]

    /// The unmasked applicant, for staff handling the case; every read is logged.
    func applicant(req: Request) async throws -> ApplicantView {
        let staff = try req.requireStaff(ActorRole.frontDesk.union([.approver, .supervisor]))
        let purpose = try TextLimit.optional(req.queryText("purpose"), field: "purpose", max: 100, what: "查阅目的") ?? "办件处理"
        let view = try await CaseReader(req).view(try req.caseID(), for: staff, revealPurpose: purpose, parts: [])
        return ApplicantView(view.applicant)
    }

    func act(req: Request) async throws -> CaseDetail {
        let staff = try req.requireStaff()
        let id = try req.caseID()
        let body = try req.content.decode(ActionRequest.self)
        let command = try body.command()
        let c = try await CaseService(req).act(on: id, command, comment: body.comment, expectedVersion: body.expectedVersion, by: staff)
        return try await detail(of: c, req: req, staff: staff, parts: Self.detailParts)
    }

    struct FeedbackBody: Content {
        var channel: String
        var text: String
    }

    /// The agent's (or clerk's) log of what the resident was told (跟踪反馈); the authorized agent's first entry
    /// marks that proxy step done. Answers the case with its feedback log.
    func feedback(req: Request) async throws -> Response {
        let staff = try req.requireStaff(ActorRole.frontDesk)
        let id = try req.caseID()
        let service = CaseService(req)
        _ = try await service.visibleCase(id, staff: staff)
        let body = try req.content.decode(FeedbackBody.self)
        try await service.recordFeedback(on: id, try ProxyFeedback.validated(channel: body.channel, text: body.text), by: staff)
        return try await created(CaseDetail(try await CaseReader(req).view(id, for: staff, parts: Self.detailParts)))
    }

    /// A case just written: a new case has no feedback yet, so intake skips that read.
    func detail(of c: Case, req: Request, staff: AuthenticatedStaff, parts: CaseReader.Parts = .actions) async throws -> CaseDetail {
        CaseDetail(try await CaseReader(req).view(of: c, for: staff, parts: parts))
    }

    func created<T: Content>(_ body: T) async throws -> Response {
        let response = Response(status: .created)
        try response.content.encode(body)
        return response
    }
}

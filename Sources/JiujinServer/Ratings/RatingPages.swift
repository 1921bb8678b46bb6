import Fluent
import JiujinCore
import Vapor

/// 好差评 pages: the public rating page reached from the receipt QR, the
/// tablet page a clerk hands to the resident, and the follow-up desk; plus the JSON API.
struct RatingPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("r", use: publicPage)
        routes.post("r", use: publicRate)
        routes.get("window", "rate", ":id", use: devicePage)
        routes.post("window", "rate", ":id", use: deviceRate)
        routes.get("followups", use: followUps)
        routes.post("followups", ":id", "action", use: followUpAction)
    }

    struct Level: Encodable {
        var value: Int
        var label: String
    }

    struct RatePage: Encodable {
        var layout: LayoutContext
        var number: String
        var channel: String
        var levels: [Level]
        var indicators: [String]
        var device: Bool
        var caseId: String?
        var itemName: String?
        var done: Bool
        var followUpOpened: Bool
        var error: String?
    }

    static var levels: [Level] { RatingLevel.allCases.reversed().map { Level(value: $0.rawValue, label: $0.label) } }

    func publicPage(req: Request) async throws -> Response {
        let number = String((req.query[String.self, at: "n"] ?? "").prefix(40))
        let channel = req.query[String.self, at: "c"] == "qr" ? RatingChannel.qrReceipt.rawValue : RatingChannel.web.rawValue
        return try await renderPublic(req, number: number, channel: channel, error: nil, done: false, followUp: false, status: .ok)
    }

    func renderPublic(_ req: Request, number: String, channel: String, error: String?, done: Bool, followUp: Bool,
                      status: HTTPStatus) async throws -> Response {
        let csrf = WebSessions.randomToken()
        req.storage[LoginCSRFKey.self] = csrf
        let page = RatePage(layout: .make(req, title: "办件评价", section: "rate"), number: number, channel: channel, levels: Self.levels,
                            indicators: RatingService.indicators, device: false, caseId: nil, itemName: nil, done: done,
                            followUpOpened: followUp, error: error)
        let response = try await req.render("rate", page, status: status)
        response.cookies[WebSessions.loginCSRFCookie] = WebSessions.cookieValue(csrf, req: req, maxAge: 3600)
        return response
    }

    struct PublicForm: Content {
        var number: String
        var phoneLast4: String
        var level: Int?
        var channel: String?
        var indicators: [String]?
        var text: String?
    }

    func publicRate(req: Request) async throws -> Response {
        let form = try req.content.decode(PublicForm.self)
        let channel = form.channel == RatingChannel.qrReceipt.rawValue ? RatingChannel.qrReceipt.rawValue : RatingChannel.web.rawValue
        do {
            let service = RatingService(req: req)
            let model = try await req.jiujin.gate.run { () -> CaseModel in
                try await service.caseForResident(number: form.number, phoneLast4: form.phoneLast4)
            }
            let (_, followUp) = try await service.rate(model, .init(level: form.level ?? 0, channel: channel, indicators: form.indicators,
                                                                    text: form.text))
            return try await renderPublic(req, number: form.number, channel: channel, error: nil, done: true, followUp: followUp != nil,
                                          status: .ok)
        } catch let e as APIError {
            return try await renderPublic(req, number: form.number, channel: channel, error: e.message, done: false, followUp: false,
                                          status: e.status)
        }
    }

    func devicePage(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.windowClerk, .villageAgent])
        let model = try await CaseService(req: req).visibleCase(try CaseController.caseID(req), staff: staff)
        return try await renderDevice(req, model: model, error: nil, done: false, followUp: false, status: .ok)
    }

    func renderDevice(_ req: Request, model: CaseModel, error: String?, done: Bool, followUp: Bool, status: HTTPStatus) async throws -> Response {
        let page = RatePage(layout: .make(req, title: "请您评价", section: "rate"), number: model.number,
                            channel: RatingChannel.windowDevice.rawValue, levels: Self.levels, indicators: RatingService.indicators,
                            device: true, caseId: model.id!.uuidString, itemName: model.itemName, done: done, followUpOpened: followUp,
                            error: error)
        return try await req.render("rate", page, status: status)
    }

    struct DeviceForm: Content {
        var level: Int?
        var indicators: [String]?
        var text: String?
    }

    func deviceRate(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.windowClerk, .villageAgent])
        let model = try await CaseService(req: req).visibleCase(try CaseController.caseID(req), staff: staff)
        let form = try req.content.decode(DeviceForm.self)
        do {
            let (_, followUp) = try await RatingService(req: req).rate(model, .init(level: form.level ?? 0, channel: RatingChannel.windowDevice.rawValue,
                                                                                    indicators: form.indicators, text: form.text))
            return try await renderDevice(req, model: model, error: nil, done: true, followUp: followUp != nil, status: .ok)
        } catch let e as APIError {
            return try await renderDevice(req, model: model, error: e.message, done: false, followUp: false, status: e.status)
        }
    }

    struct FollowUpRow: Encodable {
        var id: String
        var caseId: String
        var number: String
        var itemName: String
        var level: String
        var text: String?
        var status: String
        var statusLabel: String
        var dueOn: String
        var overdue: Bool
        var note: String?
        var outcome: String?
        var version: Int
        var canVerify: Bool
        var canResolve: Bool
        var canSupervise: Bool
    }

    struct FollowUpsPage: Encodable {
        var layout: LayoutContext
        var rows: [FollowUpRow]
        var overdue: Int
        var outcomes: [Level]
        var error: String?
    }

    func followUps(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.approver, .windowClerk, .villageAgent, .supervisor, .administrator])
        return try await renderFollowUps(req, staff: staff, error: nil, status: .ok)
    }

    func renderFollowUps(_ req: Request, staff: AuthenticatedStaff, error: String?, status: HTTPStatus) async throws -> Response {
        var query = FollowUpModel.query(on: req.db)
        if !staff.seesWholeCounty { query = query.filter(\.$orgId == staff.org.id) }
        let rows = try await query.sort(\.$dueOn).limit(500).all()
        let cases = Dictionary(uniqueKeysWithValues: try await CaseModel.query(on: req.db).filter(\.$id ~~ rows.map(\.caseId)).all().map { ($0.id!, $0) })
        let ratings = Dictionary(uniqueKeysWithValues: try await RatingModel.query(on: req.db).filter(\.$id ~~ rows.map(\.ratingId)).all().map { ($0.id!, $0) })
        let today = req.jiujin.today
        let views = rows.map { r -> FollowUpRow in
            let f = r.domain
            let s = f?.status ?? .open
            return FollowUpRow(id: r.id!.uuidString, caseId: r.caseId.uuidString, number: cases[r.caseId]?.number ?? "",
                               itemName: cases[r.caseId]?.itemName ?? "",
                               level: RatingLevel(rawValue: ratings[r.ratingId]?.level ?? 0)?.label ?? "", text: ratings[r.ratingId]?.text,
                               status: s.rawValue, statusLabel: s.label, dueOn: r.dueOn, overdue: f?.isOverdue(today: today) ?? false,
                               note: r.note, outcome: f?.outcome?.label, version: r.version, canVerify: s == .open, canResolve: s == .verified,
                               canSupervise: staff.role == .supervisor && !s.isConcluded)
        }
        let page = FollowUpsPage(layout: .make(req, title: "差评回访整改", section: "followups"), rows: views,
                                 overdue: views.filter(\.overdue).count,
                                 outcomes: FollowUpOutcome.allCases.enumerated().map { Level(value: $0.offset, label: $0.element.label) },
                                 error: error)
        return try await req.render("followups", page, status: status)
    }

    func followUpAction(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.approver, .windowClerk, .villageAgent, .supervisor])
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("回访") }
        var input = try req.content.decode(RatingService.FollowUpInput.self)
        if let index = input.outcome.flatMap(Int.init), FollowUpOutcome.allCases.indices.contains(index) {
            input.outcome = FollowUpOutcome.allCases[index].rawValue
        }
        do {
            _ = try await RatingService(req: req).act(on: id, input, staff: staff)
        } catch let e as APIError where e.status != .notFound {
            return try await renderFollowUps(req, staff: staff, error: e.message, status: e.status)
        }
        return req.redirect(to: "/followups?done=action")
    }
}

/// 好差评 over JSON.
struct RatingController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.post("ratings", use: rate)
        routes.get("follow-ups", use: list)
        routes.post("follow-ups", ":id", "actions", use: act)
    }

    struct RateBody: Content {
        var number: String
        var phoneLast4: String
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
        let service = RatingService(req: req)
        let model = try await service.caseForResident(number: body.number, phoneLast4: body.phoneLast4)
        let (rating, followUp) = try await service.rate(model, .init(level: body.level, channel: body.channel, indicators: body.indicators,
                                                                     text: body.text))
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
        var query = FollowUpModel.query(on: req.db)
        if !staff.seesWholeCounty { query = query.filter(\.$orgId == staff.org.id) }
        let today = req.jiujin.today
        return try await query.sort(\.$dueOn).limit(500).all().map {
            FollowUpView(id: $0.id!, caseId: $0.caseId, orgId: $0.orgId, status: $0.status, dueOn: $0.dueOn,
                         overdue: $0.domain?.isOverdue(today: today) ?? false, outcome: $0.outcome, version: $0.version)
        }
    }

    func act(req: Request) async throws -> FollowUpView {
        let staff = try req.requireStaff()
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("回访") }
        let row = try await RatingService(req: req).act(on: id, try req.content.decode(RatingService.FollowUpInput.self), staff: staff)
        return FollowUpView(id: row.id!, caseId: row.caseId, orgId: row.orgId, status: row.status, dueOn: row.dueOn,
                            overdue: row.domain?.isOverdue(today: req.jiujin.today) ?? false, outcome: row.outcome, version: row.version)
    }
}

import Fluent
import JiujinCore
import Vapor

/// A level or outcome choice on a form.
struct LevelChoice: Encodable, Sendable {
    var value: Int
    var label: String
}

/// The public rating page (`ratings/rate.leaf`), opened from the receipt's QR or typed in: case number and
/// query code prove the case.
struct RatePage: PageContext {
    static let template = "ratings/rate"
    var layout: LayoutContext
    var number: String
    var channel: String
    var levels = RatingLevel.allCases.reversed().map { LevelChoice(value: $0.rawValue, label: $0.label) }
    var indicators = RatingService.indicators
    var done: Bool
    var followUpOpened: Bool
    var error: String?
    /// The query code from the receipt's QR, to fill the form.
    var queryCode = ""

    init(layout: LayoutContext, number: String, channel: String, done: Bool, followUpOpened: Bool, error: String?) {
        self.layout = layout
        self.number = number
        self.channel = channel
        self.done = done
        self.followUpOpened = followUpOpened
        self.error = error
    }
}

/// The follow-up desk (`ratings/followups.leaf`): bad ratings to verify and resolve, overdue ones flagged.
struct FollowUpsPage: PageContext {
    static let template = "ratings/followups"

    struct Row: Encodable, Sendable {
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

    var layout: LayoutContext
    var rows: [Row]
    var overdue: Int
    var outcomes: [LevelChoice]
    var error: String?

    init(layout: LayoutContext, desk: RatingService.Desk, role: ActorRole, today: LocalDate, error: String?) {
        let cases = Dictionary(desk.cases.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let ratings = Dictionary(desk.ratings.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        rows = desk.followUps.map { r in
            let f = r.domain
            let s = f?.status ?? .open
            let rating = ratings[r.ratingId]
            return Row(id: r.id?.uuidString ?? "", caseId: r.caseId.uuidString, number: cases[r.caseId]?.number ?? "",
                       itemName: cases[r.caseId]?.itemName ?? "", level: RatingLevel(rawValue: rating?.level ?? 0)?.label ?? "",
                       text: rating?.text, status: s.rawValue, statusLabel: s.label, dueOn: r.dueOn,
                       overdue: f?.isOverdue(today: today) ?? false, note: r.note, outcome: f?.outcome?.label, version: r.version,
                       canVerify: s == .open, canResolve: s == .verified, canSupervise: role == .supervisor && !s.isConcluded)
        }
        self.layout = layout
        overdue = self.rows.filter(\.overdue).count
        outcomes = FollowUpOutcome.allCases.enumerated().map { LevelChoice(value: $0.offset, label: $0.element.label) }
        self.error = error
    }
}

/// 好差评 pages: the public rating page reached from the receipt QR, and the follow-up desk (the window's
/// rating device is `RatingDeviceRoutes`).
struct RatingPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        let limited = routes.grouped(RateLimitMiddleware(door: .ratings))
        limited.get("r", use: publicPage)
        limited.post("r", use: publicRate)
        routes.get("followups", use: followUps)
        routes.post("followups", ":id", "action", use: followUpAction)
    }


    func publicPage(req: Request) async throws -> Response {
        let number = String((req.queryText("n") ?? "").prefix(40))
        let channel = req.queryText("c") == "qr" ? RatingChannel.qrReceipt.rawValue : RatingChannel.web.rawValue
        // The receipt's QR carries the code; it fills the form and is never checked on a GET.
        let code = req.queryText("q").flatMap(QueryCode.normalize) ?? ""
        return try await renderPublic(req, number: number, code: code, channel: channel, error: nil, done: false, followUp: false, status: .ok)
    }

    func renderPublic(_ req: Request, number: String, code: String = "", channel: String, error: String?, done: Bool, followUp: Bool,
                      status: HTTPStatus) async throws -> Response {
        let token = req.issueFormToken()
        var page = RatePage(layout: req.layout(title: "办件评价", section: "rate"), number: String(number.prefix(40)), channel: channel,
                            done: done, followUpOpened: followUp, error: error)
        page.queryCode = code
        let response = try await req.render(page, status: status)
        req.bindFormToken(token, to: response)
        return response
    }

    struct PublicForm: Content {
        var number: String
        var queryCode: String
        var level: Int?
        var channel: String?
        var indicators: [String]?
        var text: String?
    }

    func publicRate(req: Request) async throws -> Response {
        let form = try req.content.decode(PublicForm.self)
        let channel = form.channel == RatingChannel.qrReceipt.rawValue ? RatingChannel.qrReceipt.rawValue : RatingChannel.web.rawValue
        do {
            let service = RatingService(req)
            let input = RatingService.Input(level: form.level ?? 0, channel: channel, indicators: form.indicators, text: form.text)
            try service.check(input)
            let model = try await service.caseForResident(number: form.number, queryCode: form.queryCode, address: req.clientAddress)
            let (_, followUp) = try await service.rate(model, input)
            return try await renderPublic(req, number: form.number, channel: channel, error: nil, done: true, followUp: followUp != nil,
                                          status: .ok)
        } catch {
            let e = try Self.refusal(error)
            return try await renderPublic(req, number: form.number, channel: channel, error: e.message, done: false, followUp: false,
                                          status: e.status)
        }
    }

    /// A refusal to show on the page; a fault of the server stays one.
    static func refusal(_ error: Error) throws -> APIError {
        let e = JSONErrorMiddleware.map(error)
        if e.status == .internalServerError { throw error }
        return e
    }

    func followUps(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.approver, .windowClerk, .villageAgent, .supervisor, .administrator])
        return try await renderFollowUps(req, staff: staff, error: nil, status: .ok)
    }

    func renderFollowUps(_ req: Request, staff: AuthenticatedStaff, error: String?, status: HTTPStatus) async throws -> Response {
        let page = FollowUpsPage(layout: req.layout(title: "差评回访整改", section: "followups"),
                                 desk: try await RatingService(req).desk(staff: staff), role: staff.role, today: req.jiujin.today,
                                 error: error)
        return try await req.render(page, status: status)
    }

    func followUpAction(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.approver, .windowClerk, .villageAgent, .supervisor])
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("回访") }
        var input = try req.content.decode(RatingService.FollowUpInput.self)
        if let index = input.outcome.flatMap(Int.init), FollowUpOutcome.allCases.indices.contains(index) {
            input.outcome = FollowUpOutcome.allCases[index].rawValue
        }
        do {
            _ = try await RatingService(req).act(on: id, input, staff: staff)
        } catch {
            let e = try Self.refusal(error)
            if e.status == .notFound { throw error }
            return try await renderFollowUps(req, staff: staff, error: e.message, status: e.status)
        }
        return req.redirect(to: "/followups?done=action")
    }
}


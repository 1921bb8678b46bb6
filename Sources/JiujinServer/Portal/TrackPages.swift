import JiujinCore
import Vapor

/// Following a case without signing in (办件进度查询, `portal/track.leaf`): case number and query code (查询密码,
/// printed on the receipt and carried by its QR) → status, history in plain words, deadline and what to do next,
/// with the rating link beside it. Limited per address (`RateDoor.ratings`) and per case number (`QueryCodeGuard`);
/// every failure answers the same.
struct TrackPage: PageContext {
    static let template = "portal/track"

    var layout: PortalLayout
    var number: String
    var queryCode: String
    /// The case the number and code name (no materials, nothing personal).
    var c: ResidentCaseView?
    var found = false
    var rateLink: String?
    var error: String?

    init(layout: PortalLayout, number: String, queryCode: String, error: String?) {
        self.layout = layout
        self.number = String(number.prefix(40))
        self.queryCode = String(queryCode.prefix(20))
        self.error = error
    }

    init(layout: PortalLayout, c: Case, queryCode: String, events: [CaseEvent], directory: Directory) {
        self.init(layout: layout, number: c.number, queryCode: queryCode, error: nil)
        self.c = ResidentCaseView(c, events: events, directory: directory, materials: false)
        found = true
        rateLink = Self.rateLink(c, queryCode: queryCode)
    }

    /// The rating page of an accepted case (好差评), beside its progress.
    static func rateLink(_ c: Case, queryCode: String) -> String? {
        c.acceptedOn != nil ? "/r?n=\(c.number)&c=qr&q=\(QueryCode.normalize(queryCode) ?? "")" : nil
    }
}

struct TrackPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        let limited = routes.grouped(RateLimitMiddleware(door: .ratings))
        limited.get("portal", "track", use: page)
        limited.post("portal", "track", use: check)
    }

    /// The receipt's QR opens this with the number and code: the status shows at once.
    func page(req: Request) async throws -> Response {
        let number = req.queryText("n") ?? ""
        let code = req.queryText("q") ?? ""
        guard !number.isEmpty, !code.isEmpty else { return try await render(req, number: number, code: code, error: nil, status: .ok) }
        return try await answer(req, number: number, code: code)
    }

    struct Form: Content {
        var number: String?
        var queryCode: String?
    }

    func check(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        return try await answer(req, number: form.number ?? "", code: form.queryCode ?? "")
    }

    func answer(_ req: Request, number: String, code: String) async throws -> Response {
        do {
            let c = try await Tracking.find(req, number: number, code: code)
            let events = try await CaseRows.events(of: c.id, on: try sqlDatabase(req.db))
            let token = req.issueFormToken()
            let page = TrackPage(layout: req.portalLayout(title: "办件进度", section: "track"), c: c, queryCode: code, events: events,
                                 directory: req.jiujin.directory)
            let response = try await req.render(page)
            if req.expectedCSRF == nil { req.bindFormToken(token, to: response) }
            return response
        } catch {
            let e = try RatingPages.refusal(error)
            return try await render(req, number: number, code: code, error: e.message, status: e.status)
        }
    }

    func render(_ req: Request, number: String, code: String, error: String?, status: HTTPStatus) async throws -> Response {
        let token = req.issueFormToken()
        let response = try await req.render(TrackPage(layout: req.portalLayout(title: "办件进度查询", section: "track"), number: number,
                                                      queryCode: code, error: error), status: status)
        if req.expectedCSRF == nil { req.bindFormToken(token, to: response) }
        return response
    }
}

/// The case a number and query code name; any failure — malformed, unknown, wrong, resting — is the same answer.
enum Tracking {
    static func find(_ req: Request, number: String, code: String) async throws -> Case {
        do {
            return try await RatingService(req).caseForResident(number: number, queryCode: code, address: req.clientAddress)
        } catch let e as APIError where e.status == .unprocessableEntity || e.status == .notFound {
            throw RatingService.unknownCase
        }
    }
}

import Fluent
import JiujinCore
import Vapor

/// The resident's complaint form (`complaints/complain.leaf`): complaint or suggestion, about a point, a member of
/// staff, a case or anything else; a phone to be answered on unless signed in; and the form to look one up.
struct ComplainPage: PageContext {
    static let template = "complaints/complain"

    var layout: PortalLayout
    var values: ComplaintService.Filing
    var points: [Option]
    var signedIn: Bool
    var error: String?
    var errorField: String?
}

/// One complaint as its complainant sees it (`complaints/complaint.leaf`): just filed (number and query code shown
/// this once), or looked up by number and code; a signed-in resident also sees all of their own.
struct ComplaintPage: PageContext {
    static let template = "complaints/complaint"

    var layout: PortalLayout
    var number: String
    var queryCode: String
    var filed: ComplaintService.Filed?
    var record: ComplaintService.Record?
    var error: String?
    var mine: [ComplaintService.Record] = []
    /// Leaf reads an object as false, so the template asks these.
    var isFiled: Bool { filed != nil }
    var hasRecord: Bool { record != nil }

    enum CodingKeys: String, CodingKey { case layout, number, queryCode, filed, record, error, mine, isFiled, hasRecord }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(layout, forKey: .layout)
        try c.encode(number, forKey: .number)
        try c.encode(queryCode, forKey: .queryCode)
        try c.encodeIfPresent(filed, forKey: .filed)
        try c.encodeIfPresent(record, forKey: .record)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encode(mine, forKey: .mine)
        try c.encode(isFiled, forKey: .isFiled)
        try c.encode(hasRecord, forKey: .hasRecord)
    }
}

/// The complaint desk (`complaints/complaints.leaf`): a supervisor sees every complaint and assigns it; the one
/// assigned answers; overdue ones are flagged.
struct ComplaintsPage: PageContext {
    static let template = "complaints/complaints"

    var layout: LayoutContext
    var rows: [ComplaintService.Record]
    var assignees: [Option]
    var canAssign: Bool
    var overdue: Int
    var error: String?
}

struct ComplaintPages: RouteCollection {
    /// Who has a complaint desk: supervisors, and whoever may be given a complaint.
    static let roles: Set<ActorRole> = [.supervisor, .approver, .windowClerk, .villageAgent, .partnerTeller]

    func boot(routes: RoutesBuilder) throws {
        routes.get("portal", "complaints", "new", use: form)
        let limited = routes.grouped(RateLimitMiddleware(door: .complaints))
        limited.post("portal", "complaints", use: file)
        limited.get("portal", "complaints", "view", use: view)
        limited.post("portal", "complaints", "view", use: view)
        routes.get("complaints", use: desk)
        routes.post("complaints", ":id", "action", use: act)
    }

    func form(req: Request) async throws -> Response {
        var values = ComplaintService.Filing(kind: "complaint", subject: "point")
        values.subjectRef = req.queryText("point")
        if let number = req.queryText("case") {
            values.subject = "case"
            values.subjectRef = number
        }
        return try await render(req, values: values, error: nil, status: .ok)
    }

    func render(_ req: Request, values: ComplaintService.Filing, error: APIError?, status: HTTPStatus) async throws -> Response {
        let token = req.issueFormToken()
        let d = req.jiujin.directory
        var v = values
        func cut(_ s: String?, _ n: Int) -> String? { s.map { String($0.prefix(n)) } }
        v = ComplaintService.Filing(kind: cut(v.kind, 20), subject: cut(v.subject, 20), subjectRef: cut(v.subjectRef, 60),
                                    text: cut(v.text, ComplaintService.maxText), name: cut(v.name, 50), phone: cut(v.phone, 20),
                                    pointPick: cut(v.pointPick, 60))
        let points = d.points.filter(\.isOpen).sorted { $0.name < $1.name }.map {
            Option(value: $0.id, label: $0.name, selected: $0.id == v.subjectRef)
        }
        let page = ComplainPage(layout: req.portalLayout(title: "投诉建议", section: "complaints"), values: v, points: points,
                                signedIn: req.storage[ResidentKey.self] != nil, error: error?.message, errorField: error?.field)
        let response = try await req.render(page, status: status)
        if req.expectedCSRF == nil { req.bindFormToken(token, to: response) }
        return response
    }

    func file(req: Request) async throws -> Response {
        let values = try req.content.decode(ComplaintService.Filing.self)
        do {
            let filed = try await ComplaintService(req: req).file(values, by: req.storage[ResidentKey.self])
            let page = ComplaintPage(layout: req.portalLayout(title: "投诉建议已提交", section: "complaints"), number: filed.number,
                                     queryCode: filed.queryCode, filed: filed)
            return try await req.render(page, status: .created)
        } catch {
            return try await render(req, values: values, error: try RatingPages.refusal(error), status: JSONErrorMiddleware.map(error).status)
        }
    }

    struct LookupForm: Content {
        var number: String?
        var queryCode: String?
    }

    func view(req: Request) async throws -> Response {
        let form = req.method == .POST ? try req.content.decode(LookupForm.self)
            : LookupForm(number: req.queryText("n"), queryCode: req.queryText("q"))
        let number = String((form.number ?? "").prefix(30)), code = String((form.queryCode ?? "").prefix(20))
        let token = req.issueFormToken()
        let layout = req.portalLayout(title: "投诉建议查询", section: "complaints")
        let service = ComplaintService(req: req)
        var mine: [ComplaintService.Record] = []
        if let r = req.storage[ResidentKey.self] { mine = try await service.mine(r) }
        var page = ComplaintPage(layout: layout, number: number, queryCode: code, mine: mine)
        var status = HTTPStatus.ok
        if !number.isEmpty || !code.isEmpty {
            do {
                page.record = try await service.lookup(number: number, code: code)
            } catch {
                let e = try RatingPages.refusal(error)
                page.error = e.message
                status = e.status
            }
        }
        let response = try await req.render(page, status: status)
        if req.expectedCSRF == nil { req.bindFormToken(token, to: response) }
        return response
    }

    func desk(req: Request) async throws -> Response {
        try await renderDesk(req, staff: try req.pageStaff(Self.roles), error: nil, status: .ok)
    }

    func renderDesk(_ req: Request, staff: AuthenticatedStaff, error: String?, status: HTTPStatus) async throws -> Response {
        let service = ComplaintService(req: req)
        let rows = try await service.desk(for: staff)
        let canAssign = staff.role == .supervisor
        let assignees = canAssign ? try await service.assignees().compactMap { s in
            s.id.map { Option(value: $0, label: "\(s.name)（\(ActorRole(rawValue: s.role)?.label ?? s.role)）", selected: false) }
        } : []
        let page = ComplaintsPage(layout: req.layout(title: "投诉建议", section: "complaints"), rows: rows, assignees: assignees,
                                  canAssign: canAssign, overdue: rows.filter(\.overdue).count, error: error)
        return try await req.render(page, status: status)
    }

    func act(req: Request) async throws -> Response {
        let staff = try req.pageStaff(Self.roles)
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("投诉建议") }
        let input = try req.content.decode(ComplaintService.ActionInput.self)
        do {
            _ = try await ComplaintService(req: req).act(on: id, input, by: staff)
        } catch {
            let e = try RatingPages.refusal(error)
            guard e.status != .notFound else { throw error }
            return try await renderDesk(req, staff: staff, error: e.message, status: e.status)
        }
        return req.redirect(to: "/complaints?done=action")
    }
}

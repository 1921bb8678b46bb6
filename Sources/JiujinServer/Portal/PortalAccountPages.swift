import Fluent
import JiujinCore
import Vapor

/// Sign-in by mobile number and code (`portal/signin.leaf`): first the number, then the code sent to it.
struct SignInPage: PageContext {
    static let template = "portal/signin"
    var layout: PortalLayout
    var phone: String
    /// The code was sent: show the code field.
    var codeSent: Bool
    var sentTo: String?
    var next: String
    var error: String?
    /// The demo county without an SMS gateway shows the code it sent.
    var demoCode: String?
}

/// A resident's own page (`portal/mine.leaf`): cases, notices to answer, messages, certificates.
struct MinePage: PageContext {
    static let template = "portal/mine"

    var layout: PortalLayout
    var phone: String
    var cases: [ResidentCaseLine]
    var notices: [ResidentCaseLine]
    var messages: [ResidentCases.Message]
    var certificates: [ResidentCases.Certificate]

    init(layout: PortalLayout, phone: String, cases: [Case], messages: [ResidentCases.Message], certificates: [ResidentCases.Certificate]) {
        self.layout = layout
        self.phone = phone
        let rows = cases.map(ResidentCaseLine.init)
        self.cases = rows
        notices = rows.filter(\.toAnswer)
        self.messages = messages
        self.certificates = certificates
    }
}

/// One of the resident's cases (`portal/mycase.leaf`): progress in plain words, the materials, and the upload form
/// for a one-time notice given at pre-review.
struct MyCasePage: PageContext {
    static let template = "portal/mycase"

    var layout: PortalLayout
    var c: ResidentCaseView
    /// 查询密码, so the resident can follow the case from any phone and rate it.
    var queryCode: String?
    var maxFileMB: Int
    var error: String?
}

extension Case {
    /// A one-time notice from pre-review the applicant answers online.
    var awaitsOnlineAnswer: Bool { status == .needsSupplement && resumeStatus == .submitted && channel == .online }
}

/// The resident's sign-in, own page and cases.
struct PortalAccountPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("portal", "signin", use: signInPage)
        let limited = routes.grouped(RateLimitMiddleware(door: .residentSignIn))
        limited.post("portal", "signin", "code", use: sendCode)
        limited.post("portal", "signin", use: signIn)
        routes.post("portal", "signout", use: signOut)
        routes.get("portal", "mine", use: mine)
        routes.get("portal", "cases", ":id", use: myCase)
        routes.on(.POST, "portal", "cases", ":id", "supplement", body: .collect(maxSize: CaseFileRoutes.bodyLimit), use: supplement)
    }

    func signInPage(req: Request) async throws -> Response {
        if req.storage[ResidentKey.self] != nil { return req.redirect(to: Self.next(req.queryText("next"))) }
        return try await render(req, phone: "", sent: nil, error: nil, status: .ok)
    }

    func render(_ req: Request, phone: String, sent: String?, error: String?, status: HTTPStatus, demoCode: String? = nil) async throws -> Response {
        let token = req.issueFormToken()
        let next = Self.next(req.queryText("next") ?? (try? req.content.get(String.self, at: "next")))
        let page = SignInPage(layout: req.portalLayout(title: "登录", section: "mine"), phone: String(phone.prefix(20)),
                              codeSent: sent != nil, sentTo: sent, next: next, error: error, demoCode: demoCode)
        let response = try await req.render(page, status: status)
        if req.expectedCSRF == nil { req.bindFormToken(token, to: response) }
        return response
    }

    static func next(_ raw: String?) -> String {
        let n = AccountPages.safeNext(raw)
        return n.hasPrefix("/portal") ? n : "/portal/mine"
    }

    struct PhoneForm: Content {
        var phone: String?
        var code: String?
        var next: String?
    }

    func sendCode(req: Request) async throws -> Response {
        let form = try req.content.decode(PhoneForm.self)
        let phone = form.phone ?? ""
        do {
            let shown = try await ResidentSignIn(req: req).sendCode(to: phone)
            return try await render(req, phone: phone, sent: Masking.phone(try ResidentSignIn.phone(phone)), error: nil, status: .ok,
                                    demoCode: shown)
        } catch {
            let e = try RatingPages.refusal(error)
            return try await render(req, phone: phone, sent: nil, error: e.message, status: e.status)
        }
    }

    func signIn(req: Request) async throws -> Response {
        let form = try req.content.decode(PhoneForm.self)
        let phone = form.phone ?? ""
        do {
            let verified = try await ResidentSignIn(req: req).verify(phone: phone, code: form.code ?? "")
            let token = try await ResidentSessions.start(phone: verified, kind: .web, on: req)
            let target = Self.next(form.next)
            let response = req.redirect(to: target + (target.contains("?") ? "&" : "?") + "done=signed_in")
            response.cookies[WebSessions.named(ResidentSessions.cookie, req)] = WebSessions.cookieValue(token, req: req,
                                                                                                       maxAge: Int(ResidentSessions.maximumWeb))
            return response
        } catch {
            let e = try RatingPages.refusal(error)
            let sent = (try? ResidentSignIn.phone(phone)).map(Masking.phone)
            return try await render(req, phone: phone, sent: sent, error: e.message, status: e.status)
        }
    }

    func signOut(req: Request) async throws -> Response {
        let response = req.redirect(to: "/portal?done=signed_out")
        if let r = req.storage[ResidentKey.self] { try await ResidentSessions.end(r, on: req) }
        response.cookies[WebSessions.named(ResidentSessions.cookie, req)] = WebSessions.cookieValue("", req: req, maxAge: 0)
        return response
    }

    func mine(req: Request) async throws -> Response {
        let r = try req.pageResident()
        let service = ResidentCases(req: req)
        let cases = try await service.cases(of: r)
        return try await req.render(MinePage(layout: req.portalLayout(title: "我的办件", section: "mine"), phone: r.maskedPhone, cases: cases,
                                             messages: try await service.messages(of: r),
                                             certificates: try await service.certificates(for: cases)))
    }

    func myCase(req: Request) async throws -> Response {
        let r = try req.pageResident()
        return try await renderCase(req, resident: r, id: try req.caseID(), error: nil, status: .ok)
    }

    func renderCase(_ req: Request, resident r: Resident, id: UUID, error: String?, status: HTTPStatus) async throws -> Response {
        let c = try await ResidentCases(req: req).own(id, of: r)
        let events = try await CaseRows.events(of: c.id, on: try sqlDatabase(req.db))
        return try await req.render(MyCasePage(layout: req.portalLayout(title: c.itemName, section: "mine"),
                                               c: ResidentCaseView(c, events: events, directory: req.jiujin.directory),
                                               queryCode: try await CaseRows.queryCode(id: c.id, on: try sqlDatabase(req.db)),
                                               maxFileMB: max(1, req.jiujin.options.fileLimits.perFile / 1_000_000), error: error),
                                    status: status)
    }

    func supplement(req: Request) async throws -> Response {
        let r = try req.pageResident()
        let id = try req.caseID()
        let c = try await ResidentCases(req: req).own(id, of: r)
        do {
            let uploads = MaterialUploads.read(req, materials: c.materials.map(\.name))
            _ = try await ResidentCases(req: req).answerNotice(id, uploads: uploads, comment: try? req.content.get(String.self, at: "comment"), by: r)
        } catch {
            let e = try RatingPages.refusal(error)
            guard e.status != .notFound else { throw error }
            return try await renderCase(req, resident: r, id: id, error: e.message, status: e.status)
        }
        return req.redirect(to: "/portal/cases/\(id.uuidString)?done=supplemented")
    }
}

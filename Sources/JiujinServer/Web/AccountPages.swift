import Fluent
import JiujinCore
import Vapor

/// Sign-in, sign-out, password change and the workbench home.
struct AccountPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("login", use: loginPage)
        routes.post("login", use: login)
        routes.post("logout", use: logout)
        routes.get("account", "password", use: passwordPage)
        routes.post("account", "password", use: changePassword)
        routes.get(use: home)
    }

    struct LoginPage: Encodable {
        var layout: LayoutContext
        var username: String
        var next: String
        var error: String?
        var demo: Bool
    }

    func loginPage(req: Request) async throws -> Response {
        if req.storage[StaffKey.self] != nil { return req.redirect(to: "/") }
        return try await renderLogin(req, username: "", error: nil, status: .ok)
    }

    func renderLogin(_ req: Request, username: String, error: String?, status: HTTPStatus) async throws -> Response {
        let csrf = WebSessions.randomToken()
        req.storage[LoginCSRFKey.self] = csrf
        let next = Self.safeNext(req.query[String.self, at: "next"] ?? (try? req.content.get(String.self, at: "next")))
        let page = LoginPage(layout: .make(req, title: "工作人员登录", section: "login"), username: username, next: next,
                             error: error, demo: req.jiujin.options.loadDemo)
        let response = try await req.render("login", page, status: status)
        response.cookies[WebSessions.loginCSRFCookie] = WebSessions.cookieValue(csrf, req: req, maxAge: 3600)
        return response
    }

    struct LoginForm: Content {
        var username: String
        var password: String
        var next: String?
    }

    func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        do {
            let staff = try await req.jiujin.gate.run {
                try await TokenService.authenticate(username: form.username.trimmed, password: form.password, on: req)
            }
            let response = req.redirect(to: staff.mustChangePassword ? "/account/password" : Self.safeNext(form.next))
            try await WebSessions.start(for: staff.id, on: req, response: response)
            response.cookies[WebSessions.loginCSRFCookie] = WebSessions.cookieValue("", req: req, maxAge: 0)
            return response
        } catch let e as APIError {
            return try await renderLogin(req, username: form.username, error: e.message, status: e.status)
        }
    }

    /// Only paths on this site, so a crafted link cannot send a clerk elsewhere after sign-in.
    static func safeNext(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.contains("\\"), raw.count < 300 else { return "/" }
        return raw
    }

    func logout(req: Request) async throws -> Response {
        let response = req.redirect(to: "/login?done=signed_out")
        try await WebSessions.end(req, response: response)
        return response
    }

    struct PasswordPage: Encodable {
        var layout: LayoutContext
        var forced: Bool
        var error: String?
    }

    func passwordPage(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        return try await req.render("password", PasswordPage(layout: .make(req, title: "修改密码", section: "password"),
                                                              forced: staff.mustChangePassword, error: nil))
    }

    struct PasswordForm: Content {
        var currentPassword: String
        var newPassword: String
        var confirmPassword: String
    }

    func changePassword(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        let form = try req.content.decode(PasswordForm.self)
        do {
            guard form.newPassword == form.confirmPassword else {
                throw APIError.invalid("confirmPassword", "两次输入的新密码不一致")
            }
            try await TokenService.changePassword(staffId: staff.id, current: form.currentPassword, new: form.newPassword, on: req)
        } catch let e as APIError {
            return try await req.render("password", PasswordPage(layout: .make(req, title: "修改密码", section: "password"),
                                                                  forced: staff.mustChangePassword, error: e.message),
                                        status: e.status)
        }
        return req.redirect(to: "/?done=password")
    }

    struct HomePage: Encodable {
        var layout: LayoutContext
        var role: String
        var counts: [Count]
        var links: [NavLink]
    }

    struct Count: Encodable {
        var label: String
        var value: Int
        var tone: String
    }

    func home(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        let lists = CaseLists(req: req, staff: staff)
        let open = try await lists.openCases()
        let today = req.jiujin.today
        let rows = open.map { lists.row($0, today: today) }
        let counts = [
            Count(label: "在办", value: rows.count, tone: "neutral"),
            Count(label: "临期（1个工作日内）", value: rows.filter { $0.light == "yellow" }.count, tone: "yellow"),
            Count(label: "超期", value: rows.filter { $0.light == "red" }.count, tone: "red"),
            Count(label: "待补正", value: rows.filter { $0.status == CaseStatus.needsSupplement.rawValue }.count, tone: "neutral"),
        ]
        let layout = LayoutContext.make(req, title: "工作台", section: "home")
        return try await req.render("home", HomePage(layout: layout, role: staff.role.rawValue, counts: counts,
                                                      links: layout.nav.filter { $0.href != "/" }))
    }
}

import Fluent
import JiujinCore
import Vapor

/// The sign-in page (`accounts/login.leaf`).
struct LoginPage: PageContext {
    static let template = "accounts/login"
    var layout: LayoutContext
    var username: String
    var next: String
    var error: String?
    /// Show the demo accounts hint.
    var demo: Bool
}

/// The password page (`accounts/password.leaf`); `forced` when a default password must be replaced.
struct PasswordPage: PageContext {
    static let template = "accounts/password"
    var layout: LayoutContext
    var forced: Bool
    var error: String?
}

/// Sign-in, sign-out and password change.
struct AccountPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("login", use: loginPage)
        routes.grouped(RateLimitMiddleware(door: .signIn)).post("login", use: login)
        routes.post("logout", use: logout)
        routes.get("account", "password", use: passwordPage)
        routes.post("account", "password", use: changePassword)
    }

    func loginPage(req: Request) async throws -> Response {
        if req.storage[StaffKey.self] != nil { return req.redirect(to: "/") }
        return try await renderLogin(req, username: "", error: nil, status: .ok)
    }

    func renderLogin(_ req: Request, username: String, error: String?, status: HTTPStatus) async throws -> Response {
        let token = req.issueFormToken()
        let next = Self.safeNext(req.queryText("next") ?? (try? req.content.get(String.self, at: "next")))
        let page = LoginPage(layout: req.layout(title: "工作人员登录", section: "login"), username: String(username.prefix(64)), next: next,
                             error: error, demo: req.jiujin.options.loadDemo)
        let response = try await req.render(page, status: status)
        req.bindFormToken(token, to: response)
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
            let staff = try await TokenService(req).authenticate(username: form.username.trimmed, password: form.password,
                                                                 address: req.clientAddress)
            let response = req.redirect(to: staff.mustChangePassword ? "/account/password" : Self.safeNext(form.next))
            try await WebSessions.start(for: staff.id, on: req, response: response)
            response.cookies[WebSessions.named(WebSessions.loginCSRFCookie, req)] = WebSessions.cookieValue("", req: req, maxAge: 0)
            return response
        } catch let e as APIError {
            let response = try await renderLogin(req, username: form.username, error: e.message, status: e.status)
            e.addHeaders(to: response)
            return response
        }
    }

    /// Only paths on this site, so a crafted link cannot send a clerk elsewhere after sign-in.
    /// Browsers drop tabs and line breaks inside a URL, so `/\t/evil.example/` would become `//evil.example/`:
    /// anything but printable characters without spaces sends the member home instead.
    static func safeNext(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.contains("\\"), raw.count < 300,
              raw.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !$0.properties.isWhitespace }) else { return "/" }
        return raw
    }

    func logout(req: Request) async throws -> Response {
        let response = req.redirect(to: "/login?done=signed_out")
        try await WebSessions.end(req, response: response)
        return response
    }

    func passwordPage(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        return try await req.render(PasswordPage(layout: req.layout(title: "修改密码", section: "password"),
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
            try await TokenService(req).changePassword(staffId: staff.id, current: form.currentPassword, new: form.newPassword,
                                                       keepSession: req.storage[WebSessionKey.self]?.id)
        } catch let e as APIError {
            return try await req.render(PasswordPage(layout: req.layout(title: "修改密码", section: "password"),
                                                     forced: staff.mustChangePassword, error: e.message), status: e.status)
        }
        return req.redirect(to: "/?done=password")
    }
}

import Fluent
import JiujinCore
import Vapor

/// The accounts page (`admin/staff.leaf`): every account with its state and the administrator's actions.
struct StaffPage: PageContext {
    static let template = "admin/staff"
    var layout: LayoutContext
    var rows: [AccountService.Row]
    var error: String?
}

/// The page that shows a fresh activation code once (`admin/activation.leaf`), printable for the member.
struct ActivationPage: PageContext {
    static let template = "admin/activation"
    var layout: LayoutContext
    var username: String
    var name: String
    var code: String
    var expires: String
}

/// The activation page (`accounts/activate.leaf`): username, code and a new password.
struct ActivatePage: PageContext {
    static let template = "accounts/activate"
    var layout: LayoutContext
    var username: String
    var error: String?
}

/// Account administration (账号管理) for administrators, over pages and JSON; and activation by code for everyone.
struct StaffAdminRoutes: RouteCollection {
    static let roles: Set<ActorRole> = [.administrator]

    func boot(routes: RoutesBuilder) throws {
        routes.get("admin", "staff", use: page)
        routes.post("admin", "staff", ":id", ":action", use: act)
        routes.get("activate", use: activatePage)
        routes.grouped(RateLimitMiddleware(door: .signIn)).post("activate", use: activate)
    }

    func page(req: Request) async throws -> Response {
        _ = try req.pageStaff(Self.roles)
        return try await render(req, error: nil, status: .ok)
    }

    func render(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        try await req.render(StaffPage(layout: req.layout(title: "账号管理", section: "staff"),
                                            rows: try await AccountService(req).list(), error: error), status: status)
    }

    struct ActionForm: Content {
        var reason: String?
    }

    func act(req: Request) async throws -> Response {
        let staff = try req.pageStaff(Self.roles)
        guard let action = AccountAction(rawValue: req.parameters.get("action") ?? "") else { throw APIError.notFound("操作") }
        let form = try req.content.decode(ActionForm.self)
        do {
            let (row, code) = try await AccountService(req).perform(action, on: req.parameters.get("id") ?? "", reason: form.reason, by: staff.staff)
            if let code, let row {
                return try await req.render(ActivationPage(
                    layout: req.layout(title: "激活码", section: "staff"), username: row.username, name: row.name, code: code,
                    expires: Printed.time(req.jiujin.now().addingTimeInterval(ActivationCode.lifetime))))
            }
            return req.redirect(to: "/admin/staff?done=account")
        } catch let e as APIError where e.status != .notFound {
            return try await render(req, error: e.message, status: e.status)
        }
    }

    func activatePage(req: Request) async throws -> Response {
        try await renderActivate(req, username: req.queryText("username") ?? "", error: nil, status: .ok)
    }

    func renderActivate(_ req: Request, username: String, error: String?, status: HTTPStatus) async throws -> Response {
        let token = req.issueFormToken()
        let response = try await req.render(ActivatePage(layout: req.layout(title: "激活账号", section: "login"),
                                                         username: String(username.prefix(64)), error: error), status: status)
        req.bindFormToken(token, to: response)
        return response
    }

    struct ActivateForm: Content {
        var username: String
        var code: String
        var newPassword: String
        var confirmPassword: String
    }

    func activate(req: Request) async throws -> Response {
        let form = try req.content.decode(ActivateForm.self)
        do {
            guard form.newPassword == form.confirmPassword else { throw APIError.invalid("confirmPassword", "两次输入的新密码不一致") }
            try await AccountService(req).activate(username: form.username.trimmed, code: form.code, newPassword: form.newPassword,
                                                   address: req.clientAddress)
        } catch let e as APIError {
            let response = try await renderActivate(req, username: form.username, error: e.message, status: e.status)
            e.addHeaders(to: response)
            return response
        }
        return req.redirect(to: "/login?done=activated")
    }
}

/// The same over JSON: `GET /api/v1/staff`, `POST /api/v1/staff/{id}/{deactivate|reactivate|unlock|reset}`,
/// and `POST /api/v1/auth/activate`.
struct StaffAdminController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("staff", use: list)
        routes.post("staff", ":id", ":action", use: act)
        routes.grouped(RateLimitMiddleware(door: .signIn)).post("auth", "activate", use: activate)
    }

    struct ListView: Content {
        var items: [AccountService.Row]
    }

    func list(req: Request) async throws -> ListView {
        _ = try req.requireStaff(StaffAdminRoutes.roles)
        return ListView(items: try await AccountService(req).list())
    }

    struct ActionBody: Content {
        var reason: String?
    }

    struct ActionView: Content {
        var account: AccountService.Row?
        /// Only after `reset`: shown this once, never stored.
        var activationCode: String?
        var activationExpiresAt: Date?
    }

    func act(req: Request) async throws -> ActionView {
        let staff = try req.requireStaff(StaffAdminRoutes.roles)
        guard let action = AccountAction(rawValue: req.parameters.get("action") ?? "") else { throw APIError.notFound("操作") }
        let body = req.body.data == nil ? ActionBody() : try req.content.decode(ActionBody.self)
        let (row, code) = try await AccountService(req).perform(action, on: req.parameters.get("id") ?? "", reason: body.reason, by: staff.staff)
        return ActionView(account: row, activationCode: code,
                          activationExpiresAt: code == nil ? nil : req.jiujin.now().addingTimeInterval(ActivationCode.lifetime))
    }

    struct ActivateBody: Content {
        var username: String
        var code: String
        var newPassword: String
    }

    func activate(req: Request) async throws -> HTTPStatus {
        let body = try req.content.decode(ActivateBody.self)
        try await AccountService(req).activate(username: body.username.trimmed, code: body.code, newPassword: body.newPassword,
                                               address: req.clientAddress)
        return .noContent
    }
}

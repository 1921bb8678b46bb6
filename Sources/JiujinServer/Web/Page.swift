import JiujinCore
import Vapor

/// A link in the workbench navigation.
struct NavLink: Encodable {
    var href: String
    var label: String
    var active: Bool
}

/// What every workbench page shows around its content: who is signed in, the
/// navigation, the CSRF token for forms and a one-line notice.
struct LayoutContext: Encodable {
    var title: String
    var county: String
    var staffName: String?
    var roleLabel: String?
    var orgName: String?
    var csrf: String?
    var nav: [NavLink]
    var notice: String?

    static func make(_ req: Request, title: String, section: String) -> LayoutContext {
        let staff = req.storage[StaffKey.self]
        var nav: [NavLink] = []
        if let staff, !staff.mustChangePassword {
            nav.append(NavLink(href: "/", label: "工作台", active: section == "home"))
            switch staff.role {
            case .windowClerk, .villageAgent:
                nav.append(NavLink(href: "/window", label: staff.role == .villageAgent ? "帮办代办" : "综合受理", active: section == "window"))
                nav.append(NavLink(href: "/cases", label: "办件列表", active: section == "cases"))
            case .approver:
                nav.append(NavLink(href: "/inbox", label: "待办审批", active: section == "inbox"))
                nav.append(NavLink(href: "/cases", label: "办件列表", active: section == "cases"))
            case .supervisor, .administrator:
                nav.append(NavLink(href: "/supervision", label: "督办", active: section == "supervision"))
                nav.append(NavLink(href: "/cases", label: "办件列表", active: section == "cases"))
                nav.append(NavLink(href: "/admin/delegations", label: "委托管理", active: section == "delegations"))
                nav.append(NavLink(href: "/admin/seals", label: "印章管理", active: section == "seals"))
            case .applicant, .system:
                break
            }
            if staff.role != .administrator {
                nav.append(NavLink(href: "/followups", label: "差评回访", active: section == "followups"))
            }
            nav.append(NavLink(href: "/account/password", label: "修改密码", active: section == "password"))
        }
        return LayoutContext(title: title, county: req.jiujin.directory.tree.roots.first?.name ?? "就近办",
                             staffName: staff?.member.name, roleLabel: staff?.role.label, orgName: staff?.org.name,
                             csrf: req.storage[WebSessionKey.self]?.csrfToken ?? req.storage[LoginCSRFKey.self],
                             nav: nav, notice: Notices.text(req.query[String.self, at: "done"]))
    }
}

struct LoginCSRFKey: StorageKey {
    typealias Value = String
}

/// One-line notices shown after a redirect, by code, so a link cannot put arbitrary text on the page.
enum Notices {
    static let texts: [String: String] = [
        "password": "密码已修改。",
        "accepted": "已受理，回执已生成。",
        "notice": "已出具一次性告知书，办件进入补正。",
        "refused_intake": "已出具不予受理决定书。",
        "action": "操作已完成。",
        "delegation": "委托已保存。",
        "revoked": "委托已撤销，立即生效。",
        "seal": "印章已保存。",
        "feedback": "反馈已记录。",
        "step": "代办步骤已记录。",
        "signed_out": "已安全退出。",
    ]

    static func text(_ code: String?) -> String? { code.flatMap { texts[$0] } }
}

extension Request {
    /// The signed-in member for a page, or a redirect to sign in (or to change a default password).
    func pageStaff(_ roles: Set<ActorRole>? = nil) throws -> AuthenticatedStaff {
        guard let staff = storage[StaffKey.self] else {
            throw Abort.redirect(to: "/login?next=" + (url.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        }
        if staff.mustChangePassword && url.path != "/account/password" { throw Abort.redirect(to: "/account/password") }
        if let roles, !roles.contains(staff.role) { throw APIError.forbidden("您的角色（\(staff.role.label)）无权使用此页面") }
        return staff
    }

    func render<C: Encodable>(_ template: String, _ context: C, status: HTTPStatus = .ok) async throws -> Response {
        let view = try await self.view.render(template, context)
        let response = try await view.encodeResponse(status: status, for: self)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

/// Errors on pages become a page in Chinese; a missing sign-in becomes the sign-in page.
struct WebErrorMiddleware: AsyncMiddleware {
    struct ErrorPage: Encodable {
        var layout: LayoutContext
        var status: Int
        var message: String
    }

    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: req)
        } catch {
            let path = req.url.path
            guard !path.hasPrefix("/api/"), path != "/healthz", path != "/metrics" else { throw error }
            if let abort = error as? Abort, abort.status == .seeOther || abort.status == .found || abort.status == .temporaryRedirect {
                throw error
            }
            let mapped = JSONErrorMiddleware.map(error)
            if mapped.status == .internalServerError { throw error }
            let page = ErrorPage(layout: .make(req, title: "无法完成", section: ""), status: Int(mapped.status.code), message: mapped.message)
            return try await req.render("error", page, status: mapped.status)
        }
    }
}

import JiujinCore
import Vapor

/// What pages need from a request: the signed-in member (or a redirect to
/// sign in), the layout built from them, a form token for public forms, and
/// errors shown as a page in Chinese.
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

    /// The layout of a page for whoever is signed in (nobody on public pages).
    func layout(title: String, section: String) -> LayoutContext {
        let staff = storage[StaffKey.self]
        var layout = LayoutContext(title: title, section: section, county: jiujin.directory.countyName, staff: staff?.staff,
                                   mustChangePassword: staff?.mustChangePassword ?? false,
                                   csrf: expectedCSRF ?? storage[FormTokenKey.self],
                                   noticeCode: queryText("done"))
        if staff == nil {
            // A public page (rating, verification, sign-in): the residents' elderly mode applies here too.
            layout.elder = cookies[ElderMode.cookie]?.string == "elder"
            layout.modeLink = ElderMode.switchLink(elder: layout.elder, here: url.path + (url.query.map { "?" + $0 } ?? ""))
        }
        return layout
    }

    /// Gives a public form (sign-in, rating) a fresh token bound to a cookie; call before `layout`.
    func issueFormToken() -> String {
        let token = TokenService.randomToken()
        storage[FormTokenKey.self] = token
        return token
    }

    /// Sets the cookie that goes with `issueFormToken`.
    func bindFormToken(_ token: String, to response: Response) {
        response.cookies[WebSessions.named(WebSessions.loginCSRFCookie, self)] = WebSessions.cookieValue(token, req: self, maxAge: 3600)
    }
}

struct FormTokenKey: StorageKey {
    typealias Value = String
}

/// Errors on pages become a page in Chinese; a missing sign-in becomes the sign-in page.
struct WebErrorMiddleware: AsyncMiddleware {
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
            let page = ErrorPage(layout: req.layout(title: "无法完成", section: ""), status: Int(mapped.status.code), message: TextLimit.echo(mapped.message, max: 300))
            let response = try await req.render(page, status: mapped.status)
            mapped.addHeaders(to: response)
            return response
        }
    }
}

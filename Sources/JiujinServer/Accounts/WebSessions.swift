import Crypto
import Fluent
import JiujinCore
import Vapor

/// Browser sessions kept in the database, so several jiujin processes share
/// them. The cookie holds a random token; the table stores only its SHA-256
/// with the session's CSRF token. Sessions end after 8 idle hours or 12 in all.
enum WebSessions {
    static let cookie = "jiujin_session"
    static let loginCSRFCookie = "jiujin_login_csrf"

    /// A cookie's name as sent: over https with the `__Host-` prefix, which browsers accept only from this host,
    /// Secure and for the whole site, so no neighbouring site can plant a session or a sign-in token.
    static func named(_ base: String, _ req: Request) -> String {
        req.jiujin.options.secureCookies ? "__Host-" + base : base
    }
    static let idle: TimeInterval = 8 * 3600
    static let maximum: TimeInterval = 12 * 3600

    static func start(for staffId: String, on req: Request, response: Response) async throws {
        let token = TokenService.randomToken()
        let now = req.jiujin.now()
        let s = WebSessionModel()
        s.id = TokenService.hash(token)
        s.staffId = staffId
        s.csrfToken = TokenService.randomToken()
        s.createdAt = now
        s.lastSeenAt = now
        s.expiresAt = now.addingTimeInterval(maximum)
        try await req.jiujin.write(req.db) { tx in try await s.create(on: tx) }
        response.cookies[named(cookie, req)] = cookieValue(token, req: req, maxAge: Int(maximum))
    }

    static func cookieValue(_ value: String, req: Request, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, maxAge: maxAge, path: "/", isSecure: req.jiujin.options.secureCookies,
                          isHTTPOnly: true, sameSite: .lax)
    }

    static func end(_ req: Request, response: Response) async throws {
        if let token = req.cookies[named(cookie, req)]?.string {
            let hash = TokenService.hash(token)
            try await req.jiujin.write(req.db) { tx in try await WebSessionModel.query(on: tx).filter(\.$id == hash).delete() }
        }
        response.cookies[named(cookie, req)] = cookieValue("", req: req, maxAge: 0)
    }
}

struct WebSessionKey: StorageKey {
    typealias Value = WebSessionModel
}

/// Attaches the signed-in member of staff from the session cookie.
struct WebSessionMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if req.storage[StaffKey.self] == nil, let token = req.cookies[WebSessions.named(WebSessions.cookie, req)]?.string, token.count <= 100 {
            let now = req.jiujin.now()
            if let s = try await WebSessionModel.find(TokenService.hash(token), on: req.db),
               s.expiresAt > now, now.timeIntervalSince(s.lastSeenAt) < WebSessions.idle,
               let staff = try await TokenService(req).signedIn(staffId: s.staffId) {
                req.signIn(staff)
                req.storage[WebSessionKey.self] = s
                if now.timeIntervalSince(s.lastSeenAt) > 300 {
                    s.lastSeenAt = now
                    try await req.jiujin.write(req.db) { tx in try await s.save(on: tx) }
                }
            }
        }
        return try await next.respond(to: req)
    }
}

/// Every form post must carry the session's CSRF token (staff's, else a resident's; public forms a
/// cookie-bound one), compared in constant time; otherwise nothing happens.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard req.method == .POST else { return try await next.respond(to: req) }
        // Middleware runs before the route collects the body: collect it here (within the route limit, else 413),
        // or a form larger than the first network read would look empty and be refused.
        if req.body.data == nil {
            // An upload form (the county workbook) may be larger than an ordinary form.
            let limit = UploadLimits.formLimit(path: req.url.path) ?? req.application.routes.defaultMaxBodySize.value
            _ = try await req.body.collect(max: limit).get()
        }
        let sent = (try? req.content.get(String.self, at: "_csrf")) ?? ""
        let expected: String?
        if let session = req.expectedCSRF {
            expected = session
        } else {
            expected = req.cookies[WebSessions.named(WebSessions.loginCSRFCookie, req)]?.string
        }
        guard let expected, !expected.isEmpty, Self.same(sent, expected) else {
            throw APIError(.forbidden, "csrf_failed", "页面已过期或来源不明，请刷新页面后重新提交")
        }
        return try await next.respond(to: req)
    }

    static func same(_ a: String, _ b: String) -> Bool { PrintedCode.same(a, b) }
}

import Vapor

/// Browser hardening on every response (安全响应头): a Content-Security-Policy
/// that allows scripts, styles and images from this site only (no inline
/// script, no framing), nosniff, no referrer (verification links carry the
/// signed payload), HSTS when served over HTTPS, and `no-store` on everything a
/// signed-in member or resident sees or that carries unmasked personal data.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    let https: Bool

    static let policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        + "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        // Outermost: the error middlewares inside have already made every error a response.
        let response = try await next.respond(to: req)
        Self.harden(response, for: req, https: https)
        return response
    }

    /// Pages that show a query code, a case's progress or a complaint to whoever holds the code.
    static func `private`(_ path: String) -> Bool {
        path.hasSuffix("/applicant") || path.hasPrefix("/portal/track") || path.hasPrefix("/portal/complaints") || path == "/api/v1/track"
            || path.hasPrefix("/api/v1/complaints") || path.hasPrefix("/portal/signin")
    }

    static func harden(_ response: Response, for req: Request, https: Bool) {
        var h = response.headers
        h.replaceOrAdd(name: "Content-Security-Policy", value: policy)
        h.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        h.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        h.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        if https { h.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000") }
        if req.storage[StaffKey.self] != nil || req.storage[ResidentKey.self] != nil || Self.private(req.url.path) {
            h.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        response.headers = h
    }
}

import Fluent
import JiujinCore
import SQLKit
import Vapor

/// A resident signed in by a one-time code (居民): known only by the mobile number the code went to.
struct Resident: Sendable {
    var phone: String
    var phoneHash: String
    /// The session's token hash (its row id).
    var sessionId: String
    var csrfToken: String

    var maskedPhone: String { Masking.phone(phone) }
}

struct ResidentKey: StorageKey {
    typealias Value = Resident
}

/// Residents' sessions, in the database so several processes share them: a browser's (cookie, 2 idle hours,
/// 12 in all) or an app's bearer token (`rsd_…`, 30 days). Only the token's SHA-256 is stored, the phone sealed.
enum ResidentSessions {
    enum Kind: String { case web, api }

    static let cookie = "jiujin_resident"
    static let tokenPrefix = "rsd_"
    static let idle: TimeInterval = 2 * 3600
    static let maximumWeb: TimeInterval = 12 * 3600
    static let maximumAPI: TimeInterval = 30 * 24 * 3600

    /// Starts a session and answers its token.
    static func start(phone: String, kind: Kind, on req: Request) async throws -> String {
        let token = (kind == .api ? tokenPrefix : "") + TokenService.randomToken()
        let now = req.jiujin.now()
        let cipher = req.jiujin.cipher
        let row: [any Encodable & Sendable] = [TokenService.hash(token), kind.rawValue, try cipher.seal(phone, column: "resident_sessions.phone"),
                                               cipher.lookupHash(phone), TokenService.randomToken(), now, now,
                                               now.addingTimeInterval(kind == .api ? maximumAPI : maximumWeb)]
        try await req.jiujin.write(req.db) { tx in
            try await sqlDatabase(tx).raw("""
                INSERT INTO resident_sessions (id, kind, phone, phone_hash, csrf_token, created_at, last_seen_at, expires_at)
                VALUES (\(binds: row))
                """).run()
        }
        return token
    }

    /// The resident a token names, if its session is alive; touches it at most every five minutes.
    static func resident(token: String, kind: Kind, on req: Request) async throws -> Resident? {
        guard token.count <= 100 else { return nil }
        let id = TokenService.hash(token)
        let sql = try sqlDatabase(req.db)
        guard let row = try await sql.raw("""
            SELECT phone, phone_hash, csrf_token, last_seen_at, expires_at FROM resident_sessions WHERE id = \(bind: id) AND kind = \(bind: kind.rawValue)
            """).first() else { return nil }
        let now = req.jiujin.now()
        let lastSeen = try row.decode(column: "last_seen_at", as: Date.self)
        guard try row.decode(column: "expires_at", as: Date.self) > now, kind == .api || now.timeIntervalSince(lastSeen) < idle,
              let phone = try req.jiujin.cipher.open(try row.decode(column: "phone", as: String.self), column: "resident_sessions.phone")
        else { return nil }
        if now.timeIntervalSince(lastSeen) > 300 {
            try await req.jiujin.write(req.db) { tx in
                try await sqlDatabase(tx).update("resident_sessions").set("last_seen_at", to: SQLBind(now)).where("id", .equal, SQLBind(id)).run()
            }
        }
        return Resident(phone: phone, phoneHash: try row.decode(column: "phone_hash", as: String.self), sessionId: id,
                        csrfToken: try row.decode(column: "csrf_token", as: String.self))
    }

    static func end(_ resident: Resident, on req: Request) async throws {
        try await req.jiujin.write(req.db) { tx in
            try await sqlDatabase(tx).raw("DELETE FROM resident_sessions WHERE id = \(bind: resident.sessionId)").run()
        }
    }
}

extension Request {
    /// The token a form post must carry: a staff session's, else a resident session's (nil: a public form's cookie).
    var expectedCSRF: String? { storage[WebSessionKey.self]?.csrfToken ?? storage[ResidentKey.self]?.csrfToken }

    /// The signed-in resident of a portal page; else to the sign-in page, coming back here after.
    func pageResident() throws -> Resident {
        guard let r = storage[ResidentKey.self] else {
            throw Abort.redirect(to: "/portal/signin?next=" + (url.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/portal"))
        }
        return r
    }

    /// The resident of an API call (`Authorization: Bearer rsd_…`).
    func requireResident() throws -> Resident {
        guard let r = storage[ResidentKey.self] else {
            throw APIError(.unauthorized, "resident_unauthenticated", "请先用手机号和短信验证码登录（缺少或无效的居民令牌）")
        }
        return r
    }
}

/// Attaches the resident of the portal's session cookie.
struct ResidentSessionMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if req.storage[ResidentKey.self] == nil, let token = req.cookies[WebSessions.named(ResidentSessions.cookie, req)]?.string,
           let resident = try await ResidentSessions.resident(token: token, kind: .web, on: req) {
            req.storage[ResidentKey.self] = resident
        }
        return try await next.respond(to: req)
    }
}

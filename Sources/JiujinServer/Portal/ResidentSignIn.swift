import Fluent
import JiujinCore
import SQLKit
import Vapor

/// Sign-in by mobile number and a one-time code (短信验证码登录): the code goes out through the notification outbox,
/// its keyed hash is kept (`SignInCode` holds the rules: 6 digits, 5 minutes, 5 wrong tries, 5 codes a number an
/// hour); a right code starts a resident session. Both steps pass the per-address limit of `RateDoor.residentSignIn`.
struct ResidentSignIn {
    let req: Request

    /// The demo county without an SMS gateway shows the code it sent (演示), so the portal can be tried at all;
    /// a county with real residents runs without the demo, and never does.
    var showsCodes: Bool { req.jiujin.options.loadDemo && req.jiujin.options.notifyWebhook == nil }

    /// Sends a new code to `typed` (a mobile number); answers the code only where `showsCodes`.
    @discardableResult
    func sendCode(to typed: String) async throws -> String? {
        let phone = try Self.phone(typed)
        let ctx = req.jiujin
        let hash = ctx.cipher.lookupHash(phone)
        let now = ctx.now()
        let code = SignInCode.generate()
        let county = ctx.directory.countyName
        let message = ApplicantMessage(kind: "sign_in_code", phone: phone,
                                       text: "【\(county)政务服务】您的登录验证码为\(code)，5分钟内有效。请勿将验证码告诉他人，工作人员不会向您索要。")
        let cipher = ctx.cipher
        let codeHash = Self.codeHash(code, phoneHash: hash, cipher: cipher)
        let sent: Int = try await ctx.write(req.db) { tx in
            let sql = try sqlDatabase(tx)
            // Several processes on PostgreSQL: one number's count and insert are taken one at a time (SQLite has one writer).
            if sql.dialect.name == "postgresql" {
                try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(CAST(\(bind: "resident-code:" + hash) AS text)))").run()
            }
            let recent = try await sql.raw("""
                SELECT COUNT(*) AS n FROM resident_codes WHERE phone_hash = \(bind: hash) AND issued_at > \(bind: now.addingTimeInterval(-3600))
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            guard SignInCode.mayIssue(sentInLastHour: recent) else { return recent }
            // A new code voids the ones before it: only the latest works.
            try await sql.raw("UPDATE resident_codes SET used_at = \(bind: now) WHERE phone_hash = \(bind: hash) AND used_at IS NULL").run()
            try await sql.raw("""
                INSERT INTO resident_codes (id, phone_hash, code_hash, issued_at, wrong_tries) VALUES (\(bind: UUID()), \(bind: hash), \(bind: codeHash), \(bind: now), 0)
                """).run()
            try await Outbox.queue([message], caseId: nil, at: now, cipher: cipher, sealText: true, on: tx)
            return recent
        }
        guard SignInCode.mayIssue(sentInLastHour: sent) else {
            var e = APIError(SignInRefusal.tooManyCodes)
            e.status = .tooManyRequests
            e.retryAfter = 600
            throw e
        }
        return showsCodes ? code : nil
    }

    /// Checks a typed code against the number's latest one; a right one is used up and the number is signed in.
    func verify(phone typed: String, code rawCode: String) async throws -> String {
        let phone = try Self.phone(typed)
        let ctx = req.jiujin
        let hash = ctx.cipher.lookupHash(phone)
        let now = ctx.now()
        let sql = try sqlDatabase(req.db)
        guard let row = try await sql.raw("""
            SELECT id, code_hash, issued_at, wrong_tries, used_at FROM resident_codes WHERE phone_hash = \(bind: hash)
            ORDER BY CASE WHEN used_at IS NULL THEN 0 ELSE 1 END, issued_at DESC LIMIT 1
            """).first() else { throw APIError(SignInRefusal.noCode) }
        let id = try row.decode(column: "id", as: UUID.self)
        let state = SignInCode(issuedAt: try row.decode(column: "issued_at", as: Date.self),
                               wrongTries: try row.decode(column: "wrong_tries", as: Int.self),
                               usedAt: try row.decode(column: "used_at", as: Date?.self))
        let typedHash = SignInCode.normalize(rawCode).map { Self.codeHash($0, phoneHash: hash, cipher: ctx.cipher) } ?? ""
        let matches = PrintedCode.same(typedHash, try row.decode(column: "code_hash", as: String.self))
        let outcome = state.check(matches: matches, now: now)
        if case .refused(let why) = outcome { throw APIError(why) }
        // Every try is spent before its answer is known, atomically, so guesses sent at once still get five in all.
        let spent: Int? = try await ctx.write(req.db) { tx in
            try await sqlDatabase(tx).raw("""
                UPDATE resident_codes SET wrong_tries = wrong_tries + 1
                WHERE id = \(bind: id) AND used_at IS NULL AND wrong_tries < \(bind: SignInCode.wrongTriesAllowed)
                RETURNING wrong_tries
                """).first()?.decode(column: "wrong_tries", as: Int.self)
        }
        guard let spent else { throw APIError(SignInRefusal.exhausted) }
        guard case .accepted = outcome else { throw APIError(SignInRefusal.wrong(remaining: SignInCode.wrongTriesAllowed - spent)) }
        // Used once: a second request with the same code finds it taken; any other code of the number goes with it.
        let claimed = try await ctx.write(req.db) { tx in
            let sql = try sqlDatabase(tx)
            let mine = try await sql.raw("""
                UPDATE resident_codes SET used_at = \(bind: now) WHERE id = \(bind: id) AND used_at IS NULL RETURNING id
                """).all().count == 1
            if mine {
                try await sql.raw("UPDATE resident_codes SET used_at = \(bind: now) WHERE phone_hash = \(bind: hash) AND used_at IS NULL").run()
            }
            return mine
        }
        guard claimed else { throw APIError(SignInRefusal.used) }
        return phone
    }

    static func phone(_ typed: String) throws -> String {
        guard typed.count <= 20, let m = try? MobileNumber(typed) else { throw APIError(SignInRefusal.invalidPhone) }
        return m.rawValue
    }

    /// The keyed hash kept of a code, bound to the number it was sent to.
    static func codeHash(_ code: String, phoneHash: String, cipher: FieldCipher) -> String {
        cipher.lookupHash("sign-in:" + phoneHash + ":" + code)
    }
}

/// Residents' sign-in over JSON, for apps: ask for a code, trade it for a bearer token (`rsd_…`), sign out.
struct ResidentAuthController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        let limited = routes.grouped(RateLimitMiddleware(door: .residentSignIn))
        limited.post("resident", "codes", use: sendCode)
        limited.post("resident", "token", use: token)
        routes.post("resident", "logout", use: logout)
    }

    struct CodeBody: Content {
        var phone: String
    }

    struct CodeSent: Content {
        var phone: String
        var validSeconds: Int
        var message: String
        /// Only in the demo county without an SMS gateway.
        var demoCode: String?
    }

    func sendCode(req: Request) async throws -> Response {
        let body = try req.content.decode(CodeBody.self)
        let shown = try await ResidentSignIn(req: req).sendCode(to: body.phone)
        let phone = try ResidentSignIn.phone(body.phone)
        let response = Response(status: .accepted)
        try response.content.encode(CodeSent(phone: Masking.phone(phone), validSeconds: Int(SignInCode.validity),
                                             message: "验证码已发送至 \(Masking.phone(phone))，5分钟内有效", demoCode: shown))
        return response
    }

    struct TokenBody: Content {
        var phone: String
        var code: String
    }

    struct TokenIssued: Content {
        var token: String
        var phone: String
        var expiresInSeconds: Int
    }

    func token(req: Request) async throws -> Response {
        let body = try req.content.decode(TokenBody.self)
        let phone = try await ResidentSignIn(req: req).verify(phone: body.phone, code: body.code)
        let token = try await ResidentSessions.start(phone: phone, kind: .api, on: req)
        let response = Response(status: .created)
        try response.content.encode(TokenIssued(token: token, phone: Masking.phone(phone), expiresInSeconds: Int(ResidentSessions.maximumAPI)))
        return response
    }

    func logout(req: Request) async throws -> HTTPStatus {
        try await ResidentSessions.end(try req.requireResident(), on: req)
        return .noContent
    }
}

import Crypto
import Fluent
import Foundation
import JiujinCore
import SQLKit
import Vapor

/// Passwords, sign-in and API tokens. Passwords are checked with Bcrypt on
/// their own thread; failures slow further tries (`SignInThrottle`).
struct TokenService {
    let db: Database
    let ctx: JiujinContext

    init(db: Database, ctx: JiujinContext) {
        self.db = db
        self.ctx = ctx
    }

    init(_ req: Request) { self.init(db: req.db, ctx: req.jiujin) }

    static let lifetime: TimeInterval = 12 * 3600

    static func hash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Data(token.utf8)))
    }

    /// Random URL-safe text of 32 bytes, for tokens and CSRF values.
    static func randomToken() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        return Base64URL.encode(bytes)
    }

    /// Checks a username and password. Every failure answers the same, whether the name exists or not; repeated
    /// failures slow the name from that address (`SignInThrottle`). The password is checked on its own thread
    /// (`PasswordWork`), never inside a write; a write happens only to replace a hash made at a lower cost.
    func authenticate(username: String, password: String, address: String) async throws -> AuthenticatedStaff {
        // The limits are public, so refusing an overlong name or password says nothing about any account.
        guard username.count <= 64 else { throw APIError.invalid("username", "用户名不超过64个字符") }
        guard password.count <= 128 else { throw APIError.invalid("password", "密码不超过128个字符") }
        let throttle = ctx.signInThrottle
        if let wait = throttle.wait(name: username, address: address) { throw Self.tooManyAttempts(wait) }
        let failure = APIError(.unauthorized, "invalid_credentials", "用户名或密码错误")
        guard !username.isEmpty, !password.isEmpty,
              let user = try await StaffModel.query(on: db).filter(\.$username == username).first(), user.active, let userId = user.id else {
            try await ctx.passwords.verifyNobody(password) // the same cost whether or not the user exists
            throttle.failed(name: username, address: address)
            throw failure
        }
        // Without the demo county the public demo password never signs in, even where an account still has it:
        // first passwords come from activation codes (`AccountService`).
        let refused = !ctx.options.loadDemo && password == DemoCounty.demoPassword
        guard try await ctx.passwords.verify(password, against: user.passwordHash), !refused else {
            throttle.failed(name: username, address: address)
            throw failure
        }
        throttle.succeeded(name: username, address: address)
        if ctx.passwords.isWeaker(user.passwordHash) {
            let stronger = try await ctx.passwords.hash(password)
            try await ctx.write(db) { tx in
                guard let row = try await StaffModel.find(userId, on: tx) else { return }
                row.passwordHash = stronger
                try await row.save(on: tx)
            }
        }
        guard let member = user.domain, let org = ctx.directory.organizations[member.orgId] else {
            throw APIError(.forbidden, "account_misconfigured", "账号所属机构不存在，请联系管理员")
        }
        return AuthenticatedStaff(member: member, org: org, mustChangePassword: user.mustChangePassword)
    }

    /// The answer while a name waits after failed sign-ins or activation codes, with Retry-After.
    static func tooManyAttempts(_ wait: TimeInterval, doing what: String = "登录") -> APIError {
        APIError(.tooManyRequests, "too_many_attempts", "\(what)失败次数过多，请\(describe(wait))后再试，或请管理员解除",
                 retryAfter: Int(wait.rounded(.up)))
    }

    /// "30秒", "2分钟", for a wait.
    static func describe(_ wait: TimeInterval) -> String {
        wait < 60 ? "\(Int(wait.rounded(.up)))秒" : "\(Int((wait / 60).rounded(.up)))分钟"
    }

    func issue(username: String, password: String, address: String) async throws -> (String, Date, AuthenticatedStaff) {
        let staff = try await authenticate(username: username, password: password, address: address)
        let token = Self.randomToken()
        let expires = ctx.now().addingTimeInterval(Self.lifetime)
        let row = APITokenModel(tokenHash: Self.hash(token), staffId: staff.id, expiresAt: expires)
        try await ctx.write(db) { tx in try await row.create(on: tx) }
        return (token, expires, staff)
    }

    /// Changes a password after checking the current one (`PasswordRule` for the new one). Every other session and
    /// token of the account ends; the ones named stay (the session or token that asked).
    func changePassword(staffId: String, current: String, new: String, keepSession: String? = nil, keepToken: String? = nil) async throws {
        guard let user = try await StaffModel.find(staffId, on: db) else { throw APIError.unauthenticated }
        guard current.count <= 128 else { throw APIError.invalid("currentPassword", "密码不超过128个字符") }
        guard new.count <= 128 else { throw APIError.invalid("newPassword", "新密码不超过128个字符", code: "weak_password") }
        guard try await ctx.passwords.verify(current, against: user.passwordHash) else {
            throw APIError.invalid("currentPassword", "当前密码不正确", code: "wrong_password")
        }
        if let problem = PasswordRule.problem(new, current: current, demoPassword: DemoCounty.demoPassword) {
            throw APIError.invalid("newPassword", problem, code: "weak_password")
        }
        let hash = try await ctx.passwords.hash(new)
        let now = ctx.now()
        try await ctx.write(db) { tx in
            guard let row = try await StaffModel.find(staffId, on: tx) else { return }
            row.passwordHash = hash
            row.mustChangePassword = false
            try await row.save(on: tx)
            try await AccountService.endSessions(of: staffId, on: tx, keepSession: keepSession, keepToken: keepToken)
            try await AdminChangeModel(.account, staffId, action: "password_changed", actorId: staffId, actorRole: row.role, reason: nil, at: now)
                .create(on: tx)
        }
    }

    /// The member behind an API token: one indexed query for the token and its account together. Every API request
    /// asks it, so it reads columns directly instead of decoding two models.
    func staff(for token: String) async throws -> AuthenticatedStaff? {
        guard token.count <= 200,
              let row = try await sqlDatabase(db).raw("""
                  SELECT \(unsafeRaw: Self.memberColumns), t.expires_at FROM api_tokens t JOIN staff s ON s.id = t.staff_id
                  WHERE t.token_hash = \(bind: Self.hash(token))
                  """).first(),
              try row.decode(column: "expires_at", as: Date.self) > ctx.now() else { return nil }
        return try member(row)
    }

    /// The member behind a token or session, if still active and in a known organisation.
    func signedIn(staffId: String) async throws -> AuthenticatedStaff? {
        guard let row = try await sqlDatabase(db).raw("SELECT \(unsafeRaw: Self.memberColumns) FROM staff s WHERE s.id = \(bind: staffId)")
            .first() else { return nil }
        return try member(row)
    }

    private static let memberColumns = "s.id, s.username, s.name, s.role, s.org_id, s.phone, s.must_change_password, s.active, s.point_id, s.backup_id, s.agent_mode"

    private func member(_ row: SQLRow) throws -> AuthenticatedStaff? {
        guard try row.decode(column: "active", as: Bool.self),
              let role = ActorRole(rawValue: try row.decode(column: "role", as: String.self)),
              let org = ctx.directory.organizations[try row.decode(column: "org_id", as: String.self)] else { return nil }
        let member = StaffMember(id: try row.decode(column: "id", as: String.self), username: try row.decode(column: "username", as: String.self),
                                 name: try row.decode(column: "name", as: String.self), role: role, orgId: org.id,
                                 phone: try row.decode(column: "phone", as: String?.self),
                                 pointId: try row.decode(column: "point_id", as: String?.self),
                                 backupId: try row.decode(column: "backup_id", as: String?.self),
                                 agentMode: try row.decode(column: "agent_mode", as: String?.self).flatMap(AgentMode.init))
        return AuthenticatedStaff(member: member, org: org, mustChangePassword: try row.decode(column: "must_change_password", as: Bool.self))
    }

    func revoke(_ token: String) async throws {
        let hash = Self.hash(token)
        try await ctx.write(db) { tx in try await APITokenModel.query(on: tx).filter(\.$tokenHash == hash).delete() }
    }
}

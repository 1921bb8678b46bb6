import Crypto
import Fluent
import Foundation
import JiujinCore
import SQLKit
import Vapor

/// A one-time activation code of an account (激活码), stored as its SHA-256.
final class ActivationCodeModel: Model, @unchecked Sendable {
    static let schema = "activation_codes"
    @ID(custom: "id", generatedBy: .user) var id: UUID?
    @Field(key: "staff_id") var staffId: String
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}

/// The append-only record of who changed an account, a seal, a signing key or a certificate, when and why
/// (管理变更记录). Delegations keep their own record (`delegation_changes`).
final class AdminChangeModel: Model, @unchecked Sendable {
    static let schema = "admin_changes"

    enum Subject: String, Sendable {
        case account, seal, key, certificate, region, organization, point, item, delegation
    }

    @ID(custom: "id", generatedBy: .user) var id: UUID?
    @Field(key: "subject_kind") var subjectKind: String
    @Field(key: "subject_id") var subjectId: String
    @Field(key: "action") var action: String
    @Field(key: "actor_id") var actorId: String
    @Field(key: "actor_role") var actorRole: String
    @OptionalField(key: "reason") var reason: String?
    @Field(key: "at") var at: Date
    /// The subject as it was and as it became (JSON), when the change edits it.
    @OptionalField(key: "before_json") var beforeJSON: String?
    @OptionalField(key: "after_json") var afterJSON: String?

    init() {}

    /// `actorId` "cli" with role "system" for the command line.
    init(_ subject: Subject, _ subjectId: String, action: String, actorId: String, actorRole: String, reason: String?, at: Date,
         before: String? = nil, after: String? = nil) {
        id = UUID()
        beforeJSON = before
        afterJSON = after
        subjectKind = subject.rawValue
        self.subjectId = subjectId
        self.action = action
        self.actorId = actorId
        self.actorRole = actorRole
        self.reason = reason
        self.at = at
    }

    convenience init(_ subject: Subject, _ subjectId: String, action: String, by staff: Staff, reason: String?, at: Date) {
        self.init(subject, subjectId, action: action, actorId: staff.id, actorRole: staff.role.rawValue, reason: reason, at: at)
    }
}

/// Accounts as administrators keep them (账号管理): create, deactivate and reactivate, unlock the sign-in
/// throttle, reset a password to a one-time activation code; and activation itself. Every change is recorded in
/// `admin_changes`, and a reset, deactivation or password change ends the account's other sessions and tokens.
struct AccountService {
    let db: Database
    let ctx: JiujinContext

    init(db: Database, ctx: JiujinContext) {
        self.db = db
        self.ctx = ctx
    }

    init(_ req: Request) { self.init(db: req.db, ctx: req.jiujin) }

    static func codeHash(_ normalized: String) -> String { Hex.encode(SHA256.hash(data: Data(("activation:" + normalized).utf8))) }

    /// What an administrator sees of an account; the phone is masked.
    struct Row: Content {
        var id: String
        var username: String
        var name: String
        var role: String
        var roleLabel: String
        var orgId: String
        var orgName: String
        var phone: String?
        var active: Bool
        var awaitingActivation: Bool
        var throttled: Bool
    }

    func list(limit: Int = 2000) async throws -> [Row] {
        let staff = try await StaffModel.query(on: db).sort(\.$orgId).sort(\.$username).limit(limit).all()
        let now = ctx.now()
        let pending = Set(try await ActivationCodeModel.query(on: db).filter(\.$usedAt == nil).filter(\.$expiresAt > now).all().map(\.staffId))
        let d = ctx.directory
        return staff.compactMap { s in
            guard let id = s.id, let role = ActorRole(rawValue: s.role) else { return nil }
            return Row(id: id, username: s.username, name: s.name, role: role.rawValue, roleLabel: role.label, orgId: s.orgId,
                       orgName: d.name(ofOrg: s.orgId), phone: s.phone.map(Masking.phone), active: s.active,
                       awaitingActivation: pending.contains(id), throttled: ctx.signInThrottle.isSlowed(name: s.username))
        }
    }

    /// Carries out an administrator's action. `.reset` answers the new activation code (shown once).
    func perform(_ action: AccountAction, on staffId: String, reason: String?, by actor: Staff) async throws -> (Row?, String?) {
        let reason = reason?.trimmed.nonEmpty
        guard (reason?.count ?? 0) <= 300 else { throw APIError.invalid("reason", "原因不超过300字") }
        guard staffId.count <= 64, let target = try await StaffModel.find(staffId, on: db), let targetId = target.id else {
            throw APIError.notFound("账号")
        }
        if let refusal = action.refusal(actorId: actor.id, targetId: targetId, targetActive: target.active) {
            throw APIError(.conflict, "account_action_refused", refusal)
        }
        let now = ctx.now()
        var code: String?
        switch action {
        case .unlock:
            ctx.signInThrottle.clear(name: target.username)
            try await ctx.write(db) { tx in
                try await AdminChangeModel(.account, targetId, action: "unlocked", by: actor, reason: reason, at: now).create(on: tx)
            }
        case .deactivate, .reactivate:
            let active = action == .reactivate
            try await ctx.write(db) { tx in
                try await StaffModel.query(on: tx).filter(\.$id == targetId).set(\.$active, to: active).update()
                if !active {
                    try await Self.endSessions(of: targetId, on: tx)
                    try await ActivationCodeModel.query(on: tx).filter(\.$staffId == targetId).filter(\.$usedAt == nil).set(\.$usedAt, to: now).update()
                }
                try await AdminChangeModel(.account, targetId, action: active ? "reactivated" : "deactivated", by: actor, reason: reason, at: now)
                    .create(on: tx)
            }
        case .reset:
            code = try await issueCode(for: targetId, actorId: actor.id, actorRole: actor.role.rawValue, reason: reason, action: "reset")
        }
        return (try await list().first { $0.id == targetId }, code)
    }

    /// A new activation code for the account: its password stops working at once, its sessions and tokens end,
    /// earlier codes lapse, and the member must set a new password with the code (valid 7 days).
    func issueCode(for staffId: String, actorId: String, actorRole: String, reason: String?, action: String) async throws -> String {
        let code = ActivationCode.generate()
        let now = ctx.now()
        let row = ActivationCodeModel()
        row.id = UUID()
        row.staffId = staffId
        row.codeHash = Self.codeHash(ActivationCode.normalize(code)!)
        row.createdBy = actorId
        row.createdAt = now
        row.expiresAt = now.addingTimeInterval(ActivationCode.lifetime)
        // A password nobody knows: bcrypt of random bytes, at the configured cost.
        let unusable = try await ctx.passwords.hash(TokenService.randomToken())
        try await ctx.write(db) { tx in
            try await ActivationCodeModel.query(on: tx).filter(\.$staffId == staffId).filter(\.$usedAt == nil).set(\.$usedAt, to: now).update()
            try await row.create(on: tx)
            try await StaffModel.query(on: tx).filter(\.$id == staffId).set(\.$passwordHash, to: unusable).set(\.$mustChangePassword, to: true).update()
            try await Self.endSessions(of: staffId, on: tx)
            try await AdminChangeModel(.account, staffId, action: action, actorId: actorId, actorRole: actorRole, reason: reason, at: now).create(on: tx)
        }
        return code
    }

    /// Sets the first (or a reset) password with a one-time code. Wrong codes count like wrong passwords.
    func activate(username: String, code typed: String, newPassword: String, address: String) async throws {
        guard username.count <= 64 else { throw APIError.invalid("username", "用户名不超过64个字符") }
        let throttle = ctx.signInThrottle
        if let wait = throttle.wait(name: username, address: address) { throw TokenService.tooManyAttempts(wait, doing: "激活") }
        if let problem = PasswordRule.problem(newPassword, demoPassword: DemoCounty.demoPassword) {
            throw APIError.invalid("newPassword", problem, code: "weak_password")
        }
        let failure = APIError(.unauthorized, "invalid_activation", "用户名或激活码不正确，或激活码已使用、已过期")
        let now = ctx.now()
        guard let normalized = ActivationCode.normalize(typed),
              let user = try await StaffModel.query(on: db).filter(\.$username == username).first(), user.active, let userId = user.id,
              let row = try await ActivationCodeModel.query(on: db).filter(\.$codeHash == Self.codeHash(normalized)).first(),
              row.staffId == userId, row.usedAt == nil, row.expiresAt > now, let rowId = row.id else {
            throttle.failed(name: username, address: address)
            throw failure
        }
        let hash = try await ctx.passwords.hash(newPassword)
        try await ctx.write(db) { tx in
            // Used exactly once, also when two tabs send the same code together.
            guard try await ActivationCodeModel.query(on: tx).filter(\.$id == rowId).filter(\.$usedAt == nil).count() == 1 else { throw failure }
            try await ActivationCodeModel.query(on: tx).filter(\.$id == rowId).set(\.$usedAt, to: now).update()
            try await StaffModel.query(on: tx).filter(\.$id == userId).set(\.$passwordHash, to: hash).set(\.$mustChangePassword, to: false).update()
            try await Self.endSessions(of: userId, on: tx)
            try await AdminChangeModel(.account, userId, action: "activated", actorId: userId, actorRole: user.role, reason: nil, at: now).create(on: tx)
        }
        throttle.succeeded(name: username, address: address)
    }

    /// Creates an account with no usable password and answers its activation code (the command line's
    /// `create-admin`, and later the import of staff).
    func create(_ member: StaffMember, actorId: String, actorRole: String) async throws -> String {
        guard try await StaffModel.query(on: db).filter(\.$username == member.username).count() == 0 else {
            throw APIError(.conflict, "username_taken", "用户名「\(TextLimit.echo(member.username))」已存在")
        }
        let unusable = try await ctx.passwords.hash(TokenService.randomToken())
        let row = StaffModel(member, passwordHash: unusable, mustChangePassword: true)
        try await ctx.write(db) { tx in
            try await row.create(on: tx)
            try await AdminChangeModel(.account, member.id, action: "created", actorId: actorId, actorRole: actorRole, reason: nil, at: ctx.now())
                .create(on: tx)
        }
        return try await issueCode(for: member.id, actorId: actorId, actorRole: actorRole, reason: nil, action: "activation_issued")
    }

    /// Ends every session and token of an account, except the ones named (the request that changed the password).
    static func endSessions(of staffId: String, on db: Database, keepSession: String? = nil, keepToken: String? = nil) async throws {
        var sessions = WebSessionModel.query(on: db).filter(\.$staffId == staffId)
        if let keepSession { sessions = sessions.filter(\.$id != keepSession) }
        try await sessions.delete()
        var tokens = APITokenModel.query(on: db).filter(\.$staffId == staffId)
        if let keepToken { tokens = tokens.filter(\.$tokenHash != keepToken) }
        try await tokens.delete()
    }
}

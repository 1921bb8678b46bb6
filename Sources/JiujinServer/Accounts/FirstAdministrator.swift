import Fluent
import Foundation
import JiujinCore
import Vapor

/// `jiujin create-admin`: the first administrator of a county that starts from nothing, or a fresh activation code
/// for an administrator who lost their password. Nobody chooses a password here: the command prints a one-time
/// activation code, and the administrator sets a password with it at /activate.
public enum FirstAdministrator {
    public struct Outcome: Sendable {
        public var username: String
        /// The activation code; nil when a password was given.
        public var code: String?
        public var expiresAt: Date
        public var created: Bool
        public var orgName: String
    }

    /// `orgId`: the organisation the account belongs to; required once the database has organisations. In an empty
    /// database, `county` (name) and `division` (12-digit code of the county) create the county and its approval
    /// bureau (行政审批服务局) for the account.
    /// `password`: set it at once (read from standard input or JIUJIN_ADMIN_PASSWORD, never a default) instead of
    /// printing an activation code; it must pass the new-password rule.
    public static func run(_ app: Application, username rawName: String, name rawFullName: String?, orgId: String?,
                           county: String?, division: String?, password: String? = nil) async throws -> Outcome {
        if let password, let problem = PasswordRule.problem(password, demoPassword: DemoCounty.demoPassword) {
            throw ConfigurationError("the password is refused: \(problem)")
        }
        var outcome = try await issue(app, username: rawName, name: rawFullName, orgId: orgId, county: county, division: division)
        if let password {
            try await setPassword(app, username: outcome.username, password: password)
            outcome.code = nil
        }
        return outcome
    }

    /// Sets the password and uses up the activation code just issued, so nothing is left to activate.
    private static func setPassword(_ app: Application, username: String, password: String) async throws {
        let ctx = app.jiujin
        let hash = try await ctx.passwords.hash(password)
        let now = ctx.now()
        try await ctx.write(app.db) { tx in
            guard let row = try await StaffModel.query(on: tx).filter(\.$username == username).first(), let id = row.id else { return }
            row.passwordHash = hash
            row.mustChangePassword = false
            try await row.save(on: tx)
            try await ActivationCodeModel.query(on: tx).filter(\.$staffId == id).filter(\.$usedAt == nil).set(\.$usedAt, to: now).update()
            try await AdminChangeModel(.account, id, action: "password_set", actorId: "cli", actorRole: ActorRole.system.rawValue,
                                       reason: "jiujin create-admin", at: now).create(on: tx)
        }
    }

    private static func issue(_ app: Application, username rawName: String, name rawFullName: String?, orgId: String?,
                              county: String?, division: String?) async throws -> Outcome {
        let ctx = app.jiujin
        let db = app.db
        let username = rawName.trimmed
        guard !username.isEmpty, username.count <= 64, username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw ConfigurationError("the username must be 1–64 letters, digits, '-', '_' or '.'")
        }
        let accounts = AccountService(db: db, ctx: ctx)
        let expires = ctx.now().addingTimeInterval(ActivationCode.lifetime)
        if let existing = try await StaffModel.query(on: db).filter(\.$username == username).first(), let id = existing.id {
            guard existing.role == ActorRole.administrator.rawValue else {
                throw ConfigurationError("\(username) exists and is not an administrator; reset it on the accounts page instead")
            }
            if !existing.active {
                try await ctx.write(db) { tx in
                    try await StaffModel.query(on: tx).filter(\.$id == id).set(\.$active, to: true).update()
                    try await AdminChangeModel(.account, id, action: "reactivated", actorId: "cli", actorRole: ActorRole.system.rawValue,
                                               reason: "jiujin create-admin", at: ctx.now()).create(on: tx)
                }
            }
            let code = try await accounts.issueCode(for: id, actorId: "cli", actorRole: ActorRole.system.rawValue, reason: "jiujin create-admin",
                                                    action: "reset")
            return Outcome(username: username, code: code, expiresAt: expires, created: false, orgName: ctx.directory.name(ofOrg: existing.orgId))
        }
        guard let fullName = rawFullName?.trimmed.nonEmpty, fullName.count <= 50 else { throw ConfigurationError("--name (at most 50 characters) is required for a new account") }
        let org = try await organisation(app, orgId: orgId, county: county, division: division)
        let member = StaffMember(id: "staff-" + UUID().uuidString.prefix(8).lowercased(), username: username, name: fullName,
                                 role: .administrator, orgId: org.id)
        let code = try await accounts.create(member, actorId: "cli", actorRole: ActorRole.system.rawValue)
        return Outcome(username: username, code: code, expiresAt: expires, created: true, orgName: org.name)
    }

    private static func organisation(_ app: Application, orgId: String?, county: String?, division: String?) async throws -> Organization {
        let ctx = app.jiujin
        if let orgId {
            guard let org = ctx.directory.organizations[orgId] else { throw ConfigurationError("no organisation \(orgId)") }
            return org
        }
        guard ctx.directory.organizations.isEmpty else {
            let ids = ctx.directory.organizations.values.filter { $0.kind == .department }.map(\.id).sorted().prefix(8)
            throw ConfigurationError("--org is required; county organisations include: \(ids.joined(separator: ", "))")
        }
        guard let countyName = county?.trimmed.nonEmpty, countyName.count <= 50,
              let code = division.flatMap(DivisionCode.init), code.level == .county else {
            throw ConfigurationError("the database has no organisations yet: give --county (name) and --division (the county's 12-digit code)")
        }
        let region = Region(code: code, name: countyName, kind: .county)
        let org = Organization(id: "dept-xzsp", name: countyName + "行政审批服务局", kind: .department, region: code)
        try await ctx.write(app.db) { tx in
            if try await RegionModel.find(code.rawValue, on: tx) == nil { try await RegionModel(region).create(on: tx) }
            try await OrganizationModel(org).create(on: tx)
        }
        try await ctx.reloadDirectory(app.db)
        return org
    }
}

import Crypto
import Foundation
import Fluent
import JiujinCore
import Vapor

/// The signed-in member of staff with their organisation.
struct AuthenticatedStaff: Sendable {
    var member: StaffMember
    var org: Organization
    /// A default or reset password must be changed before anything else.
    var mustChangePassword = false

    var id: String { member.id }
    var role: ActorRole { member.role }

    /// The region subtree the member works in: county bodies see the county.
    var scope: DivisionCode { org.region }

    var seesWholeCounty: Bool {
        [.supervisor, .administrator].contains(role) || org.kind == .countyCentre
    }
}

struct StaffKey: StorageKey {
    typealias Value = AuthenticatedStaff
}

/// Reads `Authorization: Bearer <token>` and attaches the member of staff.
/// Routes decide themselves whether a member is required.
struct BearerAuthMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if let token = request.headers.bearerAuthorization?.token {
            guard let staff = try await TokenService.staff(for: token, on: request) else { throw APIError.unauthenticated }
            request.storage[StaffKey.self] = staff
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    /// The signed-in member; one who must still change a default password may do nothing else.
    func requireStaff() throws -> AuthenticatedStaff {
        guard let staff = storage[StaffKey.self] else { throw APIError.unauthenticated }
        if staff.mustChangePassword {
            throw APIError(.forbidden, "password_change_required", "请先修改初始密码后再使用系统")
        }
        return staff
    }

    func requireStaff(_ roles: Set<ActorRole>) throws -> AuthenticatedStaff {
        let staff = try requireStaff()
        guard roles.contains(staff.role) else { throw APIError.forbidden("\(staff.role.label)无权访问此功能") }
        return staff
    }
}

/// Issues and resolves API tokens; passwords are checked with Bcrypt and
/// accounts lock for 15 minutes after 5 failures in a row.
enum TokenService {
    static let lifetime: TimeInterval = 12 * 3600
    static let maxFailures = 5
    static let lockout: TimeInterval = 15 * 60

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Checks a username and password, counting failures and locking the account after five.
    static func authenticate(username: String, password: String, on req: Request) async throws -> AuthenticatedStaff {
        let now = req.jiujin.now()
        guard !username.isEmpty, username.count <= 64, !password.isEmpty, password.count <= 128,
              let user = try await StaffModel.query(on: req.db).filter(\.$username == username).first(), user.active else {
            _ = try? Bcrypt.verify(password, created: dummyHash) // same cost whether or not the user exists
            throw APIError(.unauthorized, "invalid_credentials", "用户名或密码错误")
        }
        if let until = user.lockedUntil, until > now {
            throw APIError(.tooManyRequests, "account_locked", "连续登录失败次数过多，账号已临时锁定，请15分钟后再试或联系管理员")
        }
        guard try Bcrypt.verify(password, created: user.passwordHash) else {
            user.failedLogins += 1
            if user.failedLogins >= maxFailures {
                user.lockedUntil = now.addingTimeInterval(lockout)
                user.failedLogins = 0
            }
            try await user.save(on: req.db)
            throw APIError(.unauthorized, "invalid_credentials", "用户名或密码错误")
        }
        if user.failedLogins != 0 || user.lockedUntil != nil {
            user.failedLogins = 0
            user.lockedUntil = nil
            try await user.save(on: req.db)
        }
        guard let member = user.domain, let org = req.jiujin.directory.organizations[member.orgId] else {
            throw APIError(.forbidden, "account_misconfigured", "账号所属机构不存在，请联系管理员")
        }
        return AuthenticatedStaff(member: member, org: org, mustChangePassword: user.mustChangePassword)
    }

    static func issue(username: String, password: String, on req: Request) async throws -> (String, Date, AuthenticatedStaff) {
        let staff = try await authenticate(username: username, password: password, on: req)
        let token = WebSessions.randomToken()
        let expires = req.jiujin.now().addingTimeInterval(lifetime)
        try await APITokenModel(tokenHash: hash(token), staffId: staff.id, expiresAt: expires).create(on: req.db)
        return (token, expires, staff)
    }

    /// Changes a password after checking the current one; the new one must be
    /// at least 10 characters with letters and digits, and not the demo password.
    static func changePassword(staffId: String, current: String, new: String, on req: Request) async throws {
        guard let user = try await StaffModel.find(staffId, on: req.db) else { throw APIError.unauthenticated }
        guard current.count <= 128, try Bcrypt.verify(current, created: user.passwordHash) else {
            throw APIError.invalid("currentPassword", "当前密码不正确", code: "wrong_password")
        }
        guard new.count >= 10, new.count <= 128, new.contains(where: \.isLetter), new.contains(where: \.isNumber) else {
            throw APIError.invalid("newPassword", "新密码至少10位，且须同时包含字母和数字", code: "weak_password")
        }
        guard new != DemoCounty.demoPassword, new != current else {
            throw APIError.invalid("newPassword", "新密码不能与演示密码或当前密码相同", code: "weak_password")
        }
        user.passwordHash = try Bcrypt.hash(new, cost: 12)
        user.mustChangePassword = false
        try await user.save(on: req.db)
    }

    static func staff(for token: String, on req: Request) async throws -> AuthenticatedStaff? {
        guard token.count <= 200,
              let row = try await APITokenModel.query(on: req.db).filter(\.$tokenHash == hash(token)).first(),
              row.expiresAt > req.jiujin.now(),
              let user = try await StaffModel.find(row.staffId, on: req.db), user.active,
              let member = user.domain, let org = req.jiujin.directory.organizations[member.orgId] else { return nil }
        return AuthenticatedStaff(member: member, org: org, mustChangePassword: user.mustChangePassword)
    }

    static func revoke(_ token: String, on req: Request) async throws {
        try await APITokenModel.query(on: req.db).filter(\.$tokenHash == hash(token)).delete()
    }

    private static let dummyHash = (try? Bcrypt.hash("jiujin-timing-equaliser", cost: 10)) ?? ""
}

import Crypto
import Fluent
import JiujinCore
import Vapor

/// The signed-in member of staff with their organisation.
struct AuthenticatedStaff: Sendable {
    var member: StaffMember
    var org: Organization

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
    func requireStaff() throws -> AuthenticatedStaff {
        guard let staff = storage[StaffKey.self] else { throw APIError.unauthenticated }
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

    static func issue(username: String, password: String, on req: Request) async throws -> (String, Date, AuthenticatedStaff) {
        let now = req.jiujin.now()
        guard let user = try await StaffModel.query(on: req.db).filter(\.$username == username).first(), user.active else {
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
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        let token = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let expires = now.addingTimeInterval(lifetime)
        try await APITokenModel(tokenHash: hash(token), staffId: member.id, expiresAt: expires).create(on: req.db)
        return (token, expires, AuthenticatedStaff(member: member, org: org))
    }

    static func staff(for token: String, on req: Request) async throws -> AuthenticatedStaff? {
        guard token.count <= 200,
              let row = try await APITokenModel.query(on: req.db).filter(\.$tokenHash == hash(token)).first(),
              row.expiresAt > req.jiujin.now(),
              let user = try await StaffModel.find(row.staffId, on: req.db), user.active,
              let member = user.domain, let org = req.jiujin.directory.organizations[member.orgId] else { return nil }
        return AuthenticatedStaff(member: member, org: org)
    }

    static func revoke(_ token: String, on req: Request) async throws {
        try await APITokenModel.query(on: req.db).filter(\.$tokenHash == hash(token)).delete()
    }

    private static let dummyHash = (try? Bcrypt.hash("jiujin-timing-equaliser", cost: 10)) ?? ""
}

import Foundation
import JiujinCore
import Vapor

/// The signed-in member of staff: the core's `Staff` (member and
/// organisation) plus what only sign-in knows. Reads through to `Staff`.
@dynamicMemberLookup
struct AuthenticatedStaff: Sendable {
    var staff: Staff
    /// A default or reset password must be changed before anything else.
    var mustChangePassword = false

    init(member: StaffMember, org: Organization, mustChangePassword: Bool = false) {
        staff = Staff(member: member, org: org)
        self.mustChangePassword = mustChangePassword
    }

    subscript<T>(dynamicMember path: KeyPath<Staff, T>) -> T { staff[keyPath: path] }
}

struct StaffKey: StorageKey {
    typealias Value = AuthenticatedStaff
}

extension Request {
    /// Attaches the signed-in member for this request (and names them in its log line).
    func signIn(_ staff: AuthenticatedStaff) {
        storage[StaffKey.self] = staff
        storage[LoggedStaffKey.self] = staff.id
    }

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

/// Reads `Authorization: Bearer <token>` and attaches the member of staff (or, for `rsd_…`, the resident).
/// Routes decide themselves whether a member is required.
struct BearerAuthMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        // /metrics takes its own token (JIUJIN_METRICS_TOKEN), not a member's.
        if let token = request.headers.bearerAuthorization?.token, request.url.path != "/metrics" {
            if token.hasPrefix(ResidentSessions.tokenPrefix) {
                // A resident's token (居民令牌): it opens the resident's own doors and nothing of the staff.
                guard let resident = try await ResidentSessions.resident(token: token, kind: .api, on: request) else {
                    throw APIError(.unauthorized, "resident_unauthenticated", "居民令牌无效或已过期，请重新用短信验证码登录")
                }
                request.storage[ResidentKey.self] = resident
                return try await next.respond(to: request)
            }
            guard let staff = try await TokenService(request).staff(for: token) else { throw APIError.unauthenticated }
            request.signIn(staff)
        }
        return try await next.respond(to: request)
    }
}
